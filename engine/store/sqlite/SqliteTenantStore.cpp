#include "SqliteTenantStore.h"

namespace patchbay {

using namespace sqlite;

namespace {

const QString kTenantColumns = QStringLiteral("id, name, display_name, created_at");

Tenant readTenant(SqliteRow &row)
{
    return Tenant{row.int64(), row.text(), row.text(), row.time()};
}

} // namespace

Result<qint64> SqliteTenantStore::createTenant(const QString &name, const QString &displayName)
{
    auto id = insert(m_db, QStringLiteral("INSERT INTO tenants (name, display_name, created_at) VALUES (?1, ?2, ?3)"),
                     name, displayName, now());
    if (!id) {
        return makeError("store.tenant_exists",
                         QStringLiteral("Cannot create tenant \"%1\": %2").arg(name, id.error().message));
    }
    return id;
}

Result<QList<Tenant>> SqliteTenantStore::tenants()
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM tenants ORDER BY display_name COLLATE NOCASE").arg(kTenantColumns),
                     readTenant);
}

std::optional<Tenant> SqliteTenantStore::tenantByName(const QString &name)
{
    return ifFound(selectOne(m_db, QStringLiteral("SELECT %1 FROM tenants WHERE name = ?1").arg(kTenantColumns),
                             readTenant, name));
}

Result<Tenant> SqliteTenantStore::tenant(qint64 id)
{
    return required(selectOne(m_db, QStringLiteral("SELECT %1 FROM tenants WHERE id = ?1").arg(kTenantColumns),
                              readTenant, id),
                    notFound("tenant", id));
}

Result<void> SqliteTenantStore::deleteTenant(qint64 id)
{
    // Every row of a tenant references it or one of its connections ON DELETE CASCADE (connection-level mapping
    // overrides carry their tenant too); the refused-webhook summaries only name a connection, and forget it.
    return inTransaction(m_db, [&]() -> Result<void> {
        if (auto result = run(m_db,
                              QStringLiteral("UPDATE webhook_rejections SET last_connection_id = NULL WHERE "
                                             "last_connection_id IN (SELECT id FROM connections WHERE tenant_id = ?1)"),
                              id);
            !result)
            return result;
        auto deleted = changed(m_db, QStringLiteral("DELETE FROM tenants WHERE id = ?1"), id);
        if (!deleted)
            return deleted.error();
        if (!deleted.value())
            return notFound("tenant", id);
        return {};
    });
}

Result<void> SqliteTenantStore::deleteConnection(qint64 id)
{
    return inTransaction(m_db, [&]() -> Result<void> {
        auto deleted = changed(m_db, QStringLiteral("DELETE FROM connections WHERE id = ?1"), id);
        if (!deleted)
            return deleted.error();
        if (!deleted.value())
            return notFound("connection", id);
        if (auto result = run(m_db, QStringLiteral("DELETE FROM mapping_versions WHERE level = 'connection' AND "
                                                   "scope = CAST(?1 AS TEXT)"),
                              id);
            !result)
            return result;
        return run(m_db, QStringLiteral("UPDATE webhook_rejections SET last_connection_id = NULL "
                                        "WHERE last_connection_id = ?1"),
                   id);
    });
}

Result<qint64> SqliteTenantStore::createConnection(const Connection &connection)
{
    return insert(m_db,
                  QStringLiteral("INSERT INTO connections (tenant_id, provider, display_name, config, status, "
                                 "created_at, integration, environment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                  connection.tenantId, connection.provider, connection.displayName, connection.config,
                  connection.status, now(), textOrNull(connection.integration), connection.environment);
}

Result<QList<Connection>> SqliteTenantStore::connections(std::optional<qint64> tenantId)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM connections WHERE (?1 IS NULL OR tenant_id = ?1) "
                                    "ORDER BY tenant_id, display_name COLLATE NOCASE")
                         .arg(kConnectionColumns),
                     readConnection, tenantId);
}

Result<Connection> SqliteTenantStore::connection(qint64 id)
{
    return required(selectOne(m_db, QStringLiteral("SELECT %1 FROM connections WHERE id = ?1").arg(kConnectionColumns),
                              readConnection, id),
                    notFound("connection", id));
}

Result<void> SqliteTenantStore::setConnectionStatus(qint64 id, const QString &status, const QString &message)
{
    return run(m_db, QStringLiteral("UPDATE connections SET status = ?2, status_message = ?3 WHERE id = ?1"), id,
               status, textOrNull(message));
}

Result<void> SqliteTenantStore::setConnectionConfig(qint64 id, const QJsonObject &config)
{
    return run(m_db, QStringLiteral("UPDATE connections SET config = ?2 WHERE id = ?1"), id, config);
}

Result<void> SqliteTenantStore::setConnectionIntegration(qint64 id, const QString &integration,
                                                         const QString &environment)
{
    return run(m_db, QStringLiteral("UPDATE connections SET integration = ?2, environment = ?3 WHERE id = ?1"), id,
               integration, environment);
}

} // namespace patchbay
