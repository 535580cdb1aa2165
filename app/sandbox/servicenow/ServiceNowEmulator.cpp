#include "ServiceNowEmulator.h"

#include "ServiceNowTableApi.h"
#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"

namespace patchbay::sandbox {

ServiceNowEmulator::ServiceNowEmulator(QObject *parent) : AccountEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 1800;
    policy.clientAuth = OAuthPolicy::ClientAuth::Body;
    policy.tokenType = QStringLiteral("Bearer");

    OAuthTokenEndpoint::Style style;
    style.decorateGrant = [](const OAuthGrant &, QJsonObject &body) {
        body.insert(QStringLiteral("scope"), QStringLiteral("useraccount"));
    };
    style.failure = [](OAuthFailure failure) {
        if (failure == OAuthFailure::UnsupportedGrantType)
            return OAuthTokenEndpoint::standardError(failure);
        return SandboxHttp::json(QJsonObject{{QStringLiteral("error_description"), QStringLiteral("access_denied")},
                                             {QStringLiteral("error"), QStringLiteral("server_error")}},
                                 401);
    };
    style.passwordGrant = [this](const QString &instance, const QString &user, const QString &password) {
        const auto *found = static_cast<const ServiceNowInstance *>(account(instance));
        return found && user == found->adminUser() && password == found->adminPassword();
    };
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), style);
}

ServiceNowEmulator::~ServiceNowEmulator() = default;

std::unique_ptr<SandboxAccount> ServiceNowEmulator::createAccount(const QString &name, quint32 seed) const
{
    return std::make_unique<ServiceNowInstance>(name, seed);
}

QString ServiceNowEmulator::tenantUrl(const QString &instance) const
{
    return baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/_instance/") + instance;
}

HttpServerResponse ServiceNowEmulator::rateLimitedResponse(int retryAfterSeconds, const QJsonObject &) const
{
    HttpServerResponse response = ServiceNowTableApi::error(
        429, QStringLiteral("Rate limit exceeded"),
        QStringLiteral("The inbound REST API rate limit rule for this user has been exceeded."));
    response.withHeader("Retry-After", QByteArray::number(retryAfterSeconds));
    response.withHeader("X-RateLimit-Limit", "1000");
    response.withHeader("X-RateLimit-Reset", QByteArray::number(now().toSecsSinceEpoch() + retryAfterSeconds));
    response.withHeader("X-RateLimit-Rule", "b2c5ef9a1b3f2010a1d3c9a0f54bcb10");
    return response;
}

bool ServiceNowEmulator::authenticated(const HttpServerRequest &request, const QString &instance,
                                       const QDateTime &now) const
{
    if (const auto basic = SandboxHttp::basicCredentials(request)) {
        const auto *found = static_cast<const ServiceNowInstance *>(account(instance));
        return basic->user == found->adminUser() && basic->password == found->adminPassword();
    }
    return tenantOfBearer(request, now) == instance;
}

HttpServerResponse ServiceNowEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *instance)
{
    const TenantRoute route =
        routeByHostOrPrefix(request, QStringLiteral(".service-now.com"), QStringLiteral("_instance"));
    auto *found = static_cast<ServiceNowInstance *>(findAccount(route.tenant));
    if (!found)
        return ServiceNowTableApi::error(404, QStringLiteral("No such instance"),
                                         QStringLiteral("No ServiceNow instance is served for this host or prefix."));
    *instance = route.tenant;
    if (route.path == QLatin1String("/oauth_token.do") && request.method == "POST")
        return m_oauth->token(request, now, instance);
    if (auto answer = admit(authenticated(request, route.tenant, now), [] {
            return ServiceNowTableApi::error(401, QStringLiteral("User Not Authenticated"),
                                             QStringLiteral("Required to provide Auth information"));
        }))
        return *answer;
    return ServiceNowTableApi(*found, route.apiBase).handle(request, route.path, now);
}

} // namespace patchbay::sandbox
