#pragma once

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QString>

namespace patchbay {

class Clock;

// Refused webhook calls per source address: after `limit` refusals within `window`, the source is refused with 429
// and Retry-After, before its calls are read, until the window it started ends. Remembers at most maxSources sources
// (the ones whose windows ended go first, then the oldest). Thread-safe.
class WebhookRejectionLimiter
{
public:
    WebhookRejectionLimiter(const Clock &clock, int limit, int windowSeconds, int maxSources = 10000);

    // Seconds the source must wait, or 0 when its calls are read.
    int retryAfter(const QString &source) const;
    void recordRejection(const QString &source);

private:
    struct Window
    {
        QDateTime start;
        int rejections = 0;
    };
    void makeRoom();

    const Clock &m_clock;
    int m_limit;
    int m_windowSeconds;
    int m_maxSources;
    mutable QMutex m_mutex;
    QHash<QString, Window> m_sources;
};

} // namespace patchbay
