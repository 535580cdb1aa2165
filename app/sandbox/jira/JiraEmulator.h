#pragma once

#include "JiraSite.h"
#include "common/AccountEmulator.h"

#include <memory>
#include <optional>

// A Jira Cloud emulator written from Atlassian's public documentation, independently of our provider definition.
//
// Confirmed in the documentation (developer.atlassian.com: OAuth 2.0 (3LO) apps, "Implementing the refresh token
// flow", Rate limiting, the REST API v3 reference, Webhooks; jira.atlassian.com JRACLOUD-92184):
// - OAuth 2.0 (3LO): token endpoint https://auth.atlassian.com/oauth/token with grant_type authorization_code or
//   refresh_token and client_id/client_secret in the (JSON) body; access tokens live 3600 s (expires_in); refresh
//   tokens rotate: each refresh returns a new one and the one sent stops working; a bad refresh token answers
//   403 {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}.
// - GET https://api.atlassian.com/oauth/token/accessible-resources -> [{id (the cloud id), url, name, scopes,
//   avatarUrl}]; API calls go to https://api.atlassian.com/ex/jira/{cloudid}/rest/api/3/...
// - POST /rest/api/3/search/jql {jql, fields, maxResults, nextPageToken}: no total; nextPageToken is absent on the
//   last page (JRACLOUD-92184: absent, not null); isLast is reported; issues carry only id, key and self unless
//   fields are asked for.
// - GET /rest/api/3/project/search?startAt&maxResults&orderBy -> {self, nextPage (absent on the last page),
//   maxResults, startAt, total, isLast, values[{self, id, key, name, avatarUrls, projectTypeKey, simplified, style,
//   isPrivate, properties}]}; maxResults defaults to 50 and is at most 50 (JRACLOUD-84803); orderBy defaults to key.
//   Deleted projects go to the trash and are no longer listed (status defaults to live).
// - GET /rest/api/3/field -> [{id, key, name, custom, orderable, navigable, searchable, clauseNames, schema{type,
//   system | custom, customId}}]; custom field ids look like customfield_10020.
// - 429 with Retry-After (seconds), X-RateLimit-Reset (ISO 8601, yyyy-MM-ddTHH:mmZ, request time plus
//   Retry-After) and RateLimit-Reason (jira-burst-based, ...).
// - POST /rest/api/3/issue -> 201 {id, key, self}; invalid input 400 {"errorMessages": [], "errors": {field: msg}}.
// - Admin webhooks registered with a secret are signed: X-Hub-Signature: sha256=HEX(HMAC-SHA256(secret, body))
//   (WebSub style); webhooks registered by OAuth apps are not signed. X-Atlassian-Webhook-Identifier names the
//   delivery and stays the same across retries, which carry X-Atlassian-Webhook-Retry; the body is
//   {timestamp, webhookEvent, issue_event_type_name, issue} with the whole issue.
// - PUT /rest/api/3/issue/{idOrKey} {fields} -> 204; POST /rest/api/3/issue/bulk {issueUpdates} (up to 50) ->
//   {issues[{id, key, self}], errors[{status, elementErrors{errorMessages, errors}, failedElementNumber (from 0)}]},
//   201 when any issue was created (a partial success), 400 when none was.
// Where the documentation is silent or the emulator simplifies:
// - The 429 body ({"errorMessages": ["Rate limit exceeded."]}) and the gateway's 401 body ({"code": 401,
//   "message": "Unauthorized"}) are not specified in a reference page.
// - maxResults is capped at 100; JQL is the subset JiraJql documents, evaluated in UTC; every issue is in the site's
//   first project (id 10000); other projects have no issues. Project searches order by key or name only.
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

struct JiraSiteCredentials : SandboxAccountCredentials
{
    QString cloudId;
    QString siteUrl; // https://{site}.atlassian.net, as accessible-resources reports it
};

// Jira Cloud sites on one loopback port, on the shared account layer, covering both Atlassian hosts:
// auth.atlassian.com (/authorize, /oauth/token) and api.atlassian.com (/oauth/token/accessible-resources,
// /ex/jira/{cloudid}/rest/api/3/...). A site is told by its access token, which must match the cloud id in the path.
// Control API under /_sandbox/ with tenants called "sites"; DELETE /_sandbox/sites/{site}/issues/{key} deletes an
// issue and DELETE /_sandbox/sites/{site}/projects/{key} a project; a new site takes "projects" besides "records";
// webhooks take "event" (jira:issue_updated unless named).
class JiraEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    explicit JiraEmulator(QObject *parent = nullptr);
    ~JiraEmulator() override;

    JiraSiteCredentials addSite(const QString &siteName, int issueCount, quint32 seed);
    const JiraSite *site(const QString &siteName) const { return static_cast<const JiraSite *>(account(siteName)); }
    // The REST API base of a site through the emulator: {baseUrl}/ex/jira/{cloudid}/rest/api/3.
    QString apiBase(const QString &siteName) const;

    // Adds count projects (without issues) to the site; returns their ids, empty for an unknown site.
    QStringList addProjects(const QString &siteName, int count);
    // POSTs a signed jira:issue_* event about the issue to url; false for an unknown site or issue.
    bool sendIssueEvent(const QString &siteName, const QUrl &url, const QString &event, const QString &issueIdOrKey);
    // A jira:issue_updated event; Jira sends none about projects here.
    bool sendWebhook(const QString &siteName, const QUrl &url, const QString &object, const QString &id) override;
    // Delivers the last webhook again, as Jira retries one that was not acknowledged: the same body, signature and
    // X-Atlassian-Webhook-Identifier, with X-Atlassian-Webhook-Retry counting the retries. False when none was sent.
    bool redeliverLastWebhook();

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &siteName, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *siteName) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;

    QString tenantCollection() const override { return QStringLiteral("sites"); }
    void decorateTenantJson(const QString &siteName, QJsonObject &json) const override;
    QString addTenantFromControl(const QJsonObject &body) override;
    bool sendWebhookFromControl(const QString &siteName, const QJsonObject &body) override;

private:
    HttpServerResponse handleApi(const HttpServerRequest &request, const QDateTime &now, QString *siteName);

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    int m_nextWebhookId = 1;
    std::optional<WebhookDelivery> m_lastWebhook;
    int m_lastWebhookRetries = 0;
};

} // namespace patchbay::sandbox
