#include "SqliteExecutionStore.h"

namespace patchbay {

using namespace sqlite;

namespace {

Event readEvent(SqliteRow &row)
{
    return Event{row.int64(), row.int64(), row.time(), row.text(), row.text(), row.object()};
}

Exchange readExchange(SqliteRow &row)
{
    return Exchange{row.int64(),   row.int64(), row.time(),    row.int64(),   row.text(), row.text(),
                    row.headers(), row.blob(),  row.integer(), row.headers(), row.blob(), row.text()};
}

struct Abandoned
{
    qint64 id;
    qint64 tenantId;
    QString owner;
    QDateTime leaseExpiredAt;
};

} // namespace

Result<qint64> SqliteExecutionStore::startExecution(qint64 connectionId, const QString &kind, const QString &object,
                                                    const ExecutionLease &lease)
{
    auto tenant = tenantOfConnection(m_db, connectionId);
    if (!tenant)
        return tenant.error();
    return insert(m_db,
                  QStringLiteral("INSERT INTO executions (tenant_id, connection_id, kind, object, status, started_at, "
                                 "owner, lease_expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                  *tenant, connectionId, kind, object, ExecutionStatus::Running, now(), textOrNull(lease.owner),
                  lease.owner.isEmpty() ? QDateTime() : lease.expiresAt);
}

Result<void> SqliteExecutionStore::renewExecutionLeases(const QString &owner, const QDateTime &until)
{
    return run(m_db,
               QStringLiteral("UPDATE executions SET lease_expires_at = ?2 WHERE owner = ?1 AND status = ?3 "
                              "AND lease_expires_at < ?2"),
               owner, until, ExecutionStatus::Running);
}

Result<QList<qint64>> SqliteExecutionStore::interruptAbandonedExecutions(const QDateTime &now)
{
    return inTransaction(m_db, [&]() -> Result<QList<qint64>> {
        // Read under the write lock, so an owner renewing at this moment either renewed first or finds it closed.
        auto abandoned = selectAll(
            m_db,
            QStringLiteral("SELECT id, tenant_id, owner, lease_expires_at FROM executions "
                           "WHERE status = ?1 AND lease_expires_at < ?2 ORDER BY id"),
            [](SqliteRow &row) {
                return Abandoned{row.int64(), row.int64(), row.text(), row.time()};
            },
            ExecutionStatus::Running, now);
        if (!abandoned)
            return abandoned.error();
        const QString code = QStringLiteral("sync.interrupted");
        QList<qint64> ids;
        for (const Abandoned &abandonedRun : std::as_const(abandoned.value())) {
            const QString message =
                QStringLiteral("Interrupted: the process that ran this execution (%1) stopped before it finished (its "
                               "lease ran out at %2). Nothing after its last saved page was kept; the next run goes "
                               "on from the stored cursor.")
                    .arg(abandonedRun.owner, abandonedRun.leaseExpiredAt.toString(Qt::ISODate));
            if (auto closed = run(m_db,
                                  QStringLiteral("UPDATE executions SET status = ?2, finished_at = ?3, "
                                                 "error_code = ?4, error_message = ?5 WHERE id = ?1"),
                                  abandonedRun.id, ExecutionStatus::Interrupted, now, code, message);
                !closed)
                return closed.error();
            Event event;
            event.executionId = abandonedRun.id;
            event.time = now;
            event.level = EventLevel::Error;
            event.message = message;
            event.context = {{QStringLiteral("code"), code}, {QStringLiteral("owner"), abandonedRun.owner}};
            if (auto added = insertEvent(abandonedRun.tenantId, event); !added)
                return added.error();
            if (auto marked = markLastSync(abandonedRun.id, now, ExecutionStatus::Interrupted); !marked)
                return marked.error();
            ids.append(abandonedRun.id);
        }
        return ids;
    });
}

Result<void> SqliteExecutionStore::updateExecutionCounts(qint64 executionId, const ExecutionCounts &counts)
{
    return run(m_db,
               QStringLiteral("UPDATE executions SET record_count = ?2, page_count = ?3, request_count = ?4, "
                              "failed_record_count = ?5 WHERE id = ?1"),
               executionId, counts.records, counts.pages, counts.requests, counts.failedRecords);
}

Result<void> SqliteExecutionStore::finishExecution(qint64 executionId, const QString &status,
                                                   const ExecutionCounts &counts, const std::optional<Error> &error)
{
    return inTransaction(m_db, [&]() -> Result<void> {
        const QDateTime finished = now();
        if (auto updated = run(m_db,
                               QStringLiteral("UPDATE executions SET status = ?2, finished_at = ?3, record_count = ?4, "
                                              "page_count = ?5, request_count = ?6, error_code = ?7, "
                                              "error_message = ?8, failed_record_count = ?9 WHERE id = ?1"),
                               executionId, status, finished, counts.records, counts.pages, counts.requests,
                               error ? QVariant(error->code) : QVariant(),
                               error ? QVariant(error->message) : QVariant(), counts.failedRecords);
            !updated)
            return updated;
        return markLastSync(executionId, finished, status);
    });
}

Result<void> SqliteExecutionStore::markLastSync(qint64 executionId, const QDateTime &at, const QString &status)
{
    return run(m_db,
               QStringLiteral("UPDATE connections SET last_sync_at = ?2, last_sync_status = ?3 "
                              "WHERE id = (SELECT connection_id FROM executions WHERE id = ?1)"),
               executionId, at, status);
}

Result<Execution> SqliteExecutionStore::execution(qint64 id)
{
    return required(selectOne(m_db, QStringLiteral("SELECT %1 FROM executions WHERE id = ?1").arg(kExecutionColumns),
                              readExecution, id),
                    notFound("execution", id));
}

Result<bool> SqliteExecutionStore::hasFinishedExecution(qint64 connectionId, const QString &kind)
{
    auto found = selectOne(
        m_db,
        QStringLiteral("SELECT 1 FROM executions WHERE connection_id = ?1 AND kind = ?2 "
                       "AND status IN (?3, ?4) LIMIT 1"),
        [](SqliteRow &) { return true; }, connectionId, kind, ExecutionStatus::Succeeded, ExecutionStatus::Failed);
    if (!found)
        return found.error();
    return found->has_value();
}

Result<QList<Execution>> SqliteExecutionStore::executions(qint64 connectionId, int limit,
                                                          std::optional<qint64> beforeId)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM executions WHERE connection_id = ?1 "
                                    "AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3")
                         .arg(kExecutionColumns),
                     readExecution, connectionId, beforeId, qint64(limit));
}

namespace {

// The columns, each named with the table's alias.
QString prefixed(const QString &columns, const QString &alias)
{
    QStringList named;
    for (const QString &column : columns.split(QStringLiteral(", ")))
        named.append(alias + QLatin1Char('.') + column);
    return named.join(QStringLiteral(", "));
}

// An ExecutionRow from "executions e" with its connection c and tenant t (kRowJoins), read by readRow. CROSS JOIN
// keeps executions the outer loop, walked along the index the conditions chose; each row then looks up its
// connection and tenant by primary key, its last event along events_by_execution and its latest replay along
// executions_replays.
const QString kRowJoins = QStringLiteral(
    " FROM executions e CROSS JOIN connections c ON c.id = e.connection_id CROSS JOIN tenants t ON t.id = e.tenant_id");

QString rowColumns()
{
    return prefixed(kExecutionColumns, QStringLiteral("e"))
        + QStringLiteral(", e.replay_of, (SELECT max(r.id) FROM executions r WHERE r.replay_of = e.id), "
                         "t.display_name, c.display_name, c.provider, coalesce(e.error_message, "
                         "(SELECT v.message FROM events v WHERE v.execution_id = e.id ORDER BY v.id DESC LIMIT 1))");
}

ExecutionRow readRow(SqliteRow &row)
{
    ExecutionRow found;
    found.execution = readExecution(row);
    found.replayOf = row.int64();
    found.replayedBy = row.int64();
    found.tenantName = row.text();
    found.connectionName = row.text();
    found.provider = row.text();
    found.message = row.text();
    const Execution &execution = found.execution;
    found.outcome = ExecutionOutcome::of(execution.status, execution.failedRecordCount);
    if (execution.finishedAt.isValid())
        found.durationMs = execution.startedAt.msecsTo(execution.finishedAt);
    (execution.kind == QLatin1String("write") ? found.recordsWritten : found.recordsRead) = execution.recordCount;
    found.recordsFailed = execution.failedRecordCount;
    return found;
}

// "'a', 'b'": kinds (constants of the engine, never input) for an IN list the planner sees.
QString inList(const QStringList &kinds)
{
    return QLatin1Char('\'') + kinds.join(QStringLiteral("', '")) + QLatin1Char('\'');
}

} // namespace

SqliteExecutionStore::Query SqliteExecutionStore::findExecutionsQuery(const ExecutionFilter &filter)
{
    Query query;
    QStringList conditions;
    const auto condition = [&](const QString &sql, const QVariant &value) {
        query.values.append(value);
        conditions.append(QString(sql).replace(QLatin1String("?"), QStringLiteral("?%1").arg(query.values.size())));
    };
    if (filter.tenantId)
        condition(QStringLiteral("e.tenant_id = ?"), *filter.tenantId);
    if (filter.connectionId)
        condition(QStringLiteral("e.connection_id = ?"), *filter.connectionId);
    if (!filter.kind.isEmpty())
        condition(QStringLiteral("e.kind = ?"), filter.kind);
    // The outcome's terms are literal, so that the planner may take the partial-failure index (a partial index is
    // used only for a query whose own terms imply its WHERE).
    if (filter.outcome == ExecutionOutcome::Partial)
        conditions.append(QStringLiteral("e.status = 'succeeded' AND e.failed_record_count > 0"));
    else if (filter.outcome == ExecutionOutcome::Succeeded)
        conditions.append(QStringLiteral("e.status = 'succeeded' AND e.failed_record_count = 0"));
    else if (!filter.outcome.isEmpty())
        condition(QStringLiteral("e.status = ?"), filter.outcome);
    if (filter.startedFrom.isValid())
        condition(QStringLiteral("e.started_at >= ?"), filter.startedFrom);
    if (filter.startedBefore.isValid())
        condition(QStringLiteral("e.started_at < ?"), filter.startedBefore);
    if (!filter.text.isEmpty()) {
        QString pattern = filter.text;
        pattern.replace(QLatin1String("\\"), QLatin1String("\\\\"))
            .replace(QLatin1String("%"), QLatin1String("\\%"))
            .replace(QLatin1String("_"), QLatin1String("\\_"));
        condition(QStringLiteral("(e.error_message LIKE ? ESCAPE '\\' OR e.error_code LIKE ? ESCAPE '\\' "
                                 "OR e.object LIKE ? ESCAPE '\\')"),
                  QLatin1Char('%') + pattern + QLatin1Char('%'));
    }
    if (filter.beforeId)
        condition(QStringLiteral("e.id < ?"), *filter.beforeId);
    query.values.append(qint64(filter.limit));
    query.sql = QStringLiteral("SELECT %1%2%3 ORDER BY e.id DESC LIMIT ?%4")
                    .arg(rowColumns(), kRowJoins,
                         conditions.isEmpty() ? QString()
                                              : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND ")))
                    .arg(query.values.size());
    return query;
}

Result<QList<ExecutionRow>> SqliteExecutionStore::selectRows(const QString &sql, const QVariantList &values)
{
    return selectAllOf(m_db, sql, readRow, values);
}

Result<QList<ExecutionRow>> SqliteExecutionStore::findExecutions(const ExecutionFilter &filter)
{
    const Query query = findExecutionsQuery(filter);
    return selectRows(query.sql, query.values);
}

Result<QList<ConnectionActivity>> SqliteExecutionStore::connectionActivity(const QDateTime &failuresSince,
                                                                           std::optional<qint64> tenantId)
{
    struct Found
    {
        ConnectionActivity activity;
        qint64 lastSyncId = 0;
    };
    // Per connection: its last sync along executions_by_connection, its failures along executions_failed.
    auto found = selectAll(
        m_db,
        QStringLiteral("SELECT %1, t.display_name, "
                       "(SELECT e.id FROM executions e WHERE e.connection_id = c.id AND e.kind IN (%2) "
                       "AND e.finished_at IS NOT NULL ORDER BY e.id DESC LIMIT 1), "
                       "(SELECT count(*) FROM executions e WHERE e.connection_id = c.id AND e.status = 'failed' "
                       "AND e.started_at >= ?1) "
                       "FROM connections c JOIN tenants t ON t.id = c.tenant_id WHERE (?2 IS NULL OR c.tenant_id = ?2) "
                       "ORDER BY t.display_name, c.display_name, c.id")
            .arg(prefixed(kConnectionColumns, QStringLiteral("c")), inList(kSyncKinds)),
        [](SqliteRow &row) {
            Found one;
            one.activity.connection = readConnection(row);
            one.activity.tenantName = row.text();
            one.lastSyncId = row.int64();
            one.activity.failedRunsSince = row.int64();
            return one;
        },
        failuresSince, tenantId);
    if (!found)
        return found.error();
    QList<ConnectionActivity> activities;
    for (Found &one : found.value()) {
        if (one.lastSyncId != 0) {
            auto last = selectRows(QStringLiteral("SELECT %1%2 WHERE e.id = ?1").arg(rowColumns(), kRowJoins),
                                   {one.lastSyncId});
            if (!last)
                return last.error();
            if (!last->isEmpty())
                one.activity.lastSync = last->first();
        }
        activities.append(std::move(one.activity));
    }
    return activities;
}

Result<TokenHistory> SqliteExecutionStore::tokenHistory(qint64 connectionId, int limit)
{
    TokenHistory history;
    auto operations = selectRows(QStringLiteral("SELECT %1%2 WHERE e.connection_id = ?1 AND e.kind IN (%3) "
                                                "ORDER BY e.id DESC LIMIT ?2")
                                     .arg(rowColumns(), kRowJoins, inList(kTokenKinds)),
                                 {connectionId, qint64(limit)});
    if (!operations)
        return operations.error();
    history.operations = std::move(operations).value();
    auto failures = selectOne(
        m_db,
        QStringLiteral("SELECT count(*) FROM executions WHERE connection_id = ?1 AND kind IN (%1) AND status = ?2 "
                       "AND id > coalesce((SELECT max(id) FROM executions WHERE connection_id = ?1 AND kind IN (%1) "
                       "AND status = ?3), 0)")
            .arg(inList(kTokenKinds)),
        [](SqliteRow &row) { return row.int64(); }, connectionId, ExecutionStatus::Failed,
        ExecutionStatus::Succeeded);
    if (!failures)
        return failures.error();
    history.consecutiveFailures = failures->value_or(0);
    return history;
}

Result<void> SqliteExecutionStore::setReplayOf(qint64 executionId, qint64 originalId)
{
    auto set = changed(m_db, QStringLiteral("UPDATE executions SET replay_of = ?2 WHERE id = ?1"), executionId,
                       originalId);
    if (!set)
        return set.error();
    if (!set.value())
        return notFound("execution", executionId);
    return {};
}

Result<qint64> SqliteExecutionStore::addEvent(const Event &event)
{
    auto tenant = tenantOfExecution(m_db, event.executionId);
    if (!tenant)
        return tenant.error();
    Event stamped = event;
    if (!stamped.time.isValid())
        stamped.time = now();
    return insertEvent(*tenant, stamped);
}

Result<qint64> SqliteExecutionStore::insertEvent(qint64 tenantId, const Event &event)
{
    return insert(m_db,
                  QStringLiteral("INSERT INTO events (tenant_id, execution_id, time, level, message, context) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
                  tenantId, event.executionId, event.time, event.level, event.message,
                  event.context.isEmpty() ? QVariant() : QVariant(toJson(event.context)));
}

Result<QList<Event>> SqliteExecutionStore::events(qint64 executionId)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT id, execution_id, time, level, message, context FROM events "
                                    "WHERE execution_id = ?1 ORDER BY id"),
                     readEvent, executionId);
}

Result<qint64> SqliteExecutionStore::addExchange(const Exchange &exchange)
{
    auto tenant = tenantOfExecution(m_db, exchange.executionId);
    if (!tenant)
        return tenant.error();
    return insert(m_db,
                  QStringLiteral("INSERT INTO exchanges (tenant_id, execution_id, started_at, duration_ms, method, "
                                 "url, request_headers, request_body, status, response_headers, response_body, error) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
                  *tenant, exchange.executionId, exchange.startedAt, exchange.durationMs, exchange.method, exchange.url,
                  exchange.requestHeaders, exchange.requestBody, qint64(exchange.status), exchange.responseHeaders,
                  exchange.responseBody, textOrNull(exchange.error));
}

Result<QList<Exchange>> SqliteExecutionStore::exchanges(qint64 executionId)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT id, execution_id, started_at, duration_ms, method, url, request_headers, "
                                    "request_body, status, response_headers, response_body, error FROM exchanges "
                                    "WHERE execution_id = ?1 ORDER BY id"),
                     readExchange, executionId);
}

} // namespace patchbay
