#include "Credential.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

namespace patchbay {

namespace {

QString field(const SecretBytes &secret)
{
    return QString::fromUtf8(secret.reveal());
}

SecretBytes secretField(const QJsonObject &object, const char *name)
{
    return SecretBytes(object.value(QLatin1String(name)).toString().toUtf8());
}

} // namespace

QByteArray Credential::toPlaintext() const
{
    QJsonObject object{
        {QStringLiteral("access_token"), field(accessToken)},
        {QStringLiteral("refresh_token"), field(refreshToken)},
        {QStringLiteral("api_key"), field(apiKey)},
        {QStringLiteral("client_id"), clientId},
        {QStringLiteral("client_secret"), field(clientSecret)},
        {QStringLiteral("webhook_secret"), field(webhookSecret)},
        {QStringLiteral("token_type"), tokenType},
        {QStringLiteral("scope"), scope},
    };
    if (expiresAt.isValid())
        object.insert(QStringLiteral("expires_at"), expiresAt.toMSecsSinceEpoch());
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Credential Credential::fromPlaintext(const QByteArray &plaintext)
{
    const QJsonObject object = QJsonDocument::fromJson(plaintext).object();
    Credential credential;
    credential.accessToken = secretField(object, "access_token");
    credential.refreshToken = secretField(object, "refresh_token");
    credential.apiKey = secretField(object, "api_key");
    credential.clientId = object.value(QStringLiteral("client_id")).toString();
    credential.clientSecret = secretField(object, "client_secret");
    credential.webhookSecret = secretField(object, "webhook_secret");
    credential.tokenType = object.value(QStringLiteral("token_type")).toString();
    credential.scope = object.value(QStringLiteral("scope")).toString();
    if (object.contains(QStringLiteral("expires_at"))) {
        credential.expiresAt = QDateTime::fromMSecsSinceEpoch(
            static_cast<qint64>(object.value(QStringLiteral("expires_at")).toDouble()), Qt::UTC);
    }
    return credential;
}

} // namespace patchbay
