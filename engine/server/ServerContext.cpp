#include "ServerContext.h"

#include "ops/LocalOps.h"
#include "server/ApiRouter.h"
#include "store/Store.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"
#include "sync/WebhookInboxWorker.h"

namespace patchbay {

ServerContext::ServerContext(DaemonConfig config, Clock &clock, std::shared_ptr<SyncService> sync,
                             StoreOpener openStore)
    : m_config(std::move(config)), m_clock(clock), m_sync(std::move(sync)), m_openStore(std::move(openStore)),
      m_webhookRejections(clock, m_config.webhookRejectionLimit, 60)
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
    }
    return context;
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
