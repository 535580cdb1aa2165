#include "DaemonServer.h"

#include "server/OpsLiveFeed.h"
#include "server/ServerContext.h"
#include "server/routes/Routes.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QJsonObject>
#include <QWebSocket>

namespace patchbay {

namespace {

HttpServerResponse status(const char *value)
{
    return ApiResponse::json(QJsonObject{{QStringLiteral("status"), QLatin1String(value)}});
}

ApiRouter::Authenticator authenticatorOf(ServerContext *context)
{
    return [context](const QString &key) -> Result<ApiCaller> {
        if (!context)
            return makeError("auth.bad_key", QStringLiteral("This server has no API keys."));
        auto found = context->store().apiKeys().verifyApiKey(key);
        if (!found)
            return found.error();
        return ApiCaller{found->id, found->name, found->role, found->tenantId};
    };
}

} // namespace

DaemonServer::DaemonServer(ReadinessCheck ready, ServerContext *context, QObject *parent)
    : QObject(parent), m_ready(std::move(ready)), m_context(context), m_router(authenticatorOf(context)),
      m_http(this)
{
    m_router.add("GET", QStringLiteral("/healthz"), ApiAccess::open(),
                 [](const ApiRequest &) { return status("ok"); });
    m_router.add("GET", QStringLiteral("/readyz"), ApiAccess::open(), [this](const ApiRequest &) {
        if (auto checked = m_ready(); !checked)
            return ApiResponse::error(503, checked.error().code, checked.error().message);
        return status("ready");
    });
    if (m_context) {
        addAllRoutes(m_router, *m_context);
        m_http.setMaxBodyBytes(m_context->config().maxBodyBytes);
        m_http.setBodyLimit([this](const QString &path, qint64 fallback) { return m_router.bodyLimit(path, fallback); });
    }
    if (m_context && m_context->sync()) {
        // The live updates are read by whoever may read the ops API.
        m_liveFeed = std::make_unique<OpsLiveFeed>(
            *m_context->sync()->notifier(),
            [authenticate = authenticatorOf(context)](const QString &key) -> Result<std::optional<qint64>> {
                const Result<ApiCaller> caller = authenticate(key);
                if (!caller)
                    return makeError("auth.bad_key", QStringLiteral("The key is not an active API key."));
                if (!opsReaders().allows(caller->role))
                    return makeError("auth.forbidden", QStringLiteral("This key's role may not read the ops API."));
                return caller->tenantId;
            });
        m_http.setWebSocketHandler([this](std::unique_ptr<QWebSocket> socket) { m_liveFeed->accept(std::move(socket)); });
    }
    m_http.setAsyncHandler([this](const HttpServerRequest &request) { return m_router.handle(request); });
}

DaemonServer::~DaemonServer() = default;

quint16 DaemonServer::listenForMetrics(const QHostAddress &address, quint16 port)
{
    if (!m_context)
        return 0;
    m_metricsHttp = std::make_unique<HttpService>(this);
    // Nothing but a GET without a body is served here: no route, no key, so nothing else may be reachable.
    m_metricsHttp->setMaxBodyBytes(0);
    m_metricsHttp->setHandler([this](const HttpServerRequest &request) {
        if (request.path() != QLatin1String("/metrics"))
            return ApiResponse::error(404, QStringLiteral("not_found"),
                                      QStringLiteral("This address serves GET /metrics only."));
        if (request.method != "GET")
            return ApiResponse::error(405, QStringLiteral("method_not_allowed"),
                                      QStringLiteral("/metrics answers GET only."))
                .withHeader("Allow", "GET");
        return metricsResponse(*m_context);
    });
    return m_metricsHttp->listen(address, port);
}

void DaemonServer::stopAccepting()
{
    m_http.stopListening();
    if (m_metricsHttp)
        m_metricsHttp->stopListening();
}

quint16 DaemonServer::listen(const QHostAddress &address, quint16 port)
{
    const quint16 bound = m_http.listen(address, port);
    if (bound != 0 && m_context)
        m_context->setListeningUrl(m_http.baseUrl());
    return bound;
}

} // namespace patchbay
