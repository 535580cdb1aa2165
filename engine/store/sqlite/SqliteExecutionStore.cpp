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
