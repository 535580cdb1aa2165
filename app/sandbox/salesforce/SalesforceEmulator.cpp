#include "SalesforceEmulator.h"

#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"
#include "common/WebhookSigner.h"

namespace patchbay::sandbox {

SalesforceEmulator::SalesforceEmulator(QObject *parent) : SandboxEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 2 * 3600; // the default session timeout
    policy.sendExpiresIn = false;
    policy.refreshReturnsRefreshToken = false;
    policy.tokenType = QStringLiteral("Bearer");
    policy.accessTokenPrefix = QStringLiteral("00DSB0000000001!");

    OAuthTokenEndpoint::Style style;
    style.decorateGrant = [this](const OAuthGrant &grant, QJsonObject &body) {
        const QString id = identityUrl(grant.tenant);
        const QString issuedAt = QString::number(grant.issuedAt.toMSecsSinceEpoch());
        const QByteArray secret = tokens().client(grant.tenant)->clientSecret.toUtf8();
        body.insert(QStringLiteral("instance_url"), baseUrl().toString(QUrl::StripTrailingSlash));
        body.insert(QStringLiteral("id"), id);
        body.insert(QStringLiteral("issued_at"), issuedAt);
        body.insert(QStringLiteral("signature"),
                    QString::fromLatin1(WebhookSigner::base64Signature(secret, (id + issuedAt).toUtf8())));
        body.insert(QStringLiteral("scope"), QStringLiteral("api refresh_token"));
    };
    style.failure = [](OAuthFailure failure) {
        if (failure == OAuthFailure::BadRefreshToken)
            return SandboxHttp::json(
                QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid_grant")},
                            {QStringLiteral("error_description"), QStringLiteral("expired access/refresh token")}},
                400);
        if (failure == OAuthFailure::UnknownClient)
            return SandboxHttp::json(
                QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid_client_id")},
                            {QStringLiteral("error_description"), QStringLiteral("client identifier invalid")}},
                400);
        return OAuthTokenEndpoint::standardError(failure);
    };
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), style);
}

SalesforceEmulator::~SalesforceEmulator() = default;

QString SalesforceEmulator::identityUrl(const QString &orgName) const
{
    const SalesforceOrg *found = findOrg(orgName);
    return baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/id/") +
           (found ? found->orgId() + QLatin1Char('/') + found->userId() : QString());
}

SalesforceOrgCredentials SalesforceEmulator::addOrg(const QString &orgName, int contactCount, quint32 seed)
{
    const QString orgId = QStringLiteral("00DSB%1").arg(m_nextOrgNumber++, 10, 10, QLatin1Char('0'));
    m_orgs.replace(orgName, std::make_unique<SalesforceOrg>(orgId, seed)).seed(contactCount, now());
    issueFirstTokens(orgName, seed);
    return *credentials(orgName);
}

std::optional<SalesforceOrgCredentials> SalesforceEmulator::credentials(const QString &orgName) const
{
    const auto *found = findOrg(orgName);
    const auto oauth = oauthCredentials(orgName);
    if (!found || !oauth)
        return std::nullopt;
    SalesforceOrgCredentials credentials;
    static_cast<OAuthCredentials &>(credentials) = *oauth;
    credentials.orgName = orgName;
    credentials.orgId = found->orgId();
    credentials.instanceUrl = baseUrl().toString(QUrl::StripTrailingSlash);
    credentials.identityUrl = identityUrl(orgName);
    return credentials;
}

const SalesforceOrg *SalesforceEmulator::org(const QString &orgName) const
{
    return findOrg(orgName);
}

bool SalesforceEmulator::addCustomField(const QString &orgName, const QString &objectName, const QString &name,
                                        const QString &label, const QString &type)
{
    SalesforceOrg *found = findOrg(orgName);
    return found && found->addCustomField(objectName, name, label, type);
}

bool SalesforceEmulator::addCustomObject(const QString &orgName, const QString &objectName, const QString &label,
                                         int recordCount)
{
    SalesforceOrg *found = findOrg(orgName);
    return found && found->addCustomObject(objectName, label, recordCount, now());
}

QStringList SalesforceEmulator::touchRecords(const QString &orgName, const QString &objectName, int count)
{
    SalesforceOrg *found = findOrg(orgName);
    return found ? found->touch(objectName, count, now()) : QStringList();
}

bool SalesforceEmulator::deleteRecord(const QString &orgName, const QString &objectName, const QString &id)
{
    SalesforceOrg *found = findOrg(orgName);
    return found && found->remove(objectName, id, now());
}

void SalesforceEmulator::setRefreshTokenRotation(bool enabled)
{
    tokens().policy().rotateRefreshTokens = enabled;
}

HttpServerResponse SalesforceEmulator::rateLimitedResponse(int, const QJsonObject &) const
{
    return SalesforceRestApi::error(403, QStringLiteral("REQUEST_LIMIT_EXCEEDED"),
                                    QStringLiteral("TotalRequests Limit exceeded."));
}

QJsonObject SalesforceEmulator::tenantJson(const QString &orgName) const
{
    const SalesforceOrgCredentials credentials = *this->credentials(orgName);
    QJsonObject records;
    const SalesforceOrg *found = findOrg(orgName);
    for (const QString &object : found->objectNames())
        records.insert(object, found->object(object)->table.count(false));
    return {{QStringLiteral("name"), orgName},
            {QStringLiteral("orgId"), credentials.orgId},
            {QStringLiteral("instanceUrl"), credentials.instanceUrl},
            {QStringLiteral("clientId"), credentials.clientId},
            {QStringLiteral("clientSecret"), credentials.clientSecret},
            {QStringLiteral("accessToken"), credentials.accessToken},
            {QStringLiteral("refreshToken"), credentials.refreshToken},
            {QStringLiteral("records"), records},
            {QStringLiteral("apiUsage"), apiUsage(orgName)},
            {QStringLiteral("tokenRefreshCount"), tokenRefreshCount(orgName)}};
}

QString SalesforceEmulator::addTenantFromControl(const QJsonObject &body)
{
    const QString name = body.value(QStringLiteral("name")).toString();
    if (!name.isEmpty())
        addOrg(name, body.value(QStringLiteral("records")).toInt(100),
               static_cast<quint32>(body.value(QStringLiteral("seed")).toInteger(1)));
    return name;
}

QStringList SalesforceEmulator::touchFromControl(const QString &orgName, const QJsonObject &body)
{
    return touchRecords(orgName, body.value(QStringLiteral("object")).toString(QStringLiteral("Contact")),
                        body.value(QStringLiteral("count")).toInt(1));
}

bool SalesforceEmulator::addCustomFieldFromControl(const QString &orgName, const QJsonObject &body)
{
    const QString object = body.value(QStringLiteral("object")).toString(QStringLiteral("Contact"));
    if (body.value(QStringLiteral("kind")).toString() == QLatin1String("object"))
        return addCustomObject(orgName, body.value(QStringLiteral("name")).toString(),
                               body.value(QStringLiteral("label")).toString(),
                               body.value(QStringLiteral("records")).toInt(10));
    return addCustomField(orgName, object, body.value(QStringLiteral("name")).toString(),
                          body.value(QStringLiteral("label")).toString(),
                          body.value(QStringLiteral("type")).toString(QStringLiteral("string")));
}

bool SalesforceEmulator::deleteFromControl(const QString &orgName, const QString &object, const QString &id)
{
    return deleteRecord(orgName, object, id);
}

HttpServerResponse SalesforceEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *orgName)
{
    const QString path = request.path();
    if (path == QLatin1String("/services/oauth2/token")) {
        if (request.method != "POST")
            return SandboxHttp::json(
                QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid_request")},
                            {QStringLiteral("error_description"), QStringLiteral("must use HTTP POST")}},
                400);
        return m_oauth->token(request, now, orgName);
    }
    if (path == QLatin1String("/services/oauth2/authorize"))
        return m_oauth->authorize(request, now, orgName);
    if (path.startsWith(SalesforceRestApi::apiPath() + QLatin1Char('/')))
        return handleApi(request, now, orgName);
    return SalesforceRestApi::error(404, QStringLiteral("NOT_FOUND"),
                                    QStringLiteral("The requested resource does not exist"));
}

HttpServerResponse SalesforceEmulator::handleApi(const HttpServerRequest &request, const QDateTime &now,
                                                 QString *orgName)
{
    countApiRequest();
    // Salesforce takes "Bearer" and the older "OAuth" scheme.
    QString token = SandboxHttp::bearerToken(request);
    if (token.isEmpty() && request.header("authorization").startsWith("OAuth "))
        token = QString::fromLatin1(request.header("authorization").mid(6).trimmed());
    const auto check = tokens().checkAccessToken(token, now);
    SalesforceOrg *found = findOrg(check.tenant);
    if (check.state != OAuthTokenService::AccessState::Valid || !found)
        return SalesforceRestApi::error(401, QStringLiteral("INVALID_SESSION_ID"),
                                        QStringLiteral("Session expired or invalid"));
    *orgName = check.tenant;
    const int used = ++m_apiUsage[check.tenant];
    const std::optional<HttpServerResponse> failure = takeInjectedFailure();
    HttpServerResponse response = failure ? *failure : m_api.handle(request, check.tenant, *found, now);
    return response.withHeader("Sforce-Limit-Info",
                               QStringLiteral("api-usage=%1/%2").arg(used).arg(kDailyApiLimit).toLatin1());
}

} // namespace patchbay::sandbox
