#include "RequestBudget.h"

#include <QHash>

namespace patchbay {

std::shared_ptr<RequestBudget> RequestBudget::shared(const QString &key, int requests, std::chrono::milliseconds window)
{
    static QMutex mutex;
    static QHash<QString, std::shared_ptr<RequestBudget>> budgets;
    QMutexLocker lock(&mutex);
    auto &budget = budgets[key];
    if (!budget)
        budget = std::make_shared<RequestBudget>(requests, window);
    return budget;
}

std::chrono::milliseconds RequestBudget::tryTake(qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    const qint64 windowMs = m_window.count();
    while (!m_taken.empty() && m_taken.front() <= nowMs - windowMs)
        m_taken.pop_front();
    if (static_cast<int>(m_taken.size()) < m_requests) {
        m_taken.push_back(nowMs);
        return std::chrono::milliseconds(0);
    }
    return std::chrono::milliseconds(std::max<qint64>(1, m_taken.front() + windowMs - nowMs));
}

} // namespace patchbay
