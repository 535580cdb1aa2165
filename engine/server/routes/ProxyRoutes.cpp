#include "Routes.h"

#include "core/Logging.h"
#include "server/ApiRouter.h"
#include "server/ServerContext.h"
#include "store/Store.h"
#include "sync/ProxyExecution.h"
#include "sync/SyncService.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>

namespace patchbay {

namespace {

const QString kPattern = QStringLiteral("/api/v1/proxy/{connection}/{+path}");
// Calls running or queued for the pool at once; past it a caller is told to come back rather than queued without end.
constexpr int kMaxCallsInFlight = 64;

// The proxy's threads, and how many calls they hold.
struct ProxyPool
{
    QThreadPool threads;
    std::atomic_int inFlight{0};
};

// An answer with the rate-limit fields: the normalised limits and, when a limit is spent, Retry-After (which a
// client reads first, as the draft says) with the same wait.
HttpServerResponse withLimits(HttpServerResponse response, const RateLimitFields &limits)
{
    for (const auto &[name, value] : limits.headers())
        response.withHeader(name, value);
    if (const qint64 wait = limits.waitSeconds(); wait > 0 || response.status == 429)
        response.withHeader("Retry-After", QByteArray::number(wait));
    return response;
}

HttpServerResponse answerFor(const ProxyAnswer &answer)
{
    if (answer.outcome == ProxyAnswer::Outcome::Refused) {
        return withLimits(ApiResponse::error(429, QStringLiteral("proxy.no_room"),
                                             QStringLiteral("Not sent: the connection's request budget (shared with "
                                                            "its syncs) has no room now; retry after %1 s, as "
                                                            "Retry-After and RateLimit say.")
                                                 .arg(answer.limits.waitSeconds())),
                          answer.limits);
    }
    HttpServerResponse response;
    // A provider's rate limit is 429 to the caller whatever status the provider used (GitHub's 403, Salesforce's).
    response.status = answer.outcome == ProxyAnswer::Outcome::RateLimited ? 429 : answer.status;
    response.headers = answer.headers;
    response.body = answer.body;
    return withLimits(response, answer.limits);
}

// The proxy's outcome as counted in patchbay_proxy_calls_total.
QString outcomeOf(const Result<ProxyAnswer> &answer)
{
    if (!answer)
        return QStringLiteral("error");
    switch (answer->outcome) {
    case ProxyAnswer::Outcome::Refused: return QStringLiteral("no_room");
    case ProxyAnswer::Outcome::RateLimited: return QStringLiteral("rate_limited");
    case ProxyAnswer::Outcome::Relayed: break;
    }
    return QStringLiteral("relayed");
}

HttpServerResponse answerFor(const Error &error)
{
    // The connection cannot call its provider until someone re-authorises it.
    if (error.code.startsWith(QLatin1String("auth.")))
        return ApiResponse::error(409, error.code, error.message);
    // Nothing usable came back: unreachable, too slow, or too large an answer.
    if (error.code.startsWith(QLatin1String("http.")))
        return ApiResponse::error(502, error.code, error.message);
    return ApiResponse::fromError(error);
}

QFuture<HttpServerResponse> startProxy(ServerContext &context, const std::shared_ptr<ProxyPool> &pool,
                                       const ApiRequest &request)
{
    const QString connectionParam = request.param(QStringLiteral("connection"));
    const auto connection = findConnection(context.store(), request.caller(), connectionParam);
    if (!connection)
        return ApiResponse::ready(ApiResponse::notFound(QStringLiteral("connection"), connectionParam));
    const qint64 connectionId = connection->id;
    ProxyCall call;
    call.encodedPath = request.param(QStringLiteral("path"));
    if (auto checked = ProxyExecution::checkPath(call.encodedPath); !checked)
        return ApiResponse::ready(ApiResponse::fromError(checked.error()));
    std::shared_ptr<SyncService> sync = context.sharedSync();
    if (!sync) {
        return ApiResponse::ready(ApiResponse::error(503, QStringLiteral("proxy.unavailable"),
                                                     QStringLiteral("This server runs no provider calls.")));
    }
    call.method = request.http().method;
    call.encodedQuery = request.http().url.query(QUrl::FullyEncoded);
    call.headers = ProxyExecution::forwardedRequestHeaders(request.http().headers);
    call.body = request.http().body;
    call.maxResponseBytes = context.config().proxyMaxResponseBytes;
    call.timeoutMs = context.config().proxyTimeoutSeconds * 1000;
    if (pool->inFlight.fetch_add(1) >= kMaxCallsInFlight) {
        pool->inFlight.fetch_sub(1);
        return ApiResponse::ready(ApiResponse::error(503, QStringLiteral("proxy.busy"),
                                                     QStringLiteral("Too many proxied calls are running; retry "
                                                                    "shortly."))
                                      .withHeader("Retry-After", "1"));
    }
    const qint64 tenantId = connection->tenantId;
    return QtConcurrent::run(&pool->threads, [sync, connectionId, call] { return sync->proxy(connectionId, call); })
        .then(context.receiver(), [&context, pool, caller = request.caller(), connectionId, tenantId,
                                   call](const Result<ProxyAnswer> &answer) {
            pool->inFlight.fetch_sub(1);
            const HttpServerResponse response = answer ? answerFor(answer.value()) : answerFor(answer.error());
            context.metrics().add(Metrics::Counter::ProxyCalls, {outcomeOf(answer)});
            // Who proxied what: the method and path, never the query or a body.
            QJsonObject what{{QStringLiteral("method"), QString::fromLatin1(call.method)},
                             {QStringLiteral("path"), QLatin1Char('/') + call.encodedPath},
                             {QStringLiteral("status"), response.status}};
            if (answer && answer->executionId)
                what.insert(QStringLiteral("executionId"), answer->executionId);
            if (auto written = context.audit(caller, QStringLiteral("connection.proxy"),
                                             QStringLiteral("connection/%1").arg(connectionId), tenantId, {}, what);
                !written)
                qCWarning(lcServer) << "cannot write the audit entry of a proxied call:" << written.error().toString();
            return response;
        });
}

} // namespace

// /api/v1/proxy/{connection}/{+path}: the product's own calls to a connection's provider, for admin and product keys
// (a tenant-bound key: its tenant's connections only).
void addProxyRoutes(ApiRouter &router, ServerContext &context)
{
    // Proxied calls run on a pool of their own: a slow provider holds neither the store thread nor the writes.
    auto pool = std::make_shared<ProxyPool>();
    pool->threads.setMaxThreadCount(8);
    for (const QByteArray &method : {QByteArray("GET"), QByteArray("POST"), QByteArray("PUT"), QByteArray("PATCH"),
                                     QByteArray("DELETE")}) {
        router.add(method, kPattern, {ApiRole::Admin, ApiRole::Product},
                   [&context, pool](const ApiRequest &request) -> QFuture<HttpServerResponse> {
                       return startProxy(context, pool, request);
                   });
    }
}

} // namespace patchbay
