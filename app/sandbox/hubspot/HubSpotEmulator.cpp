#include "HubSpotEmulator.h"

#include "HubSpotCrmApi.h"
#include "HubSpotResponses.h"
#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"

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

PortalCredentials HubSpotEmulator::addPortal(const QString &portalName, int contactCount, quint32 seed)
{
    auto portal = std::make_unique<Portal>();
    const Portal *existing = m_portals.find(portalName);
    portal->hubId = existing ? existing->hubId : m_nextHubId++;
    portal->store = std::make_unique<HubSpotContactStore>();
    portal->store->seed(contactCount, seed, now());
    m_portals.replace(portalName, std::move(portal));
    issueFirstTokens(portalName, seed);
    qCDebug(lcHubSpotSandbox) << "portal" << portalName << "seeded with" << contactCount << "contacts";
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

HubSpotContactStore *HubSpotEmulator::store(const QString &portalName) const
{
    const Portal *portal = m_portals.find(portalName);
    return portal ? portal->store.get() : nullptr;
}

const HubSpotContactStore *HubSpotEmulator::contactStore(const QString &portalName) const
{
    return store(portalName);
}

bool HubSpotEmulator::addCustomProperty(const QString &portalName, const QString &name, const QString &label,
                                        const QString &type)
{
    HubSpotContactStore *found = store(portalName);
    return found && found->addCustomProperty(name, label, type, now());
}

void HubSpotEmulator::setDailyLimitHeadersEnabled(bool enabled)
{
    m_rateLimiter.setDailyHeadersEnabled(enabled);
}

QStringList HubSpotEmulator::touchContacts(const QString &portalName, int count)
{
    QStringList ids;
    if (HubSpotContactStore *found = store(portalName)) {
        for (const qint64 id : found->touch(count, now()))
            ids.append(QString::number(id));
    }
    return ids;
}

bool HubSpotEmulator::deleteContact(const QString &portalName, const QString &contactId)
{
    HubSpotContactStore *found = store(portalName);
    bool ok = false;
    const qint64 id = contactId.toLongLong(&ok);
    return found && ok && found->archive(id, now());
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
    const HubSpotContactStore *contacts = store(portal);
    return {{QStringLiteral("name"), credentials.portalName},
            {QStringLiteral("hubId"), credentials.hubId},
            {QStringLiteral("clientId"), credentials.clientId},
            {QStringLiteral("clientSecret"), credentials.clientSecret},
            {QStringLiteral("accessToken"), credentials.accessToken},
            {QStringLiteral("refreshToken"), credentials.refreshToken},
            {QStringLiteral("expiresIn"), credentials.expiresIn},
            {QStringLiteral("contacts"), contacts->count(false)},
            {QStringLiteral("archivedContacts"), contacts->count(true)},
            {QStringLiteral("tokenRefreshCount"), tokenRefreshCount(portal)}};
}

QString HubSpotEmulator::addTenantFromControl(const QJsonObject &body)
{
    const QString name = body.value(QStringLiteral("name")).toString();
    if (!name.isEmpty())
        addPortal(name, body.value(QStringLiteral("contacts")).toInt(body.value(QStringLiteral("records")).toInt(100)),
                  static_cast<quint32>(body.value(QStringLiteral("seed")).toInteger(1)));
    return name;
}

QStringList HubSpotEmulator::touchFromControl(const QString &portal, const QJsonObject &body)
{
    return touchContacts(portal, body.value(QStringLiteral("count")).toInt(1));
}

bool HubSpotEmulator::addCustomFieldFromControl(const QString &portal, const QJsonObject &body)
{
    return addCustomProperty(portal, body.value(QStringLiteral("name")).toString(),
                             body.value(QStringLiteral("label")).toString(),
                             body.value(QStringLiteral("type")).toString(QStringLiteral("string")));
}

bool HubSpotEmulator::deleteFromControl(const QString &portal, const QString &object, const QString &id)
{
    return object == QLatin1String("contacts") && deleteContact(portal, id);
}

void HubSpotEmulator::applySettings(const QJsonObject &body)
{
    if (body.contains(QStringLiteral("dailyLimitHeaders")))
        setDailyLimitHeadersEnabled(body.value(QStringLiteral("dailyLimitHeaders")).toBool());
    SandboxEmulator::applySettings(body);
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
    if (check.state == OAuthTokenService::AccessState::Unknown || !store(check.tenant)) {
        return HubSpotResponses::error(401, QStringLiteral("INVALID_AUTHENTICATION"),
                                       QStringLiteral("The OAuth token used to make this call is not valid."));
    }
    if (check.state == OAuthTokenService::AccessState::Expired) {
        const qint64 minutes = check.expiredAt.secsTo(now) / 60;
        return HubSpotResponses::error(
            401, QStringLiteral("EXPIRED_AUTHENTICATION"),
            QStringLiteral("The OAuth token used to make this call expired %1 minute(s) ago.").arg(minutes));
    }

    m_rateLimiter.count(check.tenant, now);
    const std::optional<HttpServerResponse> failure = takeInjectedFailure();
    const HttpServerResponse response =
        failure ? *failure : HubSpotCrmApi(*store(check.tenant), baseUrl()).handle(request);
    return SandboxHttp::withHeaders(response, m_rateLimiter.headers(check.tenant, now));
}

} // namespace patchbay::sandbox
