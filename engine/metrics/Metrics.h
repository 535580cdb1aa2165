#pragma once

#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <array>

namespace patchbay {

// The counters of one patchbayd process, for /metrics: one registry that every feature counts into (the webhook
// receiver, the notifier, the proxy, the executions the SyncService runs) instead of a counter class per feature.
// Counters only go up and start at zero with the process (per-process, as Prometheus expects of a counter: a scraper
// sees the reset and rate() copes); what lives in the store (queue depths) is read from it at scrape time instead.
//
// Each counter is a family with fixed label names; a series is one combination of label values. Label values must
// come from a bounded set (provider names of the catalog, stable reason words, execution kinds and statuses): never
// put what a caller sends into a label, or a caller could grow the registry without end.
//
// Thread-safe: add() takes one short lock (a hash lookup and an addition), cheap enough for the webhook
// acknowledgement path.
class Metrics
{
public:
    enum class Counter {
        Executions,                  // kind, status: executions that ended
        RecordsRead,                 // kind: records a read, backfill or webhook execution stored or deleted
        RecordsWritten,              // records a write execution wrote to its provider
        RecordsFailed,               // kind: records kept raw (mapping failed) or refused by the provider
        RateLimitWaits,              // reason: times a provider call waited for a rate limit
        RateLimitWaitSeconds,        // reason: how long those waits were
        TokenRefreshFailures,        // code: access-token refreshes that failed, by error code
        WebhookCallsReceived,        // provider, outcome (accepted, duplicate): verified calls acknowledged
        WebhookEventsReceived,       // provider: events in the accepted calls
        WebhookCallsRejected,        // provider, reason: calls refused (not verified, malformed, too many, ...)
        NotificationAttempts,        // outcome (delivered, failed): attempts to send a notification
        NotificationDeliveriesFailed, // deliveries given up after their last attempt
        NotificationEventsQueued,    // deliveries queued (one per event and endpoint)
        ProxyCalls,                  // outcome (relayed, rate_limited, no_room, error): proxied calls answered
    };
    static constexpr int kCounterCount = static_cast<int>(Counter::ProxyCalls) + 1;

    // What a counter is called in the exposition (its name ends in _total), what it means, and its label names.
    struct Family
    {
        const char *name;
        const char *help;
        QStringList labels;
    };
    static const Family &family(Counter counter);
    static QList<Counter> counters();

    // Adds amount (1 by default; seconds for RateLimitWaitSeconds) to the series of these label values, one value per
    // label of the family, in its order.
    void add(Counter counter, const QStringList &labelValues = {}, double amount = 1);
    // A series' value (0 when it was never counted).
    double value(Counter counter, const QStringList &labelValues = {}) const;

    struct Series
    {
        QStringList labelValues;
        double value = 0;
    };
    // Every series counted so far, ordered by label values.
    QList<Series> series(Counter counter) const;

private:
    mutable QMutex m_mutex;
    std::array<QHash<QString, Series>, kCounterCount> m_series; // by label values joined with '\n'
};

} // namespace patchbay
