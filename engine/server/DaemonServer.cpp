#include "DaemonServer.h"

#include "server/ServerContext.h"
#include "server/routes/Routes.h"
#include "store/Store.h"

#include <QJsonObject>

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
    m_http.setAsyncHandler([this](const HttpServerRequest &request) { return m_router.handle(request); });
}

quint16 DaemonServer::listen(const QHostAddress &address, quint16 port)
{
    const quint16 bound = m_http.listen(address, port);
    if (bound != 0 && m_context)
        m_context->setListeningUrl(m_http.baseUrl());
    return bound;
}

} // namespace patchbay
