#include "ZendeskEmulator.h"

#include "ZendeskTicketApi.h"
#include "ZendeskUserApi.h"
#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"
#include "common/WebhookSigner.h"

#include <QJsonDocument>
#include <QUuid>

namespace patchbay::sandbox {

namespace {

FieldKind kindFromType(const QString &type)
{
    if (type == QLatin1String("integer") || type == QLatin1String("decimal") || type == QLatin1String("number"))
        return FieldKind::Number;
    if (type == QLatin1String("checkbox"))
        return FieldKind::Bool;
    if (type == QLatin1String("tagger") || type == QLatin1String("dropdown"))
        return FieldKind::Picklist;
    if (type == QLatin1String("date"))
        return FieldKind::Date;
    return FieldKind::Text;
}

} // namespace

ZendeskEmulator::ZendeskEmulator(QObject *parent) : SandboxEmulator(parent)
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

ZendeskCredentials ZendeskEmulator::addSubdomain(const QString &subdomain, int ticketCount, quint32 seed)
{
    m_accounts.replace(subdomain, std::make_unique<ZendeskAccount>(subdomain, seed)).seed(ticketCount, now());
    issueFirstTokens(subdomain, seed);
    return *credentials(subdomain);
}

std::optional<ZendeskCredentials> ZendeskEmulator::credentials(const QString &subdomain) const
{
    const auto *found = findAccount(subdomain);
    const auto oauth = oauthCredentials(subdomain);
    if (!found || !oauth)
        return std::nullopt;
    ZendeskCredentials credentials;
    static_cast<OAuthCredentials &>(credentials) = *oauth;
    credentials.subdomain = subdomain;
    credentials.adminEmail = found->adminEmail();
    credentials.apiToken = found->apiToken();
    credentials.webhookSecret = found->webhookSecret();
    return credentials;
}

const ZendeskAccount *ZendeskEmulator::account(const QString &subdomain) const
{
    return findAccount(subdomain);
}

QString ZendeskEmulator::subdomainUrl(const QString &subdomain) const
{
    return baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/_subdomain/") + subdomain;
}

qint64 ZendeskEmulator::addCustomField(const QString &subdomain, const QString &title, FieldKind kind)
{
    ZendeskAccount *found = findAccount(subdomain);
    return found ? found->addCustomField(title, kind) : 0;
}

QStringList ZendeskEmulator::touchTickets(const QString &subdomain, int count)
{
    ZendeskAccount *found = findAccount(subdomain);
    return found ? found->touch(count, now()) : QStringList();
}

bool ZendeskEmulator::deleteTicket(const QString &subdomain, const QString &ticketId)
{
    ZendeskAccount *found = findAccount(subdomain);
    return found && found->tickets().remove(ticketId, now());
}

QStringList ZendeskEmulator::addUsers(const QString &subdomain, int count)
{
    ZendeskAccount *found = findAccount(subdomain);
    return found ? found->addUsers(count, now()) : QStringList();
}

QStringList ZendeskEmulator::touchUsers(const QString &subdomain, int count)
{
    ZendeskAccount *found = findAccount(subdomain);
    return found ? found->touchUsers(count, now()) : QStringList();
}

bool ZendeskEmulator::deleteUser(const QString &subdomain, const QString &userId)
{
    ZendeskAccount *found = findAccount(subdomain);
    return found && found->users().remove(userId, now());
}

bool ZendeskEmulator::sendWebhook(const QString &subdomain, const QUrl &url, const QString &ticketId,
                                  const QString &eventType)
{
    const ZendeskAccount *found = findAccount(subdomain);
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

QJsonObject ZendeskEmulator::tenantJson(const QString &subdomain) const
{
    const ZendeskCredentials credentials = *this->credentials(subdomain);
    return {{QStringLiteral("name"), subdomain},
            {QStringLiteral("url"), subdomainUrl(subdomain)},
            {QStringLiteral("adminEmail"), credentials.adminEmail},
            {QStringLiteral("apiToken"), credentials.apiToken},
            {QStringLiteral("clientId"), credentials.clientId},
            {QStringLiteral("clientSecret"), credentials.clientSecret},
            {QStringLiteral("accessToken"), credentials.accessToken},
            {QStringLiteral("refreshToken"), credentials.refreshToken},
            {QStringLiteral("expiresIn"), credentials.expiresIn},
            {QStringLiteral("webhookSecret"), credentials.webhookSecret},
            {QStringLiteral("tickets"), findAccount(subdomain)->tickets().count(false)},
            {QStringLiteral("users"), findAccount(subdomain)->users().count(false)},
            {QStringLiteral("tokenRefreshCount"), tokenRefreshCount(subdomain)}};
}

QString ZendeskEmulator::addTenantFromControl(const QJsonObject &body)
{
    const QString name = body.value(QStringLiteral("name")).toString();
    if (!name.isEmpty()) {
        addSubdomain(name, body.value(QStringLiteral("records")).toInt(100),
                     static_cast<quint32>(body.value(QStringLiteral("seed")).toInteger(1)));
        addUsers(name, body.value(QStringLiteral("users")).toInt(0));
    }
    return name;
}

QStringList ZendeskEmulator::touchFromControl(const QString &subdomain, const QJsonObject &body)
{
    const int count = body.value(QStringLiteral("count")).toInt(1);
    if (body.value(QStringLiteral("object")).toString() == QLatin1String("users"))
        return touchUsers(subdomain, count);
    return touchTickets(subdomain, count);
}

bool ZendeskEmulator::addCustomFieldFromControl(const QString &subdomain, const QJsonObject &body)
{
    const QString title = body.value(QStringLiteral("label")).toString(body.value(QStringLiteral("name")).toString());
    return !title.isEmpty() &&
           addCustomField(subdomain, title, kindFromType(body.value(QStringLiteral("type")).toString())) != 0;
}

bool ZendeskEmulator::deleteFromControl(const QString &subdomain, const QString &object, const QString &id)
{
    if (object == QLatin1String("users"))
        return deleteUser(subdomain, id);
    return object == QLatin1String("tickets") && deleteTicket(subdomain, id);
}

bool ZendeskEmulator::sendWebhookFromControl(const QString &subdomain, const QJsonObject &body)
{
    return sendWebhook(
        subdomain, QUrl(body.value(QStringLiteral("url")).toString()),
        body.value(QStringLiteral("id")).toVariant().toString().isEmpty()
            ? QStringLiteral("1")
            : body.value(QStringLiteral("id")).toVariant().toString(),
        body.value(QStringLiteral("event")).toString(QStringLiteral("zen:event-type:ticket.status_changed")));
}

bool ZendeskEmulator::authenticated(const HttpServerRequest &request, const QString &subdomain,
                                    const QDateTime &now) const
{
    if (const auto basic = SandboxHttp::basicCredentials(request)) {
        const ZendeskAccount *found = findAccount(subdomain);
        return basic->user == found->adminEmail() + QStringLiteral("/token") && basic->password == found->apiToken();
    }
    const auto check = tokens().checkAccessToken(SandboxHttp::bearerToken(request), now);
    return check.state == OAuthTokenService::AccessState::Valid && check.tenant == subdomain;
}

HttpServerResponse ZendeskEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *subdomain)
{
    QString path = request.path();
    QString apiBase;
    const QString host = QString::fromLatin1(request.header("host")).section(QLatin1Char(':'), 0, 0);
    if (path.startsWith(QLatin1String("/_subdomain/"))) {
        *subdomain = path.section(QLatin1Char('/'), 2, 2);
        path = QLatin1Char('/') + path.section(QLatin1Char('/'), 3);
        apiBase = subdomainUrl(*subdomain);
    } else if (host.endsWith(QLatin1String(".zendesk.com")) || host.endsWith(QLatin1String(".localhost"))) {
        *subdomain = host.section(QLatin1Char('.'), 0, 0);
        apiBase = QStringLiteral("http://") + QString::fromLatin1(request.header("host"));
    }
    ZendeskAccount *found = findAccount(*subdomain);
    if (!found) {
        subdomain->clear();
        return ZendeskTicketApi::error(404, QStringLiteral("NoSuchAccount"),
                                       QStringLiteral("No Zendesk account is served for this host or prefix."));
    }
    if (path == QLatin1String("/oauth/tokens") && request.method == "POST")
        return m_oauth->token(request, now, subdomain);
    if (path == QLatin1String("/oauth/authorizations/new"))
        return m_oauth->authorize(request, now, subdomain);

    countApiRequest();
    if (!authenticated(request, *subdomain, now))
        return SandboxHttp::json(QJsonObject{{QStringLiteral("error"), QStringLiteral("Couldn't authenticate you")}},
                                 401);
    if (const std::optional<HttpServerResponse> failure = takeInjectedFailure())
        return *failure;
    if (ZendeskUserApi::serves(path))
        return ZendeskUserApi(*found, apiBase, m_exportPolicy).handle(request, path, now);
    return ZendeskTicketApi(*found, apiBase, m_exportPolicy).handle(request, path, now);
}

} // namespace patchbay::sandbox
