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

namespace patchbay {

class ApiRouter;
class ServerContext;

void addOpenApiRoutes(ApiRouter &router, ServerContext &context);   // GET /api/v1/openapi.json
void addTenantRoutes(ApiRouter &router, ServerContext &context);    // /api/v1/tenants
void addAuditRoutes(ApiRouter &router, ServerContext &context);     // /api/v1/ops/audit
void addConnectRoutes(ApiRouter &router, ServerContext &context);   // connections, connect sessions (connect branch)
void addFeedRoutes(ApiRouter &router, ServerContext &context);      // records change feed, writes (feed branch)
void addOpsRoutes(ApiRouter &router, ServerContext &context);       // /api/v1/ops: OpsApi over HTTP (opsroutes branch)
void addSchedulerRoutes(ApiRouter &router, ServerContext &context); // schedules, pause/resume (scheduler branch)

void addAllRoutes(ApiRouter &router, ServerContext &context);

} // namespace patchbay
