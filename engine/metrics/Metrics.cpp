#include "Metrics.h"

#include <QMutexLocker>

#include <algorithm>

namespace patchbay {

namespace {

QString keyOf(const QStringList &labelValues)
{
    return labelValues.join(QLatin1Char('\n'));
}

} // namespace

const Metrics::Family &Metrics::family(Counter counter)
{
    static const std::array<Family, kCounterCount> families = {{
        {"patchbay_executions_total",
         "Executions that ended, by kind and final status.",
         {QStringLiteral("kind"), QStringLiteral("status")}},
        {"patchbay_records_read_total",
         "Records read from providers (stored or deleted), by execution kind.",
         {QStringLiteral("kind")}},
        {"patchbay_records_written_total", "Records written to providers.", {}},
        {"patchbay_records_failed_total",
         "Records that failed: kept raw because their mapping failed, or refused by the provider.",
         {QStringLiteral("kind")}},
        {"patchbay_rate_limit_waits_total",
         "Provider calls held for a rate limit: the provider's 429 (retry), its exhausted window, or the request "
         "budget.",
         {QStringLiteral("reason")}},
        {"patchbay_rate_limit_wait_seconds_total",
         "Seconds provider calls were held for a rate limit.",
         {QStringLiteral("reason")}},
        {"patchbay_token_refresh_failures_total",
         "Access-token refreshes that failed, by error code.",
         {QStringLiteral("code")}},
        {"patchbay_webhook_calls_received_total",
         "Verified provider webhook calls acknowledged: stored to be applied (accepted) or stored before (duplicate).",
         {QStringLiteral("provider"), QStringLiteral("outcome")}},
        {"patchbay_webhook_events_received_total",
         "Events in the accepted provider webhook calls.",
         {QStringLiteral("provider")}},
        {"patchbay_webhook_calls_rejected_total",
         "Provider webhook calls refused, by reason (bad_signature, unknown_connection, malformed, rate_limited, ...).",
         {QStringLiteral("provider"), QStringLiteral("reason")}},
        {"patchbay_notification_attempts_total",
         "Attempts to send a notification to the product, by outcome.",
         {QStringLiteral("outcome")}},
        {"patchbay_notification_deliveries_failed_total",
         "Notification deliveries given up after their last attempt (replay them from the delivery log).",
         {}},
        {"patchbay_notification_deliveries_queued_total",
         "Notification deliveries queued (one per event and endpoint).",
         {}},
        {"patchbay_proxy_calls_total",
         "Proxied calls answered: relayed, rate_limited (the provider's limit, answered 429), no_room (the "
         "connection's "
         "request budget, answered 429), error.",
         {QStringLiteral("outcome")}},
    }};
    return families.at(static_cast<size_t>(counter));
}

QList<Metrics::Counter> Metrics::counters()
{
    QList<Counter> all;
    for (int i = 0; i < kCounterCount; ++i)
        all.append(static_cast<Counter>(i));
    return all;
}

void Metrics::add(Counter counter, const QStringList &labelValues, double amount)
{
    Q_ASSERT(labelValues.size() == family(counter).labels.size());
    const QString key = keyOf(labelValues);
    QMutexLocker lock(&m_mutex);
    Series &series = m_series[static_cast<size_t>(counter)][key];
    if (series.labelValues.isEmpty())
        series.labelValues = labelValues;
    series.value += amount;
}

double Metrics::value(Counter counter, const QStringList &labelValues) const
{
    QMutexLocker lock(&m_mutex);
    return m_series[static_cast<size_t>(counter)].value(keyOf(labelValues)).value;
}

QList<Metrics::Series> Metrics::series(Counter counter) const
{
    QMutexLocker lock(&m_mutex);
    QList<Series> all = m_series[static_cast<size_t>(counter)].values();
    lock.unlock();
    std::sort(all.begin(), all.end(), [](const Series &a, const Series &b) { return a.labelValues < b.labelValues; });
    return all;
}

} // namespace patchbay
