#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPair>
#include <QUrl>

namespace patchbay::sandbox {

// One signed event on its way to a receiver.
struct WebhookDelivery
{
    QUrl url;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // signature headers and the like; JSON content type is added
};

// POSTs webhook deliveries asynchronously, as a provider does, and reports how each receiver answered.
class WebhookSender : public QObject
{
    Q_OBJECT
public:
    explicit WebhookSender(QObject *parent = nullptr);

    void send(const WebhookDelivery &delivery);
    int deliveredCount() const { return m_deliveredCount; }

Q_SIGNALS:
    // status is 0 when the receiver could not be reached.
    void webhookDelivered(const QUrl &url, int status);

private:
    QNetworkAccessManager m_network;
    int m_deliveredCount = 0;
};

} // namespace patchbay::sandbox
