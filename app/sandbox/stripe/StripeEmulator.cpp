#include "StripeEmulator.h"

#include "StripeApi.h"
#include "StripeResponses.h"
#include "common/SandboxHttp.h"
#include "common/WebhookSigner.h"

#include <QJsonDocument>

namespace patchbay::sandbox {

StripeEmulator::StripeEmulator(QObject *parent) : AccountEmulator(parent) {}

StripeEmulator::~StripeEmulator() = default;

std::unique_ptr<SandboxAccount> StripeEmulator::createAccount(const QString &name, quint32 seed) const
{
    return std::make_unique<StripeAccount>(name, seed);
}

StripeAccount *StripeEmulator::findStripeAccount(const QString &name) const
{
    return static_cast<StripeAccount *>(findAccount(name));
}

const StripeAccount *StripeEmulator::stripeAccount(const QString &name) const
{
    return findStripeAccount(name);
}

QString StripeEmulator::rollSecretKey(const QString &account)
{
    StripeAccount *found = findStripeAccount(account);
    return found ? found->rollSecretKey() : QString();
}

QString StripeEmulator::rollWebhookSecret(const QString &account)
{
    StripeAccount *found = findStripeAccount(account);
    return found ? found->rollWebhookSecret() : QString();
}

HttpServerResponse StripeEmulator::unauthorized(const QString &key) const
{
    if (key.isEmpty())
        return StripeResponses::error(
            401, QStringLiteral("You did not provide an API key. You need to provide your API key in the Authorization "
                                "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                                "https://stripe.com/docs/api#authentication for details, or we can help at "
                                "https://support.stripe.com/."));
    if (findAccountWhere([&](const SandboxAccount &account) {
            return static_cast<const StripeAccount &>(account).isExpiredKey(key);
        }))
        return StripeResponses::error(
            401, QStringLiteral("Expired API Key provided: %1").arg(StripeResponses::maskedKey(key)),
            QStringLiteral("api_key_expired"));
    return StripeResponses::error(401,
                                  QStringLiteral("Invalid API Key provided: %1").arg(StripeResponses::maskedKey(key)));
}

HttpServerResponse StripeEmulator::rateLimitedResponse(int, const QJsonObject &options) const
{
    if (options.value(QStringLiteral("code")).toString() == QLatin1String("lock_timeout"))
        return StripeResponses::error(
            429,
            QStringLiteral("This object cannot be accessed right now because another API request or Stripe process is "
                           "currently accessing it. If you see this error intermittently, retry the request. If you "
                           "see this error frequently and are making multiple concurrent requests to a single object, "
                           "make your requests serially or at a lower rate."),
            QStringLiteral("lock_timeout"));
    return StripeResponses::error(
        429,
        QStringLiteral(
            "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."),
        QStringLiteral("rate_limit"));
}

HttpServerResponse StripeEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *account)
{
    QString key = SandboxHttp::bearerToken(request);
    if (const auto basic = SandboxHttp::basicCredentials(request))
        key = basic->user; // curl -u sk_test_...: as Stripe's own examples do
    StripeAccount *found = key.isEmpty() ? nullptr
                                         : static_cast<StripeAccount *>(findAccountWhere(
                                               [&](const SandboxAccount &a) { return a.apiKey() == key; }));
    if (found)
        *account = found->name();
    const QString requestId = StripeAccount::stripeId(
        QStringLiteral("req_"), baseUrl().toEncoded() + "/request/" + QByteArray::number(m_nextRequest++), 14);
    HttpServerResponse response = [&] {
        if (auto answer = admit(found != nullptr, [&] { return unauthorized(key); }))
            return *answer;
        return StripeApi(*found, requestId, now).handle(request);
    }();
    return response.withHeader("Request-Id", requestId.toLatin1());
}

void StripeEmulator::decorateTenantJson(const QString &tenant, QJsonObject &json) const
{
    // Stripe accounts authenticate with their secret key only; the OAuth client every tenant has stays unused.
    for (const char *unused :
         {"clientId", "clientSecret", "accessToken", "refreshToken", "expiresIn", "tokenRefreshCount"})
        json.remove(QLatin1String(unused));
    const StripeAccount *found = findStripeAccount(tenant);
    json.insert(QStringLiteral("accountId"), found->accountId());
    json.insert(QStringLiteral("secretKey"), found->apiKey());
    json.insert(QStringLiteral("previousWebhookSecret"), found->previousWebhookSecret());
    json.insert(QStringLiteral("events"), static_cast<qint64>(found->events().size()));
}

bool StripeEmulator::sendWebhook(const QString &account, const QUrl &url, const QString &object, const QString &id)
{
    const StripeAccount *found = findStripeAccount(account);
    if (!found || !found->table(object))
        return false;
    const auto &events = found->events();
    const auto latest = std::find_if(events.rbegin(), events.rend(), [&](const StripeEvent &event) {
        return event.object.value(QStringLiteral("id")).toString() == id;
    });
    return latest != events.rend() && sendEvent(account, url, latest->id);
}

bool StripeEmulator::sendEvent(const QString &account, const QUrl &url, const QString &eventId,
                               const StripeWebhookOptions &options)
{
    const StripeAccount *found = findStripeAccount(account);
    const StripeEvent *event = found ? found->event(eventId) : nullptr;
    if (!event || !url.isValid())
        return false;
    const QByteArray body = QJsonDocument(found->eventJson(*event)).toJson(QJsonDocument::Compact);
    const QByteArray timestamp = QByteArray::number(now().toSecsSinceEpoch() - options.timestampAgeSeconds);
    const QByteArray signedPayload = timestamp + '.' + body;
    QByteArray signature =
        "t=" + timestamp + ",v1=" + WebhookSigner::hexSignature(found->webhookSecret().toUtf8(), signedPayload);
    if (options.rotation)
        signature += ",v1=" + WebhookSigner::hexSignature(found->previousWebhookSecret().toUtf8(), signedPayload);
    webhookSender().send(WebhookDelivery{
        url,
        body,
        {{"Stripe-Signature", signature}, {"User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}}});
    return true;
}

bool StripeEmulator::sendWebhookFromControl(const QString &tenant, const QJsonObject &body)
{
    const StripeAccount *found = findStripeAccount(tenant);
    const QString wanted = body.value(QStringLiteral("event")).toString();
    const QString objectId = body.value(QStringLiteral("id")).toVariant().toString();
    const auto &events = found->events();
    const auto chosen = std::find_if(events.rbegin(), events.rend(), [&](const StripeEvent &event) {
        if (wanted.startsWith(QLatin1String("evt_")))
            return event.id == wanted;
        return (wanted.isEmpty() || event.type == wanted) &&
               (objectId.isEmpty() || event.object.value(QStringLiteral("id")).toString() == objectId);
    });
    if (chosen == events.rend())
        return false;
    StripeWebhookOptions options;
    options.rotation = body.value(QStringLiteral("rotation")).toBool();
    options.timestampAgeSeconds = body.value(QStringLiteral("timestampAgeSeconds")).toInt();
    return sendEvent(tenant, QUrl(body.value(QStringLiteral("url")).toString()), chosen->id, options);
}

std::optional<HttpServerResponse> StripeEmulator::tenantActionFromControl(const QString &tenant, const QString &action,
                                                                          const QJsonObject &)
{
    if (action == QLatin1String("roll-api-key"))
        return SandboxHttp::json(QJsonObject{{QStringLiteral("apiKey"), rollSecretKey(tenant)}});
    if (action == QLatin1String("roll-webhook-secret")) {
        const QString secret = rollWebhookSecret(tenant);
        return SandboxHttp::json(
            QJsonObject{{QStringLiteral("webhookSecret"), secret},
                        {QStringLiteral("previousWebhookSecret"), findStripeAccount(tenant)->previousWebhookSecret()}});
    }
    return std::nullopt;
}

} // namespace patchbay::sandbox
