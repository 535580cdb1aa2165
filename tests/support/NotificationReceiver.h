#pragma once

#include "server/HttpService.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QUrl>

namespace patchbay::test {

// The product's end of notifications on loopback: a real HTTP server that checks each request's Patchbay-Signature
// itself (OpenSSL's HMAC, not the engine's signer) and answers the statuses it is told to, 200 once they run out.
class NotificationReceiver
{
public:
    struct Received
    {
        QByteArray body;
        QJsonObject event; // the body as JSON
        QByteArray signature;
        QByteArray deliveryId;
        QByteArray eventId;
        QByteArray eventType;
        bool signatureValid = false;
        int answeredStatus = 0;
    };

    explicit NotificationReceiver(QByteArray secret);

    // 0 when the port could not be bound.
    quint16 listen();
    QUrl url() const;
    void answerNext(const QList<int> &statuses) { m_statuses = statuses; }

    const QList<Received> &received() const { return m_received; }
    // The received events of one type, in arrival order.
    QList<Received> ofType(const QString &type) const;

    // Whether header (t=...,v1=...) signs body with secret, at a time within 5 minutes of nowSecs.
    static bool verify(const QByteArray &header, const QByteArray &body, const QByteArray &secret, qint64 nowSecs);

private:
    HttpServerResponse handle(const HttpServerRequest &request);

    QByteArray m_secret;
    HttpService m_http;
    QList<int> m_statuses;
    QList<Received> m_received;
};

} // namespace patchbay::test
