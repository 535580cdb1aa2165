#include "LocalOps.h"

#include "LoopbackRedirect.h"
#include "core/Clock.h"
#include "mapping/MappingService.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QHash>
#include <QMetaObject>
#include <QPointer>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

namespace patchbay {

namespace {

MappingPreviewRecord plainPreview(const MappingService::PreviewRecord &record)
{
    MappingPreviewRecord plain;
    plain.recordId = record.recordId;
    plain.output = record.output;
    for (const CompiledMapping::FieldResult &field : record.fields)
        plain.fields.append({field.field, field.expression, field.value.toQJsonValue(), field.error});
    return plain;
}

// The answer to a command, given once: when its execution is recorded (the first event names it) or, failing
// that, when the work ends.
class StartAnswer
{
public:
    explicit StartAnswer(qint64 connectionId) : m_connectionId(connectionId) { m_promise.start(); }

    QFuture<Result<CommandStarted>> future() { return m_promise.future(); }

    void started(qint64 executionId) { give(CommandStarted{m_connectionId, executionId}); }
    void ended(const Result<Execution> &result)
    {
        if (result)
            started(result->id);
        else
            give(result.error());
    }

private:
    void give(Result<CommandStarted> answer)
    {
        if (m_given.exchange(true))
            return;
        m_promise.addResult(std::move(answer));
        m_promise.finish();
    }

    qint64 m_connectionId;
    QPromise<Result<CommandStarted>> m_promise;
    std::atomic_bool m_given = false;
};

} // namespace

LocalOps::LocalOps(std::unique_ptr<Store> store, std::shared_ptr<SyncService> sync, Clock &clock,
                   QObject *parent)
    : OpsApi(parent), m_store(std::move(store)), m_sync(std::move(sync)), m_clock(clock)
{
    // One thread, kept: the store connection is used by it alone, and queries answer in the order they were asked.
    m_storePool.setMaxThreadCount(1);
    m_storePool.setExpiryTimeout(-1);
    m_pool.setMaxThreadCount(4);
}

LocalOps::~LocalOps()
{
    waitForIdle();
}

void LocalOps::waitForIdle()
{
    m_pool.waitForDone();
    m_storePool.waitForDone();
}

void LocalOps::setAuthorizationRedirect(std::unique_ptr<AuthorizationRedirect> redirect)
{
    m_redirect = std::move(redirect);
    m_redirect->setHandler([this](const AuthorizationRedirect::Callback &callback) {
        return completeAuthorization(callback.state, callback.code, callback.issuer);
    });
}

template <typename Work>
auto LocalOps::withStore(Work work)
{
    return QtConcurrent::run(&m_storePool, [store = m_store.get(), work = std::move(work)] { return work(*store); });
}

QFuture<Result<QList<Tenant>>> LocalOps::tenants()
{
    return withStore([](Store &store) { return store.tenants().tenants(); });
}

ConnectionSummary LocalOps::summarize(Store &store, const Connection &connection, const QString &tenantName)
{
    ConnectionSummary summary;
    summary.connection = connection;
    summary.tenantDisplayName = tenantName;
    auto credential = store.credentials().credential(connection.id);
    summary.tokenExpiresAt = credential ? credential->expiresAt : QDateTime();
    const bool needsReauth = connection.status == ConnectionStatus::NeedsReauth || !credential;
    summary.tokenState = tokenStateFor(summary.tokenExpiresAt, needsReauth, m_clock.now());
    return summary;
}

QFuture<Result<QList<ConnectionSummary>>> LocalOps::connections(std::optional<qint64> tenantId)
{
    return withStore([this, tenantId](Store &store) -> Result<QList<ConnectionSummary>> {
        auto tenantList = store.tenants().tenants();
        if (!tenantList)
            return tenantList.error();
        QHash<qint64, QString> names;
        for (const Tenant &tenant : tenantList.value())
            names.insert(tenant.id, tenant.displayName);
        auto list = store.tenants().connections(tenantId);
        if (!list)
            return list.error();
        QList<ConnectionSummary> result;
        for (const Connection &connection : list.value())
            result.append(summarize(store, connection, names.value(connection.tenantId)));
        return result;
    });
}

QFuture<Result<ConnectionSummary>> LocalOps::connection(qint64 connectionId)
{
    return withStore([this, connectionId](Store &store) -> Result<ConnectionSummary> {
        auto connection = store.tenants().connection(connectionId);
        if (!connection)
            return connection.error();
        QString tenantName;
        if (auto tenantList = store.tenants().tenants()) {
            for (const Tenant &tenant : tenantList.value()) {
                if (tenant.id == connection->tenantId)
                    tenantName = tenant.displayName;
            }
        }
        return summarize(store, connection.value(), tenantName);
    });
}

QFuture<Result<QList<Execution>>> LocalOps::executions(qint64 connectionId, int limit, std::optional<qint64> beforeId)
{
    if (limit < 1 || limit > kMaxPageSize)
        return readyAnswer<QList<Execution>>(makeError(
            "ops.bad_limit", QStringLiteral("Ask for 1 to %1 executions at a time, not %2.").arg(kMaxPageSize).arg(limit)));
    return withStore([=](Store &store) { return store.executions().executions(connectionId, limit, beforeId); });
}

QFuture<Result<Execution>> LocalOps::execution(qint64 executionId)
{
    return withStore([executionId](Store &store) { return store.executions().execution(executionId); });
}

QFuture<Result<QList<Event>>> LocalOps::events(qint64 executionId)
{
    return withStore([executionId](Store &store) { return store.executions().events(executionId); });
}

QFuture<Result<QList<Exchange>>> LocalOps::exchanges(qint64 executionId)
{
    return withStore([executionId](Store &store) { return store.executions().exchanges(executionId); });
}

QFuture<Result<EffectiveMapping>> LocalOps::mapping(qint64 connectionId, const QString &object,
                                                    const QString &direction)
{
    return withStore([sync = m_sync, connectionId, object, direction](Store &store) {
        return MappingService(store, sync->integrations()).effective(connectionId, object, direction);
    });
}

QFuture<Result<MappingVersion>> LocalOps::setMappingOverride(const QString &level, const QString &scope,
                                                             const QString &integration, const QString &object,
                                                             const QString &direction, const MappingTree &overrides,
                                                             const QString &author, const QString &reason)
{
    return withStore([=, sync = m_sync](Store &store) {
        return MappingService(store, sync->integrations())
            .setOverride(level, scope, integration, object, direction, overrides, author, reason);
    });
}

QFuture<Result<QList<MappingVersion>>> LocalOps::mappingHistory(const QString &level, const QString &scope,
                                                                const QString &integration, const QString &object,
                                                                const QString &direction)
{
    return withStore([=, sync = m_sync](Store &store) {
        return MappingService(store, sync->integrations()).history(level, scope, integration, object, direction);
    });
}

QFuture<Result<QList<MappingPreviewRecord>>> LocalOps::previewMapping(qint64 connectionId, const QString &object,
                                                                      const QString &direction,
                                                                      const QJsonArray &samples,
                                                                      const std::optional<MappingTree> &candidate)
{
    return withStore([=, sync = m_sync](Store &store) -> Result<QList<MappingPreviewRecord>> {
        auto preview =
            MappingService(store, sync->integrations()).preview(connectionId, object, direction, samples, candidate);
        if (!preview)
            return preview.error();
        QList<MappingPreviewRecord> records;
        for (const MappingService::PreviewRecord &record : preview.value())
            records.append(plainPreview(record));
        return records;
    });
}

QFuture<Result<QList<MappingIssue>>> LocalOps::checkExpression(const QString &expression)
{
    // Parsing needs no store, but a long expression still should not hold up the caller.
    return QtConcurrent::run(&m_pool, [expression]() -> Result<QList<MappingIssue>> {
        QList<MappingIssue> issues;
        if (auto issue = compileIssue(expression))
            issues.append(*issue);
        return issues;
    });
}

QFuture<Result<QList<FailedRecord>>> LocalOps::failedRecords(qint64 connectionId, const QString &object)
{
    return withStore([connectionId, object](Store &store) { return store.records().failedRecords(connectionId, object); });
}

QFuture<Result<QList<WriteItem>>> LocalOps::writeItems(qint64 executionId)
{
    return withStore([executionId](Store &store) { return store.writes().writeItems(executionId); });
}

template <typename Work>
QFuture<Result<CommandStarted>> LocalOps::runInBackground(qint64 connectionId, Work work)
{
    if (m_busy.contains(connectionId)) {
        // one execution at a time per connection keeps its records and cursor in order
        return readyAnswer<CommandStarted>(makeError(
            "ops.busy", QStringLiteral("The connection is running another execution; try again when it has finished")));
    }
    m_busy.insert(connectionId);
    Q_EMIT executionStarted(connectionId);
    QPointer<LocalOps> self(this);
    std::shared_ptr<SyncService> sync = m_sync;
    auto answer = std::make_shared<StartAnswer>(connectionId);
    m_pool.start([self, sync, connectionId, work, answer] {
        auto listener = [self, connectionId, answer](const Event &event) {
            answer->started(event.executionId);
            QMetaObject::invokeMethod(self, [self, connectionId, executionId = event.executionId] {
                if (self)
                    Q_EMIT self->executionProgressed(connectionId, executionId);
            });
        };
        Result<Execution> result = work(*sync, listener);
        answer->ended(result);
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
    return answer->future();
}

QFuture<Result<CommandStarted>> LocalOps::syncNow(qint64 connectionId)
{
    return runInBackground(connectionId,
                           [connectionId](SyncService &sync, const SyncService::EventListener &listener) {
                               return sync.read(connectionId, QString(), listener);
                           });
}

QFuture<Result<CommandStarted>> LocalOps::remapFailedRecords(qint64 connectionId)
{
    return runInBackground(connectionId,
                           [connectionId](SyncService &sync, const SyncService::EventListener &listener) {
                               return sync.remapFailedRecords(connectionId, QString(), listener);
                           });
}

QFuture<Result<CommandStarted>> LocalOps::retryFailedWrites(qint64 connectionId)
{
    return runInBackground(connectionId,
                           [connectionId](SyncService &sync, const SyncService::EventListener &listener) {
                               return sync.retryFailedWrites(connectionId, QString(), listener);
                           });
}

QFuture<Result<CommandStarted>> LocalOps::refreshToken(qint64 connectionId)
{
    return runInBackground(connectionId, [connectionId](SyncService &sync, const SyncService::EventListener &listener) {
        return sync.refreshToken(connectionId, listener);
    });
}

bool LocalOps::completeAuthorization(const QString &state, const QString &code, const QString &issuer)
{
    const qint64 connection = m_pendingStates.take(state);
    if (connection == 0)
        return false;
    if (!code.isEmpty()) {
        // The answer goes nowhere: the browser is told at once, the console by the execution's signals.
        runInBackground(connection,
                        [state, code, issuer](SyncService &sync, const SyncService::EventListener &listener) {
                            return sync.completeAuthorization(state, code, listener, issuer);
                        });
    }
    return true;
}

QFuture<Result<QUrl>> LocalOps::beginReauthorization(qint64 connectionId)
{
    if (!m_redirect)
        setAuthorizationRedirect(std::make_unique<LoopbackRedirect>());
    const Result<QUrl> redirect = m_redirect->redirectUri();
    if (!redirect)
        return readyAnswer<QUrl>(redirect.error());
    return QtConcurrent::run(&m_pool,
                             [sync = m_sync, connectionId, uri = redirect.value()] {
                                 return sync->beginAuthorization(connectionId, uri);
                             })
        .then(this, [this, connectionId](const Result<AuthorizationStart> &start) -> Result<QUrl> {
            if (!start)
                return start.error();
            m_pendingStates.insert(start->state, connectionId);
            return start->url;
        });
}

} // namespace patchbay
