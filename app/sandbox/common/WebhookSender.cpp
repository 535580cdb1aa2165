#include "WebhookSender.h"

#include <QNetworkReply>
#include <QNetworkRequest>

namespace patchbay::sandbox {

WebhookSender::WebhookSender(QObject *parent) : QObject(parent) {}

void WebhookSender::send(const WebhookDelivery &delivery)
{
    QNetworkRequest request(delivery.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &[name, value] : delivery.headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network.post(request, delivery.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, url = delivery.url] {
        ++m_deliveredCount;
        Q_EMIT webhookDelivered(url, reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
        reply->deleteLater();
    });
}

} // namespace patchbay::sandbox
