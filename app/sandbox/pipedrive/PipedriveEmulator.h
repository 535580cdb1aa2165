#pragma once

#include "PipedriveCompany.h"
#include "common/AccountEmulator.h"
#include "common/WindowCounter.h"

#include <memory>
#include <optional>

// A Pipedrive API v1 emulator written from Pipedrive's public documentation, independently of our provider
// definition.
//
// Confirmed in the documentation (developers.pipedrive.com/docs/api/v1: Persons, Deals, PersonFields, Recents,
// Webhooks, OAuth; pipedrive.readme.io: Pagination, Custom fields, Rate limiting, Authentication, How to get the
// company domain; changelog "New parameter in OAuth /oauth/token responses", 2020):
// - Offset pagination: start (default 0) and limit (at most 500) -> {success, data, additional_data{pagination{
//   start, limit, more_items_in_collection, next_start}}}; next_start only while there are more items.
// - Custom fields are keyed by 40-character hashes that differ per company; GET /v1/personFields and
//   /v1/dealFields list every field with key, name, field_type, edit_flag (true for custom fields) and options of
//   enum fields.
// - OAuth tokens come from /oauth/token (client id and secret in a Basic header) and carry api_domain, the base
//   URL of the company, where API calls must then go.
// - API token integrations send the token as the x-api-token header (older ones as the api_token parameter).
// - Every answer has x-ratelimit-limit, x-ratelimit-remaining and x-ratelimit-reset (seconds) for a 2-second
//   window; over the limit 429 (older documentation adds Retry-After).
// - Webhooks are not signed; a webhook can carry HTTP basic auth (http_auth_user, http_auth_password) that
//   Pipedrive sends with each delivery. v1 payloads are {v, current, previous, event, retry, meta{action (added,
//   updated, deleted, merged), object, id}}; v2 payloads are {data, previous, meta{action (create, change, delete),
//   entity, entity_id, attempt, ...}} with custom fields apart in data.custom_fields ("Retry is now attempt",
//   "Current object is now data object").
// - Persons: POST /v1/persons (name required), PUT /v1/persons/{id}, GET /v1/persons/{id} -> {success, data}.
//   Custom field keys are 40-character hashes.
// - Incremental: GET /v1/recents?since_timestamp=YYYY-MM-DD HH:MM:SS&items=person|deal.
// Where the documentation is silent or the emulator simplifies:
// - Tenants are companies, reached through the Host header ({name}.pipedrive.com or {name}.localhost) or the
//   path prefix /_company/{name}; api_domain is {baseUrl}/_company/{name}, so calls go to
//   {api_domain}/api/v1/persons (or /v1/persons) exactly as with a real api_domain. An origin override maps
//   https://{name}.pipedrive.com to http://127.0.0.1:PORT/_company/{name}; /oauth/token is served at the root.
// - Error bodies ({success: false, error, errorCode, error_info}) follow commonly seen answers; the reported
//   limit (80 per 2 seconds) is not enforced. Recents lists deleted items with active_flag false, which the
//   reference does not spell out. Token-based daily budgets (2024-2025) are not modelled.
// - v2 meta.id is taken as the event's own id (a uuid), kept by retries; v2 data carries a few fields only. A
//   deleted person stays readable by id with active_flag false; 404 "Person not found" for an unknown one. Webhooks
//   say updated/change unless the record is deleted (never added/create).
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

// Pipedrive companies on one loopback port; control API under /_sandbox/ with tenants called "companies";
// objects persons and deals; custom fields get 40-digit keys.
class PipedriveEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    explicit PipedriveEmulator(QObject *parent = nullptr);
    ~PipedriveEmulator() override;

    SandboxAccountCredentials addCompany(const QString &name, int personCount, quint32 seed)
    {
        return addAccount(name, personCount, seed);
    }
    // {baseUrl}/_company/{name}: the api_domain of the company.
    QString tenantUrl(const QString &company) const override;
    // Sends an event about the record as it is now (v1 added/updated/deleted.person, or v2 create/change/delete with
    // meta.entity and entity_id and an event id in meta.id) with the company's webhook basic auth.
    bool sendWebhook(const QString &company, const QUrl &url, const QString &object, const QString &id) override;
    // The version of the webhooks sent from now on: 1 (the API's default) or 2.
    void setWebhookVersion(int version) { m_webhookVersion = version; }
    // Sends the last event again as a retry: the same event, its attempt counted.
    bool redeliverLastWebhook();

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &name, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *company) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;
    QString tenantCollection() const override { return QStringLiteral("companies"); }

private:
    bool authenticated(const HttpServerRequest &request, const PipedriveCompany &company, const QDateTime &now) const;
    HttpServerResponse call(PipedriveCompany &company, const HttpServerRequest &request, const QString &path,
                            const QDateTime &now) const;
    HttpServerResponse list(const PipedriveCompany &company, const QString &object, const QUrlQuery &query) const;
    HttpServerResponse recents(const PipedriveCompany &company, const QUrlQuery &query) const;
    QJsonObject webhookV1(const PipedriveCompany &company, const QString &object, const SandboxRecord &record) const;
    QJsonObject webhookV2(const PipedriveCompany &company, const QString &object, const SandboxRecord &record) const;

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    WindowCounter m_calls{2000, 80};
    int m_webhookVersion = 1;
    std::optional<WebhookDelivery> m_lastDelivery;
    QJsonObject m_lastPayload;
};

} // namespace patchbay::sandbox
