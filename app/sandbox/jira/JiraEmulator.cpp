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

} // namespace

JiraEmulator::JiraEmulator(QObject *parent) : AccountEmulator(parent)
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

std::unique_ptr<SandboxAccount> JiraEmulator::createAccount(const QString &siteName, quint32 seed) const
{
    return std::make_unique<JiraSite>(siteName, seed);
}

JiraSiteCredentials JiraEmulator::addSite(const QString &siteName, int issueCount, quint32 seed)
{
    JiraSiteCredentials credentials;
    static_cast<SandboxAccountCredentials &>(credentials) = addAccount(siteName, issueCount, seed);
    credentials.cloudId = site(siteName)->cloudId();
    credentials.siteUrl = site(siteName)->siteUrl();
    return credentials;
}

QString JiraEmulator::apiBase(const QString &siteName) const
{
    const JiraSite *found = site(siteName);
    return baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/ex/jira/") +
           (found ? found->cloudId() : QString()) + QStringLiteral("/rest/api/3");
}

QStringList JiraEmulator::addProjects(const QString &siteName, int count)
{
    auto *found = static_cast<JiraSite *>(findAccount(siteName));
    return found ? found->addProjects(count, now()) : QStringList();
}

bool JiraEmulator::sendWebhook(const QString &siteName, const QUrl &url, const QString &object, const QString &id)
{
    return object == QLatin1String("issues") && sendIssueEvent(siteName, url, QStringLiteral("jira:issue_updated"), id);
}

bool JiraEmulator::sendIssueEvent(const QString &siteName, const QUrl &url, const QString &event,
                                  const QString &issueIdOrKey)
{
    const JiraSite *found = site(siteName);
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

void JiraEmulator::decorateTenantJson(const QString &siteName, QJsonObject &json) const
{
    json.insert(QStringLiteral("cloudId"), site(siteName)->cloudId());
    json.insert(QStringLiteral("url"), site(siteName)->siteUrl());
    json.insert(QStringLiteral("apiBase"), apiBase(siteName));
}

QString JiraEmulator::addTenantFromControl(const QJsonObject &body)
{
    const QString name = AccountEmulator::addTenantFromControl(body);
    if (!name.isEmpty())
        addProjects(name, body.value(QStringLiteral("projects")).toInt(0));
    return name;
}

bool JiraEmulator::sendWebhookFromControl(const QString &siteName, const QJsonObject &body)
{
    const JiraSite *found = site(siteName);
    const QString fallback = !found->issues().records().empty() ? found->issues().records().front().id : QString();
    return sendIssueEvent(siteName, QUrl(body.value(QStringLiteral("url")).toString()),
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
    const QString tenant = tenantOfBearer(request, now);
    auto *found = static_cast<JiraSite *>(findAccount(tenant));
    if (found)
        *siteName = tenant;
    if (auto answer = admit(found != nullptr, unauthorized))
        return *answer;

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
    return JiraRestApi::handle(request, path.mid(prefix.size()), apiBase(tenant), *found, now);
}

} // namespace patchbay::sandbox
