#include "ServerContext.h"

#include "ops/LocalOps.h"
#include "server/ApiRouter.h"
#include "store/Store.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/ExecutionNotifier.h"
#include "sync/SyncService.h"
#include "sync/WebhookInboxWorker.h"

namespace patchbay {

ServerContext::ServerContext(DaemonConfig config, Clock &clock, std::shared_ptr<SyncService> sync,
                             StoreOpener openStore)
    : m_config(std::move(config)), m_clock(clock), m_sync(std::move(sync)), m_openStore(std::move(openStore)),
      m_startedAt(clock.now()), m_webhookRejections(clock, m_config.webhookRejectionLimit, 60)
{
    m_storePool.setMaxThreadCount(1);
    m_storePool.setObjectName(QStringLiteral("patchbayd store"));
}

ServerContext::~ServerContext()
{
    m_webhookInbox.reset();
    m_storePool.waitForDone();
}

void ServerContext::startWebhookInbox()
{
    if (m_webhookInbox)
        m_webhookInbox->start();
}

Result<std::unique_ptr<ServerContext>> ServerContext::create(DaemonConfig config, Clock &clock,
                                                             std::shared_ptr<SyncService> sync, StoreOpener openStore)
{
    if (!openStore) {
        openStore = [path = config.databasePath, &clock]() -> Result<std::unique_ptr<Store>> {
            auto opened = SqliteStore::open(path, clock);
            if (!opened)
                return opened.error();
            return std::unique_ptr<Store>(std::move(opened).value());
        };
    }
    std::unique_ptr<ServerContext> context(new ServerContext(std::move(config), clock, std::move(sync), openStore));
    for (auto *slot : {&context->m_store, &context->m_threadStore}) {
        auto opened = openStore();
        if (!opened)
            return opened.error();
        *slot = std::move(opened).value();
    }
    if (context->m_sync) {
        auto opsStore = openStore();
        if (!opsStore)
            return opsStore.error();
        context->m_ops = std::make_unique<LocalOps>(std::move(opsStore).value(), context->m_sync, clock);
        WebhookInboxOptions inbox;
        inbox.workers = context->m_config.webhookWorkers;
        context->m_webhookInbox =
            std::make_unique<WebhookInboxWorker>(*context->m_sync, context->m_openStore, clock, inbox);
        // Replays through the ops API are applied and sent by this server's workers.
        context->m_ops->setServerWorkers(context->m_webhookInbox.get(), true);
        context->countExecutions();
    }
    return context;
}

// Counted on the threads that run the executions (directly: the registry is thread-safe), for as long as m_receiver
// lives.
void ServerContext::countExecutions()
{
    ExecutionNotifier *notifier = m_sync->notifier();
    Metrics *metrics = &m_metrics;
    QObject::connect(
        notifier, &ExecutionNotifier::executionCounted, &m_receiver,
        [metrics](const QString &kind, const QString &status, qint64 records, qint64 failedRecords) {
            metrics->add(Metrics::Counter::Executions, {kind, status});
            if (kind == QLatin1String("write")) {
                metrics->add(Metrics::Counter::RecordsWritten, {}, double(records));
            } else if (kind == QLatin1String("read") || kind == QLatin1String("backfill")
                       || kind == QLatin1String("webhook")) {
                metrics->add(Metrics::Counter::RecordsRead, {kind}, double(records));
            }
            if (failedRecords > 0)
                metrics->add(Metrics::Counter::RecordsFailed, {kind}, double(failedRecords));
        },
        Qt::DirectConnection);
    QObject::connect(
        notifier, &ExecutionNotifier::rateLimitWaited, &m_receiver,
        [metrics](const QString &reason, qint64 waitMs) {
            metrics->add(Metrics::Counter::RateLimitWaits, {reason});
            metrics->add(Metrics::Counter::RateLimitWaitSeconds, {reason}, double(waitMs) / 1000.0);
        },
        Qt::DirectConnection);
    QObject::connect(
        notifier, &ExecutionNotifier::tokenRefreshFailed, &m_receiver,
        [metrics](const QString &code) { metrics->add(Metrics::Counter::TokenRefreshFailures, {code}); },
        Qt::DirectConnection);
}

QUrl ServerContext::publicBaseUrl() const
{
    return m_config.publicBaseUrl.isEmpty() ? m_listeningUrl : m_config.publicBaseUrl;
}

Result<void> ServerContext::audit(const ApiCaller &caller, const QString &action, const QString &target,
                                  std::optional<qint64> tenantId, const QJsonValue &before, const QJsonValue &after)
{
    auto appended = m_store->audit().appendAudit(caller.auditEntry(action, target, tenantId, before, after));
    if (!appended)
        return appended.error();
    return {};
}

} // namespace patchbay
