#include "LocalOps.h"

#include <QUrlQuery>

#include "core/Clock.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QHash>
#include <QMetaObject>
#include <QPointer>

namespace patchbay {

LocalOps::LocalOps(std::unique_ptr<Store> store, std::shared_ptr<SyncService> sync, Clock &clock, QObject *parent)
    : OpsApi(parent), m_store(std::move(store)), m_sync(std::move(sync)), m_clock(clock)
{
    m_pool.setMaxThreadCount(4);
}

LocalOps::~LocalOps()
{
    m_pool.waitForDone();
}

void LocalOps::waitForIdle()
{
    m_pool.waitForDone();
}

Result<QList<Tenant>> LocalOps::tenants()
{
    return m_store->tenants().tenants();
}

ConnectionSummary LocalOps::summarize(const Connection &connection, const QString &tenantName)
{
    ConnectionSummary summary;
    summary.connection = connection;
    summary.tenantDisplayName = tenantName;
    auto credential = m_store->credentials().credential(connection.id);
    summary.tokenExpiresAt = credential ? credential->expiresAt : QDateTime();
    const bool needsReauth = connection.status == ConnectionStatus::NeedsReauth || !credential;
    summary.tokenState = tokenStateFor(summary.tokenExpiresAt, needsReauth, m_clock.now());
    return summary;
}

Result<QList<ConnectionSummary>> LocalOps::connections(std::optional<qint64> tenantId)
{
    auto tenantList = m_store->tenants().tenants();
    if (!tenantList)
        return tenantList.error();
    QHash<qint64, QString> names;
    for (const Tenant &tenant : tenantList.value())
        names.insert(tenant.id, tenant.displayName);
    auto list = m_store->tenants().connections(tenantId);
    if (!list)
        return list.error();
    QList<ConnectionSummary> result;
    for (const Connection &connection : list.value())
        result.append(summarize(connection, names.value(connection.tenantId)));
    return result;
}

Result<ConnectionSummary> LocalOps::connection(qint64 connectionId)
{
    auto connection = m_store->tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    QString tenantName;
    if (auto tenantList = m_store->tenants().tenants()) {
        for (const Tenant &tenant : tenantList.value()) {
            if (tenant.id == connection->tenantId)
                tenantName = tenant.displayName;
        }
    }
    return summarize(connection.value(), tenantName);
}

Result<QList<Execution>> LocalOps::executions(qint64 connectionId, int limit, std::optional<qint64> beforeId)
{
    return m_store->executions().executions(connectionId, limit, beforeId);
}

Result<Execution> LocalOps::execution(qint64 executionId)
{
    return m_store->executions().execution(executionId);
}

Result<QList<Event>> LocalOps::events(qint64 executionId)
{
    return m_store->executions().events(executionId);
}

Result<QList<Exchange>> LocalOps::exchanges(qint64 executionId)
{
    return m_store->executions().exchanges(executionId);
}

MappingService LocalOps::mappings()
{
    return MappingService(*m_store, m_sync->integrations());
}

Result<MappingService::Effective> LocalOps::mapping(qint64 connectionId, const QString &object,
                                                    const QString &direction)
{
    return mappings().effective(connectionId, object, direction);
}

Result<MappingVersion> LocalOps::setMappingOverride(const QString &level, const QString &scope,
                                                    const QString &integration, const QString &object,
                                                    const QString &direction, const MappingTree &overrides,
                                                    const QString &author, const QString &reason)
{
    return mappings().setOverride(level, scope, integration, object, direction, overrides, author, reason);
}

Result<QList<MappingVersion>> LocalOps::mappingHistory(const QString &level, const QString &scope,
                                                       const QString &integration, const QString &object,
                                                       const QString &direction)
{
    return mappings().history(level, scope, integration, object, direction);
}

Result<QList<MappingService::PreviewRecord>> LocalOps::previewMapping(qint64 connectionId, const QString &object,
                                                                      const QString &direction,
                                                                      const QJsonArray &samples,
                                                                      const std::optional<MappingTree> &candidate)
{
    return mappings().preview(connectionId, object, direction, samples, candidate);
}

Result<QList<FailedRecord>> LocalOps::failedRecords(qint64 connectionId, const QString &object)
{
    return m_store->records().failedRecords(connectionId, object);
}

Result<QList<WriteItem>> LocalOps::writeItems(qint64 executionId)
{
    return m_store->writes().writeItems(executionId);
}

template <typename Work>
void LocalOps::runInBackground(qint64 connectionId, Work work)
{
    if (m_busy.contains(connectionId))
        return; // one execution at a time per connection keeps its records and cursor in order
    m_busy.insert(connectionId);
    Q_EMIT executionStarted(connectionId);
    QPointer<LocalOps> self(this);
    std::shared_ptr<SyncService> sync = m_sync;
    m_pool.start([self, sync, connectionId, work] {
        auto listener = [self, connectionId](const Event &event) {
            QMetaObject::invokeMethod(self, [self, connectionId, executionId = event.executionId] {
                if (self)
                    Q_EMIT self->executionProgressed(connectionId, executionId);
            });
        };
        Result<Execution> result = work(*sync, listener);
        QMetaObject::invokeMethod(self, [self, connectionId, result] {
            if (!self)
                return;
            self->m_busy.remove(connectionId);
            if (result) {
                Q_EMIT self->executionFinished(connectionId, result->id,
                                               result->status == ExecutionStatus::Succeeded,
                                               result->errorMessage);
            } else {
                Q_EMIT self->executionFinished(connectionId, 0, false, result.error().message);
            }
            Q_EMIT self->connectionChanged(connectionId);
        });
    });
}

void LocalOps::syncNow(qint64 connectionId)
{
    runInBackground(connectionId, [connectionId](SyncService &sync, const SyncService::EventListener &listener) {
        return sync.read(connectionId, QString(), listener);
    });
}

void LocalOps::remapFailedRecords(qint64 connectionId)
{
    runInBackground(connectionId, [connectionId](SyncService &sync, const SyncService::EventListener &listener) {
        return sync.remapFailedRecords(connectionId, QString(), listener);
    });
}

void LocalOps::retryFailedWrites(qint64 connectionId)
{
    runInBackground(connectionId, [connectionId](SyncService &sync, const SyncService::EventListener &listener) {
        return sync.retryFailedWrites(connectionId, QString(), listener);
    });
}

Result<QUrl> LocalOps::beginReauthorization(qint64 connectionId)
{
    if (!m_callback) {
        m_callback = std::make_unique<HttpService>();
        m_callback->setHandler([this](const HttpServerRequest &request) {
            const QUrlQuery query = request.query();
            const QString state = query.queryItemValue(QStringLiteral("state"));
            const qint64 connection = m_pendingStates.take(state);
            const auto page = [](const QString &title, const QString &text) {
                return HttpServerResponse::text(
                    QStringLiteral("<!doctype html><html><head><meta charset=\"utf-8\"><title>Patchbay</title></head>"
                                   "<body style=\"font-family: sans-serif; margin: 3em\"><h2>%1</h2><p>%2</p></body>"
                                   "</html>")
                        .arg(title.toHtmlEscaped(), text.toHtmlEscaped())
                        .toUtf8())
                    .withHeader("Content-Type", "text/html; charset=utf-8");
            };
            if (request.path() != QLatin1String("/oauth/callback") || connection == 0) {
                return page(QStringLiteral("Unknown authorisation"),
                            QStringLiteral("This link does not belong to an authorisation started in this console, "
                                           "or it was used already. Start it again from the console."));
            }
            const QString code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
            if (code.isEmpty()) {
                const QString said = query.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
                return page(QStringLiteral("Not authorised"),
                            QStringLiteral("The provider did not authorise the connection%1. Nothing changed.")
                                .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said));
            }
            const QString issuer = query.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded);
            runInBackground(connection,
                            [state, code, issuer](SyncService &sync, const SyncService::EventListener &listener) {
                                return sync.completeAuthorization(state, code, listener, issuer);
                            });
            return page(QStringLiteral("Authorised"),
                        QStringLiteral("Patchbay is finishing the connection. You can close this tab and go back to "
                                       "the console."));
        });
        if (m_callback->listen(QHostAddress::LocalHost, 0) == 0) {
            m_callback.reset();
            return makeError("auth.no_callback", QStringLiteral("Cannot listen on 127.0.0.1 for the provider's "
                                                                "redirect"));
        }
    }
    QUrl redirect = m_callback->baseUrl();
    redirect.setPath(QStringLiteral("/oauth/callback"));
    auto start = m_sync->beginAuthorization(connectionId, redirect);
    if (!start)
        return start.error();
    m_pendingStates.insert(start->state, connectionId);
    return start->url;
}

void LocalOps::refreshToken(qint64 connectionId)
{
    runInBackground(connectionId, [connectionId](SyncService &sync, const SyncService::EventListener &listener) {
        return sync.refreshToken(connectionId, listener);
    });
}

} // namespace patchbay
