#include "ZendeskEmulator.h"

#include "ZendeskTicketApi.h"
#include "ZendeskUserApi.h"
#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"
#include "common/WebhookSigner.h"

#include <QJsonDocument>
#include <QUuid>

namespace patchbay::sandbox {

ZendeskEmulator::ZendeskEmulator(QObject *parent) : AccountEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 3600;
    policy.rotateRefreshTokens = true;
    policy.refreshRetiresAccessTokens = true;
    policy.clientAuth = OAuthPolicy::ClientAuth::Body;
    policy.tokenType = QStringLiteral("bearer");
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), OAuthTokenEndpoint::Style{});
}

ZendeskEmulator::~ZendeskEmulator() = default;

std::unique_ptr<SandboxAccount> ZendeskEmulator::createAccount(const QString &subdomain, quint32 seed) const
{
    return std::make_unique<ZendeskAccount>(subdomain, seed);
}

ZendeskCredentials ZendeskEmulator::addSubdomain(const QString &subdomain, int ticketCount, quint32 seed)
{
    ZendeskCredentials credentials;
    static_cast<SandboxAccountCredentials &>(credentials) = addAccount(subdomain, ticketCount, seed);
    credentials.adminEmail = account(subdomain)->adminEmail();
    return credentials;
}

QString ZendeskEmulator::tenantUrl(const QString &subdomain) const
{
    return baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/_subdomain/") + subdomain;
}

QStringList ZendeskEmulator::addUsers(const QString &subdomain, int count)
{
    auto *found = static_cast<ZendeskAccount *>(findAccount(subdomain));
    return found ? found->addUsers(count, now()) : QStringList();
}

bool ZendeskEmulator::sendWebhook(const QString &subdomain, const QUrl &url, const QString &object, const QString &id)
{
    return object == QLatin1String("tickets") && sendTicketEvent(subdomain, url, id);
}

bool ZendeskEmulator::sendTicketEvent(const QString &subdomain, const QUrl &url, const QString &ticketId,
                                      const QString &eventType)
{
    const ZendeskAccount *found = account(subdomain);
    const SandboxRecord *ticket = found ? found->tickets().find(ticketId) : nullptr;
    if (!ticket || !url.isValid())
        return false;
    const QJsonObject payload{
        {QStringLiteral("type"), eventType},
        {QStringLiteral("account_id"), static_cast<qint64>(RecordGenerator::stableHash(subdomain))},
        {QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
        {QStringLiteral("time"), now().toString(Qt::ISODate)},
        {QStringLiteral("zendesk_event_version"), QStringLiteral("2022-11-06")},
        {QStringLiteral("subject"), QStringLiteral("zen:ticket:") + ticket->id},
        {QStringLiteral("detail"), found->ticketEventDetail(*ticket)},
        {QStringLiteral("event"),
         QJsonObject{{QStringLiteral("current"), ticket->fields.value(QStringLiteral("status"))}}}};
    m_lastWebhook = WebhookDelivery{url, QJsonDocument(payload).toJson(QJsonDocument::Compact), {}};
    m_lastWebhookSecret = found->webhookSecret().toUtf8();
    deliverSigned(*m_lastWebhook);
    return true;
}

bool ZendeskEmulator::redeliverLastWebhook()
{
    if (!m_lastWebhook)
        return false;
    deliverSigned(*m_lastWebhook);
    return true;
}

void ZendeskEmulator::deliverSigned(WebhookDelivery delivery)
{
    const QByteArray timestamp = now().toString(Qt::ISODate).toLatin1();
    delivery.headers = {
        {"X-Zendesk-Webhook-Signature", WebhookSigner::base64Signature(m_lastWebhookSecret, timestamp + delivery.body)},
        {"X-Zendesk-Webhook-Signature-Timestamp", timestamp}};
    webhookSender().send(delivery);
}

HttpServerResponse ZendeskEmulator::rateLimitedResponse(int retryAfterSeconds, const QJsonObject &) const
{
    HttpServerResponse response = ZendeskTicketApi::error(429, QStringLiteral("APIRateLimitExceeded"),
                                                          QStringLiteral("Number of allowed API requests per minute "
                                                                         "exceeded"));
    return response.withHeader("Retry-After", QByteArray::number(retryAfterSeconds));
}

void ZendeskEmulator::decorateTenantJson(const QString &subdomain, QJsonObject &json) const
{
    // Zendesk's own words for the admin's API token, beside the shared apiKey.
    json.insert(QStringLiteral("adminEmail"), account(subdomain)->adminEmail());
    json.insert(QStringLiteral("apiToken"), account(subdomain)->apiKey());
}

QString ZendeskEmulator::addTenantFromControl(const QJsonObject &body)
{
    const QString name = AccountEmulator::addTenantFromControl(body);
    if (!name.isEmpty())
        addUsers(name, body.value(QStringLiteral("users")).toInt(0));
    return name;
}

bool ZendeskEmulator::sendWebhookFromControl(const QString &subdomain, const QJsonObject &body)
{
    const QString id = body.value(QStringLiteral("id")).toVariant().toString();
    return sendTicketEvent(
        subdomain, QUrl(body.value(QStringLiteral("url")).toString()), id.isEmpty() ? QStringLiteral("1") : id,
        body.value(QStringLiteral("event")).toString(QStringLiteral("zen:event-type:ticket.status_changed")));
}

bool ZendeskEmulator::authenticated(const HttpServerRequest &request, const QString &subdomain,
                                    const QDateTime &now) const
{
    if (const auto basic = SandboxHttp::basicCredentials(request)) {
        const ZendeskAccount *found = account(subdomain);
        return basic->user == found->adminEmail() + QStringLiteral("/token") && basic->password == found->apiKey();
    }
    return tenantOfBearer(request, now) == subdomain;
}

HttpServerResponse ZendeskEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *subdomain)
{
    const TenantRoute route =
        routeByHostOrPrefix(request, QStringLiteral(".zendesk.com"), QStringLiteral("_subdomain"));
    auto *found = static_cast<ZendeskAccount *>(findAccount(route.tenant));
    if (!found)
        return ZendeskTicketApi::error(404, QStringLiteral("NoSuchAccount"),
                                       QStringLiteral("No Zendesk account is served for this host or prefix."));
    *subdomain = route.tenant;
    if (route.path == QLatin1String("/oauth/tokens") && request.method == "POST")
        return m_oauth->token(request, now, subdomain);
    if (route.path == QLatin1String("/oauth/authorizations/new"))
        return m_oauth->authorize(request, now, subdomain);
    if (auto answer = admit(authenticated(request, route.tenant, now), [] {
            return SandboxHttp::json(
                QJsonObject{{QStringLiteral("error"), QStringLiteral("Couldn't authenticate you")}}, 401);
        }))
        return *answer;
    if (ZendeskUserApi::serves(route.path))
        return ZendeskUserApi(*found, route.apiBase, m_exportPolicy).handle(request, route.path, now);
    return ZendeskTicketApi(*found, route.apiBase, m_exportPolicy).handle(request, route.path, now);
}

} // namespace patchbay::sandbox
