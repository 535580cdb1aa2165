#pragma once

// Every feature of patchbayd's API registers its routes from its own file, engine/server/routes/<Feature>Routes.cpp,
// through one function here; DaemonServer calls addAllRoutes. To add a feature: declare its function below, call it
// in Routes.cpp, list the file in engine/CMakeLists.txt, and describe its paths in resources/openapi/paths/.
//
// How a route is written (see TenantRoutes.cpp for a whole example):
//   router.add("GET", QStringLiteral("/api/v1/tenants/{tenant}"), {ApiRole::Admin, ApiRole::Product},
//              [&context](const ApiRequest &request) -> HttpServerResponse {
//                  auto tenant = ...lookup by request.param("tenant")...;
//                  if (!tenant || !request.caller().seesTenant(tenant->id))
//                      return ApiResponse::notFound(QStringLiteral("tenant"), request.param("tenant"));
//                  return ApiResponse::json(...);
//              });
// - bad input: request.jsonBody({{"name", JsonType::String, true}, ...}) / request.queryInteger(...), and on an
//   Error return ApiResponse::fromError(error) (400 naming the field);
// - every state-changing call writes an audit entry: context.audit(request.caller(), "tenant.create", target, ...);
// - slow work answers later: return a QFuture<HttpServerResponse> (context.inStoreThread, a pool running the
//   SyncService), continued on the server's thread with .then(context.receiver(), ...).

#include "core/Access.h"
#include "core/Result.h"
#include "core/Tenancy.h"
#include "server/HttpService.h"

#include <QJsonObject>

#include <functional>
#include <optional>
#include <variant>

namespace patchbay {

class ApiAccess;
class ApiRequest;
class ApiRouter;
class ServerContext;
class Store;
struct ApiCaller;

void addOpenApiRoutes(ApiRouter &router, ServerContext &context);   // GET /api/v1/openapi.json
void addTenantRoutes(ApiRouter &router, ServerContext &context);    // /api/v1/tenants
void addAuditRoutes(ApiRouter &router, ServerContext &context);     // /api/v1/ops/audit
void addConnectRoutes(ApiRouter &router, ServerContext &context);   // connections, connect sessions
void addFeedRoutes(ApiRouter &router, ServerContext &context);      // records change feed, writes
void addOpsRoutes(ApiRouter &router, ServerContext &context);       // /api/v1/ops: OpsApi over HTTP
// Who may read the ops API, its live updates included: admin, support, viewer (support and admin also act).
ApiAccess opsReaders();
void addSchedulerRoutes(ApiRouter &router, ServerContext &context); // schedules, pause/resume
void addWebhookRoutes(ApiRouter &router, ServerContext &context);   // POST /webhooks/{provider}[/{connection}],
                                                                    // GET /api/v1/webhook-events, and replay
void addNotificationRoutes(ApiRouter &router, ServerContext &context); // the delivery log, replay
void addProxyRoutes(ApiRouter &router, ServerContext &context);     // /api/v1/proxy/{connection}/{+path}
void addMetricsRoutes(ApiRouter &router, ServerContext &context);   // GET /metrics
// The Prometheus exposition GET /metrics answers (also served without a key by the metricsListen listener).
HttpServerResponse metricsResponse(ServerContext &context);

void addAllRoutes(ApiRouter &router, ServerContext &context);

// Shared by the routes (TenantRoutes.cpp):
// The tenant {tenant} names (an id, or a name) when the caller may see it; nullopt (answer
// ApiResponse::notFound("tenant", ...)) when there is none or it is another tenant's and the caller's key is bound.
std::optional<Tenant> findTenant(Store &store, const ApiCaller &caller, const QString &idOrName);
// The connection id names when the caller may see it; nullopt (answer ApiResponse::notFound("connection", ...)) when id
// is not a number, there is no such connection, or it is another tenant's and the caller's key is bound.
std::optional<Connection> findConnection(Store &store, const ApiCaller &caller, const QString &id);
// Runs change in one transaction with the audit entry it returns (caller.auditEntry(...)): both are kept, or neither.
Result<void> auditedChange(Store &store, const std::function<Result<AuditEntry>()> &change);
// The filter and keyset-paging parameters of a log listing (audit entries, deliveries): tenant (an id or a name; the
// caller's own tenant when absent and its key is bound), before (the last id of the previous page) and limit.
struct ListQuery
{
    std::optional<qint64> tenantId;
    std::optional<qint64> beforeId;
    int limit = 0;
};
// The listing's parameters, or the answer to give instead: 400 request.bad_query naming the parameter, 404 for a
// tenant the caller cannot see.
std::variant<ListQuery, HttpServerResponse> readListQuery(Store &store, const ApiRequest &request, qint64 defaultLimit,
                                                          qint64 maxLimit);

// A tenant as the API shows it: {id, name, displayName, createdAt} (the Tenant schema of the OpenAPI document).
QJsonObject tenantJson(const Tenant &tenant);

} // namespace patchbay
