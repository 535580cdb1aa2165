#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ServerContext.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace patchbay {

namespace {

const QString kTenant = QStringLiteral("tenant");

bool isValidName(const QString &name)
{
    // A stable key that shows in URLs; never only digits, so that /tenants/{tenant} can take an id or a name.
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9_-]{0,62}$"));
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    return pattern.match(name).hasMatch() && !digits.match(name).hasMatch();
}

HttpServerResponse listTenants(ServerContext &context, const ApiRequest &request)
{
    auto tenants = context.store().tenants().tenants();
    if (!tenants)
        return ApiResponse::fromError(tenants.error());
    QJsonArray list;
    for (const Tenant &tenant : std::as_const(*tenants)) {
        if (request.caller().seesTenant(tenant.id))
            list.append(tenantJson(tenant));
    }
    return ApiResponse::json(QJsonObject{{QStringLiteral("tenants"), list}});
}

HttpServerResponse createTenant(ServerContext &context, const ApiRequest &request)
{
    const auto body = request.jsonBody({{QStringLiteral("name"), JsonType::String, true},
                                        {QStringLiteral("displayName"), JsonType::String}});
    if (!body)
        return ApiResponse::fromError(body.error());
    const QString name = body->value(QStringLiteral("name")).toString();
    if (!isValidName(name)) {
        return ApiResponse::error(400, QStringLiteral("request.bad_field"),
                                  QStringLiteral("The field \"name\" must be 1 to 63 lower-case letters, digits, '-' "
                                                 "or '_', starting with a letter or digit, and not only digits."));
    }
    const QString displayName = body->value(QStringLiteral("displayName")).toString(name);
    Store &store = context.store();
    if (store.tenants().tenantByName(name))
        return ApiResponse::error(409, QStringLiteral("tenant.exists"),
                                  QStringLiteral("A tenant named \"%1\" exists already.").arg(name));
    std::optional<Tenant> created;
    const auto saved = auditedChange(store, [&]() -> Result<AuditEntry> {
        auto id = store.tenants().createTenant(name, displayName);
        if (!id)
            return id.error();
        auto tenant = store.tenants().tenant(id.value());
        if (!tenant)
            return tenant.error();
        created = tenant.value();
        return request.caller().auditEntry(QStringLiteral("tenant.create"),
                                           QStringLiteral("tenant:%1").arg(created->id), created->id, {},
                                           tenantJson(*created));
    });
    if (!saved)
        return ApiResponse::fromError(saved.error());
    return ApiResponse::json(tenantJson(*created), 201);
}

HttpServerResponse getTenant(ServerContext &context, const ApiRequest &request)
{
    const auto tenant = findTenant(context.store(), request.caller(), request.param(kTenant));
    if (!tenant)
        return ApiResponse::notFound(kTenant, request.param(kTenant));
    return ApiResponse::json(tenantJson(*tenant));
}

QFuture<HttpServerResponse> deleteTenant(ServerContext &context, const ApiRequest &request)
{
    // Deleting every execution, exchange and record of a tenant can take a while: on the store thread.
    return context.inStoreThread([request](Store &store) -> HttpServerResponse {
        const auto tenant = findTenant(store, request.caller(), request.param(kTenant));
        if (!tenant)
            return ApiResponse::notFound(kTenant, request.param(kTenant));
        const auto deleted = auditedChange(store, [&]() -> Result<AuditEntry> {
            if (auto result = store.tenants().deleteTenant(tenant->id); !result)
                return result.error();
            return request.caller().auditEntry(QStringLiteral("tenant.delete"),
                                               QStringLiteral("tenant:%1").arg(tenant->id), tenant->id,
                                               tenantJson(*tenant));
        });
        if (!deleted)
            return ApiResponse::fromError(deleted.error());
        return ApiResponse::noContent();
    });
}

} // namespace

QJsonObject tenantJson(const Tenant &tenant)
{
    return QJsonObject{{QStringLiteral("id"), tenant.id},
                       {QStringLiteral("name"), tenant.name},
                       {QStringLiteral("displayName"), tenant.displayName},
                       {QStringLiteral("createdAt"), tenant.createdAt.toUTC().toString(Qt::ISODateWithMs)}};
}

std::optional<Tenant> findTenant(Store &store, const ApiCaller &caller, const QString &idOrName)
{
    const auto tenant = store.tenants().tenantByIdOrName(idOrName);
    if (!tenant || !caller.seesTenant(tenant->id))
        return std::nullopt;
    return tenant;
}

void addTenantRoutes(ApiRouter &router, ServerContext &context)
{
    const QString tenants = QStringLiteral("/api/v1/tenants");
    const QString tenant = QStringLiteral("/api/v1/tenants/{tenant}");
    const ApiAccess manage = ApiAccess({ApiRole::Admin, ApiRole::Product}).unboundOnly();
    router.add("GET", tenants, ApiAccess::anyRole(),
               [&context](const ApiRequest &request) { return listTenants(context, request); });
    router.add("POST", tenants, manage,
               [&context](const ApiRequest &request) { return createTenant(context, request); });
    router.add("GET", tenant, ApiAccess::anyRole(),
               [&context](const ApiRequest &request) { return getTenant(context, request); });
    router.add("DELETE", tenant, manage,
               [&context](const ApiRequest &request) { return deleteTenant(context, request); });
}

} // namespace patchbay
