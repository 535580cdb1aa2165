#include "NotificationReceiver.h"

#include <QDateTime>
#include <QJsonDocument>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace patchbay::test {

NotificationReceiver::NotificationReceiver(QByteArray secret) : m_secret(std::move(secret))
{
    m_http.setHandler([this](const HttpServerRequest &request) { return handle(request); });
}

quint16 NotificationReceiver::listen()
{
    return m_http.listen(QHostAddress::LocalHost, 0);
}

QUrl NotificationReceiver::url() const
{
    return m_http.baseUrl().resolved(QUrl(QStringLiteral("/hooks/patchbay")));
}

QList<NotificationReceiver::Received> NotificationReceiver::ofType(const QString &type) const
{
    QList<Received> found;
    for (const Received &received : m_received) {
        if (received.eventType == type.toUtf8())
            found.append(received);
    }
    return found;
}

bool NotificationReceiver::verify(const QByteArray &header, const QByteArray &body, const QByteArray &secret,
                                  qint64 nowSecs)
{
    QByteArray timestamp;
    QByteArray v1;
    for (const QByteArray &part : header.split(',')) {
        if (part.startsWith("t="))
            timestamp = part.mid(2);
        else if (part.startsWith("v1="))
            v1 = part.mid(3);
    }
    bool ok = false;
    const qint64 t = timestamp.toLongLong(&ok);
    if (!ok || qAbs(nowSecs - t) > 300 || v1.size() != 64)
        return false;
    const QByteArray signedText = timestamp + '.' + body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.constData(), int(secret.size()),
         reinterpret_cast<const unsigned char *>(signedText.constData()), size_t(signedText.size()), mac, &length);
    const QByteArray expected = QByteArray(reinterpret_cast<const char *>(mac), int(length)).toHex();
    return CRYPTO_memcmp(expected.constData(), v1.constData(), size_t(expected.size())) == 0;
}

HttpServerResponse NotificationReceiver::handle(const HttpServerRequest &request)
{
    Received received;
    received.body = request.body;
    received.event = QJsonDocument::fromJson(request.body).object();
    received.signature = request.header("patchbay-signature");
    received.deliveryId = request.header("patchbay-delivery");
    received.eventId = request.header("patchbay-event");
    received.eventType = request.header("patchbay-event-type");
    received.signatureValid = request.method == "POST"
        && verify(received.signature, request.body, m_secret, QDateTime::currentSecsSinceEpoch());
    received.answeredStatus = m_statuses.isEmpty() ? 200 : m_statuses.takeFirst();
    m_received.append(received);
    return HttpServerResponse::text("ok", received.answeredStatus);
}

} // namespace patchbay::test
