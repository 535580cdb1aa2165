#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

namespace patchbay {

class Clock;

// What became of the provider webhook calls patchbayd received since it started, by provider and outcome, kept in
// memory for /metrics (patchbay_webhook_events_received_total, patchbay_webhook_calls_rejected_total). Thread-safe.
// Provider names come from the called URL: a name that is no provider is counted under kUnknownProvider, so that
// made-up names cannot grow the table.
class WebhookCounters
{
public:
    static constexpr const char *kUnknownProvider = "unknown";

    // One counter: outcome is "accepted" (stored to be applied), "duplicate" (stored before), or "rejected" with
    // reason one of WebhookOutcome::refusal's words, "rate_limited" or "too_large".
    struct Count
    {
        QString provider;
        QString outcome;
        QString reason; // rejected only
        qint64 count = 0;
    };

    void countAccepted(const QString &provider);
    void countDuplicate(const QString &provider);
    void countRejected(const QString &provider, const QString &reason);

    // Every counter, ordered by provider, outcome and reason.
    QList<Count> counts() const;
    // One counter's value (0 when never counted).
    qint64 count(const QString &provider, const QString &outcome, const QString &reason = {}) const;

private:
    void add(const QString &provider, const QString &outcome, const QString &reason);

    mutable QMutex m_mutex;
    QHash<QString, Count> m_counts; // by provider, outcome and reason
};

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
