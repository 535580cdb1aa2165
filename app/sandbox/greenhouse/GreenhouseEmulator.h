#pragma once

#include "GreenhouseOrganization.h"
#include "common/AccountEmulator.h"
#include "common/WindowCounter.h"

#include <QSet>

#include <memory>
#include <optional>

// A Greenhouse Harvest (v1) emulator written from Greenhouse's public documentation, independently of our provider
// definition.
//
// Confirmed in the documentation (developers.greenhouse.io/harvest.html: Authentication, Pagination, Throttling,
// Candidates, Applications, Custom Fields; harvestdocs.greenhouse.io for v3; Greenhouse webhook guides):
// - Basic auth with the Harvest API key as user name and a blank password; unauthenticated calls answer 401.
// - List endpoints page with per_page (1-500, default 100) and page; the Link header carries rel next, prev and
//   last; skip_count=true leaves out rel last. Lists are bare JSON arrays.
// - GET /v1/candidates takes created_after/created_before and updated_after/updated_before (ISO 8601);
//   GET /v1/applications takes created_after/created_before and last_activity_after.
// - GET /v1/custom_fields/{field_type} (candidate, application, ...) -> [{id, name, field_type, value_type,
//   name_key, custom_field_options, ...}]; records carry custom_fields {name_key: value} and keyed_custom_fields
//   {name_key: {name, type, value}}.
// - Writes need the On-Behalf-Of header with the id of the Greenhouse user making the change. POST /v1/candidates
//   (first_name and last_name required) and PATCH /v1/candidates/{id} take custom_fields as [{id or name_key,
//   value}]; GET /v1/candidates/{id} and /v1/applications/{id} return one record.
// - Validation errors: 422 {"message": "Validation error", "errors": [{"message", "field"}]}; 404 "Resource not
//   found".
// - Web hooks: update_candidate {payload: {candidate}} (custom_fields keyed {name_key: {name, type, value}}),
//   delete_candidate {payload: {person: {id, ..., deleted_application_ids}}}, candidate_stage_change and
//   delete_application {payload: {application}}; each delivery has a Greenhouse-Event-ID header.
// - Throttling: X-RateLimit-Limit and X-RateLimit-Remaining over a rolling 10-second window; over the limit 429
//   with Retry-After (rate-limit summaries add X-RateLimit-Reset as epoch seconds, which the emulator sends too).
// - Webhooks carry Signature: "sha256 HEX" where HEX is HMAC-SHA256(secret key, body) (a space, not "=").
// Where the documentation is silent or the emulator simplifies:
// - The emulator serves https://harvest.greenhouse.io on its own origin; the organization is told by its API key.
//   Each candidate has one application; ids are numbers. A non-blank password is refused.
// - Bodies of 401 ({"message": "Invalid Basic Auth credentials"}), 403 for a missing On-Behalf-Of, 422
//   ({"message": "Validation error", "errors": [{message, field}]}) and 429 ({"message": ...}) follow commonly
//   seen answers; the limit reported is 50 per 10 seconds and not enforced. Created candidates answer 201.
// - Deletions are not listed: a deleted candidate or application simply disappears. A retried delivery keeps its
//   Greenhouse-Event-ID (the documentation calls it the delivery's unique id). POST /v1/candidates does not insist
//   on the applications the documentation requires. The 403 text for a missing On-Behalf-Of is made up. A revoked
//   API key answers 401 like an unknown one.
namespace patchbay::sandbox {

// Greenhouse organizations on one loopback port; control API under /_sandbox/ with tenants called
// "organizations"; objects candidates and applications.
class GreenhouseEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    static constexpr int kWindowLimit = 50;

    explicit GreenhouseEmulator(QObject *parent = nullptr);

    SandboxAccountCredentials addOrganization(const QString &name, int candidateCount, quint32 seed)
    {
        return addAccount(name, candidateCount, seed);
    }
    // Sends update_candidate or delete_candidate (candidates), candidate_stage_change or delete_application
    // (applications) about the record as it is now, with a new Greenhouse-Event-ID.
    bool sendWebhook(const QString &organization, const QUrl &url, const QString &object, const QString &id) override;
    // Sends the last delivery again, unchanged (same event id and signature), as a retry.
    bool redeliverLastWebhook();
    // The organization's Harvest API key stops working, as when it is revoked in the Dev Center.
    bool revokeApiKey(const QString &organization);

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &name, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *organization) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;
    QString tenantCollection() const override { return QStringLiteral("organizations"); }

private:
    HttpServerResponse list(const GreenhouseOrganization &organization, const QString &object,
                            const HttpServerRequest &request) const;
    HttpServerResponse createCandidate(GreenhouseOrganization &organization, const HttpServerRequest &request,
                                       const QDateTime &now) const;
    HttpServerResponse updateCandidate(GreenhouseOrganization &organization, const QString &id,
                                       const HttpServerRequest &request, const QDateTime &now) const;
    HttpServerResponse retrieve(const GreenhouseOrganization &organization, const QString &object,
                                const QString &id) const;

    WindowCounter m_calls{10'000, kWindowLimit};
    QSet<QString> m_revokedKeys;
    std::optional<WebhookDelivery> m_lastDelivery;
};

} // namespace patchbay::sandbox
