#include "Routes.h"

#include "server/ApiRouter.h"
#include "store/Store.h"

#include <limits>

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
    addWebhookRoutes(router, context);
    addNotificationRoutes(router, context);
    addProxyRoutes(router, context);
    addMetricsRoutes(router, context);
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

std::variant<ListQuery, HttpServerResponse> readListQuery(Store &store, const ApiRequest &request, qint64 defaultLimit,
                                                          qint64 maxLimit)
{
    ListQuery query;
    query.tenantId = request.caller().tenantScope();
    if (const QString tenant = request.query(QStringLiteral("tenant")); !tenant.isEmpty()) {
        const auto found = findTenant(store, request.caller(), tenant);
        if (!found)
            return ApiResponse::notFound(QStringLiteral("tenant"), tenant);
        query.tenantId = found->id;
    }
    const auto before = request.queryInteger(QStringLiteral("before"), 0, 1, std::numeric_limits<qint64>::max());
    if (!before)
        return ApiResponse::fromError(before.error());
    const auto limit = request.queryInteger(QStringLiteral("limit"), defaultLimit, 1, maxLimit);
    if (!limit)
        return ApiResponse::fromError(limit.error());
    if (before.value() != 0)
        query.beforeId = before.value();
    query.limit = int(limit.value());
    return query;
}

} // namespace patchbay
