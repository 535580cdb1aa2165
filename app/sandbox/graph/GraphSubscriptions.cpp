#include "GraphSubscriptions.h"

#include "GraphMailApi.h"
#include "common/SandboxHttp.h"
#include "common/WebhookSender.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>

namespace patchbay::sandbox {

namespace {

QString objectOfResource(const QString &resource)
{
    QString normalized = resource.toLower();
    if (normalized.startsWith(QLatin1Char('/')))
        normalized.remove(0, 1);
    if (normalized == QLatin1String("me/messages") || normalized == QLatin1String("me/mailfolders('inbox')/messages") ||
        normalized == QLatin1String("me/mailfolders/inbox/messages"))
        return QStringLiteral("messages");
    if (normalized == QLatin1String("me/events"))
        return QStringLiteral("events");
    return {};
}

} // namespace

bool GraphSubscriptions::validate(const QUrl &notificationUrl, const QString &token)
{
    QUrl url = notificationUrl;
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("validationToken"), QString::fromLatin1(QUrl::toPercentEncoding(token)));
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain; charset=utf-8"));
    QNetworkReply *reply = m_network.post(request, QByteArray());
    // The HTTP service answers synchronously, so the subscription call waits here for the handshake, as Graph
    // holds the POST /subscriptions open until the endpoint has answered.
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timeout.start(kValidationTimeoutMs);
    loop.exec();
    const bool finished = reply->isFinished();
    const bool ok =
        finished && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200 &&
        reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QLatin1String("text/plain")) &&
        QString::fromUtf8(reply->readAll()) == token;
    if (!finished)
        reply->abort();
    reply->deleteLater();
    return ok;
}

HttpServerResponse GraphSubscriptions::create(const GraphMailbox &mailbox, const QByteArray &body,
                                              const QString &applicationId, const QString &apiBase,
                                              const QDateTime &now)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    Subscription subscription{QUuid::createUuid().toString(QUuid::WithoutBraces),
                              mailbox.name(),
                              objectOfResource(json.value(QStringLiteral("resource")).toString()),
                              json.value(QStringLiteral("resource")).toString(),
                              json.value(QStringLiteral("changeType")).toString(),
                              QUrl(json.value(QStringLiteral("notificationUrl")).toString()),
                              json.value(QStringLiteral("clientState")).toString(),
                              SandboxHttp::parseTimestamp(json.value(QStringLiteral("expirationDateTime")).toString())};
    if (subscription.object.isEmpty())
        return GraphMailApi::error(400, QStringLiteral("ExtensionError"),
                                   QStringLiteral("Unsupported resource '%1'.").arg(subscription.resource));
    if (subscription.changeType.isEmpty() || !subscription.notificationUrl.isValid() ||
        subscription.notificationUrl.scheme().isEmpty())
        return GraphMailApi::error(400, QStringLiteral("InvalidRequest"),
                                   QStringLiteral("changeType and a valid notificationUrl are required."));
    if (!subscription.expiration.isValid() || subscription.expiration <= now ||
        subscription.expiration > now.addSecs(60LL * kMaxLifetimeMinutes))
        return GraphMailApi::error(
            400, QStringLiteral("InvalidRequest"),
            QStringLiteral("Subscription expiration can only be %1 minutes in the future.").arg(kMaxLifetimeMinutes));
    if (!validate(subscription.notificationUrl, QUuid::createUuid().toString(QUuid::WithoutBraces)))
        return GraphMailApi::error(400, QStringLiteral("ValidationError"),
                                   QStringLiteral("Subscription validation request failed. Notification endpoint must "
                                                  "respond with 200 OK to validation request."));
    m_subscriptions.append(subscription);
    return SandboxHttp::json(
        QJsonObject{
            {QStringLiteral("@odata.context"), apiBase + QStringLiteral("/v1.0/$metadata#subscriptions/$entity")},
            {QStringLiteral("id"), subscription.id},
            {QStringLiteral("resource"), subscription.resource},
            {QStringLiteral("applicationId"), applicationId},
            {QStringLiteral("changeType"), subscription.changeType},
            {QStringLiteral("clientState"), subscription.clientState},
            {QStringLiteral("notificationUrl"), QString::fromLatin1(subscription.notificationUrl.toEncoded())},
            {QStringLiteral("expirationDateTime"), SandboxHttp::isoTimestamp(subscription.expiration)},
            {QStringLiteral("creatorId"), mailbox.userId()},
            {QStringLiteral("latestSupportedTlsVersion"), QStringLiteral("v1_2")}},
        201);
}

QList<WebhookDelivery> GraphSubscriptions::notifications(const GraphMailbox &mailbox, const QString &object,
                                                         const SandboxRecord &record, const QUrl &url,
                                                         const QDateTime &now) const
{
    const bool isEvent = object == QLatin1String("events");
    const QString resource =
        QStringLiteral("Users/%1/%2/%3")
            .arg(mailbox.userId(), isEvent ? QStringLiteral("Events") : QStringLiteral("Messages"), record.id);
    const QString changeType = record.deleted ? QStringLiteral("deleted") : QStringLiteral("updated");
    QList<WebhookDelivery> deliveries;
    for (const Subscription &subscription : m_subscriptions) {
        if (subscription.tenant != mailbox.name() || subscription.object != object || subscription.expiration <= now ||
            (url.isValid() && subscription.notificationUrl != url) ||
            !subscription.changeType.split(QLatin1Char(',')).contains(changeType))
            continue;
        const QJsonObject notification{
            {QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
            {QStringLiteral("subscriptionId"), subscription.id},
            {QStringLiteral("subscriptionExpirationDateTime"), SandboxHttp::isoTimestamp(subscription.expiration)},
            {QStringLiteral("changeType"), changeType},
            {QStringLiteral("resource"), resource},
            {QStringLiteral("resourceData"),
             QJsonObject{{QStringLiteral("@odata.type"), isEvent ? QStringLiteral("#Microsoft.Graph.Event")
                                                                 : QStringLiteral("#Microsoft.Graph.Message")},
                         {QStringLiteral("@odata.id"), resource},
                         {QStringLiteral("id"), record.id}}},
            {QStringLiteral("clientState"), subscription.clientState},
            {QStringLiteral("tenantId"), mailbox.tenantId()}};
        deliveries.append(
            WebhookDelivery{subscription.notificationUrl,
                            QJsonDocument(QJsonObject{{QStringLiteral("value"), QJsonArray{notification}}})
                                .toJson(QJsonDocument::Compact),
                            {}});
    }
    return deliveries;
}

QList<GraphSubscriptions::Subscription> GraphSubscriptions::subscriptions(const QString &tenant) const
{
    QList<Subscription> found;
    for (const Subscription &subscription : m_subscriptions) {
        if (subscription.tenant == tenant)
            found.append(subscription);
    }
    return found;
}

} // namespace patchbay::sandbox
