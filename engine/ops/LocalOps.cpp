#include "LocalOps.h"

#include "LoopbackRedirect.h"
#include "core/Clock.h"
#include "mapping/MappingService.h"
#include "notify/Notifier.h"
#include "scheduler/SyncControl.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"
#include "sync/WebhookInboxWorker.h"

#include <QHash>
#include <QJsonDocument>
#include <QMetaObject>
#include <QPointer>
#include <QPromise>
#include <QRegularExpression>
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

// The label of a failed record: the first name-like output field its mapping gives text for, a first and last name
// together, else none. Output fields are compared by their last segment, case and separators ignored.
QString labelOf(const MappingService::PreviewRecord &preview)
{
    QHash<QString, QString> texts;
    for (const CompiledMapping::FieldResult &field : preview.fields) {
        const QJsonValue value = field.value.toQJsonValue();
        if (!value.isString() || value.toString().trimmed().isEmpty())
            continue;
        QString key = field.field.section(QLatin1Char('.'), -1).toLower();
        key.remove(QLatin1Char('_')).remove(QLatin1Char('-'));
        texts.insert(key, value.toString().trimmed());
    }
    for (const char *name : {"name", "fullname", "displayname", "title", "subject", "summary"}) {
        if (const QString text = texts.value(QLatin1String(name)); !text.isEmpty())
            return text;
    }
    const QString person = QStringList{texts.value(QStringLiteral("firstname")), texts.value(QStringLiteral("lastname"))}
                               .join(QLatin1Char(' '))
                               .trimmed();
    if (!person.isEmpty())
        return person;
    return texts.value(QStringLiteral("email"));
}

// The records with their labels, from each object's read mapping run over the raw records (one preview per object).
QList<FailedRecordDetail> labelled(Store &store, const IntegrationCatalog &integrations, qint64 connectionId,
                                   const QList<FailedRecord> &records)
{
    QHash<QString, QJsonArray> samples;
    for (const FailedRecord &record : records)
        samples[record.object].append(QJsonDocument::fromJson(record.raw).object());
    QHash<QString, QList<MappingService::PreviewRecord>> previews;
    for (auto it = samples.cbegin(); it != samples.cend(); ++it) {
        auto preview = MappingService(store, integrations).preview(connectionId, it.key(), MappingDirection::Read,
                                                                   it.value());
        if (preview) // no mapping to take a label from: the records are listed without one
            previews.insert(it.key(), std::move(preview).value());
    }
    QHash<QString, qsizetype> next;
    QList<FailedRecordDetail> details;
    for (const FailedRecord &record : records) {
        FailedRecordDetail detail{record, connectionId, QString()};
        const qsizetype index = next[record.object]++;
        const auto &objectPreviews = previews.value(record.object);
        if (index < objectPreviews.size())
            detail.label = labelOf(objectPreviews.at(index));
        details.append(std::move(detail));
    }
    return details;
}

// A connection's health from its recent activity; failedRunsLast24h counts every kind of execution.
ConnectionHealthRow healthOf(const ConnectionActivity &activity)
{
    const Connection &connection = activity.connection;
    ConnectionHealthRow row;
    row.connectionId = connection.id;
    row.tenantId = connection.tenantId;
    row.tenantName = activity.tenantName;
    row.connectionName = connection.displayName;
    row.provider = connection.provider;
    row.failedRunsLast24h = activity.failedRunsSince;
    if (activity.lastSync) {
        row.lastSyncAt = activity.lastSync->execution.finishedAt;
        row.lastSyncOutcome = activity.lastSync->outcome;
        row.lastSyncExecutionId = activity.lastSync->execution.id;
        row.lastSyncFailedRecords = activity.lastSync->recordsFailed;
    }
    const QString statusReason = connection.statusMessage;
    if (connection.status == ConnectionStatus::Paused) {
        row.health = ConnectionHealth::Paused;
        row.reason = statusReason.isEmpty() ? QStringLiteral("Paused") : statusReason;
    } else if (connection.status == ConnectionStatus::NeedsReauth) {
        row.health = ConnectionHealth::NeedsReauth;
        row.reason = statusReason.isEmpty() ? QStringLiteral("The provider no longer accepts the connection's grant")
                                            : statusReason;
    } else if (activity.lastSync && (row.lastSyncOutcome == ExecutionOutcome::Failed
                                     || row.lastSyncOutcome == ExecutionOutcome::Interrupted)) {
        row.health = ConnectionHealth::Failing;
        row.reason = QStringLiteral("The last sync %1: %2")
                         .arg(row.lastSyncOutcome == ExecutionOutcome::Failed ? QStringLiteral("failed")
                                                                              : QStringLiteral("was interrupted"),
                              activity.lastSync->execution.errorMessage);
    } else if (activity.lastSync && row.lastSyncOutcome == ExecutionOutcome::Partial) {
        row.health = ConnectionHealth::Degraded;
        row.reason = QStringLiteral("The last sync succeeded with %1 failed records")
                         .arg(activity.lastSync->recordsFailed);
    } else if (row.failedRunsLast24h > 0) {
        row.health = ConnectionHealth::Degraded;
        row.reason = QStringLiteral("%1 failed runs in the last 24 hours").arg(row.failedRunsLast24h);
    } else {
        row.health = ConnectionHealth::Healthy;
    }
    return row;
}

HealthReport healthReport(const QList<ConnectionActivity> &activities, const HealthFilter &filter)
{
    HealthReport report;
    QHash<qint64, qsizetype> tenantIndex;
    for (const ConnectionActivity &activity : activities) {
        if (!filter.provider.isEmpty() && activity.connection.provider != filter.provider)
            continue;
        const ConnectionHealthRow row = healthOf(activity);
        auto found = tenantIndex.constFind(row.tenantId);
        if (found == tenantIndex.constEnd()) {
            found = tenantIndex.insert(row.tenantId, report.tenants.size());
            report.tenants.append(TenantHealthRow{row.tenantId, row.tenantName, ConnectionHealth::Healthy});
        }
        TenantHealthRow &tenant = report.tenants[*found];
        ++tenant.connections;
        tenant.failedRunsLast24h += row.failedRunsLast24h;
        qint64 *counts[] = {&tenant.healthy, &tenant.paused, &tenant.degraded, &tenant.needsReauth, &tenant.failing};
        ++*counts[ConnectionHealth::rank(row.health)];
        if (ConnectionHealth::rank(row.health) > ConnectionHealth::rank(tenant.health))
            tenant.health = row.health;
        report.connections.append(row);
    }
    if (!filter.health.isEmpty()) {
        report.connections.removeIf([&](const ConnectionHealthRow &row) { return row.health != filter.health; });
        report.tenants.removeIf([&](const TenantHealthRow &row) { return row.health != filter.health; });
    }
    return report;
}

// One execution at a time per connection keeps its records and cursor in order.
Error busyError()
{
    return makeError("ops.busy",
                     QStringLiteral("The connection is running another execution; try again when it has finished"));
}

Error pausedError(const Connection &connection)
{
    return makeError("connection.paused",
                     QStringLiteral("%1 is paused; resume it to sync").arg(connection.displayName));
}

Error badFilter(const QString &message)
{
    return makeError("ops.bad_filter", message);
}

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
    m_ownWebhookInbox.reset(); // waits for the call it applies
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

Result<ConnectionSummary> LocalOps::summaryOf(Store &store, qint64 connectionId)
{
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
}

QFuture<Result<ConnectionSummary>> LocalOps::connection(qint64 connectionId)
{
    return withStore([this, connectionId](Store &store) { return summaryOf(store, connectionId); });
}

namespace {

// The one answer to a page size outside 1..kMaxPageSize, for every listing call; what names what is listed.
std::optional<Error> badLimit(int limit, const char *what)
{
    if (limit >= 1 && limit <= OpsApi::kMaxPageSize)
        return std::nullopt;
    return makeError("ops.bad_limit", QStringLiteral("Ask for 1 to %1 %2 at a time, not %3.")
                                          .arg(OpsApi::kMaxPageSize)
                                          .arg(QLatin1String(what))
                                          .arg(limit));
}

} // namespace

QFuture<Result<QList<Execution>>> LocalOps::executions(qint64 connectionId, int limit, std::optional<qint64> beforeId)
{
    if (const auto refused = badLimit(limit, "executions"))
        return readyAnswer<QList<Execution>>(*refused);
    return withStore([=](Store &store) { return store.executions().executions(connectionId, limit, beforeId); });
}

QFuture<Result<Execution>> LocalOps::execution(qint64 executionId)
{
    return withStore([executionId](Store &store) { return store.executions().execution(executionId); });
}

QFuture<Result<QList<ExecutionRow>>> LocalOps::findExecutions(const ExecutionFilter &filter)
{
    if (!filter.outcome.isEmpty() && !ExecutionOutcome::isKnown(filter.outcome)) {
        return readyAnswer<QList<ExecutionRow>>(badFilter(
            QStringLiteral("No outcome \"%1\": running, succeeded, partial, failed or interrupted.").arg(filter.outcome)));
    }
    if (const auto refused = badLimit(filter.limit, "executions"))
        return readyAnswer<QList<ExecutionRow>>(*refused);
    return withStore([filter](Store &store) { return store.executions().findExecutions(filter); });
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

QFuture<Result<QList<FailedRecordDetail>>> LocalOps::executionFailedRecords(qint64 executionId)
{
    return withStore([sync = m_sync, executionId](Store &store) -> Result<QList<FailedRecordDetail>> {
        auto execution = store.executions().execution(executionId);
        if (!execution)
            return execution.error();
        auto records = store.records().failedRecordsOf(executionId);
        if (!records)
            return records.error();
        return labelled(store, sync->integrations(), execution->connectionId, records.value());
    });
}

QFuture<Result<QList<FailedRecordDetail>>> LocalOps::connectionFailedRecords(qint64 connectionId)
{
    return withStore([sync = m_sync, connectionId](Store &store) -> Result<QList<FailedRecordDetail>> {
        auto records = store.records().failedRecords(connectionId, QString());
        if (!records)
            return records.error();
        return labelled(store, sync->integrations(), connectionId, records.value());
    });
}

QFuture<Result<HealthReport>> LocalOps::health(const HealthFilter &filter)
{
    if (!filter.health.isEmpty() && ConnectionHealth::rank(filter.health) < 0) {
        return readyAnswer<HealthReport>(badFilter(
            QStringLiteral("No health \"%1\": healthy, paused, degraded, needs_reauth or failing.").arg(filter.health)));
    }
    return withStore([this, filter](Store &store) -> Result<HealthReport> {
        auto activity = store.executions().connectionActivity(m_clock.now().addDays(-1), filter.tenantId);
        if (!activity)
            return activity.error();
        return healthReport(activity.value(), filter);
    });
}

QFuture<Result<RefreshHistory>> LocalOps::refreshHistory(qint64 connectionId)
{
    return withStore([this, connectionId](Store &store) -> Result<RefreshHistory> {
        auto connection = store.tenants().connection(connectionId);
        if (!connection)
            return connection.error();
        auto tokens = store.executions().tokenHistory(connectionId, 100);
        if (!tokens)
            return tokens.error();
        RefreshHistory history;
        history.connectionId = connectionId;
        history.operations = tokens->operations;
        history.consecutiveFailures = tokens->consecutiveFailures;
        auto stored = store.credentials().credential(connectionId);
        if (stored) {
            history.accessTokenExpiresAt = stored->expiresAt;
            history.refreshedAt = stored->refreshedAt;
            // Only the scope leaves the sealed credential; the tokens are wiped with it.
            if (auto credential = m_sync->vault().open(connectionId, stored->sealed)) {
                history.scopes = credential->scope.split(QRegularExpression(QStringLiteral("[\\s,]+")),
                                                         Qt::SkipEmptyParts);
            }
        }
        const bool needsReauth = connection->status == ConnectionStatus::NeedsReauth || !stored;
        history.tokenState = tokenStateFor(history.accessTokenExpiresAt, needsReauth, m_clock.now());
        return history;
    });
}

QFuture<Result<QList<WriteItem>>> LocalOps::writeItems(qint64 executionId)
{
    return withStore([executionId](Store &store) { return store.writes().writeItems(executionId); });
}

template <typename Work>
QFuture<Result<CommandStarted>> LocalOps::runInBackground(qint64 connectionId, Work work)
{
    if (m_busy.contains(connectionId))
        return readyAnswer<CommandStarted>(busyError());
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
    if (isBusy(connectionId)) // said at once, as every command says it
        return readyAnswer<CommandStarted>(busyError());
    return startChecked(withStore([connectionId](Store &store) -> Result<ReadOptions> {
                            auto connection = store.tenants().connection(connectionId);
                            if (!connection)
                                return connection.error();
                            if (connection->status == ConnectionStatus::Paused)
                                return pausedError(connection.value());
                            return ReadOptions();
                        }),
                        connectionId);
}

QFuture<Result<CommandStarted>> LocalOps::startChecked(QFuture<Result<ReadOptions>> check, qint64 connectionId)
{
    // The answer's future is there at once (callers may hold on to it); it is kept when the check or the start ends.
    auto promise = std::make_shared<QPromise<Result<CommandStarted>>>();
    promise->start();
    QFuture<Result<CommandStarted>> answer = promise->future();
    check.then(this, [this, promise, connectionId](const Result<ReadOptions> &options) {
        if (!options) {
            promise->addResult(Result<CommandStarted>(options.error()));
            promise->finish();
            return;
        }
        runInBackground(connectionId, [connectionId, read = options.value()](SyncService &sync,
                                                                            const SyncService::EventListener &listener) {
            return sync.read(connectionId, QString(), listener, read);
        }).then(this, [promise](const Result<CommandStarted> &started) {
            promise->addResult(started);
            promise->finish();
        });
    });
    return answer;
}

QFuture<Result<ConnectionSummary>> LocalOps::pauseConnection(qint64 connectionId)
{
    return changePause(connectionId, true);
}

QFuture<Result<ConnectionSummary>> LocalOps::resumeConnection(qint64 connectionId)
{
    return changePause(connectionId, false);
}

QFuture<Result<ConnectionSummary>> LocalOps::changePause(qint64 connectionId, bool pause)
{
    return withStore([this, connectionId, pause](Store &store) -> Result<ConnectionSummary> {
               SyncControl control(store, m_sync->integrations(), m_sync->catalog());
               auto changed = pause ? control.pauseConnection(connectionId) : control.resumeConnection(connectionId);
               if (!changed)
                   return changed.error();
               return summaryOf(store, connectionId);
           })
        .then(this, [this, connectionId](const Result<ConnectionSummary> &summary) {
            if (summary)
                Q_EMIT connectionChanged(connectionId);
            return summary;
        });
}

Result<void> LocalOps::checkResyncSince(const std::optional<QDateTime> &since, const QDateTime &now)
{
    if (since && !since->isValid())
        return makeError("catalog.bad_since", QStringLiteral("A full resync starts from a valid date and time."));
    if (since && *since > now) {
        return makeError("catalog.bad_since",
                         QStringLiteral("A full resync reads what exists: it cannot start after now."));
    }
    return {};
}

QFuture<Result<CommandStarted>> LocalOps::fullResync(qint64 connectionId, std::optional<QDateTime> since)
{
    return startChecked(withStore([this, connectionId, since](Store &store) -> Result<ReadOptions> {
                            auto connection = store.tenants().connection(connectionId);
                            if (!connection)
                                return connection.error();
                            if (connection->status == ConnectionStatus::Paused)
                                return pausedError(connection.value());
                            if (connection->status == ConnectionStatus::NeedsReauth) {
                                return makeError("connection.needs_reauth",
                                                 QStringLiteral("%1 needs re-authorisation before it can sync: %2")
                                                     .arg(connection->displayName, connection->statusMessage));
                            }
                            if (auto checked = checkResyncSince(since, m_clock.now()); !checked)
                                return checked.error();
                            ReadOptions options;
                            options.backfillSinceMs = since ? since->toMSecsSinceEpoch() : 0;
                            // The cursors start over inside the run, once it holds the connection: nothing changes
                            // when it is busy.
                            options.startOver = true;
                            return options;
                        }),
                        connectionId);
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

QFuture<Result<CommandStarted>> LocalOps::replayExecution(qint64 executionId)
{
    // What to run again is decided from the execution as stored; the run itself starts on this thread, where the
    // connection's busy mark lives.
    return withStore([executionId](Store &store) { return store.executions().execution(executionId); })
        .then(this,
              [this, executionId](const Result<Execution> &original) -> QFuture<Result<CommandStarted>> {
                  if (!original)
                      return readyAnswer<CommandStarted>(original.error());
                  const Execution execution = original.value();
                  const QString outcome = ExecutionOutcome::of(execution.status, execution.failedRecordCount);
                  const bool read = execution.kind == QLatin1String("read") || execution.kind == QLatin1String("backfill");
                  const bool write = execution.kind == QLatin1String("write");
                  if ((!read && !write) || outcome == ExecutionOutcome::Succeeded
                      || outcome == ExecutionOutcome::Running) {
                      return readyAnswer<CommandStarted>(makeError(
                          "ops.nothing_to_replay",
                          QStringLiteral("Execution %1 (%2, %3) has nothing to replay: only a read or a write that "
                                         "failed, was interrupted or kept failed records can be run again.")
                              .arg(executionId)
                              .arg(execution.kind, outcome)));
                  }
                  // A read of every object names them all on its row ("contacts, companies"): read them all again.
                  const QString object = execution.object.contains(QLatin1Char(',')) ? QString() : execution.object;
                  const qint64 connectionId = execution.connectionId;
                  auto started = runInBackground(
                      connectionId,
                      [connectionId, object, write, executionId](SyncService &sync,
                                                                 const SyncService::EventListener &listener) {
                          return write ? sync.replayFailedWrites(executionId, listener)
                                       : sync.read(connectionId, object, listener);
                      });
                  return started.then(this, [this, executionId](const Result<CommandStarted> &answer) {
                      if (!answer || answer->executionId == 0)
                          return readyAnswer<CommandStarted>(answer);
                      return withStore([answer, executionId](Store &store) -> Result<CommandStarted> {
                          if (auto linked = store.executions().setReplayOf(answer->executionId, executionId); !linked)
                              return linked.error();
                          return answer;
                      });
                  }).unwrap();
              })
        .unwrap();
}

bool LocalOps::completeAuthorization(const QString &state, const QString &code, const QString &issuer)
{
    const qint64 connection = m_pendingStates.take(state);
    if (connection == 0)
        return false;
    if (!code.isEmpty()) {
        if (!isBusy(connection)) {
            // Authorised again, the connection catches up on what it missed: a sync starts once the authorisation
            // (the connection's next execution to finish, nothing else running on it) succeeded.
            auto once = std::make_shared<QMetaObject::Connection>();
            *once = connect(this, &OpsApi::executionFinished, this,
                            [this, connection, once](qint64 connectionId, qint64, bool succeeded) {
                                if (connectionId != connection)
                                    return;
                                disconnect(*once);
                                if (succeeded)
                                    syncNow(connection);
                            });
        }
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

// --- Replay of webhook events and notification deliveries (issue 13 item 6)

namespace {

WebhookEventRow webhookEventRow(const WebhookInboxEntry &entry)
{
    WebhookEventRow row;
    row.id = entry.id;
    row.tenantId = entry.tenantId;
    row.connectionId = entry.connectionId;
    row.provider = entry.provider;
    row.source = entry.source;
    row.receivedAt = entry.receivedAt;
    row.state = webhookInboxStateName(entry.state);
    row.attempts = entry.attempts;
    row.error = entry.lastError;
    row.executionId = entry.executionId;
    row.finishedAt = entry.finishedAt;
    row.replayOf = entry.replayOf;
    return row;
}

NotificationDeliveryRow deliveryRow(const NotificationDelivery &delivery)
{
    NotificationDeliveryRow row;
    row.id = delivery.id;
    row.deliveryId = delivery.deliveryId;
    row.eventId = delivery.eventId;
    row.type = delivery.eventType;
    row.endpoint = delivery.endpoint;
    row.tenantId = delivery.tenantId.value_or(0);
    row.connectionId = delivery.connectionId.value_or(0);
    row.state = delivery.state;
    row.attempts = delivery.attempts;
    row.lastStatus = delivery.lastStatus;
    row.error = delivery.lastError;
    row.createdAt = delivery.createdAt;
    row.lastAttemptAt = delivery.lastAttemptAt;
    row.replayOf = delivery.replayOf.value_or(0);
    return row;
}

template <typename T, typename From, typename Convert>
Result<QList<T>> convertAll(const Result<QList<From>> &items, Convert convert)
{
    if (!items)
        return items.error();
    QList<T> rows;
    rows.reserve(items->size());
    for (const From &item : items.value())
        rows.append(convert(item));
    return rows;
}

} // namespace

void LocalOps::setServerWorkers(WebhookInboxWorker *webhookInbox, bool sendsNotifications)
{
    m_webhookInbox = webhookInbox;
    m_sendsNotifications = sendsNotifications;
}

QFuture<Result<QList<WebhookEventRow>>> LocalOps::webhookEvents(const ReplayListFilter &filter)
{
    if (const auto refused = badLimit(filter.limit, "webhook events"))
        return readyAnswer<QList<WebhookEventRow>>(*refused);
    return withStore([filter](Store &store) {
        const auto entries = filter.connectionId
                                 ? store.webhooks().connectionWebhookInbox(*filter.connectionId, filter.limit)
                                 : store.webhooks().webhookInbox(std::nullopt, filter.tenantId, filter.limit);
        return convertAll<WebhookEventRow>(entries, webhookEventRow);
    });
}

QFuture<Result<QList<NotificationDeliveryRow>>> LocalOps::notificationDeliveries(const ReplayListFilter &filter)
{
    if (const auto refused = badLimit(filter.limit, "deliveries"))
        return readyAnswer<QList<NotificationDeliveryRow>>(*refused);
    return withStore([filter](Store &store) {
        DeliveryFilter deliveries;
        deliveries.tenantId = filter.tenantId;
        deliveries.connectionId = filter.connectionId;
        deliveries.limit = filter.limit;
        return convertAll<NotificationDeliveryRow>(store.notifications().deliveries(deliveries), deliveryRow);
    });
}

QFuture<Result<WebhookEventRow>> LocalOps::replayWebhookEvent(qint64 id)
{
    return withStore([id](Store &store) -> Result<WebhookEventRow> {
               auto queued = store.webhooks().replayWebhook(id);
               if (!queued)
                   return queued.error();
               return webhookEventRow(queued.value());
           })
        .then(this, [this](const Result<WebhookEventRow> &queued) {
            if (queued) {
                if (!m_webhookInbox) {
                    // The console runs no inbox worker: one of its own applies the call, off this thread, as
                    // patchbayd's would (claimed, applied through SyncService::applyWebhook, marked).
                    WebhookInboxWorker::StoreOpener open = [path = m_sync->databasePath(),
                                                            &clock = m_clock]() -> Result<std::unique_ptr<Store>> {
                        auto opened = SqliteStore::open(path, clock);
                        if (!opened)
                            return opened.error();
                        return std::unique_ptr<Store>(std::move(opened).value());
                    };
                    WebhookInboxOptions options;
                    options.workers = 1;
                    m_ownWebhookInbox = std::make_unique<WebhookInboxWorker>(*m_sync, open, m_clock, options);
                    m_ownWebhookInbox->start();
                    m_webhookInbox = m_ownWebhookInbox.get();
                }
                m_webhookInbox->wake();
                Q_EMIT connectionChanged(queued->connectionId);
            }
            return queued;
        });
}

QFuture<Result<NotificationDeliveryRow>> LocalOps::replayNotificationDelivery(qint64 id)
{
    return withStore([id, sends = m_sendsNotifications, &clock = m_clock](Store &store)
                         -> Result<NotificationDeliveryRow> {
        auto original = store.notifications().delivery(id);
        if (!original)
            return original.error();
        if (!sends) {
            return makeError("notify.not_here", QStringLiteral("Notifications are sent by patchbayd; connect to the "
                                                               "server to replay them."));
        }
        auto queued = Notifier::queueReplay(store, id, clock.now());
        if (!queued)
            return queued.error();
        return deliveryRow(queued.value());
    });
}

// Tokens (re-authorisation links).
QFuture<Result<ReauthorizationLink>> LocalOps::createReauthorizationLink(qint64 connectionId)
{
    return withStore([connectionId](Store &store) -> Result<ReauthorizationLink> {
        if (auto connection = store.tenants().connection(connectionId); !connection)
            return connection.error();
        return makeError("ops.needs_server",
                         QStringLiteral("A link for the customer needs patchbayd: the provider must be able to send "
                                        "the customer's browser back to a public address. Connect to a server, or "
                                        "re-authorise on this computer."));
    });
}

} // namespace patchbay
