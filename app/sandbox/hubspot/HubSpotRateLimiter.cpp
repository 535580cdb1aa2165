#include "HubSpotRateLimiter.h"

#include <algorithm>

namespace patchbay::sandbox {

void HubSpotRateLimiter::count(const QString &portal, const QDateTime &now)
{
    const qint64 nowMs = now.toMSecsSinceEpoch();
    std::deque<qint64> &recent = m_recentCalls[portal];
    while (!recent.empty() && recent.front() <= nowMs - kIntervalMilliseconds)
        recent.pop_front();
    recent.push_back(nowMs);

    QPair<QDate, int> &daily = m_dailyCalls[portal];
    if (daily.first != now.toUTC().date())
        daily = {now.toUTC().date(), 0};
    ++daily.second;
}

QList<QPair<QByteArray, QByteArray>> HubSpotRateLimiter::headers(const QString &portal, const QDateTime &now) const
{
    const qint64 nowMs = now.toMSecsSinceEpoch();
    const std::deque<qint64> recent = m_recentCalls.value(portal);
    const auto inWindow = [&](qint64 windowMs) {
        return static_cast<int>(
            std::count_if(recent.begin(), recent.end(), [&](qint64 ms) { return ms > nowMs - windowMs; }));
    };
    QList<QPair<QByteArray, QByteArray>> result = {
        {"X-HubSpot-RateLimit-Interval-Milliseconds", QByteArray::number(kIntervalMilliseconds)},
        {"X-HubSpot-RateLimit-Max", QByteArray::number(kIntervalMax)},
        {"X-HubSpot-RateLimit-Remaining",
         QByteArray::number(std::max(0, kIntervalMax - inWindow(kIntervalMilliseconds)))},
        {"X-HubSpot-RateLimit-Secondly", QByteArray::number(kSecondlyMax)},
        {"X-HubSpot-RateLimit-Secondly-Remaining", QByteArray::number(std::max(0, kSecondlyMax - inWindow(1000)))},
    };
    if (m_dailyHeaders) {
        const int usedToday = m_dailyCalls.value(portal).second;
        result.append({"X-HubSpot-RateLimit-Daily", QByteArray::number(kDailyMax)});
        result.append({"X-HubSpot-RateLimit-Daily-Remaining", QByteArray::number(std::max(0, kDailyMax - usedToday))});
    }
    return result;
}

} // namespace patchbay::sandbox
