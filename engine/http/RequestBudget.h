#pragma once

#include <QMap>
#include <QMutex>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>

namespace patchbay {

// A request budget shared by every connection of one provider account: at most `requests` calls in any window
// of `window`, as the provider counts them. All executions in the process that name the same key share one
// budget, so ten connections of one HubSpot portal together stay under the portal's limit instead of each
// spending it. A call holds its slot from when it is sent until `window` after its answer arrived, so however
// long calls take in flight, no window at the provider sees more than `requests` of them.
class RequestBudget
{
public:
    RequestBudget(int requests, std::chrono::milliseconds window) : m_requests(requests), m_window(window) {}

    // The budget of one account (and of these numbers), created on first use.
    static std::shared_ptr<RequestBudget> shared(const QString &key, int requests, std::chrono::milliseconds window);

    struct Taken
    {
        qint64 ticket = 0;                 // > 0 when a slot was taken: pass it to finish()
        std::chrono::milliseconds wait{0}; // otherwise: how long to wait before asking again
    };
    Taken tryTake(qint64 nowMs);
    // The call of that ticket got its answer (or gave up) at nowMs.
    void finish(qint64 ticket, qint64 nowMs);
    // The ticket's call was not sent after all (another window had no room): its slot is free again.
    void release(qint64 ticket);

    int requests() const { return m_requests; }
    std::chrono::milliseconds window() const { return m_window; }

private:
    static constexpr qint64 kInFlight = std::numeric_limits<qint64>::max();
    static constexpr qint64 kInFlightPollMs = 25;

    const int m_requests;
    const std::chrono::milliseconds m_window;
    QMutex m_mutex;
    QMap<qint64, qint64> m_slots; // ticket -> when its call finished (kInFlight while it is out)
    qint64 m_nextTicket = 1;
};

} // namespace patchbay
