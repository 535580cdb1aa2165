#include "Routes.h"

#include "core/Logging.h"
#include "metrics/Metrics.h"
#include "metrics/MetricsText.h"
#include "server/ApiRouter.h"
#include "server/ServerContext.h"
#include "store/Store.h"

namespace patchbay {

namespace {

// A gauge read from the store at scrape time. Durable and database-wide: every patchbayd sharing the database
// reports the same value (aggregate them with max(), not sum()). Each is one indexed count (TestSqliteStore checks
// their plans), never a scan of executions or events.
struct StoreGauge
{
    const char *name;
    const char *help;
    std::function<Result<qint64>(Store &)> read;
};

const QList<StoreGauge> &storeGauges()
{
    static const QList<StoreGauge> gauges = {
        {"patchbay_jobs_queued", "Jobs waiting for a scheduler worker (the job queue's depth).",
         [](Store &store) { return store.jobs().queuedJobCount(); }},
        {"patchbay_webhook_inbox_pending",
         "Provider webhook calls acknowledged and stored, waiting to be applied (or retried).",
         [](Store &store) { return store.webhooks().pendingWebhookCount(); }},
        {"patchbay_notification_deliveries_pending", "Notification deliveries waiting to be sent (or retried).",
         [](Store &store) { return store.notifications().pendingDeliveryCount(); }},
    };
    return gauges;
}

void writeCounters(MetricsText &text, const Metrics &metrics)
{
    for (const Metrics::Counter counter : Metrics::counters()) {
        const Metrics::Family &family = Metrics::family(counter);
        const QString name = QString::fromLatin1(family.name);
        text.family(name, "counter", QString::fromLatin1(family.help));
        const QList<Metrics::Series> series = metrics.series(counter);
        // A counter without labels exists from the start (0); a labelled one from its first series.
        if (series.isEmpty() && family.labels.isEmpty())
            text.sample(name, {}, 0);
        for (const Metrics::Series &one : series) {
            MetricsText::Labels labels;
            for (qsizetype i = 0; i < family.labels.size(); ++i)
                labels.append({family.labels.at(i), one.labelValues.value(i)});
            text.sample(name, labels, one.value);
        }
    }
}

} // namespace

HttpServerResponse metricsResponse(ServerContext &context)
{
    MetricsText text;
    text.family(QStringLiteral("patchbay_build_info"), "gauge", QStringLiteral("The running patchbayd's version (always 1)."));
    text.sample(QStringLiteral("patchbay_build_info"), {{QStringLiteral("version"), QStringLiteral(PATCHBAY_VERSION)}},
                1);
    text.family(QStringLiteral("process_start_time_seconds"), "gauge",
                QStringLiteral("When the process started, in seconds since the Unix epoch."));
    text.sample(QStringLiteral("process_start_time_seconds"), {},
                double(context.startedAt().toMSecsSinceEpoch()) / 1000.0);
    writeCounters(text, context.metrics());
    for (const StoreGauge &gauge : storeGauges()) {
        const auto value = gauge.read(context.store());
        if (!value) {
            // A scrape still answers: the gauge is left out (a gap in its graph), the reason logged.
            qCWarning(lcServer).noquote() << "/metrics:" << gauge.name << "not read:" << value.error().toString();
            continue;
        }
        text.family(QString::fromLatin1(gauge.name), "gauge", QString::fromLatin1(gauge.help));
        text.sample(QString::fromLatin1(gauge.name), {}, double(value.value()));
    }
    HttpServerResponse response;
    response.body = text.text();
    response.headers.append({QByteArrayLiteral("Content-Type"), QByteArray(MetricsText::kContentType)});
    return response;
}

// GET /metrics: for admin and viewer keys for every tenant (the figures span tenants). Scrapers that cannot send a
// key are served by the metricsListen listener instead (DaemonServer).
void addMetricsRoutes(ApiRouter &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/metrics"), ApiAccess{ApiRole::Admin, ApiRole::Viewer}.unboundOnly(),
               [&context](const ApiRequest &) { return metricsResponse(context); });
}

} // namespace patchbay
