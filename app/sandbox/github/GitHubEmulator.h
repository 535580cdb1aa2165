#pragma once

#include "GitHubOwner.h"
#include "common/AccountEmulator.h"
#include "common/WindowCounter.h"

#include <memory>
#include <optional>

// A GitHub REST API emulator written from GitHub's public documentation, independently of our provider definition.
//
// Confirmed in the documentation (docs.github.com: Using pagination in the REST API, Rate limits for the REST API,
// Troubleshooting the REST API, REST API endpoints for issues and pull requests, Validating webhook deliveries,
// Webhook events and payloads, Authorizing OAuth apps, Refreshing user access tokens):
// - per_page (default 30, at most 100) and page; a Link header with rel next/last (and prev/first past page 1).
// - GET /repos/{owner}/{repo}/issues lists pull requests too (they carry a pull_request key); state defaults to
//   open, sort to created, direction to desc; since keeps issues updated at or after an ISO 8601 time.
// - Every response carries x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-used, x-ratelimit-reset (epoch
//   seconds) and x-ratelimit-resource; a primary limit answers 403 or 429 with x-ratelimit-remaining 0, a secondary
//   limit 403 or 429 with retry-after and a message that says so.
// - Validation errors answer 422 {"message": "Validation Failed", "errors": [{resource, field, code}],
//   "documentation_url"} with codes such as missing_field and invalid; bad credentials answer 401 {"message": "Bad
//   credentials"}; a body that is not JSON answers 400 "Problems parsing JSON".
// - POST /repos/{owner}/{repo}/issues answers 201 with the issue (id, number, ...) and a Location header; title is
//   required. PATCH /repos/{owner}/{repo}/issues/{issue_number} answers 200 with the issue; state is open or closed;
//   a deleted issue answers 410 Gone, an unknown one 404.
// - Webhooks: X-Hub-Signature-256: sha256=HEX(HMAC-SHA256(secret, body)), X-GitHub-Event, X-GitHub-Delivery (a
//   GUID), X-GitHub-Hook-ID. GitHub does not retry a failed delivery; a redelivery (web interface or REST API)
//   sends the same payload with the same X-GitHub-Delivery, which is unique per event, not per attempt.
// - OAuth: POST /login/oauth/access_token with client_id, client_secret and code or grant_type=refresh_token;
//   the answer is form-encoded unless Accept asks for JSON; expiring user tokens come with expires_in 28800,
//   refresh_token and refresh_token_expires_in 15897600, and a refresh returns a new refresh token.
// - Organization custom properties (GET /orgs/{org}/properties/schema, GET /repos/{o}/{r}/properties/values) are
//   GitHub's per-organization custom fields; GET /repos/{owner}/{repo} shows the repository's values as
//   custom_properties {name: value}.
// Where the documentation is silent or the emulator simplifies:
// - One repository per owner ({owner}/widgets); the owner is the tenant and the API is served on the emulator's
//   origin (an origin override maps https://api.github.com to the base URL). Tokens: the OAuth user token or the
//   owner's personal access token (the credentials' apiKey), as "Bearer X" or "token X".
// - Rate limits are reported (5,000 an hour per owner) but not enforced; the limit answer is 403 unless
//   setRateLimitStatus(429) or the fail-next option "limitStatus" says otherwise; option "secondary" sends the
//   secondary-limit answer with retry-after. Deleted issues answer 410 on GET and vanish from lists.
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

// GitHub owners on one loopback port; control API under /_sandbox/ with tenants called "owners"; custom fields
// added through it are organization custom properties; DELETE /_sandbox/owners/{o}/issues/{number}.
class GitHubEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    explicit GitHubEmulator(QObject *parent = nullptr);
    ~GitHubEmulator() override;

    SandboxAccountCredentials addOwner(const QString &login, int issueCount, quint32 seed)
    {
        return addAccount(login, issueCount, seed);
    }
    // 403 (the default) or 429.
    void setRateLimitStatus(int status) { m_limitStatus = status; }
    // Sends an "issues" or "pull_request" event (action edited) about the issue or pull request number.
    bool sendWebhook(const QString &owner, const QUrl &url, const QString &object, const QString &number) override;
    // The last event sent, as it went out (payload and headers), e.g. to tamper with in a test.
    const std::optional<WebhookDelivery> &lastWebhook() const { return m_lastWebhook; }
    // Sends the last event again, unchanged, as GitHub's "Redeliver" does; false when none was sent.
    bool redeliverLastWebhook();

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &login, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *owner) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;
    QString tenantCollection() const override { return QStringLiteral("owners"); }
    void applySettings(const QJsonObject &body) override;

private:
    QString ownerOfToken(const HttpServerRequest &request, const QDateTime &now) const;
    QList<QPair<QByteArray, QByteArray>> rateHeaders(const QString &owner, const QDateTime &now) const;
    HttpServerResponse repositoryCall(GitHubOwner &owner, const HttpServerRequest &request, const QStringList &segments,
                                      const QDateTime &now) const;
    HttpServerResponse listIssues(const GitHubOwner &owner, const HttpServerRequest &request, bool pullsOnly) const;
    HttpServerResponse createIssue(GitHubOwner &owner, const HttpServerRequest &request, const QDateTime &now) const;
    HttpServerResponse updateIssue(GitHubOwner &owner, const HttpServerRequest &request, const QString &number,
                                   const QDateTime &now) const;
    HttpServerResponse token(const HttpServerRequest &request, const QDateTime &now, QString *owner) const;

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    WindowCounter m_calls{3'600'000, 5000};
    int m_limitStatus = 403;
    std::optional<WebhookDelivery> m_lastWebhook;
};

} // namespace patchbay::sandbox
