#include "Routes.h"

#include "core/Logging.h"
#include "ops/AuthorizationRedirect.h"
#include "ops/LocalOps.h"
#include "ops/OpsJson.h"
#include "core/Clock.h"
#include "scheduler/SyncControl.h"
#include "store/Store.h"
#include "sync/SyncService.h"
#include "server/ConnectFlow.h"
#include "server/ApiRouter.h"
#include "server/ServerContext.h"

#include <QHash>
#include <QPointer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <limits>

namespace patchbay {

namespace {

// Queries are for every role that looks (the console's support people and viewers, and admins); commands and
// mapping changes for those who act. The product's backend has the product API, not this one.
const ApiAccess kLook{ApiRole::Admin, ApiRole::Support, ApiRole::Viewer};
const ApiAccess kAct{ApiRole::Admin, ApiRole::Support};

// The HTTP status of an ops error: what went wrong said in HTTP, the code unchanged. The engine's own auth.* codes
// are about a connection's grant, not the caller's key, so they never answer 401/403.
int statusFor(const Error &error)
{
    static const QHash<QString, int> statuses{
        {QStringLiteral("ops.busy"), 409},
        {QStringLiteral("ops.bad_limit"), 400},
        {QStringLiteral("auth.refresh_busy"), 409},
        {QStringLiteral("auth.needs_reauth"), 409},
        {QStringLiteral("write.nothing_to_retry"), 409},
        {QStringLiteral("ops.nothing_to_replay"), 409},
        {QStringLiteral("webhook.pending"), 409},
        {QStringLiteral("notify.not_here"), 409},
        {QStringLiteral("ops.bad_filter"), 400},
        {QStringLiteral("store.migration_busy"), 503},
        {QStringLiteral("mapping.invalid"), 422},
        {QStringLiteral("mapping.bad_level"), 422},
        {QStringLiteral("mapping.no_integration"), 422},
        {QStringLiteral("mapping.wrong_integration"), 422},
        {QStringLiteral("mapping.unexplained"), 422},
        {QStringLiteral("mapping.unknown_object"), 404},
        {QStringLiteral("sync.unknown_object"), 404},
        {QStringLiteral("catalog.unknown_provider"), 404},
        {QStringLiteral("catalog.unknown_integration"), 404},
        {QStringLiteral("auth.no_client"), 422},
        {QStringLiteral("auth.no_authorize"), 422},
        {QStringLiteral("auth.not_refreshable"), 422},
        {QStringLiteral("auth.no_credential"), 422},
        {QStringLiteral("auth.no_callback"), 503},
        {QStringLiteral("http.unreachable"), 502},
        {QStringLiteral("sync.provider_error"), 502},
        // Tokens (re-authorisation links).
        {QStringLiteral("connect.not_oauth"), 422},
        {QStringLiteral("connect.no_app"), 422},
        {QStringLiteral("connect.unknown_provider"), 422},
        // Pause / resume and full resync (connected users health).
        {QStringLiteral("connection.paused"), 409},
        {QStringLiteral("connection.needs_reauth"), 409},
        {QStringLiteral("connection.not_active"), 409},
        {QStringLiteral("connection.not_paused"), 409},
        {QStringLiteral("catalog.bad_since"), 400},
    };
    if (const auto it = statuses.constFind(error.code); it != statuses.constEnd())
        return *it;
    if (error.code.startsWith(QLatin1String("json.")))
        return 400;
    return ApiResponse::statusForError(error);
}

HttpServerResponse errorAnswer(const Error &error)
{
    const int status = statusFor(error);
    if (status == ApiResponse::statusForError(error))
        return ApiResponse::fromError(error); // logs what it should
    return ApiResponse::error(status, error.code, error.message);
}

template <typename T>
HttpServerResponse answer(const Result<T> &result)
{
    if (!result)
        return errorAnswer(result.error());
    return ApiResponse::json(OpsJson::encode(result.value()));
}

// Continuations written for any answer type (generic lambdas) are instantiated by QFuture::then with the answer and
// with its finished future: both read as the answer.
template <typename T>
const Result<T> &resultOf(const Result<T> &result)
{
    return result;
}

template <typename T>
Result<T> resultOf(const QFuture<Result<T>> &finished)
{
    return finished.result();
}

template <typename T>
HttpServerResponse answer(const QFuture<Result<T>> &finished)
{
    return answer(finished.result());
}

// What LocalOps answers for an id that does not exist, given as well for one of a tenant the key cannot see.
Error notFound(const char *what, qint64 id)
{
    return makeError("store.not_found", QStringLiteral("No %1 with id %2.").arg(QLatin1String(what)).arg(id));
}

// A path's id; one that is not a number names nothing.
Result<qint64> pathId(const ApiRequest &request, const QString &name, const char *what)
{
    bool ok = false;
    const qint64 id = request.param(name).toLongLong(&ok);
    if (!ok)
        return makeError("store.not_found", QStringLiteral("No %1 with id %2.").arg(QLatin1String(what),
                                                                                     request.param(name)));
    return id;
}

// A query parameter that must be given. Given empty (object=), it is passed on as LocalOps would get it, so that the
// engine answers (its own code) as it does in-process.
Result<QString> requiredQuery(const ApiRequest &request, const QString &name)
{
    if (!request.http().query().hasQueryItem(name))
        return makeError("request.bad_query", QStringLiteral("The query parameter %1 is required.").arg(name));
    return request.query(name);
}

QFuture<HttpServerResponse> readyError(const Error &error)
{
    return ApiResponse::ready(errorAnswer(error));
}

// An optional id in the query: absent is none; anything but a positive integer is refused.
Result<std::optional<qint64>> optionalQueryId(const ApiRequest &request, const QString &name)
{
    if (request.query(name).isEmpty())
        return std::optional<qint64>();
    const auto id = request.queryInteger(name, 0, 1, std::numeric_limits<qint64>::max());
    if (!id)
        return id.error();
    return std::optional<qint64>(id.value());
}

// An optional time in the query (ISO 8601 with an offset or Z): absent is none.
Result<QDateTime> optionalQueryTime(const ApiRequest &request, const QString &name)
{
    const QString text = request.query(name);
    if (text.isEmpty())
        return QDateTime();
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime) {
        return makeError("request.bad_query",
                         QStringLiteral("%1: expected a time like 2026-01-01T10:00:00Z.").arg(name));
    }
    return time;
}

// The tenant a listing covers: the key's own when it is bound to one (asking for another is asking for nothing
// that exists), else the one asked for, if any.
Result<std::optional<qint64>> listedTenant(const ApiRequest &request)
{
    const auto asked = optionalQueryId(request, QStringLiteral("tenantId"));
    if (!asked)
        return asked.error();
    if (asked.value() && !request.caller().seesTenant(*asked.value()))
        return notFound("tenant", *asked.value());
    if (!asked.value())
        return request.caller().tenantScope();
    return asked;
}

// Stores what a query parameter parsed to in `out`; false, keeping its error, when it did not parse.
template <typename T, typename Out>
bool take(Result<T> parsed, Out &out, std::optional<Error> &error)
{
    if (!parsed) {
        error = parsed.error();
        return false;
    }
    out = std::move(parsed).value();
    return true;
}

// GET /api/v1/ops/executions's query as a filter.
Result<ExecutionFilter> executionFilter(const ApiRequest &request)
{
    ExecutionFilter filter;
    qint64 limit = 0;
    std::optional<Error> error;
    if (!take(listedTenant(request), filter.tenantId, error)
        || !take(optionalQueryId(request, QStringLiteral("connectionId")), filter.connectionId, error)
        || !take(optionalQueryId(request, QStringLiteral("beforeId")), filter.beforeId, error)
        // A limit out of range reaches LocalOps, which refuses it as it does in-process (ops.bad_limit).
        || !take(request.queryInteger(QStringLiteral("limit"), 50, std::numeric_limits<int>::min(),
                                      std::numeric_limits<int>::max()),
                 limit, error)
        || !take(optionalQueryTime(request, QStringLiteral("from")), filter.startedFrom, error)
        || !take(optionalQueryTime(request, QStringLiteral("to")), filter.startedBefore, error))
        return *error;
    filter.limit = int(limit);
    filter.kind = request.query(QStringLiteral("kind"));
    filter.outcome = request.query(QStringLiteral("outcome"));
    filter.text = request.query(QStringLiteral("text"));
    if (filter.text.size() > 200 || filter.kind.size() > 100)
        return makeError("request.bad_query", QStringLiteral("text and kind are at most 200 and 100 characters."));
    return filter;
}

// The ops routes' shared steps, over the server's LocalOps.
class OpsRoutes
{
public:
    explicit OpsRoutes(ServerContext &context) : m_context(context), m_ops(*context.ops()) {}

    // The connection, when the caller may see it; else what a connection that does not exist gets.
    QFuture<Result<Connection>> visibleConnection(const ApiCaller &caller, qint64 connectionId)
    {
        return m_ops.connection(connectionId)
            .then(m_context.receiver(), [caller, connectionId](const Result<ConnectionSummary> &summary)
                                            -> Result<Connection> {
                if (!summary)
                    return summary.error();
                if (!caller.seesTenant(summary->connection.tenantId))
                    return notFound("connection", connectionId);
                return summary->connection;
            });
    }

    // Answers call(connection) when the caller may see the connection. A key bound to no tenant is not checked,
    // so that it gets exactly what LocalOps answers (an empty list for a connection that does not exist).
    template <typename Call>
    QFuture<HttpServerResponse> forConnection(const ApiRequest &request, qint64 connectionId, Call call)
    {
        if (!request.caller().tenantId)
            return call().then([](const auto &result) { return answer(result); });
        return visibleConnection(request.caller(), connectionId)
            .then(m_context.receiver(), [call](const Result<Connection> &connection) {
                if (!connection)
                    return readyError(connection.error());
                return call().then([](const auto &result) { return answer(result); });
            })
            .unwrap();
    }

    // The same for an execution's parts: checked against the execution's tenant.
    template <typename Call>
    QFuture<HttpServerResponse> forExecution(const ApiRequest &request, qint64 executionId, Call call)
    {
        if (!request.caller().tenantId)
            return call().then([](const auto &result) { return answer(result); });
        const ApiCaller caller = request.caller();
        return m_ops.execution(executionId)
            .then(m_context.receiver(),
                  [caller, executionId, call](const Result<Execution> &execution) {
                      if (!execution)
                          return readyError(execution.error());
                      if (!caller.seesTenant(execution->tenantId))
                          return readyError(notFound("execution", executionId));
                      return call().then([](const auto &result) { return answer(result); });
                  })
            .unwrap();
    }

    // The tenant of what a command acts on, when the caller may see it; else what a thing that does not exist gets.
    using Owner = std::function<QFuture<Result<qint64>>(const ApiCaller &, qint64)>;

    // A command on a connection (sync, refresh, ...) or an execution (replay), named by the path parameter `what`:
    // checked against its owner, started, and written to the audit log ("<what>:<id>") once accepted.
    template <typename Call>
    QFuture<HttpServerResponse> command(const ApiRequest &request, const QString &action, const QString &what,
                                        const Owner &owner, Call call, const QList<ApiField> &otherFields = {})
    {
        const auto id = pathId(request, what, what.toLatin1().constData());
        if (!id)
            return readyError(id.error());
        const auto body = request.jsonBody(QList<ApiField>{{QStringLiteral("reason"), JsonType::String, false}}
                                           + otherFields);
        if (!body)
            return readyError(body.error());
        const ApiCaller caller = request.caller();
        const QString reason = body->value(QStringLiteral("reason")).toString();
        const QString target = QStringLiteral("%1:%2").arg(what).arg(id.value());
        return owner(caller, id.value())
            .then(m_context.receiver(),
                  [this, caller, action, reason, call, target, id = id.value()](const Result<qint64> &tenant) {
                      if (!tenant)
                          return readyError(tenant.error());
                      return call(id).then(m_context.receiver(), [this, caller, action, reason, target,
                                                                  tenantId = tenant.value()](const auto &finished) {
                          const auto started = resultOf(finished);
                          if (started)
                              audit(caller, action, target, tenantId, reason);
                          return answer(started);
                      });
                  })
            .unwrap();
    }

    template <typename Call>
    QFuture<HttpServerResponse> connectionCommand(const ApiRequest &request, const QString &action, Call call,
                                                  const QList<ApiField> &otherFields = {})
    {
        return command(request, action, QStringLiteral("connection"),
                       [this](const ApiCaller &caller, qint64 id) {
                           return visibleConnection(caller, id).then([](const Result<Connection> &connection)
                                                                         -> Result<qint64> {
                               if (!connection)
                                   return connection.error();
                               return connection->tenantId;
                           });
                       },
                       call, otherFields);
    }

    template <typename Call>
    QFuture<HttpServerResponse> executionCommand(const ApiRequest &request, const QString &action, Call call)
    {
        return command(request, action, QStringLiteral("execution"),
                       [this](const ApiCaller &caller, qint64 id) {
                           return m_ops.execution(id).then([caller, id](const Result<Execution> &execution)
                                                               -> Result<qint64> {
                               if (!execution)
                                   return execution.error();
                               if (!caller.seesTenant(execution->tenantId))
                                   return notFound("execution", id);
                               return execution->tenantId;
                           });
                       },
                       call);
    }

    void audit(const ApiCaller &caller, const QString &action, const QString &target, qint64 tenantId,
               const QString &reason)
    {
        const QJsonValue after = reason.isEmpty() ? QJsonValue() : QJsonObject{{QStringLiteral("reason"), reason}};
        if (auto written = m_context.audit(caller, action, target, tenantId, QJsonValue(), after); !written)
            qCWarning(lcServer).noquote() << "cannot write the audit entry of" << action << written.error().toString();
    }

    ServerContext &context() { return m_context; }

    ServerContext &m_context;
    LocalOps &m_ops;
};

// Providers send the browser back to the server's public callback route, whose handler (the connect flow's
// /oauth/callback) finishes any authorisation the store knows the state of: nothing to hand over here.
class ServerCallbackRedirect : public AuthorizationRedirect
{
public:
    explicit ServerCallbackRedirect(ServerContext &context) : m_context(context) {}

    void setHandler(Handler) override {}
    Result<QUrl> redirectUri() override
    {
        const QUrl base = m_context.publicBaseUrl();
        if (!base.isValid() || base.isEmpty())
            return makeError("auth.no_callback", QStringLiteral("The server does not know its public URL yet."));
        return ConnectFlow::callbackUrl(base);
    }

private:
    ServerContext &m_context;
};

// GET routes under one path id (a connection's or an execution's views; the parameter names what it is): base + each
// suffix answers its query with the id; an id that is not a number names nothing.
using IdQuery = std::function<QFuture<HttpServerResponse>(OpsRoutes &, const ApiRequest &, qint64)>;
void addIdRoutes(ApiRouter &router, const std::shared_ptr<OpsRoutes> &ops, const QString &base, const QString &name,
                 const QList<std::pair<QString, IdQuery>> &routes)
{
    for (const auto &[suffix, query] : routes) {
        router.add("GET", base + suffix, kLook, [ops, query, name, what = name.toLatin1()](const ApiRequest &request) {
            const auto id = pathId(request, name, what.constData());
            if (!id)
                return readyError(id.error());
            return query(*ops, request, id.value());
        });
    }
}

void addQueryRoutes(ApiRouter &router, ServerContext &context, const std::shared_ptr<OpsRoutes> &ops)
{
    LocalOps &local = *context.ops();

    router.add("GET", QStringLiteral("/api/v1/ops/tenants"), kLook, [&local](const ApiRequest &request) {
        const ApiCaller caller = request.caller();
        return local.tenants().then([caller](Result<QList<Tenant>> tenants) {
            if (tenants)
                tenants->removeIf([&](const Tenant &tenant) { return !caller.seesTenant(tenant.id); });
            return answer(tenants);
        });
    });

    // Who the key is, for any role: a client disables what the key cannot do (and a product key learns the console
    // is not for it) before it tries.
    router.add("GET", QStringLiteral("/api/v1/ops/whoami"), ApiAccess::anyRole(), [&local](const ApiRequest &request) {
        const ApiCaller caller = request.caller();
        auto identity = [caller](const QJsonValue &tenantName) {
            return ApiResponse::json(QJsonObject{
                {QStringLiteral("keyName"), caller.keyName},
                {QStringLiteral("role"), apiRoleName(caller.role)},
                {QStringLiteral("tenantId"), caller.tenantId ? QJsonValue(*caller.tenantId) : QJsonValue()},
                {QStringLiteral("tenantName"), tenantName}});
        };
        if (!caller.tenantId)
            return ApiResponse::ready(identity(QJsonValue()));
        return local.tenants().then([caller, identity](const Result<QList<Tenant>> &tenants) {
            if (!tenants)
                return errorAnswer(tenants.error());
            for (const Tenant &tenant : tenants.value()) {
                if (tenant.id == *caller.tenantId)
                    return identity(tenant.displayName);
            }
            return identity(QJsonValue());
        });
    });

    router.add("GET", QStringLiteral("/api/v1/ops/connections"), kLook, [&local](const ApiRequest &request) {
        std::optional<qint64> tenantId = request.caller().tenantScope();
        if (!request.query(QStringLiteral("tenantId")).isEmpty()) {
            const auto asked = request.queryInteger(QStringLiteral("tenantId"), 0, 1,
                                                    std::numeric_limits<qint64>::max());
            if (!asked)
                return readyError(asked.error());
            if (!request.caller().seesTenant(asked.value()))
                return readyError(notFound("tenant", asked.value()));
            tenantId = asked.value();
        }
        return local.connections(tenantId).then([](const auto &result) { return answer(result); });
    });

    router.add("GET", QStringLiteral("/api/v1/ops/connections/{connection}"), kLook,
               [ops](const ApiRequest &request) {
                   const auto id = pathId(request, QStringLiteral("connection"), "connection");
                   if (!id)
                       return readyError(id.error());
                   return ops->forConnection(request, id.value(), [ops, id = id.value()] {
                       return ops->m_ops.connection(id);
                   });
               });

    router.add("GET", QStringLiteral("/api/v1/ops/connections/{connection}/executions"), kLook,
               [ops](const ApiRequest &request) {
                   const auto id = pathId(request, QStringLiteral("connection"), "connection");
                   if (!id)
                       return readyError(id.error());
                   // Numbers out of range reach LocalOps, which refuses them as it does in-process (ops.bad_limit).
                   const auto limit = request.queryInteger(QStringLiteral("limit"), 50, std::numeric_limits<int>::min(),
                                                           std::numeric_limits<int>::max());
                   if (!limit)
                       return readyError(limit.error());
                   std::optional<qint64> beforeId;
                   if (!request.query(QStringLiteral("beforeId")).isEmpty()) {
                       const auto before = request.queryInteger(QStringLiteral("beforeId"), 0,
                                                                std::numeric_limits<qint64>::min(),
                                                                std::numeric_limits<qint64>::max());
                       if (!before)
                           return readyError(before.error());
                       beforeId = before.value();
                   }
                   return ops->forConnection(request, id.value(), [ops, id = id.value(), limit = limit.value(),
                                                                   beforeId] {
                       return ops->m_ops.executions(id, int(limit), beforeId);
                   });
               });

    router.add("GET", QStringLiteral("/api/v1/ops/executions"), kLook, [&local](const ApiRequest &request) {
        const auto filter = executionFilter(request);
        if (!filter)
            return readyError(filter.error());
        return local.findExecutions(filter.value()).then([](const auto &result) { return answer(result); });
    });

    router.add("GET", QStringLiteral("/api/v1/ops/health"), kLook, [&local](const ApiRequest &request) {
        const auto tenant = listedTenant(request);
        if (!tenant)
            return readyError(tenant.error());
        const HealthFilter filter{tenant.value(), request.query(QStringLiteral("health")),
                                  request.query(QStringLiteral("provider"))};
        return local.health(filter).then([](const auto &result) { return answer(result); });
    });

    addIdRoutes(router, ops, QStringLiteral("/api/v1/ops/connections/{connection}"), QStringLiteral("connection"),
                {{QStringLiteral("/failed-record-details"),
                  [](OpsRoutes &routes, const ApiRequest &request, qint64 id) {
                      return routes.forConnection(request, id,
                                                  [&routes, id] { return routes.m_ops.connectionFailedRecords(id); });
                  }},
                 {QStringLiteral("/refresh-history"), [](OpsRoutes &routes, const ApiRequest &request, qint64 id) {
                      return routes.forConnection(request, id, [&routes, id] { return routes.m_ops.refreshHistory(id); });
                  }}});

    router.add("GET", QStringLiteral("/api/v1/ops/connections/{connection}/mapping"), kLook,
               [ops](const ApiRequest &request) {
                   const auto id = pathId(request, QStringLiteral("connection"), "connection");
                   if (!id)
                       return readyError(id.error());
                   const auto object = requiredQuery(request, QStringLiteral("object"));
                   if (!object)
                       return readyError(object.error());
                   const auto direction = requiredQuery(request, QStringLiteral("direction"));
                   if (!direction)
                       return readyError(direction.error());
                   return ops->forConnection(request, id.value(), [ops, id = id.value(), object = object.value(),
                                                                   direction = direction.value()] {
                       return ops->m_ops.mapping(id, object, direction);
                   });
               });

    router.add("GET", QStringLiteral("/api/v1/ops/connections/{connection}/failed-records"), kLook,
               [ops](const ApiRequest &request) {
                   const auto id = pathId(request, QStringLiteral("connection"), "connection");
                   if (!id)
                       return readyError(id.error());
                   return ops->forConnection(request, id.value(),
                                             [ops, id = id.value(), object = request.query(QStringLiteral("object"))] {
                                                 return ops->m_ops.failedRecords(id, object);
                                             });
               });

    // An execution and its parts: one route each, the same check.
    addIdRoutes(router, ops, QStringLiteral("/api/v1/ops/executions/{execution}"), QStringLiteral("execution"),
                {{QString(),
                  [](OpsRoutes &routes, const ApiRequest &request, qint64 id) {
                      return routes.forExecution(request, id, [&routes, id] { return routes.m_ops.execution(id); });
                  }},
                 {QStringLiteral("/events"),
                  [](OpsRoutes &routes, const ApiRequest &request, qint64 id) {
                      return routes.forExecution(request, id, [&routes, id] { return routes.m_ops.events(id); });
                  }},
                 {QStringLiteral("/exchanges"),
                  [](OpsRoutes &routes, const ApiRequest &request, qint64 id) {
                      return routes.forExecution(request, id, [&routes, id] { return routes.m_ops.exchanges(id); });
                  }},
                 {QStringLiteral("/write-items"),
                  [](OpsRoutes &routes, const ApiRequest &request, qint64 id) {
                      return routes.forExecution(request, id, [&routes, id] { return routes.m_ops.writeItems(id); });
                  }},
                 {QStringLiteral("/failed-records"), [](OpsRoutes &routes, const ApiRequest &request, qint64 id) {
                      return routes.forExecution(request, id,
                                                 [&routes, id] { return routes.m_ops.executionFailedRecords(id); });
                  }}});
}

void addMappingRoutes(ApiRouter &router, ServerContext &context, const std::shared_ptr<OpsRoutes> &ops)
{
    router.add("GET", QStringLiteral("/api/v1/ops/mappings/history"), kLook, [ops](const ApiRequest &request) {
        QStringList values;
        for (const char *name : {"level", "scope", "integration", "object", "direction"}) {
            const auto value = requiredQuery(request, QString::fromLatin1(name));
            if (!value)
                return readyError(value.error());
            values.append(value.value());
        }
        auto history = [ops, values] {
            return ops->m_ops.mappingHistory(values[0], values[1], values[2], values[3], values[4]);
        };
        // A connection's overrides are its tenant's; the environment's are everyone's to read.
        if (values[0] == MappingLevel::Connection) {
            bool numeric = false;
            const qint64 connectionId = values[1].toLongLong(&numeric);
            if (numeric)
                return ops->forConnection(request, connectionId, history);
            if (request.caller().tenantId)
                return readyError(makeError("store.not_found",
                                            QStringLiteral("No connection with id %1.").arg(values[1])));
        }
        return history().then([](const auto &result) { return answer(result); });
    });

    router.add("POST", QStringLiteral("/api/v1/ops/mappings/overrides"), kAct, [ops, &context](const ApiRequest &request) {
        const auto body = request.jsonBody({{QStringLiteral("level"), JsonType::String, true},
                                            {QStringLiteral("scope"), JsonType::String, true},
                                            {QStringLiteral("integration"), JsonType::String, true},
                                            {QStringLiteral("object"), JsonType::String, true},
                                            {QStringLiteral("direction"), JsonType::String, true},
                                            {QStringLiteral("overrides"), JsonType::Object, true},
                                            {QStringLiteral("reason"), JsonType::String, true}});
        if (!body)
            return readyError(body.error());
        const auto text = [&body](const char *name) { return body->value(QLatin1String(name)).toString(); };
        const QString level = text("level");
        const QString scope = text("scope");
        const QString integration = text("integration");
        const QString object = text("object");
        const QString direction = text("direction");
        // As given: a blank one is refused by LocalOps (mapping.unexplained), as it is in-process.
        const QString reason = text("reason");
        const MappingTree overrides = body->value(QStringLiteral("overrides")).toObject();
        const ApiCaller caller = request.caller();

        // Whose it is: a connection's belongs to its tenant; the environment's to every tenant, so a key bound to
        // one cannot change it.
        QFuture<Result<std::optional<qint64>>> owner;
        if (level == MappingLevel::Connection) {
            bool numeric = false;
            const qint64 connectionId = scope.toLongLong(&numeric);
            if (!numeric)
                return readyError(makeError("store.not_found", QStringLiteral("No connection with id %1.").arg(scope)));
            owner = ops->visibleConnection(caller, connectionId)
                        .then([](const Result<Connection> &connection) -> Result<std::optional<qint64>> {
                            if (!connection)
                                return connection.error();
                            return std::optional<qint64>(connection->tenantId);
                        });
        } else if (caller.tenantId) {
            return ApiResponse::ready(ApiResponse::error(
                403, QStringLiteral("auth.forbidden"),
                QStringLiteral("A key bound to a tenant cannot change the mappings of a whole environment.")));
        } else {
            owner = QtFuture::makeReadyFuture(Result<std::optional<qint64>>(std::optional<qint64>()));
        }
        LocalOps &local = ops->m_ops;
        return owner
            .then(context.receiver(),
                  [&local, &context, caller, level, scope, integration, object, direction, overrides,
                   reason](const Result<std::optional<qint64>> &tenant) {
                      if (!tenant)
                          return readyError(tenant.error());
                      // The version before, for the audit log; then the change, written by the key's name.
                      return local.mappingHistory(level, scope, integration, object, direction)
                          .then(context.receiver(),
                                [&local, &context, caller, level, scope, integration, object, direction, overrides,
                                 reason, tenantId = tenant.value()](const Result<QList<MappingVersion>> &history) {
                                    QJsonValue before = QJsonValue::Null;
                                    if (history && !history->isEmpty())
                                        before = OpsJson::encode(history->first());
                                    return local
                                        .setMappingOverride(level, scope, integration, object, direction, overrides,
                                                            caller.keyName, reason)
                                        .then(context.receiver(),
                                              [&context, caller, before, tenantId](const Result<MappingVersion> &set) {
                                                  if (set) {
                                                      const QString target = QStringLiteral("mapping:%1/%2/%3/%4/%5")
                                                                                 .arg(set->level, set->scope,
                                                                                      set->integration, set->object,
                                                                                      set->direction);
                                                      if (auto written = context.audit(caller, QStringLiteral("mapping.set"),
                                                                                       target, tenantId, before,
                                                                                       OpsJson::encode(set.value()));
                                                          !written)
                                                          qCWarning(lcServer).noquote()
                                                              << "cannot write the audit entry of mapping.set"
                                                              << written.error().toString();
                                                  }
                                                  return answer(set);
                                              });
                                })
                          .unwrap();
                  })
            .unwrap();
    });

    router.add("POST", QStringLiteral("/api/v1/ops/connections/{connection}/mapping/preview"), kLook,
               [ops](const ApiRequest &request) {
                   const auto id = pathId(request, QStringLiteral("connection"), "connection");
                   if (!id)
                       return readyError(id.error());
                   const auto body = request.jsonBody({{QStringLiteral("object"), JsonType::String, true},
                                                       {QStringLiteral("direction"), JsonType::String, true},
                                                       {QStringLiteral("samples"), JsonType::Array, true},
                                                       {QStringLiteral("candidateConnectionOverride"),
                                                        JsonType::Object, false}});
                   if (!body)
                       return readyError(body.error());
                   std::optional<MappingTree> candidate;
                   if (body->contains(QStringLiteral("candidateConnectionOverride")))
                       candidate = body->value(QStringLiteral("candidateConnectionOverride")).toObject();
                   return ops->forConnection(
                       request, id.value(),
                       [ops, id = id.value(), object = body->value(QStringLiteral("object")).toString(),
                        direction = body->value(QStringLiteral("direction")).toString(),
                        samples = body->value(QStringLiteral("samples")).toArray(), candidate] {
                           return ops->m_ops.previewMapping(id, object, direction, samples, candidate);
                       });
               });

    router.add("POST", QStringLiteral("/api/v1/ops/expressions/check"), kLook, [ops](const ApiRequest &request) {
        const auto body = request.jsonBody({{QStringLiteral("expression"), JsonType::String, true}});
        if (!body)
            return readyError(body.error());
        return ops->m_ops.checkExpression(body->value(QStringLiteral("expression")).toString())
            .then([](const auto &result) { return answer(result); });
    });
}

// Tokens (re-authorisation links): the connect flow opens the store and signs, off the server's thread.
QFuture<Result<ReauthorizationLink>> reauthorizationLink(ServerContext &context, const ApiCaller &caller,
                                                         qint64 connectionId)
{
    auto flow = ConnectFlow::forServer(context);
    return QtConcurrent::run(QThreadPool::globalInstance(),
                             [flow, caller, connectionId]() -> Result<ReauthorizationLink> {
                                 auto link = flow->createReauthorizationSession(connectionId, &caller);
                                 if (!link)
                                     return link.error();
                                 return ReauthorizationLink{connectionId, link->url.toString(QUrl::FullyEncoded),
                                                            link->expiresAt};
                             });
}

// A full resync as the scheduler's job, refused as LocalOps::fullResync refuses it (SyncControl::requestSync checks the
// connection's state); answered as started, with no execution until the job runs.
QFuture<Result<CommandStarted>> queueFullResync(ServerContext &context, qint64 connectionId, const QString &sinceText)
{
    std::optional<QDateTime> since;
    if (!sinceText.isEmpty())
        since = QDateTime::fromString(sinceText, Qt::ISODateWithMs);
    // On the server's thread with its store, as the scheduler routes queue jobs: one small write.
    const auto queued = [&]() -> Result<CommandStarted> {
        Store &store = context.store();
        auto connection = store.tenants().connection(connectionId);
        if (!connection)
            return connection.error();
        if (connection->status == ConnectionStatus::Active) {
            if (auto checked = LocalOps::checkResyncSince(since, context.clock().now()); !checked)
                return checked.error();
        }
        SyncControl control(store, context.sync()->integrations(), context.sync()->catalog());
        auto job = control.requestSync(connectionId, QString(), true,
                                       since ? since->toUTC().toString(Qt::ISODateWithMs) : QString(),
                                       context.clock().now());
        if (!job)
            return job.error();
        return CommandStarted{connectionId, 0};
    };
    return readyAnswer<CommandStarted>(queued());
}

// Pause / resume and full resync (connected users health). The resync is queued with the scheduler, as
// /connections/{id}/sync does, so that it shows in the connection's jobs; LocalOps (where no scheduler runs) starts it.
void addPauseRoutes(ApiRouter &router, ServerContext &context, const std::shared_ptr<OpsRoutes> &ops)
{
    LocalOps &local = *context.ops();
    router.add("POST", QStringLiteral("/api/v1/ops/connections/{connection}/pause"), kAct,
               [ops, &local](const ApiRequest &request) {
                   return ops->connectionCommand(request, QStringLiteral("connection.pause"),
                                                 [&local](qint64 id) { return local.pauseConnection(id); });
               });
    router.add("POST", QStringLiteral("/api/v1/ops/connections/{connection}/resume"), kAct,
               [ops, &local](const ApiRequest &request) {
                   return ops->connectionCommand(request, QStringLiteral("connection.resume"),
                                                 [&local](qint64 id) { return local.resumeConnection(id); });
               });
    router.add("POST", QStringLiteral("/api/v1/ops/connections/{connection}/full-resync"), kAct,
               [ops, &context](const ApiRequest &request) {
                   const QList<ApiField> sinceField{{QStringLiteral("since"), JsonType::String, false}};
                   const auto body =
                       request.jsonBody(sinceField + QList<ApiField>{{QStringLiteral("reason"), JsonType::String, false}});
                   if (!body)
                       return readyError(body.error());
                   const QString sinceText = body->value(QStringLiteral("since")).toString();
                   return ops->connectionCommand(
                       request, QStringLiteral("connection.full_resync"),
                       [&context, sinceText](qint64 id) { return queueFullResync(context, id, sinceText); },
                       sinceField);
               });
}

void addCommandRoutes(ApiRouter &router, ServerContext &context, const std::shared_ptr<OpsRoutes> &ops)
{
    LocalOps &local = *context.ops();
    using Command = std::function<QFuture<Result<CommandStarted>>(qint64)>;
    const QList<std::tuple<QString, QString, Command>> commands{
        {QStringLiteral("sync"), QStringLiteral("connection.sync"), [&local](qint64 id) { return local.syncNow(id); }},
        {QStringLiteral("refresh-token"), QStringLiteral("connection.refresh_token"),
         [&local](qint64 id) { return local.refreshToken(id); }},
        {QStringLiteral("remap-failed-records"), QStringLiteral("connection.remap_failed_records"),
         [&local](qint64 id) { return local.remapFailedRecords(id); }},
        {QStringLiteral("retry-failed-writes"), QStringLiteral("connection.retry_failed_writes"),
         [&local](qint64 id) { return local.retryFailedWrites(id); }},
    };
    for (const auto &[path, action, call] : commands) {
        router.add("POST", QStringLiteral("/api/v1/ops/connections/{connection}/") + path, kAct,
                   [ops, action, call](const ApiRequest &request) {
                       return ops->connectionCommand(request, action, call);
                   });
    }
    // A replay is checked against the original's tenant and audited on it.
    router.add("POST", QStringLiteral("/api/v1/ops/executions/{execution}/replay"), kAct,
               [ops, &local](const ApiRequest &request) {
                   return ops->executionCommand(request, QStringLiteral("execution.replay"),
                                                [&local](qint64 id) { return local.replayExecution(id); });
               });
    router.add("POST", QStringLiteral("/api/v1/ops/connections/{connection}/reauthorization"), kAct,
               [ops, &local](const ApiRequest &request) {
                   return ops->connectionCommand(request, QStringLiteral("connection.reauthorize"),
                                             [&local](qint64 id) { return local.beginReauthorization(id); });
               });
    addPauseRoutes(router, context, ops);
    // Tokens (re-authorisation links): a connect session of this server for the connection, asked for by the
    // caller, whose key the audit entry of the customer's re-authorisation names. The link itself is not audited:
    // it is the customer's key.
    router.add("POST", QStringLiteral("/api/v1/ops/connections/{connection}/reauthorization-link"), kAct,
               [ops, &context](const ApiRequest &request) {
                   return ops->connectionCommand(request, QStringLiteral("connection.reauthorization_link"),
                                                 [&context, caller = request.caller()](qint64 id) {
                                                     return reauthorizationLink(context, caller, id);
                                                 });
               });
}

// --- Replay of webhook events and notification deliveries (issue 13 item 6)

// GET .../webhook-events and .../notification-deliveries's query: the key's tenant (or the one asked for), a
// connection the key may see, and a limit LocalOps checks.
Result<ReplayListFilter> replayListFilter(const ApiRequest &request)
{
    ReplayListFilter filter;
    qint64 limit = 0;
    std::optional<Error> error;
    if (!take(listedTenant(request), filter.tenantId, error)
        || !take(optionalQueryId(request, QStringLiteral("connectionId")), filter.connectionId, error)
        || !take(request.queryInteger(QStringLiteral("limit"), 50, std::numeric_limits<int>::min(),
                                      std::numeric_limits<int>::max()),
                 limit, error))
        return *error;
    filter.limit = int(limit);
    return filter;
}

void addReplayRoutes(ApiRouter &router, ServerContext &context, const std::shared_ptr<OpsRoutes> &ops)
{
    LocalOps &local = *context.ops();
    using List = std::function<QFuture<HttpServerResponse>(const ReplayListFilter &)>;
    const QList<std::pair<QString, List>> lists{
        {QStringLiteral("webhook-events"),
         [&local](const ReplayListFilter &filter) {
             return local.webhookEvents(filter).then([](const auto &result) { return answer(result); });
         }},
        {QStringLiteral("notification-deliveries"),
         [&local](const ReplayListFilter &filter) {
             return local.notificationDeliveries(filter).then([](const auto &result) { return answer(result); });
         }},
    };
    for (const auto &[path, list] : lists) {
        router.add("GET", QStringLiteral("/api/v1/ops/") + path, kLook, [ops, list](const ApiRequest &request) {
            const auto filter = replayListFilter(request);
            if (!filter)
                return readyError(filter.error());
            if (!filter->connectionId || !request.caller().tenantId)
                return list(filter.value());
            return ops->visibleConnection(request.caller(), *filter->connectionId)
                .then(ops->context().receiver(), [list, filter = filter.value()](const Result<Connection> &seen) {
                    return seen ? list(filter) : readyError(seen.error());
                })
                .unwrap();
        });
    }
    // A replay is checked against the original's tenant and audited on it, as the webhook and delivery logs' own
    // replay routes do.
    router.add("POST", QStringLiteral("/api/v1/ops/webhook-events/{webhook_event}/replay"), kAct,
               [ops, &local, &context](const ApiRequest &request) {
                   return ops->command(
                       request, QStringLiteral("webhook_event.replay"), QStringLiteral("webhook_event"),
                       [&context](const ApiCaller &caller, qint64 id) {
                           const auto entry = context.store().webhooks().webhookInboxEntry(id);
                           if (!entry || !caller.seesTenant(entry->tenantId))
                               return QtFuture::makeReadyFuture(Result<qint64>(notFound("webhook inbox entry", id)));
                           return QtFuture::makeReadyFuture(Result<qint64>(entry->tenantId));
                       },
                       [&local](qint64 id) { return local.replayWebhookEvent(id); });
               });
    router.add("POST", QStringLiteral("/api/v1/ops/notification-deliveries/{delivery}/replay"), kAct,
               [ops, &local, &context](const ApiRequest &request) {
                   return ops->command(
                       request, QStringLiteral("notification.replay"), QStringLiteral("delivery"),
                       [&context](const ApiCaller &caller, qint64 id) {
                           const auto delivery = context.store().notifications().delivery(id);
                           // an event of every tenant is for keys of every tenant only
                           const bool seen = delivery
                                             && (!caller.tenantId
                                                 || (delivery->tenantId && caller.seesTenant(*delivery->tenantId)));
                           if (!seen)
                               return QtFuture::makeReadyFuture(Result<qint64>(notFound("delivery", id)));
                           return QtFuture::makeReadyFuture(Result<qint64>(delivery->tenantId.value_or(0)));
                       },
                       [&local](qint64 id) { return local.replayNotificationDelivery(id); });
               });
}

} // namespace

ApiAccess opsReaders()
{
    return kLook;
}

void addOpsRoutes(ApiRouter &router, ServerContext &context)
{
    if (!context.ops())
        return; // a server without a SyncService (tests of other routes) has no ops API
    context.ops()->setAuthorizationRedirect(std::make_unique<ServerCallbackRedirect>(context));
    auto ops = std::make_shared<OpsRoutes>(context);
    addQueryRoutes(router, context, ops);
    addMappingRoutes(router, context, ops);
    addCommandRoutes(router, context, ops);
    addReplayRoutes(router, context, ops);
}

} // namespace patchbay
