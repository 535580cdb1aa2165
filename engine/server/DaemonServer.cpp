#include "DaemonServer.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace patchbay {

namespace {

HttpServerResponse status(const char *value)
{
    return HttpServerResponse::json(
        QJsonDocument(QJsonObject{{QStringLiteral("status"), QLatin1String(value)}}).toJson(QJsonDocument::Compact));
}

} // namespace

DaemonServer::DaemonServer(ReadinessCheck ready, QObject *parent)
    : QObject(parent), m_ready(std::move(ready)), m_http(this)
{
    m_http.setHandler([this](const HttpServerRequest &request) { return handle(request); });
}

quint16 DaemonServer::listen(const QHostAddress &address, quint16 port)
{
    return m_http.listen(address, port);
}

HttpServerResponse DaemonServer::handle(const HttpServerRequest &request) const
{
    const QString path = request.path();
    if (path != QLatin1String("/healthz") && path != QLatin1String("/readyz"))
        return error(404, QStringLiteral("not_found"), QStringLiteral("No route for %1.").arg(path));
    if (request.method != "GET" && request.method != "HEAD")
        return error(405, QStringLiteral("method_not_allowed"), QStringLiteral("%1 takes GET.").arg(path))
            .withHeader("Allow", "GET, HEAD");
    if (path == QLatin1String("/healthz"))
        return status("ok");
    if (auto ready = m_ready(); !ready)
        return error(503, ready.error().code, ready.error().message);
    return status("ready");
}

HttpServerResponse DaemonServer::error(int status, const QString &code, const QString &message)
{
    const QJsonObject body{
        {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
    return HttpServerResponse::json(QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

} // namespace patchbay
