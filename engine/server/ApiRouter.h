#pragma once

#include "core/Access.h"
#include "core/Result.h"
#include "server/ApiResponse.h"
#include "server/HttpService.h"

#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <initializer_list>
#include <optional>
#include <type_traits>

namespace patchbay {

// Who is calling: the API key that authenticated the request. A key bound to a tenant sees only that tenant: for
// anything of another tenant a route answers exactly as if it did not exist (ApiResponse::notFound), and lists are
// filtered to tenantScope().
struct ApiCaller
{
    qint64 keyId = 0;
    QString keyName;
    ApiRole role = ApiRole::Viewer;
    std::optional<qint64> tenantId; // bound to this tenant; nullopt: every tenant

    // Whether this key may see things of tenantId. Routes check every tenant-owned thing they look up with it and
    // answer ApiResponse::notFound when it says no.
    bool seesTenant(qint64 tenant) const { return !tenantId || *tenantId == tenant; }
    // The tenant filter for lists: nullopt lists every tenant's.
    std::optional<qint64> tenantScope() const { return tenantId; }

    // An audit entry of this caller (ServerContext::audit writes one; work on another thread appends it to its own
    // store's audit() in the transaction of the change).
    AuditEntry auditEntry(const QString &action, const QString &target, std::optional<qint64> tenant,
                          const QJsonValue &before = {}, const QJsonValue &after = {}) const;
};

// Which callers a route admits. From a list of roles ({ApiRole::Admin, ApiRole::Product}): a key of one of those
// roles, bound to a tenant or not. unboundOnly(): tenant-bound keys are refused too (creating tenants, keys).
// open(): no key asked at all (health, the OpenAPI document, connect-session pages and OAuth callbacks, which
// carry their own signed proof).
class ApiAccess
{
public:
    ApiAccess() = default; // nobody: admits no role
    ApiAccess(std::initializer_list<ApiRole> roles) : m_roles(roles) {}
    static ApiAccess open();
    static ApiAccess anyRole();
    ApiAccess unboundOnly() const;

    bool requiresKey() const { return m_requiresKey; }
    bool allowsTenantBound() const { return m_allowsTenantBound; }
    bool allows(ApiRole role) const { return m_roles.contains(role); }
    const QList<ApiRole> &roles() const { return m_roles; }

private:
    QList<ApiRole> m_roles;
    bool m_requiresKey = true;
    bool m_allowsTenantBound = true;
};

// A JSON type a body field must have. Integer: a number without a fraction. Any: every type but null.
enum class JsonType { String, Integer, Number, Boolean, Object, Array, Any };

// One field a JSON body may hold (ApiRequest::jsonBody). A field not listed is refused.
struct ApiField
{
    QString name;
    JsonType type = JsonType::String;
    bool required = false;
};

// One request as a route sees it: the HTTP request, the path's parameters, the caller, and readers that refuse bad
// input with an Error whose code is request.* (ApiResponse::fromError answers it 400, naming the field). A value
// type: a handler that answers later copies it into its continuation.
class ApiRequest
{
public:
    ApiRequest() = default;
    ApiRequest(HttpServerRequest http, QHash<QString, QString> parameters, std::optional<ApiCaller> caller);

    const HttpServerRequest &http() const { return m_http; }
    // The path parameter named in the route's pattern ("tenant" for /api/v1/tenants/{tenant}), percent-decoded; a
    // rest-of-path parameter ({+path}) as sent, still percent-encoded, so that the route can check it whole.
    QString param(const QString &name) const { return m_parameters.value(name); }
    // The authenticated caller; for a route with ApiAccess::open(), a caller with keyId 0 and no tenant.
    const ApiCaller &caller() const { return m_caller; }
    bool hasCaller() const { return m_hasCaller; }

    // A query parameter; empty when absent.
    QString query(const QString &name) const;
    // A whole-number query parameter within [min, max]; fallback when absent; request.bad_query when not a number
    // or out of range.
    Result<qint64> queryInteger(const QString &name, qint64 fallback, qint64 min, qint64 max) const;

    // The body as a JSON object holding only the fields listed, each of its type, the required ones present:
    // request.malformed_json (not JSON, or not an object), request.unknown_field, request.bad_field (wrong type),
    // request.missing_field; each message names the field. An empty body reads as {}.
    Result<QJsonObject> jsonBody(const QList<ApiField> &fields) const;

private:
    HttpServerRequest m_http;
    QHash<QString, QString> m_parameters;
    ApiCaller m_caller;
    bool m_hasCaller = false;
};

// patchbayd's /api/v1 routes: each is a method, a path pattern whose {name} segments are parameters (a last segment
// {+name} takes the rest of the path, one segment or more, as RFC 6570's reserved expansion would), who may call
// it (ApiAccess) and a handler. handle() answers:
// - 404 not_found for a path no route matches; 405 method_not_allowed (with Allow) for a known path and another
//   method; a literal segment wins over a parameter (/tenants/new before /tenants/{tenant});
// - 401 auth.missing_key without "Authorization: Bearer pb_...", 401 auth.bad_key for a key that is not an active
//   one, 403 auth.forbidden for a role the route does not admit (or a tenant-bound key on an unboundOnly route);
// - else whatever the handler answers, now or later (QFuture).
// Handlers run on the server's thread; one that has slow work runs it elsewhere (ServerContext::inStoreThread,
// the SyncService on a pool) and answers with a future that finishes when it is done.
class ApiRouter
{
public:
    using Handler = std::function<QFuture<HttpServerResponse>(const ApiRequest &)>;
    // Finds the caller a key belongs to; an Error (any code) means the key is not valid.
    using Authenticator = std::function<Result<ApiCaller>(const QString &key)>;

    struct Route
    {
        QByteArray method;
        QString pattern; // "/api/v1/tenants/{tenant}"
        ApiAccess access;
        Handler handler;
        qint64 maxBodyBytes = 0; // 0: the server's limit
    };

    explicit ApiRouter(Authenticator authenticate);

    // Adds a route. handler takes const ApiRequest & and returns HttpServerResponse (answered at once) or
    // QFuture<HttpServerResponse> (answered when it finishes). A method and pattern may be added once.
    template <typename Handle>
    void add(const QByteArray &method, const QString &pattern, const ApiAccess &access, Handle handle)
    {
        if constexpr (std::is_same_v<std::invoke_result_t<Handle, const ApiRequest &>, HttpServerResponse>) {
            addRoute({method, pattern, access, [handle](const ApiRequest &request) {
                          return ApiResponse::ready(handle(request));
                      }});
        } else {
            addRoute({method, pattern, access, Handler(std::move(handle))});
        }
    }

    QFuture<HttpServerResponse> handle(const HttpServerRequest &request) const;

    // A body limit of its own for the routes of pattern (every method): a larger body is answered 413
    // request.too_large. bodyLimit() gives the limit of the route a path (as sent, percent-encoded) goes to, or
    // fallback: HttpService asks it for each request's head, so a larger body is refused before it is read.
    void setBodyLimit(const QString &pattern, qint64 bytes);
    qint64 bodyLimit(const QString &encodedPath, qint64 fallback) const;

    // Every route, in the order added (the OpenAPI and access tests walk them).
    const QList<Route> &routes() const { return m_routes; }

private:
    void addRoute(Route route);

    Authenticator m_authenticate;
    QList<Route> m_routes;
};

} // namespace patchbay
