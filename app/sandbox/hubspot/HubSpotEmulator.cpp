#include "HubSpotEmulator.h"

#include "HubSpotCrmApi.h"
#include "HubSpotResponses.h"
#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"
#include "common/WebhookSigner.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

namespace patchbay::sandbox {

Q_LOGGING_CATEGORY(lcHubSpotSandbox, "patchbay.sandbox.hubspot", QtInfoMsg)

HubSpotEmulator::HubSpotEmulator(QObject *parent) : SandboxEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 1800; // HubSpot's documented expires_in
    policy.clientAuth = OAuthPolicy::ClientAuth::Body;
    policy.accessTokenPrefix = QStringLiteral("C"); // opaque base64url strings of up to ~300 characters
    policy.accessTokenBytes = 96;

    OAuthTokenEndpoint::Style style;
    style.acceptQueryParameters = true; // HubSpot's v3 OAuth guide: v1 read parameters from the query as well
    style.failure = &HubSpotResponses::oauthFailure;
    style.decorateGrant = [this](const OAuthGrant &grant, QJsonObject &body) {
        const Portal *portal = m_portals.find(grant.tenant);
        body.insert(QStringLiteral("hub_id"), portal ? portal->hubId : 0);
    };
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), style);
}

HubSpotEmulator::~HubSpotEmulator() = default;

PortalCredentials HubSpotEmulator::addPortal(const QString &portalName, int contactCount, quint32 seed,
                                             int companyCount)
{
    if (companyCount < 0)
        companyCount = (contactCount + kContactsPerCompany - 1) / kContactsPerCompany;
    auto portal = std::make_unique<Portal>();
    const Portal *existing = m_portals.find(portalName);
    portal->hubId = existing ? existing->hubId : m_nextHubId++;
    portal->contacts = std::make_unique<HubSpotContactStore>();
    portal->contacts->seed(contactCount, seed, now());
    portal->companies = std::make_unique<HubSpotObjectStore>(HubSpotObjectType::companies());
    portal->companies->seed(companyCount, seed, now());
    m_portals.replace(portalName, std::move(portal));
    issueFirstTokens(portalName, seed);
    qCDebug(lcHubSpotSandbox) << "portal" << portalName << "seeded with" << contactCount << "contacts and"
                              << companyCount << "companies";
    return *credentials(portalName);
}

std::optional<PortalCredentials> HubSpotEmulator::credentials(const QString &portalName) const
{
    const Portal *portal = m_portals.find(portalName);
    const auto oauth = oauthCredentials(portalName);
    if (!portal || !oauth)
        return std::nullopt;
    return PortalCredentials{portalName,         portal->hubId,       oauth->clientId, oauth->clientSecret,
                             oauth->accessToken, oauth->refreshToken, oauth->expiresIn};
}

HubSpotContactStore *HubSpotEmulator::contacts(const QString &portalName) const
{
    const Portal *portal = m_portals.find(portalName);
    return portal ? portal->contacts.get() : nullptr;
}

HubSpotObjectStore *HubSpotEmulator::store(const QString &portalName, const QString &object) const
{
    const Portal *portal = m_portals.find(portalName);
    if (!portal)
        return nullptr;
    for (HubSpotObjectStore *candidate :
         {static_cast<HubSpotObjectStore *>(portal->contacts.get()), portal->companies.get()}) {
        if (candidate->type().name == object)
            return candidate;
    }
    return nullptr;
}

const HubSpotContactStore *HubSpotEmulator::contactStore(const QString &portalName) const
{
    return contacts(portalName);
}

const HubSpotObjectStore *HubSpotEmulator::objectStore(const QString &portalName, const QString &object) const
{
    return store(portalName, object);
}

bool HubSpotEmulator::addCustomProperty(const QString &portalName, const QString &name, const QString &label,
                                        const QString &type, const QString &object)
{
    HubSpotObjectStore *found = store(portalName, object);
    return found && found->addCustomProperty(name, label, type, now());
}

void HubSpotEmulator::setDailyLimitHeadersEnabled(bool enabled)
{
    m_rateLimiter.setDailyHeadersEnabled(enabled);
}

void HubSpotEmulator::setRateLimitsEnforced(bool enforced)
{
    m_rateLimiter.setEnforced(enforced);
}

void HubSpotEmulator::setRateLimits(int perSecond, int perTenSeconds)
{
    m_rateLimiter.setLimits(perSecond, perTenSeconds);
}

QStringList HubSpotEmulator::touch(const QString &portalName, const QString &object, int count)
{
    QStringList ids;
    if (HubSpotObjectStore *found = store(portalName, object)) {
        for (const qint64 id : found->touch(count, now()))
            ids.append(QString::number(id));
    }
    return ids;
}

bool HubSpotEmulator::deleteRecord(const QString &portalName, const QString &object, const QString &id)
{
    HubSpotObjectStore *found = store(portalName, object);
    bool ok = false;
    const qint64 number = id.toLongLong(&ok);
    return found && ok && found->archive(number, now());
}

void HubSpotEmulator::failNextRequests(int count, int retryAfterSeconds, const QString &policyName)
{
    injectRateLimit(count, retryAfterSeconds, QJsonObject{{QStringLiteral("policyName"), policyName}});
}

HttpServerResponse HubSpotEmulator::rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const
{
    return HubSpotResponses::rateLimited(
        options.value(QStringLiteral("policyName")).toString(QStringLiteral("SECONDLY")), retryAfterSeconds);
}

QJsonObject HubSpotEmulator::tenantJson(const QString &portal) const
{
    const PortalCredentials credentials = *this->credentials(portal);
    const HubSpotContactStore *contacts = this->contacts(portal);
    const HubSpotObjectStore *companies = store(portal, QStringLiteral("companies"));
    return {{QStringLiteral("name"), credentials.portalName},
            {QStringLiteral("hubId"), credentials.hubId},
            {QStringLiteral("clientId"), credentials.clientId},
            {QStringLiteral("clientSecret"), credentials.clientSecret},
            {QStringLiteral("accessToken"), credentials.accessToken},
            {QStringLiteral("refreshToken"), credentials.refreshToken},
            {QStringLiteral("expiresIn"), credentials.expiresIn},
            {QStringLiteral("contacts"), contacts->count(false)},
            {QStringLiteral("archivedContacts"), contacts->count(true)},
            {QStringLiteral("companies"), companies->count(false)},
            {QStringLiteral("archivedCompanies"), companies->count(true)},
            {QStringLiteral("tokenRefreshCount"), tokenRefreshCount(portal)}};
}

QString HubSpotEmulator::addTenantFromControl(const QJsonObject &body)
{
    const QString name = body.value(QStringLiteral("name")).toString();
    if (!name.isEmpty())
        addPortal(name, body.value(QStringLiteral("contacts")).toInt(body.value(QStringLiteral("records")).toInt(100)),
                  static_cast<quint32>(body.value(QStringLiteral("seed")).toInteger(1)),
                  body.value(QStringLiteral("companies")).toInt(-1));
    return name;
}

QStringList HubSpotEmulator::touchFromControl(const QString &portal, const QJsonObject &body)
{
    return touch(portal, body.value(QStringLiteral("object")).toString(QStringLiteral("contacts")),
                 body.value(QStringLiteral("count")).toInt(1));
}

bool HubSpotEmulator::addCustomFieldFromControl(const QString &portal, const QJsonObject &body)
{
    return addCustomProperty(portal, body.value(QStringLiteral("name")).toString(),
                             body.value(QStringLiteral("label")).toString(),
                             body.value(QStringLiteral("type")).toString(QStringLiteral("string")),
                             body.value(QStringLiteral("object")).toString(QStringLiteral("contacts")));
}

bool HubSpotEmulator::deleteFromControl(const QString &portal, const QString &object, const QString &id)
{
    return deleteRecord(portal, object, id);
}

void HubSpotEmulator::applySettings(const QJsonObject &body)
{
    if (body.contains(QStringLiteral("dailyLimitHeaders")))
        setDailyLimitHeadersEnabled(body.value(QStringLiteral("dailyLimitHeaders")).toBool());
    if (body.contains(QStringLiteral("enforceRateLimits")))
        setRateLimitsEnforced(body.value(QStringLiteral("enforceRateLimits")).toBool());
    SandboxEmulator::applySettings(body);
}

bool HubSpotEmulator::sendWebhook(const QString &portalName, const QUrl &url, const QString &contactId,
                                  const HubSpotWebhookOptions &options)
{
    const Portal *portal = m_portals.find(portalName);
    const auto client = tokens().client(portalName);
    const HubSpotContact *contact = portal ? portal->contacts->contact(contactId.toLongLong()) : nullptr;
    const bool creation = options.subscriptionType == QLatin1String("contact.creation");
    if (!contact || !client || !url.isValid() ||
        (!creation && options.subscriptionType != QLatin1String("contact.propertyChange")))
        return false;

    QJsonObject event{
        {QStringLiteral("eventId"), m_nextEventId++},
        {QStringLiteral("subscriptionId"),
         static_cast<qint64>(RecordGenerator::stableHash(portalName + options.subscriptionType) % 9000000u) + 1000000},
        {QStringLiteral("portalId"), portal->hubId},
        {QStringLiteral("appId"),
         static_cast<qint64>(RecordGenerator::stableHash(client->clientId) % 900000u) + 100000},
        {QStringLiteral("occurredAt"), (creation ? contact->createdAt : contact->updatedAt).toMSecsSinceEpoch()},
        {QStringLiteral("subscriptionType"), options.subscriptionType},
        {QStringLiteral("attemptNumber"), 0},
        {QStringLiteral("objectId"), contact->id},
        {QStringLiteral("changeSource"), QStringLiteral("CRM")}};
    if (creation) {
        event.insert(QStringLiteral("changeFlag"), QStringLiteral("NEW"));
    } else {
        event.insert(QStringLiteral("propertyName"), options.propertyName);
        event.insert(QStringLiteral("propertyValue"), contact->properties.value(options.propertyName));
    }
    const QByteArray body = QJsonDocument(QJsonArray{event}).toJson(QJsonDocument::Compact);
    const QByteArray timestamp = QByteArray::number(now().addSecs(-options.timestampAgeSeconds).toMSecsSinceEpoch());
    const QByteArray secret = client->clientSecret.toUtf8();
    const QByteArray signedText = "POST" + url.toString(QUrl::FullyDecoded).toUtf8() + body + timestamp;
    webhookSender().send(WebhookDelivery{
        url,
        body,
        {{"X-HubSpot-Signature-v3", WebhookSigner::base64Signature(secret, signedText)},
         {"X-HubSpot-Request-Timestamp", timestamp},
         {"X-HubSpot-Signature", QCryptographicHash::hash(secret + body, QCryptographicHash::Sha256).toHex()},
         {"X-HubSpot-Signature-Version", "v1"}}});
    return true;
}

bool HubSpotEmulator::sendWebhookFromControl(const QString &portal, const QJsonObject &body)
{
    const HubSpotContactStore *contacts = this->contacts(portal);
    QString id = body.value(QStringLiteral("id")).toVariant().toString();
    if (id.isEmpty()) {
        const auto live = std::find_if(contacts->contacts().begin(), contacts->contacts().end(),
                                       [](const HubSpotContact &contact) { return !contact.archived; });
        if (live == contacts->contacts().end())
            return false;
        id = QString::number(live->id);
    }
    HubSpotWebhookOptions options;
    options.subscriptionType = body.value(QStringLiteral("event")).toString(options.subscriptionType);
    options.propertyName = body.value(QStringLiteral("propertyName")).toString(options.propertyName);
    options.timestampAgeSeconds = body.value(QStringLiteral("timestampAgeSeconds")).toInt();
    return sendWebhook(portal, QUrl(body.value(QStringLiteral("url")).toString()), id, options);
}

HttpServerResponse HubSpotEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *portal)
{
    const QString path = request.path();
    if (path == QLatin1String("/oauth/v1/token")) {
        if (request.method != "POST")
            return HubSpotResponses::oauthError(405, QStringLiteral("METHOD_NOT_ALLOWED"),
                                                QStringLiteral("use POST with an x-www-form-urlencoded body"));
        return m_oauth->token(request, now, portal);
    }
    if (path == QLatin1String("/oauth/authorize"))
        return m_oauth->authorize(request, now, portal);
    if (path.startsWith(QLatin1String("/crm/")))
        return handleApi(request, now, portal);
    return HubSpotResponses::error(404, QStringLiteral("OBJECT_NOT_FOUND"),
                                   QStringLiteral("Nothing is served at %1").arg(path));
}

HttpServerResponse HubSpotEmulator::handleApi(const HttpServerRequest &request, const QDateTime &now, QString *portal)
{
    countApiRequest();
    const QString token = SandboxHttp::bearerToken(request);
    if (token.isEmpty()) {
        return HubSpotResponses::error(
            401, QStringLiteral("INVALID_AUTHENTICATION"),
            QStringLiteral("Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
                           "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"));
    }
    const auto check = tokens().checkAccessToken(token, now);
    *portal = check.tenant;
    Portal *found = m_portals.find(check.tenant);
    if (check.state == OAuthTokenService::AccessState::Unknown || !found) {
        return HubSpotResponses::error(401, QStringLiteral("INVALID_AUTHENTICATION"),
                                       QStringLiteral("The OAuth token used to make this call is not valid."));
    }
    if (check.state == OAuthTokenService::AccessState::Expired) {
        const qint64 minutes = check.expiredAt.secsTo(now) / 60;
        return HubSpotResponses::error(
            401, QStringLiteral("EXPIRED_AUTHENTICATION"),
            QStringLiteral("The OAuth token used to make this call expired %1 minute(s) ago.").arg(minutes));
    }

    if (const auto refusal = m_rateLimiter.refusal(check.tenant, now)) {
        return SandboxHttp::withHeaders(HubSpotResponses::rateLimited(refusal->policyName, refusal->retryAfterSeconds),
                                        m_rateLimiter.headers(check.tenant, now));
    }
    m_rateLimiter.count(check.tenant, now);
    const std::optional<HttpServerResponse> failure = takeInjectedFailure();
    const HttpServerResponse response =
        failure ? *failure
                : HubSpotCrmApi(*found->contacts, *found->companies, found->hubId, baseUrl()).handle(request, now);
    return SandboxHttp::withHeaders(response, m_rateLimiter.headers(check.tenant, now));
}

} // namespace patchbay::sandbox
