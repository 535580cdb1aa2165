#include "SqliteStore.h"

#include "Migrations.h"
#include "SqliteDatabase.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

namespace {

QDateTime nowUtc()
{
    return QDateTime::currentDateTimeUtc();
}

// For nullable text columns: an empty value is stored as NULL ("not known"), as before.
QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QString headersToJson(const HeaderList &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromUtf8(value)});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

HeaderList headersFromJson(const QString &text)
{
    HeaderList headers;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &pair : array) {
        const QJsonArray nameValue = pair.toArray();
        headers.append({nameValue.at(0).toString().toLatin1(), nameValue.at(1).toString().toUtf8()});
    }
    return headers;
}

QString objectToJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject objectFromJson(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

Error notFound(const char *what, qint64 id)
{
    return makeError("store.not_found", QStringLiteral("No %1 with id %2.").arg(QLatin1String(what)).arg(id));
}

template <typename T>
Result<T> failedOr(const SqliteStatement &stmt, T value)
{
    if (stmt.error())
        return *stmt.error();
    return value;
}

const QString kConnectionColumns = QStringLiteral(
    "id, tenant_id, provider, display_name, config, status, status_message, created_at, last_sync_at, "
    "last_sync_status, integration, environment");

Connection readConnection(const SqliteStatement &stmt)
{
    Connection c;
    c.id = stmt.int64(0);
    c.tenantId = stmt.int64(1);
    c.provider = stmt.text(2);
    c.displayName = stmt.text(3);
    c.config = objectFromJson(stmt.text(4));
    c.status = stmt.text(5);
    c.statusMessage = stmt.text(6);
    c.createdAt = stmt.time(7);
    c.lastSyncAt = stmt.time(8);
    c.lastSyncStatus = stmt.text(9);
    c.integration = stmt.text(10);
    c.environment = stmt.text(11);
    return c;
}

const QString kExecutionColumns = QStringLiteral(
    "id, tenant_id, connection_id, kind, object, status, started_at, finished_at, record_count, page_count, "
    "request_count, error_code, error_message, failed_record_count");

Execution readExecution(const SqliteStatement &stmt)
{
    Execution e;
    e.id = stmt.int64(0);
    e.tenantId = stmt.int64(1);
    e.connectionId = stmt.int64(2);
    e.kind = stmt.text(3);
    e.object = stmt.text(4);
    e.status = stmt.text(5);
    e.startedAt = stmt.time(6);
    e.finishedAt = stmt.time(7);
    e.recordCount = stmt.int64(8);
    e.pageCount = stmt.int64(9);
    e.requestCount = stmt.int64(10);
    e.errorCode = stmt.text(11);
    e.errorMessage = stmt.text(12);
    e.failedRecordCount = stmt.int64(13);
    return e;
}

} // namespace

SqliteStore::SqliteStore(std::unique_ptr<SqliteDatabase> db) : m_db(std::move(db)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const QString &path)
{
    auto db = SqliteDatabase::open(path);
    if (!db)
        return db.error();
    if (auto migrated = Migrations::apply(*db.value()); !migrated)
        return migrated.error();
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db).value()));
}

QString SqliteStore::path() const
{
    return m_db->path();
}

Result<qint64> SqliteStore::createTenant(const QString &name, const QString &displayName)
{
    auto stmt = m_db->prepare(
        QStringLiteral("INSERT INTO tenants (name, display_name, created_at) VALUES (?1, ?2, ?3)"));
    stmt.bind(1, name).bind(2, displayName).bind(3, nowUtc());
    if (auto result = stmt.exec(); !result) {
        return makeError("store.tenant_exists",
                         QStringLiteral("Cannot create tenant \"%1\": %2").arg(name, result.error().message));
    }
    return m_db->lastInsertId();
}

Result<QList<Tenant>> SqliteStore::tenants()
{
    auto stmt = m_db->prepare(
        QStringLiteral("SELECT id, name, display_name, created_at FROM tenants ORDER BY display_name COLLATE NOCASE"));
    QList<Tenant> list;
    while (stmt.next())
        list.append(Tenant{stmt.int64(0), stmt.text(1), stmt.text(2), stmt.time(3)});
    return failedOr(stmt, list);
}

std::optional<Tenant> SqliteStore::tenantByName(const QString &name)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT id, name, display_name, created_at FROM tenants WHERE name = ?1"));
    stmt.bind(1, name);
    if (!stmt.next())
        return std::nullopt;
    return Tenant{stmt.int64(0), stmt.text(1), stmt.text(2), stmt.time(3)};
}

Result<qint64> SqliteStore::createConnection(const Connection &connection)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "INSERT INTO connections (tenant_id, provider, display_name, config, status, created_at, integration, "
        "environment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    stmt.bind(1, connection.tenantId)
        .bind(2, connection.provider)
        .bind(3, connection.displayName)
        .bind(4, objectToJson(connection.config))
        .bind(5, connection.status)
        .bind(6, nowUtc())
        .bind(7, textOrNull(connection.integration))
        .bind(8, connection.environment);
    if (auto result = stmt.exec(); !result)
        return result.error();
    return m_db->lastInsertId();
}

Result<QList<Connection>> SqliteStore::connections(std::optional<qint64> tenantId)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT %1 FROM connections WHERE (?1 IS NULL OR tenant_id = ?1) "
                                             "ORDER BY tenant_id, display_name COLLATE NOCASE")
                                  .arg(kConnectionColumns));
    stmt.bind(1, tenantId ? QVariant(*tenantId) : QVariant());
    QList<Connection> list;
    while (stmt.next())
        list.append(readConnection(stmt));
    return failedOr(stmt, list);
}

Result<Connection> SqliteStore::connection(qint64 id)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT %1 FROM connections WHERE id = ?1").arg(kConnectionColumns));
    stmt.bind(1, id);
    if (!stmt.next())
        return stmt.error() ? *stmt.error() : notFound("connection", id);
    return readConnection(stmt);
}

Result<void> SqliteStore::setConnectionStatus(qint64 id, const QString &status, const QString &message)
{
    auto stmt = m_db->prepare(QStringLiteral("UPDATE connections SET status = ?2, status_message = ?3 WHERE id = ?1"));
    stmt.bind(1, id).bind(2, status).bind(3, textOrNull(message));
    return stmt.exec();
}

Result<void> SqliteStore::setConnectionConfig(qint64 id, const QJsonObject &config)
{
    auto stmt = m_db->prepare(QStringLiteral("UPDATE connections SET config = ?2 WHERE id = ?1"));
    stmt.bind(1, id).bind(2, objectToJson(config));
    return stmt.exec();
}

Result<qint64> SqliteStore::tenantOfConnection(qint64 connectionId)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT tenant_id FROM connections WHERE id = ?1"));
    stmt.bind(1, connectionId);
    if (!stmt.next())
        return stmt.error() ? *stmt.error() : notFound("connection", connectionId);
    return stmt.int64(0);
}

Result<qint64> SqliteStore::tenantOfExecution(qint64 executionId)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT tenant_id FROM executions WHERE id = ?1"));
    stmt.bind(1, executionId);
    if (!stmt.next())
        return stmt.error() ? *stmt.error() : notFound("execution", executionId);
    return stmt.int64(0);
}

Result<void> SqliteStore::saveCredential(qint64 connectionId, const StoredCredential &credential)
{
    auto tenant = tenantOfConnection(connectionId);
    if (!tenant)
        return tenant.error();
    auto stmt = m_db->prepare(QStringLiteral(
        "INSERT INTO credentials (connection_id, tenant_id, sealed, expires_at, refreshed_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (connection_id) DO UPDATE SET sealed = excluded.sealed, "
        "expires_at = excluded.expires_at, refreshed_at = excluded.refreshed_at, updated_at = excluded.updated_at"));
    stmt.bind(1, connectionId)
        .bind(2, *tenant)
        .bind(3, credential.sealed)
        .bind(4, credential.expiresAt)
        .bind(5, credential.refreshedAt)
        .bind(6, nowUtc());
    return stmt.exec();
}

Result<bool> SqliteStore::takeRefreshLease(qint64 connectionId, const QString &holder, const QDateTime &until,
                                           const QDateTime &now)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "INSERT INTO refresh_leases (connection_id, holder, expires_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (connection_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
        "WHERE refresh_leases.expires_at <= ?4 OR refresh_leases.holder = excluded.holder"));
    stmt.bind(1, connectionId).bind(2, holder).bind(3, until).bind(4, now);
    if (auto result = stmt.exec(); !result)
        return result.error();
    return m_db->changes() > 0;
}

Result<void> SqliteStore::releaseRefreshLease(qint64 connectionId, const QString &holder)
{
    auto stmt = m_db->prepare(
        QStringLiteral("DELETE FROM refresh_leases WHERE connection_id = ?1 AND holder = ?2"));
    stmt.bind(1, connectionId).bind(2, holder);
    return stmt.exec();
}

Result<void> SqliteStore::addPendingAuthorization(const PendingAuthorization &pending)
{
    // Old ones that were never finished go first.
    auto purge = m_db->prepare(QStringLiteral("DELETE FROM pending_authorizations WHERE expires_at < ?1"));
    purge.bind(1, nowUtc());
    if (auto result = purge.exec(); !result)
        return result;
    auto stmt = m_db->prepare(QStringLiteral(
        "INSERT INTO pending_authorizations (state, connection_id, sealed_verifier, redirect_uri, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)"));
    stmt.bind(1, pending.state).bind(2, pending.connectionId).bind(3, pending.sealedVerifier);
    stmt.bind(4, pending.redirectUri).bind(5, pending.expiresAt);
    return stmt.exec();
}

std::optional<PendingAuthorization> SqliteStore::takePendingAuthorization(const QString &state)
{
    PendingAuthorization pending;
    {
        auto stmt = m_db->prepare(QStringLiteral(
            "SELECT connection_id, sealed_verifier, redirect_uri, expires_at FROM pending_authorizations "
            "WHERE state = ?1"));
        stmt.bind(1, state);
        if (!stmt.next())
            return std::nullopt;
        pending.state = state;
        pending.connectionId = stmt.int64(0);
        pending.sealedVerifier = stmt.blob(1);
        pending.redirectUri = stmt.text(2);
        pending.expiresAt = stmt.time(3);
    }
    auto remove = m_db->prepare(QStringLiteral("DELETE FROM pending_authorizations WHERE state = ?1"));
    remove.bind(1, state);
    if (!remove.exec())
        return std::nullopt;
    return pending;
}

Result<StoredCredential> SqliteStore::credential(qint64 connectionId)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT sealed, expires_at, refreshed_at, updated_at FROM credentials WHERE connection_id = ?1"));
    stmt.bind(1, connectionId);
    if (!stmt.next()) {
        if (stmt.error())
            return *stmt.error();
        return makeError("auth.no_credential",
                         QStringLiteral("Connection %1 has no stored credential; authorise it again.").arg(connectionId));
    }
    return StoredCredential{connectionId, stmt.blob(0), stmt.time(1), stmt.time(2), stmt.time(3)};
}

Result<QList<StoredCredential>> SqliteStore::credentials()
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT connection_id, sealed, expires_at, refreshed_at, updated_at FROM credentials ORDER BY connection_id"));
    QList<StoredCredential> list;
    while (stmt.next())
        list.append(StoredCredential{stmt.int64(0), stmt.blob(1), stmt.time(2), stmt.time(3), stmt.time(4)});
    return failedOr(stmt, list);
}

std::optional<QByteArray> SqliteStore::setting(const QString &name)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT value FROM store_settings WHERE name = ?1"));
    stmt.bind(1, name);
    if (!stmt.next())
        return std::nullopt;
    return stmt.blob(0);
}

Result<bool> SqliteStore::addSetting(const QString &name, const QByteArray &value)
{
    auto stmt = m_db->prepare(
        QStringLiteral("INSERT INTO store_settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING"));
    stmt.bind(1, name).bind(2, value);
    if (auto result = stmt.exec(); !result)
        return result.error();
    return m_db->changes() > 0;
}

Result<qint64> SqliteStore::startExecution(qint64 connectionId, const QString &kind, const QString &object,
                                           const ExecutionLease &lease)
{
    auto tenant = tenantOfConnection(connectionId);
    if (!tenant)
        return tenant.error();
    auto stmt = m_db->prepare(
        QStringLiteral("INSERT INTO executions (tenant_id, connection_id, kind, object, status, started_at, owner, "
                       "lease_expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    stmt.bind(1, *tenant).bind(2, connectionId).bind(3, kind).bind(4, object).bind(5, ExecutionStatus::Running);
    stmt.bind(6, nowUtc()).bind(7, textOrNull(lease.owner));
    stmt.bind(8, lease.owner.isEmpty() ? QDateTime() : lease.expiresAt);
    if (auto result = stmt.exec(); !result)
        return result.error();
    return m_db->lastInsertId();
}

Result<void> SqliteStore::renewExecutionLeases(const QString &owner, const QDateTime &until)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "UPDATE executions SET lease_expires_at = ?2 WHERE owner = ?1 AND status = ?3 AND lease_expires_at < ?2"));
    stmt.bind(1, owner).bind(2, until).bind(3, ExecutionStatus::Running);
    return stmt.exec();
}

Result<QList<qint64>> SqliteStore::interruptAbandonedExecutions(const QDateTime &now)
{
    SqliteTransaction transaction(*m_db);
    if (!transaction.started())
        return transaction.started().error();
    struct Abandoned
    {
        qint64 id;
        qint64 tenantId;
        qint64 connectionId;
        QString owner;
        QDateTime leaseExpiredAt;
    };
    QList<Abandoned> abandoned;
    {
        // Read under the write lock, so an owner renewing at this moment either renewed first or finds it closed.
        auto stmt =
            m_db->prepare(QStringLiteral("SELECT id, tenant_id, connection_id, owner, lease_expires_at FROM executions "
                                         "WHERE status = ?1 AND lease_expires_at < ?2 ORDER BY id"));
        stmt.bind(1, ExecutionStatus::Running).bind(2, now);
        while (stmt.next())
            abandoned.append({stmt.int64(0), stmt.int64(1), stmt.int64(2), stmt.text(3), stmt.time(4)});
        if (stmt.error())
            return *stmt.error();
    }
    const QString code = QStringLiteral("sync.interrupted");
    QList<qint64> ids;
    for (const Abandoned &run : std::as_const(abandoned)) {
        const QString message =
            QStringLiteral("Interrupted: the process that ran this execution (%1) stopped before it finished (its "
                           "lease ran out at %2). Nothing after its last saved page was kept; the next run goes on "
                           "from the stored cursor.")
                .arg(run.owner, run.leaseExpiredAt.toString(Qt::ISODate));
        auto close = m_db->prepare(QStringLiteral(
            "UPDATE executions SET status = ?2, finished_at = ?3, error_code = ?4, error_message = ?5 WHERE id = ?1"));
        close.bind(1, run.id).bind(2, ExecutionStatus::Interrupted).bind(3, now).bind(4, code).bind(5, message);
        if (auto result = close.exec(); !result)
            return result.error();
        auto event = m_db->prepare(QStringLiteral(
            "INSERT INTO events (tenant_id, execution_id, time, level, message, context) VALUES (?1, ?2, ?3, ?4, ?5, "
            "?6)"));
        event.bind(1, run.tenantId).bind(2, run.id).bind(3, now).bind(4, EventLevel::Error).bind(5, message);
        event.bind(6, objectToJson({{QStringLiteral("code"), code}, {QStringLiteral("owner"), run.owner}}));
        if (auto result = event.exec(); !result)
            return result.error();
        auto touch = m_db->prepare(
            QStringLiteral("UPDATE connections SET last_sync_at = ?2, last_sync_status = ?3 WHERE id = ?1"));
        touch.bind(1, run.connectionId).bind(2, now).bind(3, ExecutionStatus::Interrupted);
        if (auto result = touch.exec(); !result)
            return result.error();
        ids.append(run.id);
    }
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return ids;
}

Result<void> SqliteStore::updateExecutionCounts(qint64 executionId, const ExecutionCounts &counts)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "UPDATE executions SET record_count = ?2, page_count = ?3, request_count = ?4, failed_record_count = ?5 "
        "WHERE id = ?1"));
    stmt.bind(1, executionId).bind(2, counts.records).bind(3, counts.pages).bind(4, counts.requests);
    stmt.bind(5, counts.failedRecords);
    return stmt.exec();
}

Result<void> SqliteStore::finishExecution(qint64 executionId, const QString &status, const ExecutionCounts &counts,
                                          const std::optional<Error> &error)
{
    SqliteTransaction transaction(*m_db);
    if (!transaction.started())
        return transaction.started();
    const QDateTime finished = nowUtc();
    auto stmt = m_db->prepare(QStringLiteral(
        "UPDATE executions SET status = ?2, finished_at = ?3, record_count = ?4, page_count = ?5, "
        "request_count = ?6, error_code = ?7, error_message = ?8, failed_record_count = ?9 WHERE id = ?1"));
    stmt.bind(1, executionId).bind(2, status).bind(3, finished).bind(4, counts.records).bind(5, counts.pages);
    stmt.bind(6, counts.requests)
        .bind(7, error ? QVariant(error->code) : QVariant())
        .bind(8, error ? QVariant(error->message) : QVariant())
        .bind(9, counts.failedRecords);
    if (auto result = stmt.exec(); !result)
        return result;
    auto touch = m_db->prepare(QStringLiteral(
        "UPDATE connections SET last_sync_at = ?2, last_sync_status = ?3 "
        "WHERE id = (SELECT connection_id FROM executions WHERE id = ?1)"));
    touch.bind(1, executionId).bind(2, finished).bind(3, status);
    if (auto result = touch.exec(); !result)
        return result;
    return transaction.commit();
}

Result<Execution> SqliteStore::execution(qint64 id)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT %1 FROM executions WHERE id = ?1").arg(kExecutionColumns));
    stmt.bind(1, id);
    if (!stmt.next())
        return stmt.error() ? *stmt.error() : notFound("execution", id);
    return readExecution(stmt);
}

Result<bool> SqliteStore::hasFinishedExecution(qint64 connectionId, const QString &kind)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT 1 FROM executions WHERE connection_id = ?1 AND kind = ?2 AND status IN (?3, ?4) LIMIT 1"));
    stmt.bind(1, connectionId).bind(2, kind).bind(3, ExecutionStatus::Succeeded).bind(4, ExecutionStatus::Failed);
    const bool found = stmt.next();
    return failedOr(stmt, found);
}

Result<QList<Execution>> SqliteStore::executions(qint64 connectionId, int limit, std::optional<qint64> beforeId)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT %1 FROM executions WHERE connection_id = ?1 "
                                             "AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3")
                                  .arg(kExecutionColumns));
    stmt.bind(1, connectionId).bind(2, beforeId ? QVariant(*beforeId) : QVariant()).bind(3, qint64(limit));
    QList<Execution> list;
    while (stmt.next())
        list.append(readExecution(stmt));
    return failedOr(stmt, list);
}

Result<qint64> SqliteStore::addEvent(const Event &event)
{
    auto tenant = tenantOfExecution(event.executionId);
    if (!tenant)
        return tenant.error();
    auto stmt = m_db->prepare(QStringLiteral(
        "INSERT INTO events (tenant_id, execution_id, time, level, message, context) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    stmt.bind(1, *tenant).bind(2, event.executionId).bind(3, event.time.isValid() ? event.time : nowUtc());
    stmt.bind(4, event.level).bind(5, event.message);
    stmt.bind(6, event.context.isEmpty() ? QVariant() : QVariant(objectToJson(event.context)));
    if (auto result = stmt.exec(); !result)
        return result.error();
    return m_db->lastInsertId();
}

Result<QList<Event>> SqliteStore::events(qint64 executionId)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT id, execution_id, time, level, message, context FROM events WHERE execution_id = ?1 ORDER BY id"));
    stmt.bind(1, executionId);
    QList<Event> list;
    while (stmt.next()) {
        list.append(Event{stmt.int64(0), stmt.int64(1), stmt.time(2), stmt.text(3), stmt.text(4),
                          objectFromJson(stmt.text(5))});
    }
    return failedOr(stmt, list);
}

Result<qint64> SqliteStore::addExchange(const Exchange &exchange)
{
    auto tenant = tenantOfExecution(exchange.executionId);
    if (!tenant)
        return tenant.error();
    auto stmt = m_db->prepare(QStringLiteral(
        "INSERT INTO exchanges (tenant_id, execution_id, started_at, duration_ms, method, url, request_headers, "
        "request_body, status, response_headers, response_body, error) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    stmt.bind(1, *tenant).bind(2, exchange.executionId).bind(3, exchange.startedAt).bind(4, exchange.durationMs);
    stmt.bind(5, exchange.method).bind(6, exchange.url).bind(7, headersToJson(exchange.requestHeaders));
    stmt.bind(8, exchange.requestBody).bind(9, qint64(exchange.status));
    stmt.bind(10, headersToJson(exchange.responseHeaders)).bind(11, exchange.responseBody);
    stmt.bind(12, textOrNull(exchange.error));
    if (auto result = stmt.exec(); !result)
        return result.error();
    return m_db->lastInsertId();
}

Result<QList<Exchange>> SqliteStore::exchanges(qint64 executionId)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT id, execution_id, started_at, duration_ms, method, url, request_headers, request_body, status, "
        "response_headers, response_body, error FROM exchanges WHERE execution_id = ?1 ORDER BY id"));
    stmt.bind(1, executionId);
    QList<Exchange> list;
    while (stmt.next()) {
        Exchange x;
        x.id = stmt.int64(0);
        x.executionId = stmt.int64(1);
        x.startedAt = stmt.time(2);
        x.durationMs = stmt.int64(3);
        x.method = stmt.text(4);
        x.url = stmt.text(5);
        x.requestHeaders = headersFromJson(stmt.text(6));
        x.requestBody = stmt.blob(7);
        x.status = static_cast<int>(stmt.int64(8));
        x.responseHeaders = headersFromJson(stmt.text(9));
        x.responseBody = stmt.blob(10);
        x.error = stmt.text(11);
        list.append(x);
    }
    return failedOr(stmt, list);
}

std::optional<QString> SqliteStore::cursor(qint64 connectionId, const QString &object)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT value FROM cursors WHERE connection_id = ?1 AND object = ?2"));
    stmt.bind(1, connectionId).bind(2, object);
    if (!stmt.next())
        return std::nullopt;
    return stmt.text(0);
}

Result<void> SqliteStore::commitPage(qint64 connectionId, const QString &object, qint64 executionId,
                                     const QList<StoredRecord> &records, const std::optional<QString> &cursorValue,
                                     const QList<FailedRecord> &failed, const QStringList &deletedIds,
                                     const std::optional<QDateTime> &removeUnseenSince)
{
    auto tenant = tenantOfConnection(connectionId);
    if (!tenant)
        return tenant.error();
    SqliteTransaction transaction(*m_db);
    if (!transaction.started())
        return transaction.started();
    const QDateTime now = nowUtc();
    // A record that arrives mapped, or deleted, closes its open failure.
    const auto resolveFailure = [&](const QString &recordId) {
        auto resolve = m_db->prepare(QStringLiteral(
            "UPDATE failed_records SET resolved_at = ?4, resolved_execution_id = ?5 WHERE connection_id = ?1 "
            "AND object = ?2 AND record_id = ?3 AND resolved_at IS NULL"));
        resolve.bind(1, connectionId).bind(2, object).bind(3, recordId).bind(4, now).bind(5, executionId);
        return resolve.exec();
    };
    for (const StoredRecord &record : records) {
        auto upsert = m_db->prepare(QStringLiteral(
            "INSERT INTO records (connection_id, tenant_id, object, record_id, data, updated_at, execution_id, "
            "stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (connection_id, object, record_id) "
            "DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, "
            "execution_id = excluded.execution_id, stored_at = excluded.stored_at"));
        upsert.bind(1, connectionId).bind(2, *tenant).bind(3, object).bind(4, record.recordId);
        upsert.bind(5, QString::fromUtf8(record.data))
            .bind(6, textOrNull(record.updatedAt))
            .bind(7, executionId)
            .bind(8, now);
        if (auto result = upsert.exec(); !result)
            return result;
        if (auto result = resolveFailure(record.recordId); !result)
            return result;
    }
    for (const FailedRecord &record : failed) {
        auto keep = m_db->prepare(QStringLiteral(
            "INSERT INTO failed_records (tenant_id, connection_id, execution_id, object, record_id, raw, errors, "
            "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
            "ON CONFLICT (connection_id, object, record_id) WHERE resolved_at IS NULL DO UPDATE SET "
            "execution_id = excluded.execution_id, raw = excluded.raw, errors = excluded.errors, "
            "created_at = excluded.created_at, updated_at = excluded.updated_at"));
        keep.bind(1, *tenant).bind(2, connectionId).bind(3, executionId).bind(4, object).bind(5, record.recordId);
        keep.bind(6, QString::fromUtf8(record.raw))
            .bind(7, QString::fromUtf8(QJsonDocument(record.errors).toJson(QJsonDocument::Compact)))
            .bind(8, now)
            .bind(9, textOrNull(record.updatedAt));
        if (auto result = keep.exec(); !result)
            return result;
    }
    for (const QString &id : deletedIds) {
        // The provider reported the record deleted: it leaves the record store, and so does an open failure.
        auto remove = m_db->prepare(
            QStringLiteral("DELETE FROM records WHERE connection_id = ?1 AND object = ?2 AND record_id = ?3"));
        remove.bind(1, connectionId).bind(2, object).bind(3, id);
        if (auto result = remove.exec(); !result)
            return result;
        if (auto result = resolveFailure(id); !result)
            return result;
    }
    if (removeUnseenSince) {
        // A record kept raw as a failure was seen too: its last good version stays.
        auto sweep = m_db->prepare(QStringLiteral(
            "DELETE FROM records WHERE connection_id = ?1 AND object = ?2 AND stored_at < ?3 AND record_id NOT IN "
            "(SELECT record_id FROM failed_records WHERE connection_id = ?1 AND object = ?2 AND resolved_at IS NULL)"));
        sweep.bind(1, connectionId).bind(2, object).bind(3, *removeUnseenSince);
        if (auto result = sweep.exec(); !result)
            return result;
    }
    if (cursorValue) {
        auto stmt = m_db->prepare(QStringLiteral(
            "INSERT INTO cursors (connection_id, tenant_id, object, value, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT (connection_id, object) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at"));
        stmt.bind(1, connectionId).bind(2, *tenant).bind(3, object).bind(4, *cursorValue).bind(5, now);
        if (auto result = stmt.exec(); !result)
            return result;
    }
    return transaction.commit();
}

Result<QList<FailedRecord>> SqliteStore::failedRecords(qint64 connectionId, const QString &object, bool openOnly)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT id, execution_id, object, record_id, updated_at, raw, errors, created_at, resolved_at "
        "FROM failed_records "
        "WHERE connection_id = ?1 AND (?2 = '' OR object = ?2) AND (?3 = 0 OR resolved_at IS NULL) ORDER BY id"));
    stmt.bind(1, connectionId).bind(2, object).bind(3, qint64(openOnly));
    QList<FailedRecord> list;
    while (stmt.next()) {
        list.append(FailedRecord{stmt.int64(0), stmt.int64(1), stmt.text(2), stmt.text(3), stmt.text(4),
                                 stmt.text(5).toUtf8(), QJsonDocument::fromJson(stmt.text(6).toUtf8()).array(),
                                 stmt.time(7), stmt.time(8)});
    }
    return failedOr(stmt, list);
}

namespace {

const QString kMappingColumns = QStringLiteral(
    "id, level, scope, integration, object, direction, version, overrides, author, reason, created_at");

MappingVersion readMappingVersion(const SqliteStatement &stmt)
{
    return MappingVersion{stmt.int64(0), stmt.text(1),         stmt.text(2),
                          stmt.text(3),  stmt.text(4),         stmt.text(5),
                          static_cast<int>(stmt.int64(6)),     objectFromJson(stmt.text(7)),
                          stmt.text(8),  stmt.text(9),         stmt.time(10)};
}

} // namespace

Result<MappingVersion> SqliteStore::saveMappingVersion(const MappingVersion &version)
{
    std::optional<qint64> tenant;
    if (version.level == MappingLevel::Connection) {
        auto owner = tenantOfConnection(version.scope.toLongLong());
        if (!owner)
            return owner.error();
        tenant = owner.value();
    }
    SqliteTransaction transaction(*m_db);
    if (!transaction.started())
        return transaction.started().error();
    auto last = m_db->prepare(QStringLiteral(
        "SELECT COALESCE(MAX(version), 0) FROM mapping_versions WHERE level = ?1 AND scope = ?2 AND integration = ?3 "
        "AND object = ?4 AND direction = ?5"));
    last.bind(1, version.level).bind(2, version.scope).bind(3, version.integration).bind(4, version.object);
    last.bind(5, version.direction);
    if (!last.next())
        return last.error() ? *last.error() : makeError("store.query_failed", QStringLiteral("no version row"));
    MappingVersion saved = version;
    saved.version = static_cast<int>(last.int64(0)) + 1;
    saved.createdAt = nowUtc();
    auto insert = m_db->prepare(QStringLiteral(
        "INSERT INTO mapping_versions (tenant_id, level, scope, integration, object, direction, version, overrides, "
        "author, reason, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    insert.bind(1, tenant ? QVariant(*tenant) : QVariant()).bind(2, saved.level).bind(3, saved.scope);
    insert.bind(4, saved.integration).bind(5, saved.object).bind(6, saved.direction).bind(7, qint64(saved.version));
    insert.bind(8, objectToJson(saved.overrides)).bind(9, saved.author).bind(10, saved.reason).bind(11, saved.createdAt);
    if (auto result = insert.exec(); !result)
        return result.error();
    saved.id = m_db->lastInsertId();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return saved;
}

std::optional<MappingVersion> SqliteStore::currentMapping(const QString &level, const QString &scope,
                                                          const QString &integration, const QString &object,
                                                          const QString &direction)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT %1 FROM mapping_versions WHERE level = ?1 AND scope = ?2 AND "
                                             "integration = ?3 AND object = ?4 AND direction = ?5 "
                                             "ORDER BY version DESC LIMIT 1")
                                  .arg(kMappingColumns));
    stmt.bind(1, level).bind(2, scope).bind(3, integration).bind(4, object).bind(5, direction);
    if (!stmt.next())
        return std::nullopt;
    return readMappingVersion(stmt);
}

Result<QList<MappingVersion>> SqliteStore::mappingHistory(const QString &level, const QString &scope,
                                                          const QString &integration, const QString &object,
                                                          const QString &direction)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT %1 FROM mapping_versions WHERE level = ?1 AND scope = ?2 AND "
                                             "integration = ?3 AND object = ?4 AND direction = ?5 "
                                             "ORDER BY version DESC")
                                  .arg(kMappingColumns));
    stmt.bind(1, level).bind(2, scope).bind(3, integration).bind(4, object).bind(5, direction);
    QList<MappingVersion> list;
    while (stmt.next())
        list.append(readMappingVersion(stmt));
    return failedOr(stmt, list);
}

Result<void> SqliteStore::setConnectionIntegration(qint64 id, const QString &integration, const QString &environment)
{
    auto stmt = m_db->prepare(
        QStringLiteral("UPDATE connections SET integration = ?2, environment = ?3 WHERE id = ?1"));
    stmt.bind(1, id).bind(2, integration).bind(3, environment);
    return stmt.exec();
}

Result<void> SqliteStore::clearCursor(qint64 connectionId, const QString &object)
{
    auto stmt = m_db->prepare(QStringLiteral("DELETE FROM cursors WHERE connection_id = ?1 AND object = ?2"));
    stmt.bind(1, connectionId).bind(2, object);
    return stmt.exec();
}

qint64 SqliteStore::recordCount(qint64 connectionId, const QString &object)
{
    auto stmt = m_db->prepare(
        QStringLiteral("SELECT COUNT(*) FROM records WHERE connection_id = ?1 AND object = ?2"));
    stmt.bind(1, connectionId).bind(2, object);
    return stmt.next() ? stmt.int64(0) : 0;
}

std::optional<StoredRecord> SqliteStore::record(qint64 connectionId, const QString &object, const QString &recordId)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT record_id, data, updated_at FROM records WHERE connection_id = ?1 AND object = ?2 AND record_id = ?3"));
    stmt.bind(1, connectionId).bind(2, object).bind(3, recordId);
    if (!stmt.next())
        return std::nullopt;
    return StoredRecord{stmt.text(0), stmt.text(1).toUtf8(), stmt.text(2)};
}


Result<void> SqliteStore::addWriteItems(qint64 connectionId, const QList<WriteItem> &items)
{
    auto tenant = tenantOfConnection(connectionId);
    if (!tenant)
        return tenant.error();
    SqliteTransaction transaction(*m_db);
    if (!transaction.started())
        return transaction.started();
    const QDateTime now = nowUtc();
    for (const WriteItem &item : items) {
        auto insert = m_db->prepare(QStringLiteral(
            "INSERT INTO write_items (tenant_id, connection_id, execution_id, object, item_key, operation, "
            "provider_id, status, error_code, error_message, payload, sent, created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
        insert.bind(1, *tenant).bind(2, connectionId).bind(3, item.executionId).bind(4, item.object);
        insert.bind(5, item.key).bind(6, item.operation);
        insert.bind(7, item.providerId.isEmpty() ? QVariant() : QVariant(item.providerId));
        insert.bind(8, item.status);
        insert.bind(9, item.errorCode.isEmpty() ? QVariant() : QVariant(item.errorCode));
        insert.bind(10, item.errorMessage.isEmpty() ? QVariant() : QVariant(item.errorMessage));
        insert.bind(11, QString::fromUtf8(item.payload));
        insert.bind(12, item.sent.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(item.sent)));
        insert.bind(13, now);
        if (auto result = insert.exec(); !result)
            return result;
        if (item.status == QLatin1String("succeeded") && !item.providerId.isEmpty()) {
            auto link = m_db->prepare(QStringLiteral(
                "INSERT INTO record_links (connection_id, object, item_key, provider_id, linked_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (connection_id, object, item_key) DO UPDATE SET "
                "provider_id = excluded.provider_id, linked_at = excluded.linked_at"));
            link.bind(1, connectionId).bind(2, item.object).bind(3, item.key).bind(4, item.providerId).bind(5, now);
            if (auto result = link.exec(); !result)
                return result;
        }
    }
    return transaction.commit();
}

namespace {

WriteItem writeItemFrom(const SqliteStatement &stmt)
{
    WriteItem item;
    item.id = stmt.int64(0);
    item.executionId = stmt.int64(1);
    item.object = stmt.text(2);
    item.key = stmt.text(3);
    item.operation = stmt.text(4);
    item.providerId = stmt.text(5);
    item.status = stmt.text(6);
    item.errorCode = stmt.text(7);
    item.errorMessage = stmt.text(8);
    item.payload = stmt.text(9).toUtf8();
    item.sent = stmt.text(10).toUtf8();
    item.createdAt = stmt.time(11);
    return item;
}

constexpr const char *kWriteItemColumns = "id, execution_id, object, item_key, operation, provider_id, status, "
                                          "error_code, error_message, payload, sent, created_at";

} // namespace

Result<QList<WriteItem>> SqliteStore::writeItems(qint64 executionId)
{
    auto stmt = m_db->prepare(QStringLiteral("SELECT %1 FROM write_items WHERE execution_id = ?1 ORDER BY id")
                                  .arg(QLatin1String(kWriteItemColumns)));
    stmt.bind(1, executionId);
    QList<WriteItem> items;
    while (stmt.next())
        items.append(writeItemFrom(stmt));
    if (stmt.error())
        return *stmt.error();
    return items;
}

Result<QList<WriteItem>> SqliteStore::failedWriteItems(qint64 connectionId, const QString &object)
{
    // The newest result per key; it is still failing when that result failed.
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT %1 FROM write_items w WHERE connection_id = ?1 AND (?2 = '' OR object = ?2) AND status = 'failed' "
        "AND id = (SELECT MAX(id) FROM write_items v WHERE v.connection_id = w.connection_id "
        "AND v.object = w.object AND v.item_key = w.item_key) ORDER BY id").arg(QLatin1String(kWriteItemColumns)));
    stmt.bind(1, connectionId).bind(2, object);
    QList<WriteItem> items;
    while (stmt.next())
        items.append(writeItemFrom(stmt));
    if (stmt.error())
        return *stmt.error();
    return items;
}

std::optional<QString> SqliteStore::linkedProviderId(qint64 connectionId, const QString &object, const QString &key)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT provider_id FROM record_links WHERE connection_id = ?1 AND object = ?2 AND item_key = ?3"));
    stmt.bind(1, connectionId).bind(2, object).bind(3, key);
    if (!stmt.next())
        return std::nullopt;
    return stmt.text(0);
}

bool SqliteStore::webhookEventSeen(qint64 connectionId, const QString &provider, const QString &eventId)
{
    auto stmt = m_db->prepare(
        QStringLiteral("SELECT 1 FROM webhook_events WHERE connection_id = ?1 AND provider = ?2 AND event_id = ?3"));
    stmt.bind(1, connectionId).bind(2, provider).bind(3, eventId);
    return stmt.next();
}

Result<bool> SqliteStore::recordWebhookEvent(const QString &provider, const QString &eventId, qint64 connectionId,
                                             qint64 executionId)
{
    auto stmt = m_db->prepare(
        QStringLiteral("INSERT INTO webhook_events (provider, event_id, connection_id, execution_id, received_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (connection_id, provider, event_id) DO NOTHING"));
    stmt.bind(1, provider).bind(2, eventId).bind(3, connectionId);
    stmt.bind(4, executionId > 0 ? QVariant(executionId) : QVariant()).bind(5, nowUtc());
    if (auto result = stmt.exec(); !result)
        return result.error();
    return m_db->changes() > 0;
}

Result<void> SqliteStore::recordWebhookRejection(const WebhookRejection &call)
{
    SqliteTransaction transaction(*m_db);
    if (!transaction.started())
        return transaction.started().error();
    auto upsert = m_db->prepare(QStringLiteral(
        "INSERT INTO webhook_rejections (provider, source, count, first_at, last_at, last_reason, last_connection_id, "
        "last_size, last_body_sha256) VALUES (?1, ?2, 1, ?3, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (provider, source) DO UPDATE SET count = count + 1, last_at = excluded.last_at, "
        "last_reason = excluded.last_reason, last_connection_id = excluded.last_connection_id, "
        "last_size = excluded.last_size, last_body_sha256 = excluded.last_body_sha256"));
    upsert.bind(1, call.provider).bind(2, call.source).bind(3, call.lastAt.isValid() ? call.lastAt : nowUtc());
    upsert.bind(4, call.lastReason.left(500));
    upsert.bind(5, call.lastConnectionId > 0 ? QVariant(call.lastConnectionId) : QVariant());
    upsert.bind(6, call.lastSize).bind(7, call.lastBodySha256);
    if (auto result = upsert.exec(); !result)
        return result;
    auto prune = m_db->prepare(
        QStringLiteral("DELETE FROM webhook_rejections WHERE (provider, source) NOT IN "
                       "(SELECT provider, source FROM webhook_rejections ORDER BY last_at DESC LIMIT ?1)"));
    prune.bind(1, qint64(kMaxRejectionSources));
    if (auto result = prune.exec(); !result)
        return result;
    return transaction.commit();
}

Result<QList<WebhookRejection>> SqliteStore::webhookRejections(const QString &provider)
{
    auto stmt = m_db->prepare(QStringLiteral(
        "SELECT provider, source, count, first_at, last_at, last_reason, last_connection_id, last_size, "
        "last_body_sha256 FROM webhook_rejections WHERE (?1 = '' OR provider = ?1) ORDER BY last_at DESC"));
    stmt.bind(1, provider);
    QList<WebhookRejection> list;
    while (stmt.next()) {
        WebhookRejection row;
        row.provider = stmt.text(0);
        row.source = stmt.text(1);
        row.count = stmt.int64(2);
        row.firstAt = stmt.time(3);
        row.lastAt = stmt.time(4);
        row.lastReason = stmt.text(5);
        row.lastConnectionId = stmt.isNull(6) ? 0 : stmt.int64(6);
        row.lastSize = stmt.int64(7);
        row.lastBodySha256 = stmt.text(8);
        list.append(row);
    }
    return failedOr(stmt, list);
}

Result<void> SqliteStore::saveSchema(qint64 connectionId, const QString &object, const QList<SchemaField> &fields,
                                     qint64 executionId)
{
    QJsonArray array;
    for (const SchemaField &field : fields) {
        array.append(QJsonObject{{QStringLiteral("name"), field.name},
                                 {QStringLiteral("label"), field.label},
                                 {QStringLiteral("type"), field.type},
                                 {QStringLiteral("custom"), field.custom}});
    }
    auto stmt = m_db->prepare(QStringLiteral(
        "INSERT INTO object_schemas (connection_id, object, fields, execution_id, discovered_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (connection_id, object) DO UPDATE SET fields = excluded.fields, "
        "execution_id = excluded.execution_id, discovered_at = excluded.discovered_at"));
    stmt.bind(1, connectionId).bind(2, object);
    stmt.bind(3, QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
    stmt.bind(4, executionId).bind(5, nowUtc());
    return stmt.exec();
}

Result<QList<SchemaField>> SqliteStore::schema(qint64 connectionId, const QString &object)
{
    QByteArray text;
    {
        auto stmt = m_db->prepare(
            QStringLiteral("SELECT fields FROM object_schemas WHERE connection_id = ?1 AND object = ?2"));
        stmt.bind(1, connectionId).bind(2, object);
        if (!stmt.next()) {
            if (stmt.error())
                return *stmt.error();
            return QList<SchemaField>();
        }
        text = stmt.text(0).toUtf8();
    }
    QList<SchemaField> fields;
    for (const QJsonValue &value : QJsonDocument::fromJson(text).array()) {
        const QJsonObject field = value.toObject();
        fields.append(SchemaField{field.value(QStringLiteral("name")).toString(),
                                  field.value(QStringLiteral("label")).toString(),
                                  field.value(QStringLiteral("type")).toString(),
                                  field.value(QStringLiteral("custom")).toBool()});
    }
    return fields;
}

} // namespace patchbay
