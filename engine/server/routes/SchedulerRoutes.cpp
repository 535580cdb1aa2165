#include "Routes.h"

#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "core/Clock.h"
#include "scheduler/SyncControl.h"
#include "server/ApiRouter.h"
#include "server/ServerContext.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QJsonArray>

namespace patchbay {

namespace {

const QString kConnection = QStringLiteral("connection");
const QString kId = QStringLiteral("id");

// The catalogs SyncControl checks objects and integrations against: the server's (its SyncService's), or the
// built-in ones when the server runs without one (route tests).
struct Catalogs
{
    const ProviderCatalog &providers;
    const IntegrationCatalog &integrations;
};

Catalogs catalogsOf(const ServerContext &context)
{
    if (const SyncService *sync = context.sync())
        return {sync->catalog(), sync->integrations()};
    static const ProviderCatalog providers = ProviderCatalog::builtIn();
    static const IntegrationCatalog integrations = IntegrationCatalog::builtIn(providers);
    return {providers, integrations};
}

SyncControl controlOf(ServerContext &context)
{
    const Catalogs catalogs = catalogsOf(context);
    return SyncControl(context.store(), catalogs.integrations, catalogs.providers);
}

// SyncControl's refusals as answers: a state that forbids the call is a conflict, what does not exist is not found,
// a bad object or start is the caller's input. Anything else as ApiResponse::fromError says.
HttpServerResponse refusal(const Error &error)
{
    static const QHash<QString, int> statuses = {
        {QStringLiteral("connection.paused"), 409},       {QStringLiteral("connection.needs_reauth"), 409},
        {QStringLiteral("connection.not_active"), 409},   {QStringLiteral("connection.not_paused"), 409},
        {QStringLiteral("integration.not_found"), 404},   {QStringLiteral("store.not_found"), 404},
        {QStringLiteral("sync.unknown_object"), 400},     {QStringLiteral("sync.not_readable"), 400},
        {QStringLiteral("catalog.bad_since"), 400},
    };
    const auto status = statuses.constFind(error.code);
    if (status == statuses.constEnd())
        return ApiResponse::fromError(error);
    return ApiResponse::error(*status, error.code, error.message);
}

// The connection {connection} names when the caller may see it; nullopt (answer notFound) when the id is not a
// number, there is no such connection, or it is another tenant's and the caller's key is bound.
std::optional<Connection> findConnection(Store &store, const ApiRequest &request)
{
    bool ok = false;
    const qint64 id = request.param(kId).toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    auto connection = store.tenants().connection(id);
    if (!connection || !request.caller().seesTenant(connection->tenantId))
        return std::nullopt;
    return connection.value();
}

HttpServerResponse connectionNotFound(const ApiRequest &request)
{
    return ApiResponse::notFound(kConnection, request.param(kId));
}

// A connection's scheduling state as the pause and resume calls answer it (the ConnectionState schema).
QJsonObject connectionStateJson(const Connection &connection)
{
    return {{QStringLiteral("id"), connection.id},
            {QStringLiteral("tenantId"), connection.tenantId},
            {QStringLiteral("status"), connection.status},
            {QStringLiteral("statusMessage"), connection.statusMessage}};
}

QString connectionTarget(const Connection &connection)
{
    return QStringLiteral("connection:%1").arg(connection.id);
}

HttpServerResponse requestSync(ServerContext &context, const ApiRequest &request)
{
    const auto connection = findConnection(context.store(), request);
    if (!connection)
        return connectionNotFound(request);
    const auto body = request.jsonBody({{QStringLiteral("object"), JsonType::String},
                                        {QStringLiteral("full"), JsonType::Boolean},
                                        {QStringLiteral("since"), JsonType::String}});
    if (!body)
        return ApiResponse::fromError(body.error());
    Store &store = context.store();
    std::optional<Job> queued;
    const auto saved = auditedChange(store, [&]() -> Result<AuditEntry> {
        auto job = controlOf(context).requestSync(connection->id, body->value(QStringLiteral("object")).toString(),
                                                  body->value(QStringLiteral("full")).toBool(),
                                                  body->value(QStringLiteral("since")).toString(),
                                                  context.clock().now());
        if (!job)
            return job.error();
        queued = job.value();
        return request.caller().auditEntry(QStringLiteral("connection.sync"), connectionTarget(*connection),
                                           connection->tenantId, {}, SyncControl::toJson(*queued));
    });
    if (!saved)
        return refusal(saved.error());
    return ApiResponse::json(SyncControl::toJson(*queued), 202);
}

// Pause or resume of a connection, audited with its state before and after.
HttpServerResponse changeConnection(ServerContext &context, const ApiRequest &request, bool pause)
{
    const auto connection = findConnection(context.store(), request);
    if (!connection)
        return connectionNotFound(request);
    if (const auto body = request.jsonBody({}); !body)
        return ApiResponse::fromError(body.error());
    Store &store = context.store();
    std::optional<Connection> changed;
    const auto saved = auditedChange(store, [&]() -> Result<AuditEntry> {
        SyncControl control = controlOf(context);
        auto now = pause ? control.pauseConnection(connection->id) : control.resumeConnection(connection->id);
        if (!now)
            return now.error();
        changed = now.value();
        return request.caller().auditEntry(pause ? QStringLiteral("connection.pause")
                                                 : QStringLiteral("connection.resume"),
                                           connectionTarget(*connection), connection->tenantId,
                                           connectionStateJson(*connection), connectionStateJson(*changed));
    });
    if (!saved)
        return refusal(saved.error());
    return ApiResponse::json(connectionStateJson(*changed));
}

HttpServerResponse changeIntegration(ServerContext &context, const ApiRequest &request, bool pause)
{
    if (const auto body = request.jsonBody({}); !body)
        return ApiResponse::fromError(body.error());
    const QString name = request.param(QStringLiteral("name"));
    const QJsonObject after{{QStringLiteral("name"), name}, {QStringLiteral("paused"), pause}};
    const auto saved = auditedChange(context.store(), [&]() -> Result<AuditEntry> {
        SyncControl control = controlOf(context);
        if (auto done = pause ? control.pauseIntegration(name) : control.resumeIntegration(name); !done)
            return done.error();
        return request.caller().auditEntry(pause ? QStringLiteral("integration.pause")
                                                 : QStringLiteral("integration.resume"),
                                           QStringLiteral("integration:%1").arg(name), std::nullopt, {}, after);
    });
    if (!saved)
        return refusal(saved.error());
    return ApiResponse::json(after);
}

HttpServerResponse listJobs(ServerContext &context, const ApiRequest &request)
{
    const auto connection = findConnection(context.store(), request);
    if (!connection)
        return connectionNotFound(request);
    const auto limit = request.queryInteger(QStringLiteral("limit"), 50, 1, 500);
    if (!limit)
        return ApiResponse::fromError(limit.error());
    const auto jobs = controlOf(context).jobs(connection->id, int(*limit));
    if (!jobs)
        return refusal(jobs.error());
    QJsonArray list;
    for (const Job &job : *jobs)
        list.append(SyncControl::toJson(job));
    return ApiResponse::json(QJsonObject{{QStringLiteral("jobs"), list}});
}

} // namespace

void addSchedulerRoutes(ApiRouter &router, ServerContext &context)
{
    const QString connection = QStringLiteral("/api/v1/connections/{id}");
    const QString integration = QStringLiteral("/api/v1/integrations/{name}");
    const ApiAccess operate{ApiRole::Admin, ApiRole::Product, ApiRole::Support};
    router.add("POST", connection + QStringLiteral("/sync"), operate,
               [&context](const ApiRequest &request) { return requestSync(context, request); });
    router.add("POST", connection + QStringLiteral("/pause"), operate,
               [&context](const ApiRequest &request) { return changeConnection(context, request, true); });
    router.add("POST", connection + QStringLiteral("/resume"), operate,
               [&context](const ApiRequest &request) { return changeConnection(context, request, false); });
    router.add("GET", connection + QStringLiteral("/jobs"), ApiAccess::anyRole(),
               [&context](const ApiRequest &request) { return listJobs(context, request); });
    // A whole integration spans every tenant: only keys for every tenant may stop or start it.
    router.add("POST", integration + QStringLiteral("/pause"), operate.unboundOnly(),
               [&context](const ApiRequest &request) { return changeIntegration(context, request, true); });
    router.add("POST", integration + QStringLiteral("/resume"), operate.unboundOnly(),
               [&context](const ApiRequest &request) { return changeIntegration(context, request, false); });
}

} // namespace patchbay
