#include "WebhookEndpoint.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace patchbay {

WebhookEndpoint::WebhookEndpoint(SyncService &sync, QObject *parent) : QObject(parent), m_sync(sync)
{
    m_http.setHandler([this](const HttpServerRequest &request) { return handle(request); });
}

WebhookEndpoint::~WebhookEndpoint() = default;

quint16 WebhookEndpoint::listen(const QHostAddress &address, quint16 port)
{
    return m_http.listen(address, port);
}

QUrl WebhookEndpoint::publicBase() const
{
    return m_publicBaseUrl.isValid() ? m_publicBaseUrl : m_http.baseUrl();
}

QUrl WebhookEndpoint::urlFor(const QString &provider, qint64 connectionId) const
{
    QUrl url = publicBase();
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    path += QStringLiteral("/webhooks/") + provider;
    if (connectionId > 0)
        path += QLatin1Char('/') + QString::number(connectionId);
    url.setPath(path);
    return url;
}

QUrl WebhookEndpoint::calledUrl(const QUrl &publicBase, const QUrl &requestUrl)
{
    QUrl url = publicBase;
    QString prefix = publicBase.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + requestUrl.path());
    url.setQuery(requestUrl.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

HttpServerResponse WebhookEndpoint::handle(const HttpServerRequest &request)
{
    const QStringList segments = request.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    bool numeric = true;
    const qint64 connectionId = segments.size() == 3 ? segments.at(2).toLongLong(&numeric) : 0;
    if (segments.size() < 2 || segments.size() > 3 || segments.first() != QLatin1String("webhooks") || !numeric) {
        return HttpServerResponse::json(
            QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                       QStringLiteral("Webhooks go to /webhooks/{provider} or "
                                                      "/webhooks/{provider}/{connectionId}")}})
                .toJson(QJsonDocument::Compact),
            404);
    }
    WebhookCall call;
    call.method = request.method;
    call.url = calledUrl(publicBase(), request.url);
    call.headers = request.headers;
    call.body = request.body;
    call.source = request.remoteAddress.toString();
    const WebhookOutcome outcome = m_sync.receiveWebhook(segments.at(1), connectionId, call);
    Q_EMIT webhookHandled(segments.at(1), outcome);
    HttpServerResponse response;
    response.status = outcome.status;
    response.body = outcome.body;
    response.headers.append({QByteArrayLiteral("Content-Type"), outcome.contentType});
    return response;
}

} // namespace patchbay
