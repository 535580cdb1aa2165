#include "JiraEmulator.h"

#include "JiraRestApi.h"
#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"
#include "common/WebhookSigner.h"

#include <QJsonDocument>

namespace patchbay::sandbox {

namespace {

const QString kScopes = QStringLiteral("read:jira-work write:jira-work offline_access");

HttpServerResponse unauthorized()
{
    return SandboxHttp::json(
        QJsonObject{{QStringLiteral("code"), 401}, {QStringLiteral("message"), QStringLiteral("Unauthorized")}}, 401);
}

FieldKind kindFromName(const QString &type)
{
    if (type == QLatin1String("number") || type == QLatin1String("float"))
        return FieldKind::Number;
    if (type == QLatin1String("select") || type == QLatin1String("option"))
        return FieldKind::Picklist;
    if (type == QLatin1String("date") || type == QLatin1String("datepicker"))
        return FieldKind::Date;
    if (type == QLatin1String("datetime"))
        return FieldKind::DateTime;
    return FieldKind::Text;
}

} // namespace

JiraEmulator::JiraEmulator(QObject *parent) : SandboxEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 3600;
    policy.rotateRefreshTokens = true;
    policy.clientAuth = OAuthPolicy::ClientAuth::Body;
    policy.tokenType = QStringLiteral("Bearer");
    policy.accessTokenPrefix = QStringLiteral("eyJraWQiOiJzYW5kYm94In0.");

    OAuthTokenEndpoint::Style style;
    style.invalidGrantStatus = 403;
    style.decorateGrant = [](const OAuthGrant &, QJsonObject &body) { body.insert(QStringLiteral("scope"), kScopes); };
    style.failure = [](OAuthFailure failure) {
        if (failure != OAuthFailure::BadRefreshToken)
            return OAuthTokenEndpoint::standardError(failure, 403);
        return SandboxHttp::json(
            QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid_grant")},
                        {QStringLiteral("error_description"), QStringLiteral("Unknown or invalid refresh token.")}},
            403);
    };
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), style);
}

JiraEmulator::~JiraEmulator() = default;

JiraSiteCredentials JiraEmulator::addSite(const QString &siteName, int issueCount, quint32 seed)
{
    m_sites.replace(siteName, std::make_unique<JiraSite>(siteName, seed)).seed(issueCount, now());
    issueFirstTokens(siteName, seed);
    return *credentials(siteName);
}

std::optional<JiraSiteCredentials> JiraEmulator::credentials(const QString &siteName) const
{
    const auto *found = findSite(siteName);
    const auto oauth = oauthCredentials(siteName);
    if (!found || !oauth)
        return std::nullopt;
    JiraSiteCredentials credentials;
    static_cast<OAuthCredentials &>(credentials) = *oauth;
    credentials.siteName = siteName;
    credentials.cloudId = found->cloudId();
    credentials.siteUrl = found->siteUrl();
    credentials.webhookSecret = found->webhookSecret();
    return credentials;
}

const JiraSite *JiraEmulator::site(const QString &siteName) const
{
    return findSite(siteName);
}

QString JiraEmulator::apiBase(const QString &siteName) const
{
    const JiraSite *found = findSite(siteName);
    return baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/ex/jira/") +
           (found ? found->cloudId() : QString()) + QStringLiteral("/rest/api/3");
}

QString JiraEmulator::addCustomField(const QString &siteName, const QString &name, FieldKind kind)
{
    JiraSite *found = findSite(siteName);
    return found ? found->addCustomField(name, kind) : QString();
}

QStringList JiraEmulator::touchIssues(const QString &siteName, int count)
{
    JiraSite *found = findSite(siteName);
    return found ? found->touch(count, now()) : QStringList();
}

bool JiraEmulator::deleteIssue(const QString &siteName, const QString &idOrKey)
{
    JiraSite *found = findSite(siteName);
    const SandboxRecord *issue = found ? found->issue(idOrKey) : nullptr;
    return issue && found->issues().remove(issue->id, now());
}

QStringList JiraEmulator::addProjects(const QString &siteName, int count)
{
    JiraSite *found = findSite(siteName);
    return found ? found->addProjects(count, now()) : QStringList();
}

bool JiraEmulator::deleteProject(const QString &siteName, const QString &idOrKey)
{
    JiraSite *found = findSite(siteName);
    return found && found->removeProject(idOrKey, now());
}

bool JiraEmulator::sendWebhook(const QString &siteName, const QUrl &url, const QString &event,
                               const QString &issueIdOrKey)
{
    const JiraSite *found = findSite(siteName);
    const SandboxRecord *issue = found ? found->issue(issueIdOrKey) : nullptr;
    if (!issue || !url.isValid())
        return false;
    const QString eventName = event.section(QLatin1Char(':'), 1);
    const QJsonObject payload{
        {QStringLiteral("timestamp"), now().toMSecsSinceEpoch()},
        {QStringLiteral("webhookEvent"), event},
        {QStringLiteral("issue_event_type_name"),
         eventName == QLatin1String("issue_updated") ? QStringLiteral("issue_generic") : eventName},
        {QStringLiteral("issue"), found->issueJson(*issue, {QStringLiteral("*all")}, apiBase(siteName))}};
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    const QByteArray signature = "sha256=" + WebhookSigner::hexSignature(found->webhookSecret().toUtf8(), body);
    m_lastWebhook = WebhookDelivery{url,
                                    body,
                                    {{"X-Hub-Signature", signature},
                                     {"X-Atlassian-Webhook-Identifier", QByteArray::number(m_nextWebhookId++)},
                                     {"X-Atlassian-Webhook-Flow", "Primary"}}};
    m_lastWebhookRetries = 0;
    webhookSender().send(*m_lastWebhook);
    return true;
}

bool JiraEmulator::redeliverLastWebhook()
{
    if (!m_lastWebhook)
        return false;
    WebhookDelivery retry = *m_lastWebhook;
    retry.headers.append({"X-Atlassian-Webhook-Retry", QByteArray::number(++m_lastWebhookRetries)});
    webhookSender().send(retry);
    return true;
}

HttpServerResponse JiraEmulator::rateLimitedResponse(int retryAfterSeconds, const QJsonObject &) const
{
    HttpServerResponse response = JiraRestApi::error(429, {QStringLiteral("Rate limit exceeded.")});
    response.withHeader("Retry-After", QByteArray::number(retryAfterSeconds));
    response.withHeader("X-RateLimit-Reset",
                        now().addSecs(retryAfterSeconds).toString(QStringLiteral("yyyy-MM-ddTHH:mm'Z'")).toLatin1());
    response.withHeader("RateLimit-Reason", "jira-burst-based");
    return response;
}

QJsonObject JiraEmulator::tenantJson(const QString &siteName) const
{
    const JiraSiteCredentials credentials = *this->credentials(siteName);
    return {{QStringLiteral("name"), siteName},
            {QStringLiteral("cloudId"), credentials.cloudId},
            {QStringLiteral("url"), credentials.siteUrl},
            {QStringLiteral("apiBase"), apiBase(siteName)},
            {QStringLiteral("clientId"), credentials.clientId},
            {QStringLiteral("clientSecret"), credentials.clientSecret},
            {QStringLiteral("accessToken"), credentials.accessToken},
            {QStringLiteral("refreshToken"), credentials.refreshToken},
            {QStringLiteral("expiresIn"), credentials.expiresIn},
            {QStringLiteral("webhookSecret"), credentials.webhookSecret},
            {QStringLiteral("issues"), findSite(siteName)->issues().count(false)},
            {QStringLiteral("projects"), findSite(siteName)->projects().count(false)},
            {QStringLiteral("tokenRefreshCount"), tokenRefreshCount(siteName)}};
}

QString JiraEmulator::addTenantFromControl(const QJsonObject &body)
{
    const QString name = body.value(QStringLiteral("name")).toString();
    if (!name.isEmpty()) {
        addSite(name, body.value(QStringLiteral("records")).toInt(100),
                static_cast<quint32>(body.value(QStringLiteral("seed")).toInteger(1)));
        addProjects(name, body.value(QStringLiteral("projects")).toInt(0));
    }
    return name;
}

QStringList JiraEmulator::touchFromControl(const QString &siteName, const QJsonObject &body)
{
    return touchIssues(siteName, body.value(QStringLiteral("count")).toInt(1));
}

bool JiraEmulator::addCustomFieldFromControl(const QString &siteName, const QJsonObject &body)
{
    const QString name = body.value(QStringLiteral("name")).toString();
    return !name.isEmpty() &&
           !addCustomField(siteName, name, kindFromName(body.value(QStringLiteral("type")).toString())).isEmpty();
}

bool JiraEmulator::deleteFromControl(const QString &siteName, const QString &object, const QString &id)
{
    if (object == QLatin1String("projects"))
        return deleteProject(siteName, id);
    return object == QLatin1String("issues") && deleteIssue(siteName, id);
}

bool JiraEmulator::sendWebhookFromControl(const QString &siteName, const QJsonObject &body)
{
    const JiraSite *found = findSite(siteName);
    const QString fallback =
        found && !found->issues().records().empty() ? found->issues().records().front().id : QString();
    return sendWebhook(siteName, QUrl(body.value(QStringLiteral("url")).toString()),
                       body.value(QStringLiteral("event")).toString(QStringLiteral("jira:issue_updated")),
                       body.value(QStringLiteral("id")).toString(fallback));
}

HttpServerResponse JiraEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *siteName)
{
    const QString path = request.path();
    if (path == QLatin1String("/oauth/token") && request.method == "POST")
        return m_oauth->token(request, now, siteName);
    if (path == QLatin1String("/authorize"))
        return m_oauth->authorize(request, now, siteName);
    if (path == QLatin1String("/oauth/token/accessible-resources") || path.startsWith(QLatin1String("/ex/jira/")))
        return handleApi(request, now, siteName);
    return JiraRestApi::error(404, {QStringLiteral("Nothing is served at %1").arg(path)});
}

HttpServerResponse JiraEmulator::handleApi(const HttpServerRequest &request, const QDateTime &now, QString *siteName)
{
    countApiRequest();
    const auto check = tokens().checkAccessToken(SandboxHttp::bearerToken(request), now);
    JiraSite *found = findSite(check.tenant);
    if (check.state != OAuthTokenService::AccessState::Valid || !found)
        return unauthorized();
    *siteName = check.tenant;
    if (const std::optional<HttpServerResponse> failure = takeInjectedFailure())
        return *failure;

    const QString path = request.path();
    if (path == QLatin1String("/oauth/token/accessible-resources")) {
        const QJsonObject resource{
            {QStringLiteral("id"), found->cloudId()},
            {QStringLiteral("url"), found->siteUrl()},
            {QStringLiteral("name"), found->name()},
            {QStringLiteral("scopes"), QJsonArray::fromStringList(kScopes.split(QLatin1Char(' ')))},
            {QStringLiteral("avatarUrl"),
             QStringLiteral("https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png")}};
        return SandboxHttp::json(QJsonArray{resource});
    }
    const QString prefix = QStringLiteral("/ex/jira/") + found->cloudId() + QStringLiteral("/rest/api/3");
    if (!path.startsWith(prefix))
        return unauthorized(); // a token of one site cannot reach another site's cloud id
    return JiraRestApi::handle(request, path.mid(prefix.size()), apiBase(check.tenant), *found, now);
}

} // namespace patchbay::sandbox
