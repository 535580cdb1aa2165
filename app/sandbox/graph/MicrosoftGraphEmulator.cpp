#include "MicrosoftGraphEmulator.h"

#include "GraphMailApi.h"
#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace patchbay::sandbox {

namespace {

const QString kScopes =
    QStringLiteral("https://graph.microsoft.com/Mail.Read https://graph.microsoft.com/Calendars.ReadWrite");

} // namespace

MicrosoftGraphEmulator::MicrosoftGraphEmulator(QObject *parent) : AccountEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 3599;
    policy.clientAuth = OAuthPolicy::ClientAuth::BodyOrBasicHeader;
    policy.tokenType = QStringLiteral("Bearer");
    policy.accessTokenPrefix = QStringLiteral("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.");

    OAuthTokenEndpoint::Style style;
    style.decorateGrant = [](const OAuthGrant &grant, QJsonObject &body) {
        body.insert(QStringLiteral("scope"), kScopes);
        body.insert(QStringLiteral("ext_expires_in"), grant.expiresIn);
    };
    style.failure = [](OAuthFailure failure) {
        HttpServerResponse response = OAuthTokenEndpoint::standardError(failure);
        QJsonObject body = QJsonDocument::fromJson(response.body).object();
        const bool badClient = failure == OAuthFailure::UnknownClient || failure == OAuthFailure::BadClientSecret;
        body.insert(QStringLiteral("error_codes"), QJsonArray{badClient ? 7000215 : 70008});
        body.insert(QStringLiteral("timestamp"),
                    QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ssZ")));
        body.insert(QStringLiteral("trace_id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        body.insert(QStringLiteral("correlation_id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        return SandboxHttp::json(body, response.status);
    };
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), style);
}

MicrosoftGraphEmulator::~MicrosoftGraphEmulator() = default;

std::unique_ptr<SandboxAccount> MicrosoftGraphEmulator::createAccount(const QString &tenant, quint32 seed) const
{
    return std::make_unique<GraphMailbox>(tenant, seed);
}

bool MicrosoftGraphEmulator::invalidateDeltaTokens(const QString &tenant)
{
    auto *found = static_cast<GraphMailbox *>(findAccount(tenant));
    if (found)
        found->invalidateDeltaTokens();
    return found != nullptr;
}

std::optional<HttpServerResponse>
MicrosoftGraphEmulator::tenantActionFromControl(const QString &tenant, const QString &action, const QJsonObject &)
{
    if (action != QLatin1String("invalidate-delta-tokens"))
        return std::nullopt;
    invalidateDeltaTokens(tenant);
    return SandboxHttp::json(QJsonObject{{QStringLiteral("ok"), true}});
}

HttpServerResponse MicrosoftGraphEmulator::rateLimitedResponse(int retryAfterSeconds, const QJsonObject &) const
{
    HttpServerResponse response =
        GraphMailApi::error(429, QStringLiteral("TooManyRequests"), QStringLiteral("Please retry again later."));
    return response.withHeader("Retry-After", QByteArray::number(retryAfterSeconds));
}

HttpServerResponse MicrosoftGraphEmulator::route(const HttpServerRequest &request, const QDateTime &now,
                                                 QString *tenant)
{
    const QString path = request.path();
    const QString identityPath = path.section(QLatin1Char('/'), 2);
    if (identityPath == QLatin1String("oauth2/v2.0/token") && request.method == "POST")
        return m_oauth->token(request, now, tenant);
    if (identityPath == QLatin1String("oauth2/v2.0/authorize"))
        return m_oauth->authorize(request, now, tenant);

    *tenant = tenantOfBearer(request, now);
    if (auto answer = admit(!tenant->isEmpty(), [] {
            return GraphMailApi::error(401, QStringLiteral("InvalidAuthenticationToken"),
                                       QStringLiteral("Access token has expired or is not yet valid."));
        }))
        return *answer;
    auto &mailbox = *static_cast<GraphMailbox *>(findAccount(*tenant));
    const QString apiBase = baseUrl().toString(QUrl::StripTrailingSlash);
    if (path == QLatin1String("/v1.0/subscriptions") && request.method == "POST")
        return m_subscriptions.create(mailbox, request.body, tokens().client(*tenant)->clientId, apiBase, now);
    if (auto answer = GraphMailApi(mailbox, apiBase).handle(request, now))
        return *answer;
    return GraphMailApi::error(
        400, QStringLiteral("BadRequest"),
        QStringLiteral("Resource not found for the segment '%1'.").arg(path.section(QLatin1Char('/'), -1)));
}

bool MicrosoftGraphEmulator::sendWebhook(const QString &tenant, const QUrl &url, const QString &object,
                                         const QString &id)
{
    const auto *found = static_cast<const GraphMailbox *>(findAccount(tenant));
    const SandboxRecord *record = found && found->table(object) ? found->table(object)->find(id) : nullptr;
    if (!record)
        return false;
    const QList<WebhookDelivery> deliveries = m_subscriptions.notifications(*found, object, *record, url, now());
    for (const WebhookDelivery &delivery : deliveries)
        webhookSender().send(delivery);
    if (!deliveries.isEmpty())
        m_lastDeliveries = deliveries;
    return !deliveries.isEmpty();
}

bool MicrosoftGraphEmulator::redeliverLastWebhook()
{
    for (const WebhookDelivery &delivery : std::as_const(m_lastDeliveries))
        webhookSender().send(delivery);
    return !m_lastDeliveries.isEmpty();
}

} // namespace patchbay::sandbox
