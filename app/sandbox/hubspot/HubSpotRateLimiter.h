#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <deque>
#include <optional>

namespace patchbay::sandbox {

// The X-HubSpot-RateLimit-* headers, counted per portal over real time. Limits are reported, not enforced, so a
// fast test never trips over them by accident; 429s come from failure injection.
class HubSpotRateLimiter
{
public:
    // OAuth apps: 100 requests per 10 seconds (HubSpot's API usage guidelines). The daily figure is the
    // Professional tier's and is only reported when daily headers are enabled.
    static constexpr int kIntervalMilliseconds = 10000;
    static constexpr int kIntervalMax = 100;
    static constexpr int kSecondlyMax = 10;
    static constexpr int kDailyMax = 500000;

    // HubSpot leaves the daily headers out for OAuth-authenticated calls; private-app style calls carry them.
    void setDailyHeadersEnabled(bool enabled) { m_dailyHeaders = enabled; }
    bool dailyHeadersEnabled() const { return m_dailyHeaders; }

    // A portal's limits as its tier sets them (the defaults are the constants above); the headers report them.
    void setLimits(int perSecond, int perInterval)
    {
        m_secondlyMax = perSecond;
        m_intervalMax = perInterval;
    }

    // Whether a call beyond the secondly or the 10-second limit is refused with 429 (and not counted).
    void setEnforced(bool enforced) { m_enforced = enforced; }
    bool enforced() const { return m_enforced; }

    struct Refusal
    {
        QString policyName;    // SECONDLY or TEN_SECONDLY_ROLLING, as HubSpot's 429 body names it
        int retryAfterSeconds; // until the oldest call of that window leaves it
    };
    // Why a call of the portal at now is refused, when limits are enforced and a window is full.
    std::optional<Refusal> refusal(const QString &portal, const QDateTime &now) const;
    // Counts one API call of the portal.
    void count(const QString &portal, const QDateTime &now);
    QList<QPair<QByteArray, QByteArray>> headers(const QString &portal, const QDateTime &now) const;

private:
    QHash<QString, std::deque<qint64>> m_recentCalls; // epoch ms within the last interval
    QHash<QString, QPair<QDate, int>> m_dailyCalls;
    bool m_dailyHeaders = false;
    bool m_enforced = false;
    int m_secondlyMax = kSecondlyMax;
    int m_intervalMax = kIntervalMax;
};

} // namespace patchbay::sandbox
