#pragma once

#include "ServiceNowInstance.h"
#include "common/AccountEmulator.h"

#include <memory>

// A ServiceNow emulator written from ServiceNow's public documentation, independently of our provider definition.
//
// Confirmed in the documentation (servicenow.com/docs: Table API, Inbound REST API rate limiting, OAuth API request
// parameters; ServiceNow community answers quoting the Table API reference):
// - GET /api/now/table/{table} with sysparm_limit (default 10,000), sysparm_offset, sysparm_query, sysparm_fields
//   -> {"result": [...]}; a Link header with rel first, prev, next, last (sysparm_offset/sysparm_limit URLs) and
//   X-Total-Count with the number of matching records. ORDERBY in the query is recommended for stable paging.
// - Encoded queries: conditions joined by ^, ORDERBYfield and ORDERBYDESCfield; sys_updated_on is printed as
//   "yyyy-MM-dd HH:mm:ss" (UTC here), so sys_updated_on>=2026-01-01 00:00:00 selects changes since then.
// - Auth: basic (user and password) or OAuth 2.0 at /oauth_token.do with form parameters grant_type password
//   (client_id, client_secret, username, password) or refresh_token; the password grant returns an access and a
//   refresh token.
// - Rate-limit rules answer 429 Too Many Requests with Retry-After (seconds), X-RateLimit-Limit (requests per
//   hour), X-RateLimit-Reset (epoch seconds) and X-RateLimit-Rule (the rule's sys_id).
// - POST /api/now/table/{table} -> 201 {"result": {...}} with a Location header; PATCH or PUT
//   /api/now/table/{table}/{sys_id} changes the columns sent -> 200 {"result": {...}}; 404 for an unknown record.
//   Encoded queries also take fieldINa,b,c.
// - Errors: {"error": {"message", "detail"}, "status": "failure"}; 401 "User Not Authenticated", a negative
//   offset answers 400 "Negative offset is not supported"; 403 also covers data policy and business rule refusals.
// - Columns an admin adds to a table are prefixed u_; sys_dictionary (name, element, column_label, internal_type)
//   describes every column of a table.
// Where the documentation is silent or the emulator simplifies:
// - Tenants are instances, reached through the Host header ({name}.service-now.com or {name}.localhost) or, on
//   the emulator's own address, the path prefix /_instance/{name}: https://acme.service-now.com/api/now/table/x
//   becomes http://127.0.0.1:PORT/_instance/acme/api/now/table/x, so an origin override mapping
//   https://{name}.service-now.com to http://127.0.0.1:PORT/_instance/{name} works. Links keep the request's form.
// - The 429 body, the token error body ({"error": "server_error", "error_description": "access_denied"}, 401) and
//   the exact data-policy text are as commonly seen, not from a reference page. The instance has two tables,
//   incident, with a data policy making short_description mandatory, and sys_user (user_name, first_name,
//   last_name, name, email, title, phone, active, locked_out: the columns a GET of sys_user shows, as quoted in
//   ServiceNow community answers; no reference fields such as department or manager); basic auth takes admin and
//   the instance's api key as password. sysparm_query supports only the operators listed in ServiceNowTableApi;
//   dates compare as text. The Table API does not report deletions; a deleted record simply disappears.
// - ServiceNow has no standard signed webhook (outbound REST messages are configured per instance), so this
//   emulator sends none.
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

// ServiceNow instances on one loopback port (see above); control API under /_sandbox/ with tenants called
// "instances"; DELETE /_sandbox/instances/{name}/{table}/{sys_id} deletes a record (incident or sys_user).
class ServiceNowEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    explicit ServiceNowEmulator(QObject *parent = nullptr);
    ~ServiceNowEmulator() override;

    // Seeds recordCount incidents and as many users. The admin password for basic auth and the password grant is
    // the credentials' apiKey.
    SandboxAccountCredentials addInstance(const QString &name, int recordCount, quint32 seed)
    {
        return addAccount(name, recordCount, seed);
    }
    // {baseUrl}/_instance/{name}
    QString tenantUrl(const QString &instance) const override;
    bool sendWebhook(const QString &, const QUrl &, const QString &, const QString &) override { return false; }

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &name, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *instance) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;
    QString tenantCollection() const override { return QStringLiteral("instances"); }

private:
    bool authenticated(const HttpServerRequest &request, const QString &instance, const QDateTime &now) const;

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
};

} // namespace patchbay::sandbox
