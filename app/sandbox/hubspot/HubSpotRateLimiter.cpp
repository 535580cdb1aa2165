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

std::optional<HubSpotRateLimiter::Refusal> HubSpotRateLimiter::refusal(const QString &portal,
                                                                       const QDateTime &now) const
{
    if (!m_enforced)
        return std::nullopt;
    const qint64 nowMs = now.toMSecsSinceEpoch();
    const std::deque<qint64> recent = m_recentCalls.value(portal);
    const auto check = [&](qint64 windowMs, int max) -> std::optional<int> {
        const auto first = std::find_if(recent.begin(), recent.end(), [&](qint64 ms) { return ms > nowMs - windowMs; });
        if (std::distance(first, recent.end()) < max)
            return std::nullopt;
        // The call that frees a slot is the max-th most recent one.
        const qint64 freedAt = *(recent.end() - max) + windowMs;
        return static_cast<int>(std::max<qint64>(1, (freedAt - nowMs + 999) / 1000));
    };
    if (const auto wait = check(1000, m_secondlyMax))
        return Refusal{QStringLiteral("SECONDLY"), *wait};
    if (const auto wait = check(kIntervalMilliseconds, m_intervalMax))
        return Refusal{QStringLiteral("TEN_SECONDLY_ROLLING"), *wait};
    return std::nullopt;
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
        {"X-HubSpot-RateLimit-Max", QByteArray::number(m_intervalMax)},
        {"X-HubSpot-RateLimit-Remaining",
         QByteArray::number(std::max(0, m_intervalMax - inWindow(kIntervalMilliseconds)))},
        {"X-HubSpot-RateLimit-Secondly", QByteArray::number(m_secondlyMax)},
        {"X-HubSpot-RateLimit-Secondly-Remaining", QByteArray::number(std::max(0, m_secondlyMax - inWindow(1000)))},
    };
    if (m_dailyHeaders) {
        const int usedToday = m_dailyCalls.value(portal).second;
        result.append({"X-HubSpot-RateLimit-Daily", QByteArray::number(kDailyMax)});
        result.append({"X-HubSpot-RateLimit-Daily-Remaining", QByteArray::number(std::max(0, kDailyMax - usedToday))});
    }
    return result;
}

} // namespace patchbay::sandbox
