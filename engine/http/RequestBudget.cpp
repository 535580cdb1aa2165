#include "RequestBudget.h"

#include <QHash>

#include <algorithm>

namespace patchbay {

std::shared_ptr<RequestBudget> RequestBudget::shared(const QString &key, int requests, std::chrono::milliseconds window)
{
    static QMutex mutex;
    static QHash<QString, std::shared_ptr<RequestBudget>> budgets;
    QMutexLocker lock(&mutex);
    // A definition changed to other numbers gets a budget of its own.
    auto &budget = budgets[QStringLiteral("%1|%2/%3").arg(key).arg(requests).arg(window.count())];
    if (!budget)
        budget = std::make_shared<RequestBudget>(requests, window);
    return budget;
}

RequestBudget::Taken RequestBudget::tryTake(qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    const qint64 windowMs = m_window.count();
    for (auto it = m_slots.begin(); it != m_slots.end();) {
        if (it.value() != kInFlight && it.value() + windowMs <= nowMs)
            it = m_slots.erase(it);
        else
            ++it;
    }
    if (m_slots.size() < m_requests) {
        const qint64 ticket = m_nextTicket++;
        m_slots.insert(ticket, kInFlight);
        return {ticket, std::chrono::milliseconds(0)};
    }
    qint64 soonest = kInFlight;
    for (const qint64 finished : std::as_const(m_slots)) {
        if (finished != kInFlight)
            soonest = std::min(soonest, finished + windowMs);
    }
    const qint64 wait = soonest == kInFlight ? kInFlightPollMs : std::max<qint64>(1, soonest - nowMs);
    return {0, std::chrono::milliseconds(wait)};
}

void RequestBudget::finish(qint64 ticket, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    if (auto it = m_slots.find(ticket); it != m_slots.end())
        it.value() = nowMs;
}

void RequestBudget::release(qint64 ticket)
{
    QMutexLocker lock(&m_mutex);
    m_slots.remove(ticket);
}

} // namespace patchbay
