#include "HubSpotEmulator.h"

#include "HubSpotControlApi.h"
#include "HubSpotCrmApi.h"
#include "HubSpotOAuthApi.h"
#include "HubSpotResponses.h"

#include <QLoggingCategory>

namespace patchbay::sandbox {

Q_LOGGING_CATEGORY(lcHubSpotSandbox, "patchbay.sandbox.hubspot", QtInfoMsg)

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

QString pathAndQuery(const QUrl &url)
{
    const QString query = url.query(QUrl::FullyEncoded);
    return url.path(QUrl::FullyEncoded) + (query.isEmpty() ? QString() : QLatin1Char('?') + query);
}

} // namespace

HubSpotEmulator::HubSpotEmulator(QObject *parent)
    : QObject(parent), m_http(std::make_unique<HttpService>()), m_control(std::make_unique<HubSpotControlApi>(*this))
{
    qRegisterMetaType<RequestLogEntry>();
    m_http->setHandler([this](const HttpServerRequest &request) { return handle(request); });
}

HubSpotEmulator::~HubSpotEmulator() = default;

quint16 HubSpotEmulator::listen(const QHostAddress &address, quint16 port)
{
    return m_http->listen(address, port);
}

QUrl HubSpotEmulator::baseUrl() const
{
    return m_http->baseUrl();
}

PortalCredentials HubSpotEmulator::addPortal(const QString &portalName, int contactCount, quint32 seed)
{
    const QDateTime time = now();
    Portal portal;
    const auto existing = m_portals.find(portalName);
    portal.hubId = existing != m_portals.end() ? existing->second.hubId : m_nextHubId++;
    portal.store = std::make_unique<HubSpotContactStore>();
    portal.store->seed(contactCount, seed, time);
    m_tokens.registerClient(portalName, portal.hubId, seed);
    m_tokens.issueTokens(portalName, time);
    m_portals.insert_or_assign(portalName, std::move(portal));
    qCDebug(lcHubSpotSandbox) << "portal" << portalName << "seeded with" << contactCount << "contacts";
    return *credentials(portalName);
}

QStringList HubSpotEmulator::portalNames() const
{
    QStringList names;
    for (const auto &[name, portal] : m_portals)
        names.append(name);
    return names;
}

std::optional<PortalCredentials> HubSpotEmulator::credentials(const QString &portalName) const
{
    const auto client = m_tokens.client(portalName);
    const auto grant = m_tokens.latestGrant(portalName);
    if (!m_portals.contains(portalName) || !client || !grant)
        return std::nullopt;
    return PortalCredentials{portalName,         client->hubId,       client->clientId, client->clientSecret,
                             grant->accessToken, grant->refreshToken, grant->expiresIn};
}

HubSpotContactStore *HubSpotEmulator::store(const QString &portalName) const
{
    const auto it = m_portals.find(portalName);
    return it == m_portals.end() ? nullptr : it->second.store.get();
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

void HubSpotEmulator::setAccessTokenLifetime(int seconds)
{
    m_tokens.setAccessTokenLifetime(seconds);
}

int HubSpotEmulator::accessTokenLifetime() const
{
    return m_tokens.accessTokenLifetime();
}

void HubSpotEmulator::setDailyLimitHeadersEnabled(bool enabled)
{
    m_rateLimiter.setDailyHeadersEnabled(enabled);
}

bool HubSpotEmulator::expireAccessTokens(const QString &portalName)
{
    if (!m_portals.contains(portalName))
        return false;
    m_tokens.expireAccessTokens(portalName, now());
    return true;
}

bool HubSpotEmulator::revokeRefreshToken(const QString &portalName)
{
    if (!m_portals.contains(portalName))
        return false;
    m_tokens.revokeRefreshTokens(portalName);
    return true;
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
    m_rateLimiter.failNextRequests(count, retryAfterSeconds, policyName);
}

int HubSpotEmulator::tokenRefreshCount(const QString &portalName) const
{
    return m_tokens.refreshCount(portalName);
}

void HubSpotEmulator::clearRequestLog()
{
    m_requestLog.clear();
}

HttpServerResponse HubSpotEmulator::handle(const HttpServerRequest &request)
{
    const QDateTime received = now();
    const QString path = request.path();
    if (path.startsWith(QLatin1String("/_sandbox/")))
        return m_control->handle(request);

    QString portal;
    HttpServerResponse response;
    if (path == QLatin1String("/oauth/v1/token")) {
        response = HubSpotOAuthApi(m_tokens).token(request, received, &portal);
    } else if (path == QLatin1String("/oauth/authorize")) {
        response = HubSpotOAuthApi(m_tokens).authorize(request, received, &portal);
    } else if (path.startsWith(QLatin1String("/crm/"))) {
        response = handleApi(request, received, &portal);
    } else {
        response = HubSpotResponses::error(404, QStringLiteral("OBJECT_NOT_FOUND"),
                                           QStringLiteral("Nothing is served at %1").arg(path));
    }

    const RequestLogEntry entry{received, QString::fromLatin1(request.method), pathAndQuery(request.url),
                                response.status, portal};
    m_requestLog.append(entry);
    Q_EMIT requestHandled(entry);
    return response;
}

HttpServerResponse HubSpotEmulator::handleApi(const HttpServerRequest &request, const QDateTime &now, QString *portal)
{
    ++m_apiRequestCount;
    const QByteArray authorization = request.header("authorization");
    if (!authorization.startsWith("Bearer ") && !authorization.startsWith("bearer ")) {
        return HubSpotResponses::error(
            401, QStringLiteral("INVALID_AUTHENTICATION"),
            QStringLiteral("Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
                           "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"));
    }
    const auto check = m_tokens.checkAccessToken(QString::fromLatin1(authorization.mid(7).trimmed()), now);
    *portal = check.portal;
    if (check.state == HubSpotTokenService::AccessState::Unknown) {
        return HubSpotResponses::error(401, QStringLiteral("INVALID_AUTHENTICATION"),
                                       QStringLiteral("The OAuth token used to make this call is not valid."));
    }
    if (check.state == HubSpotTokenService::AccessState::Expired) {
        const qint64 minutes = check.expiredAt.secsTo(now) / 60;
        return HubSpotResponses::error(
            401, QStringLiteral("EXPIRED_AUTHENTICATION"),
            QStringLiteral("The OAuth token used to make this call expired %1 minute(s) ago.").arg(minutes));
    }

    const HubSpotRateLimiter::Decision decision = m_rateLimiter.admit(check.portal, now);
    HttpServerResponse response = decision.limited
                                      ? HubSpotResponses::rateLimited(decision.policyName, decision.retryAfterSeconds)
                                      : HubSpotCrmApi(*store(check.portal), baseUrl()).handle(request);
    for (const auto &[name, value] : m_rateLimiter.headers(check.portal, now))
        response.withHeader(name, value);
    return response;
}

} // namespace patchbay::sandbox
