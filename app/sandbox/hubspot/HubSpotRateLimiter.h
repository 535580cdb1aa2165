#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <deque>

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

    // Counts one API call of the portal.
    void count(const QString &portal, const QDateTime &now);
    QList<QPair<QByteArray, QByteArray>> headers(const QString &portal, const QDateTime &now) const;

private:
    QHash<QString, std::deque<qint64>> m_recentCalls; // epoch ms within the last interval
    QHash<QString, QPair<QDate, int>> m_dailyCalls;
    bool m_dailyHeaders = false;
};

} // namespace patchbay::sandbox
