#pragma once

#include "core/Result.h"
#include "core/Tenancy.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// Tenants (the product's customers, "connected users") and their connections to providers.
class TenantStore
{
public:
    virtual ~TenantStore() = default;

    // Fails with store.tenant_exists when the name is taken.
    virtual Result<qint64> createTenant(const QString &name, const QString &displayName) = 0;
    // By display name, case-insensitively.
    virtual Result<QList<Tenant>> tenants() = 0;
    virtual std::optional<Tenant> tenantByName(const QString &name) = 0;
    // Fails with store.not_found when there is no such tenant.
    virtual Result<Tenant> tenant(qint64 id) = 0;
    // By id when idOrName is all digits (tenant names never are), else by name.
    std::optional<Tenant> tenantByIdOrName(const QString &idOrName)
    {
        bool isId = false;
        const qint64 id = idOrName.toLongLong(&isId);
        if (!isId)
            return tenantByName(idOrName);
        auto found = tenant(id);
        return found ? std::optional<Tenant>(found.value()) : std::nullopt;
    }
    // Removes the tenant and everything of it, in one transaction: its connections (each as deleteConnection does),
    // API keys bound to it and mapping overrides. Audit entries stay (they name the tenant's id). Tables added later
    // keep this true by referencing tenants or connections ON DELETE CASCADE. store.not_found when there is none.
    virtual Result<void> deleteTenant(qint64 id) = 0;

    virtual Result<qint64> createConnection(const Connection &connection) = 0;
    // One tenant's connections, or every tenant's; by tenant, then display name.
    virtual Result<QList<Connection>> connections(std::optional<qint64> tenantId = std::nullopt) = 0;
    // Fails with store.not_found when there is no such connection.
    virtual Result<Connection> connection(qint64 id) = 0;
    // Removes the connection and everything of it, in one transaction: credential, executions with their events and
    // exchanges, cursors, records, failed records, write items, webhook events, schemas, pending authorisations and
    // its connection-level mapping overrides. store.not_found when there is none.
    virtual Result<void> deleteConnection(qint64 id) = 0;
    virtual Result<void> setConnectionStatus(qint64 id, const QString &status, const QString &message) = 0;
    virtual Result<void> setConnectionConfig(qint64 id, const QJsonObject &config) = 0;
    // The integration manifest (and its environment) whose mappings the connection's records go through.
    virtual Result<void> setConnectionIntegration(qint64 id, const QString &integration,
                                                  const QString &environment) = 0;
};

} // namespace patchbay
