#pragma once

#include "store/TenantStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteTenantStore final : public TenantStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<qint64> createTenant(const QString &name, const QString &displayName) override;
    Result<QList<Tenant>> tenants() override;
    std::optional<Tenant> tenantByName(const QString &name) override;
    Result<Tenant> tenant(qint64 id) override;
    Result<void> deleteTenant(qint64 id) override;
    Result<void> deleteConnection(qint64 id) override;
    Result<qint64> createConnection(const Connection &connection) override;
    Result<QList<Connection>> connections(std::optional<qint64> tenantId) override;
    Result<Connection> connection(qint64 id) override;
    Result<void> setConnectionStatus(qint64 id, const QString &status, const QString &message) override;
    Result<void> setConnectionConfig(qint64 id, const QJsonObject &config) override;
    Result<void> setConnectionIntegration(qint64 id, const QString &integration, const QString &environment) override;
};

} // namespace patchbay
