#include "Routes.h"

#include "server/ApiRouter.h"
#include "store/Store.h"

namespace patchbay {

void addAllRoutes(ApiRouter &router, ServerContext &context)
{
    addOpenApiRoutes(router, context);
    addTenantRoutes(router, context);
    addAuditRoutes(router, context);
    addConnectRoutes(router, context);
    addFeedRoutes(router, context);
    addOpsRoutes(router, context);
    addSchedulerRoutes(router, context);
    addProxyRoutes(router, context);
}

std::optional<Connection> findConnection(Store &store, const ApiCaller &caller, const QString &id)
{
    bool isId = false;
    const qint64 number = id.toLongLong(&isId);
    if (!isId)
        return std::nullopt;
    auto connection = store.tenants().connection(number);
    if (!connection || !caller.seesTenant(connection->tenantId))
        return std::nullopt;
    return connection.value();
}

Result<void> auditedChange(Store &store, const std::function<Result<AuditEntry>()> &change)
{
    return store.inTransaction([&]() -> Result<void> {
        auto entry = change();
        if (!entry)
            return entry.error();
        if (auto appended = store.audit().appendAudit(entry.value()); !appended)
            return appended.error();
        return {};
    });
}

} // namespace patchbay
