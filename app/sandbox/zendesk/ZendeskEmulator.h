#pragma once

#include "ZendeskAccount.h"
#include "ZendeskCollectionPaging.h"
#include "common/AccountEmulator.h"

#include <memory>
#include <optional>

// A Zendesk Support emulator written from Zendesk's public documentation, independently of our provider definition.
//
// Confirmed in the documentation (developer.zendesk.com: Pagination, Paginating through lists using cursor
// pagination, Incremental Exports, Ticket Fields, Verifying webhook authenticity, OAuth Tokens for Grant Types;
// support.zendesk.com announcement of the refresh token grant, April 2025):
// - Cursor pagination: page[size] (most endpoints at most 100) and page[after]; {tickets, meta{has_more,
//   after_cursor, before_cursor}, links{next, prev}}; without page[size] an endpoint pages by offset, which is
//   refused (400) beyond the first 10,000 records.
// - Incremental export, cursor based: GET /api/v2/incremental/tickets/cursor.json?start_time=EPOCH, then
//   ?cursor=after_cursor; {tickets, after_url, after_cursor, before_url, before_cursor, end_of_stream}; items
//   changed in the minute before the request are left out; about 10 requests a minute.
// - GET /api/v2/ticket_fields -> ticket_fields[{id, url, type, title, raw_title, active, required, removable,
//   custom_field_options}]; system fields are not removable; custom values appear on tickets as
//   custom_fields[{id, value}].
// - Users: GET /api/v2/users with the same cursor pagination -> {users, meta, links}; GET
//   /api/v2/incremental/users/cursor.json?start_time=EPOCH, then ?cursor= -> {users, after_url, after_cursor,
//   before_url, before_cursor, end_of_stream}. A user has id, url, name, email, created_at, updated_at, time_zone,
//   iana_time_zone, phone, locale, organization_id, role (end-user, agent, admin), verified, active ("false if the
//   user has been deleted"), suspended, user_fields, ...; the export includes deleted users, the list does not.
// - Auth: OAuth bearer tokens, or an API token as basic auth "{email}/token:{api_token}".
// - OAuth: POST /oauth/tokens with grant_type authorization_code or refresh_token; a refresh returns a new
//   refresh token and deletes the previous access and refresh tokens; expires_in is returned.
// - 429 Too Many Requests with Retry-After in seconds.
// - Webhooks: X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(signing secret, TIMESTAMP + BODY)) with the
//   timestamp in X-Zendesk-Webhook-Signature-Timestamp. Event payloads (Webhook event types, Ticket events):
//   {type: "zen:event-type:ticket.*", account_id, id (the event's), time, zendesk_event_version, subject:
//   "zen:ticket:{id}", detail{id (a string), subject, description, status, priority, type, tags, created_at,
//   updated_at, ...}, event{...}}: the detail is not the whole ticket (no custom_fields).
// Where the documentation is silent or the emulator simplifies:
// - Tenants are subdomains. A request reaches subdomain {name} through the Host header ({name}.zendesk.com or
//   {name}.localhost) or, when the Host is the emulator's own address, through the path prefix
//   /_subdomain/{name}: https://acme.zendesk.com/api/v2/tickets.json becomes
//   http://127.0.0.1:PORT/_subdomain/acme/api/v2/tickets.json. An origin override that maps
//   https://{name}.zendesk.com to http://127.0.0.1:PORT/_subdomain/{name} therefore works; links in responses
//   (links.next, after_url, next_page) keep the form the request came in.
// - Error bodies ({"error": "RecordInvalid", "description", "details"}, 401 {"error": "Couldn't authenticate
//   you"}) and the 429 body follow commonly seen Zendesk answers, not a reference page; the webhook timestamp is
//   ISO 8601 UTC. The minute excluded from incremental exports and their page size are configurable for tests.
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

struct ZendeskCredentials : SandboxAccountCredentials
{
    QString adminEmail; // basic auth "{adminEmail}/token:{apiKey}"
};

// Zendesk accounts on one loopback port, told apart by subdomain (see above), on the shared account layer; control
// API under /_sandbox/ with tenants called "subdomains"; DELETE /_sandbox/subdomains/{name}/{tickets|users}/{id}
// deletes a ticket or a user, touches and custom fields name the object ("tickets" unless "users"), and a new
// subdomain takes "users" besides "records".
class ZendeskEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    explicit ZendeskEmulator(QObject *parent = nullptr);
    ~ZendeskEmulator() override;

    ZendeskCredentials addSubdomain(const QString &subdomain, int ticketCount, quint32 seed);
    const ZendeskAccount *account(const QString &subdomain) const
    {
        return static_cast<const ZendeskAccount *>(AccountEmulator::account(subdomain));
    }
    // The API origin of a subdomain through the emulator: {baseUrl}/_subdomain/{name}.
    QString tenantUrl(const QString &subdomain) const override;

    // Adds count users besides the admin; returns their ids, empty for an unknown subdomain.
    QStringList addUsers(const QString &subdomain, int count);
    // Incremental exports leave out changes younger than this (Zendesk: 60 seconds).
    void setIncrementalExclusionSeconds(int seconds) { m_exportPolicy.exclusionSeconds = seconds; }
    // Records per incremental export page (Zendesk: 1000), so tests can page through a few changes.
    void setIncrementalPageSize(int size) { m_exportPolicy.pageSize = size; }
    // POSTs a signed ticket event (zen:event-type:ticket.*) to url; false for an unknown subdomain or ticket.
    bool sendTicketEvent(const QString &subdomain, const QUrl &url, const QString &ticketId,
                         const QString &eventType = QStringLiteral("zen:event-type:ticket.status_changed"));
    // A ticket's status_changed event; Zendesk sends no events about other objects here.
    bool sendWebhook(const QString &subdomain, const QUrl &url, const QString &object, const QString &id) override;
    // Delivers the last event again, as Zendesk retries a request that failed: the same body (and event id), signed
    // anew with the current timestamp. False when none was sent.
    bool redeliverLastWebhook();

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &subdomain, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *subdomain) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;

    QString tenantCollection() const override { return QStringLiteral("subdomains"); }
    void decorateTenantJson(const QString &subdomain, QJsonObject &json) const override;
    QString addTenantFromControl(const QJsonObject &body) override;
    bool sendWebhookFromControl(const QString &subdomain, const QJsonObject &body) override;

private:
    bool authenticated(const HttpServerRequest &request, const QString &subdomain, const QDateTime &now) const;
    void deliverSigned(WebhookDelivery delivery);

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    ZendeskExportPolicy m_exportPolicy;
    std::optional<WebhookDelivery> m_lastWebhook;
    QByteArray m_lastWebhookSecret;
};

} // namespace patchbay::sandbox
