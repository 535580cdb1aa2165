#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ConnectFlow.h"
#include "server/NewConnection.h"
#include "server/ServerContext.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QJsonArray>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace patchbay {

namespace {

const QString kTenant = QStringLiteral("tenant");
const QString kConnection = QStringLiteral("connection");

QString isoTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

// A connection as the API shows it: never a secret (config holds none; the credential only says when its token
// expires).
QJsonObject connectionJson(Store &store, const Connection &connection)
{
    QJsonObject json{{QStringLiteral("id"), connection.id},
                     {QStringLiteral("tenantId"), connection.tenantId},
                     {QStringLiteral("provider"), connection.provider},
                     {QStringLiteral("displayName"), connection.displayName},
                     {QStringLiteral("status"), connection.status},
                     {QStringLiteral("config"), connection.config},
                     {QStringLiteral("createdAt"), isoTime(connection.createdAt)}};
    if (!connection.integration.isEmpty())
        json.insert(QStringLiteral("integration"), connection.integration);
    if (!connection.statusMessage.isEmpty())
        json.insert(QStringLiteral("statusMessage"), connection.statusMessage);
    if (connection.lastSyncAt.isValid())
        json.insert(QStringLiteral("lastSyncAt"), isoTime(connection.lastSyncAt));
    if (!connection.lastSyncStatus.isEmpty())
        json.insert(QStringLiteral("lastSyncStatus"), connection.lastSyncStatus);
    if (auto credential = store.credentials().credential(connection.id); credential && credential->expiresAt.isValid())
        json.insert(QStringLiteral("tokenExpiresAt"), isoTime(credential->expiresAt));
    return json;
}

// The tenant the path names (by id or name), when the caller's key may see it.
std::optional<Tenant> visibleTenant(Store &store, const ApiCaller &caller, const QString &idOrName)
{
    auto tenant = store.tenants().tenantByIdOrName(idOrName);
    if (!tenant || !caller.seesTenant(tenant->id))
        return std::nullopt;
    return tenant;
}

// The engine's refusals of a connection or session request are the caller's to fix: 400 (404 for what the path
// names is answered before these).
HttpServerResponse refused(const Error &error)
{
    if (error.code.startsWith(QLatin1String("connection.")) || error.code.startsWith(QLatin1String("connect.")))
        return ApiResponse::error(400, error.code, error.message);
    return ApiResponse::fromError(error);
}

std::shared_ptr<ConnectFlow> connectFlow(ServerContext &context)
{
    return ConnectFlow::forServer(context);
}

HttpServerResponse unavailable()
{
    return ApiResponse::error(503, QStringLiteral("server.no_sync"),
                              QStringLiteral("This server runs without its sync service; connections cannot be made."));
}

HttpServerResponse listConnections(ServerContext &context, const ApiRequest &request)
{
    const auto tenant = visibleTenant(context.store(), request.caller(), request.param(kTenant));
    if (!tenant)
        return ApiResponse::notFound(kTenant, request.param(kTenant));
    auto connections = context.store().tenants().connections(tenant->id);
    if (!connections)
        return ApiResponse::fromError(connections.error());
    QJsonArray list;
    for (const Connection &connection : std::as_const(*connections))
        list.append(connectionJson(context.store(), connection));
    return ApiResponse::json(QJsonObject{{QStringLiteral("connections"), list}});
}

HttpServerResponse createConnectionRoute(ServerContext &context, const ApiRequest &request)
{
    Store &store = context.store();
    const auto tenant = visibleTenant(store, request.caller(), request.param(kTenant));
    if (!tenant)
        return ApiResponse::notFound(kTenant, request.param(kTenant));
    const auto body = request.jsonBody({{QStringLiteral("provider"), JsonType::String, true},
                                        {QStringLiteral("integration"), JsonType::String},
                                        {QStringLiteral("displayName"), JsonType::String},
                                        {QStringLiteral("credential"), JsonType::Object, true},
                                        {QStringLiteral("config"), JsonType::Object}});
    if (!body)
        return ApiResponse::fromError(body.error());
    if (!context.sync())
        return unavailable();
    NewConnection wanted;
    wanted.tenantId = tenant->id;
    wanted.provider = body->value(QStringLiteral("provider")).toString();
    wanted.integration = body->value(QStringLiteral("integration")).toString();
    wanted.displayName = body->value(QStringLiteral("displayName")).toString();
    wanted.credential = body->value(QStringLiteral("credential")).toObject();
    wanted.config = body->value(QStringLiteral("config")).toObject();
    std::optional<Connection> created;
    const auto saved = store.inTransaction([&]() -> Result<void> {
        auto connection = createConnection(store, context.sync()->vault(), context.sync()->catalog(),
                                           context.sync()->integrations(), context.config().providers, wanted);
        if (!connection)
            return connection.error();
        created = connection.value();
        auto audited = store.audit().appendAudit(request.caller().auditEntry(
            QStringLiteral("connection.create"), QStringLiteral("connection:%1").arg(created->id), tenant->id, {},
            connectionJson(store, *created)));
        if (!audited)
            return audited.error();
        return {};
    });
    if (!saved)
        return refused(saved.error());
    return ApiResponse::json(connectionJson(store, *created), 201);
}

HttpServerResponse getConnection(ServerContext &context, const ApiRequest &request)
{
    const auto connection = findConnection(context.store(), request.caller(), request.param(kConnection));
    if (!connection)
        return ApiResponse::notFound(kConnection, request.param(kConnection));
    return ApiResponse::json(connectionJson(context.store(), *connection));
}

QFuture<HttpServerResponse> deleteConnection(ServerContext &context, const ApiRequest &request)
{
    // Removing every execution, exchange and record of a connection can take a while: on the store thread.
    return context.inStoreThread([request](Store &store) -> HttpServerResponse {
        const auto connection = findConnection(store, request.caller(), request.param(kConnection));
        if (!connection)
            return ApiResponse::notFound(kConnection, request.param(kConnection));
        const QJsonObject before = connectionJson(store, *connection);
        const auto deleted = store.inTransaction([&]() -> Result<void> {
            if (auto result = store.tenants().deleteConnection(connection->id); !result)
                return result;
            auto audited = store.audit().appendAudit(request.caller().auditEntry(
                QStringLiteral("connection.delete"), QStringLiteral("connection:%1").arg(connection->id),
                connection->tenantId, before));
            if (!audited)
                return audited.error();
            return {};
        });
        if (!deleted)
            return ApiResponse::fromError(deleted.error());
        return ApiResponse::noContent();
    });
}

HttpServerResponse createSession(ServerContext &context, const ApiRequest &request)
{
    const auto tenant = visibleTenant(context.store(), request.caller(), request.param(kTenant));
    if (!tenant)
        return ApiResponse::notFound(kTenant, request.param(kTenant));
    const auto body = request.jsonBody({{QStringLiteral("provider"), JsonType::String, true},
                                        {QStringLiteral("integration"), JsonType::String},
                                        {QStringLiteral("redirectUrl"), JsonType::String}});
    if (!body)
        return ApiResponse::fromError(body.error());
    if (!context.sync())
        return unavailable();
    const auto link = connectFlow(context)->createSession(tenant->id, body->value(QStringLiteral("provider")).toString(),
                                                          body->value(QStringLiteral("integration")).toString(),
                                                          body->value(QStringLiteral("redirectUrl")).toString(),
                                                          &request.caller());
    if (!link)
        return refused(link.error());
    const QJsonObject json{{QStringLiteral("id"), link->id},
                           {QStringLiteral("url"), link->url.toString(QUrl::FullyEncoded)},
                           {QStringLiteral("expiresAt"), isoTime(link->expiresAt)}};
    // The link is the customer's key to connect: the audit keeps which session, not its URL.
    QJsonObject audited = *body;
    audited.insert(QStringLiteral("id"), link->id);
    audited.insert(QStringLiteral("expiresAt"), isoTime(link->expiresAt));
    if (auto written = context.audit(request.caller(), QStringLiteral("connect_session.create"),
                                     QStringLiteral("connect_session:%1").arg(link->id), tenant->id, {}, audited);
        !written)
        return ApiResponse::fromError(written.error());
    return ApiResponse::json(json, 201);
}

} // namespace

void addConnectRoutes(ApiRouter &router, ServerContext &context)
{
    const ApiAccess manage({ApiRole::Admin, ApiRole::Product});
    const QString tenantConnections = QStringLiteral("/api/v1/tenants/{tenant}/connections");
    const QString connection = QStringLiteral("/api/v1/connections/{connection}");
    router.add("GET", tenantConnections, ApiAccess::anyRole(),
               [&context](const ApiRequest &request) { return listConnections(context, request); });
    router.add("POST", tenantConnections, manage,
               [&context](const ApiRequest &request) { return createConnectionRoute(context, request); });
    router.add("GET", connection, ApiAccess::anyRole(),
               [&context](const ApiRequest &request) { return getConnection(context, request); });
    router.add("DELETE", connection, manage,
               [&context](const ApiRequest &request) { return deleteConnection(context, request); });
    router.add("POST", QStringLiteral("/api/v1/tenants/{tenant}/connect-sessions"), manage,
               [&context](const ApiRequest &request) { return createSession(context, request); });

    // The customer's browser: no API key (the signed link, then the state, is the authority). Opening the link and
    // the callback call the provider through the SyncService, which blocks: on a pool, never the server's thread.
    router.add("GET", QStringLiteral("/connect/{token}"), ApiAccess::open(),
               [&context](const ApiRequest &request) -> QFuture<HttpServerResponse> {
                   if (!context.sync())
                       return ApiResponse::ready(unavailable());
                   auto flow = connectFlow(context);
                   const QString token = request.param(QStringLiteral("token"));
                   const bool json = ConnectFlow::wantsJson(request.http());
                   return QtConcurrent::run(QThreadPool::globalInstance(),
                                            [flow, token, json] { return flow->openLink(token, json); });
               });
    router.add("GET", QStringLiteral("/oauth/callback"), ApiAccess::open(),
               [&context](const ApiRequest &request) -> QFuture<HttpServerResponse> {
                   if (!context.sync())
                       return ApiResponse::ready(unavailable());
                   auto flow = connectFlow(context);
                   const QUrlQuery query = request.http().query();
                   const bool json = ConnectFlow::wantsJson(request.http());
                   return QtConcurrent::run(QThreadPool::globalInstance(),
                                            [flow, query, json] { return flow->callback(query, json); });
               });
}

} // namespace patchbay
