#include "SandboxTestClient.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QTest>
#include <QUrlQuery>

QByteArray SandboxReply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

SandboxReply SandboxTestClient::send(const QByteArray &method, const QString &pathOrUrl, const QByteArray &body,
                                     const Headers &headers)
{
    QNetworkRequest request(m_baseUrl.resolved(QUrl(pathOrUrl)));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    SandboxReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    const QJsonDocument document = QJsonDocument::fromJson(result.body);
    result.json = document.object();
    result.array = document.array();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

SandboxReply SandboxTestClient::get(const QString &pathOrUrl, const QString &bearer)
{
    return send("GET", pathOrUrl, {}, {{"Authorization", "Bearer " + bearer.toLatin1()}});
}

SandboxReply SandboxTestClient::postJson(const QString &pathOrUrl, const QJsonObject &body, const QString &bearer)
{
    Headers headers = {{"Content-Type", "application/json"}};
    if (!bearer.isEmpty())
        headers.append({"Authorization", "Bearer " + bearer.toLatin1()});
    return send("POST", pathOrUrl, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

SandboxReply SandboxTestClient::postForm(const QString &pathOrUrl, const QList<QPair<QString, QString>> &fields)
{
    QUrlQuery form;
    for (const auto &[name, value] : fields)
        form.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    return send("POST", pathOrUrl, form.toString(QUrl::FullyEncoded).toLatin1(),
                {{"Content-Type", "application/x-www-form-urlencoded"}});
}

WebhookReceiver::WebhookReceiver()
{
    m_http.setHandler([this](const patchbay::HttpServerRequest &request) {
        if (!m_received)
            m_received = request;
        return patchbay::HttpServerResponse::text("ok");
    });
    m_http.listen();
}

QUrl WebhookReceiver::url() const
{
    return m_http.baseUrl().resolved(QUrl(QStringLiteral("/hooks/provider")));
}

std::optional<patchbay::HttpServerRequest> WebhookReceiver::waitForDelivery(int timeoutMs)
{
    if (!QTest::qWaitFor([this] { return m_received.has_value(); }, timeoutMs))
        return std::nullopt;
    return m_received;
}
