#include "SandboxEmulator.h"

#include "SandboxControlApi.h"
#include "SandboxHttp.h"
#include "core/Clock.h"

namespace patchbay::sandbox {

SandboxEmulator::SandboxEmulator(QObject *parent)
    : QObject(parent), m_http(std::make_unique<HttpService>()), m_control(std::make_unique<SandboxControlApi>(*this))
{
    qRegisterMetaType<RequestLogEntry>();
    // A child as well as owned: moving the emulator to a thread of its own moves its server along.
    m_http->setParent(this);
    m_http->setHandler([this](const HttpServerRequest &request) { return handle(request); });
}

SandboxEmulator::~SandboxEmulator() = default;

quint16 SandboxEmulator::listen(const QHostAddress &address, quint16 port)
{
    return m_http->listen(address, port);
}

QUrl SandboxEmulator::baseUrl() const
{
    return m_http->baseUrl();
}

QDateTime SandboxEmulator::now() const
{
    return m_clock ? m_clock->now().toUTC() : QDateTime::currentDateTimeUtc();
}

QJsonObject SandboxEmulator::addTenant(const QString &name, int recordCount, quint32 seed)
{
    addTenantFromControl({{QStringLiteral("name"), name},
                          {QStringLiteral("records"), recordCount},
                          {QStringLiteral("seed"), static_cast<qint64>(seed)}});
    return tenantJson(name);
}

void SandboxEmulator::issueFirstTokens(const QString &tenant, quint32 seed)
{
    m_tokens.registerClient(tenant, seed);
    m_tokens.issueTokens(tenant, now());
}

std::optional<OAuthCredentials> SandboxEmulator::oauthCredentials(const QString &tenant) const
{
    const auto client = m_tokens.client(tenant);
    const auto grant = m_tokens.latestGrant(tenant);
    if (!hasTenant(tenant) || !client || !grant)
        return std::nullopt;
    return OAuthCredentials{client->clientId, client->clientSecret, grant->accessToken, grant->refreshToken,
                            grant->expiresIn};
}

void SandboxEmulator::setAccessTokenLifetime(int seconds)
{
    m_tokens.policy().accessTokenLifetime = seconds;
}

int SandboxEmulator::accessTokenLifetime() const
{
    return m_tokens.policy().accessTokenLifetime;
}

bool SandboxEmulator::expireAccessTokens(const QString &tenant)
{
    if (!hasTenant(tenant))
        return false;
    m_tokens.expireAccessTokens(tenant, now());
    return true;
}

bool SandboxEmulator::revokeRefreshToken(const QString &tenant)
{
    if (!hasTenant(tenant))
        return false;
    m_tokens.revokeRefreshTokens(tenant);
    return true;
}

int SandboxEmulator::tokenRefreshCount(const QString &tenant) const
{
    return m_tokens.refreshCount(tenant);
}

void SandboxEmulator::failNextRequests(int count, int retryAfterSeconds)
{
    injectRateLimit(count, retryAfterSeconds, {});
}

void SandboxEmulator::failNextRequestsWithStatus(int count, int status,
                                                 const QList<QPair<QByteArray, QByteArray>> &headers,
                                                 const QByteArray &body)
{
    m_failures.failNext(count, status, headers, body);
}

void SandboxEmulator::injectRateLimit(int count, int retryAfterSeconds, const QJsonObject &options)
{
    m_failures.failNext(count,
                        [this, retryAfterSeconds, options] { return rateLimitedResponse(retryAfterSeconds, options); });
}

void SandboxEmulator::clearRequestLog()
{
    m_requestLog.clear();
}

bool SandboxEmulator::sendWebhookFromControl(const QString &, const QJsonObject &)
{
    return false;
}

std::optional<HttpServerResponse> SandboxEmulator::tenantActionFromControl(const QString &, const QString &,
                                                                           const QJsonObject &)
{
    return std::nullopt;
}

void SandboxEmulator::applySettings(const QJsonObject &body)
{
    if (body.contains(QStringLiteral("accessTokenLifetime")))
        setAccessTokenLifetime(body.value(QStringLiteral("accessTokenLifetime")).toInt(accessTokenLifetime()));
}

HttpServerResponse SandboxEmulator::handle(const HttpServerRequest &request)
{
    const QDateTime received = now();
    if (request.path().startsWith(QLatin1String("/_sandbox/")))
        return m_control->handle(request);

    QString tenant;
    const HttpServerResponse response = route(request, received, &tenant);
    const RequestLogEntry entry{received, QString::fromLatin1(request.method), SandboxHttp::pathAndQuery(request.url),
                                response.status, tenant, request.headers};
    m_requestLog.append(entry);
    Q_EMIT requestHandled(entry);
    return response;
}

} // namespace patchbay::sandbox
