#pragma once

#include <QMutex>
#include <QString>

#include <chrono>
#include <deque>
#include <memory>

namespace patchbay {

class Clock;

// A request budget shared by every connection of one provider account: at most `requests` calls in any window
// of `window`. All executions in the process that name the same key share one budget, so ten connections of
// one HubSpot portal together stay under the portal's limit instead of each spending it.
class RequestBudget
{
public:
    RequestBudget(int requests, std::chrono::milliseconds window) : m_requests(requests), m_window(window) {}

    // The budget of one account, created on first use; later calls with other numbers get the first budget.
    static std::shared_ptr<RequestBudget> shared(const QString &key, int requests, std::chrono::milliseconds window);

    // Takes one request from the budget and returns at once, or returns how long to wait before asking again.
    std::chrono::milliseconds tryTake(qint64 nowMs);

    int requests() const { return m_requests; }
    std::chrono::milliseconds window() const { return m_window; }

private:
    const int m_requests;
    const std::chrono::milliseconds m_window;
    QMutex m_mutex;
    std::deque<qint64> m_taken; // times of the requests in the current window, oldest first
};

} // namespace patchbay
