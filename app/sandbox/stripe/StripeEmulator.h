#pragma once

#include "StripeAccount.h"
#include "common/AccountEmulator.h"

#include <memory>

// A Stripe API emulator written from Stripe's public documentation, independently of any provider definition.
//
// Confirmed in the documentation (docs.stripe.com: API reference Authentication, Errors, Pagination, Customers,
// Invoices, Events, Metadata; Error codes; Rate limits; Idempotent requests; Webhooks "Verify webhook signatures"):
// - Requests authenticate with the secret key as a bearer token or as the basic-auth user name. A missing or
//   unknown key answers 401 {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided:
//   sk_test_****abcd"}}; a rolled key answers api_key_expired.
// - Errors are {"error": {type, code, param, message, doc_url}} with type one of api_error, card_error,
//   idempotency_error, invalid_request_error; codes used here: email_invalid, parameter_unknown,
//   parameter_invalid_integer, resource_missing, api_key_expired, rate_limit.
// - Lists: {object: "list", url, has_more, data}, newest first; limit 1..100 (default 10); starting_after and
//   ending_before take object ids and exclude each other; created, created[gt|gte|lt|lte] filter in epoch seconds.
// - Writes take application/x-www-form-urlencoded bodies; metadata[key]=value merges into metadata, an empty value
//   removes the key and metadata="" removes them all (at most 50 keys, keys up to 40 and values up to 500
//   characters); an empty string unsets a field; a hash such as address is replaced as a whole.
// - DELETE /v1/customers/{id} answers {id, object: "customer", deleted: true}; retrieving a deleted customer answers
//   that stub too. Events (evt_...) carry data.object, previous_attributes on updates, request {id,
//   idempotency_key}; Stripe keeps them 30 days.
// - A 429 is a rate limit; the error type stays invalid_request_error (Stripe documents no rate_limit_error type)
//   with code rate_limit, or lock_timeout for an object locked by another request.
// - Webhooks: Stripe-Signature: t=TIMESTAMP,v1=HEX(HMAC-SHA256(endpoint secret, "TIMESTAMP." + body)); while an
//   endpoint secret is being rolled, one v1 entry per active secret; receivers refuse timestamps older than their
//   tolerance (5 minutes by default).
// - Idempotency-Key on a POST: the same key with the same parameters replays the saved answer; with other
//   parameters it answers 400 idempotency_error. Results are saved only when the endpoint ran.
// Where the documentation is silent or the emulator simplifies:
// - Tenants are accounts (acct_...) told apart by their secret key; there is no Connect (Stripe-Account header) and
//   no OAuth. Each account has customers and invoices; only customers are written and only customer.* events are
//   kept (seeded customers created in the last 30 days get customer.created). Messages of limit, metadata and
//   cursor errors are worded here; an unknown cursor answers 400 resource_missing naming the cursor parameter.
//   Lists never include deleted customers; a deleted customer still works as a cursor.
// - No Retry-After on 429 (Stripe documents none). Responses carry Request-Id: req_...
namespace patchbay::sandbox {

// How sendEvent signs a delivery.
struct StripeWebhookOptions
{
    // A second v1 entry signed with the previous endpoint secret, as during a secret rotation.
    bool rotation = false;
    // A timestamp this far in the past, to test a receiver's tolerance.
    int timestampAgeSeconds = 0;
};

// Stripe accounts on one loopback port; control API under /_sandbox/ with tenants called "accounts", plus
//   POST /_sandbox/accounts/{a}/roll-api-key         -> {"apiKey"}: the old key answers 401 api_key_expired
//   POST /_sandbox/accounts/{a}/roll-webhook-secret  -> {"webhookSecret", "previousWebhookSecret"}
//   POST /_sandbox/accounts/{a}/webhooks             {"url"[, "event": evt id or type, "id": object id, "rotation",
//                                                    "timestampAgeSeconds"]} delivers an event (default the newest)
//   POST /_sandbox/fail-next                         {"count"[, "code": "lock_timeout"]} answers 429
// Stripe has no custom fields API, so the control API's fields call is refused.
class StripeEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    explicit StripeEmulator(QObject *parent = nullptr);
    ~StripeEmulator() override;

    SandboxAccountCredentials addStripeAccount(const QString &name, int customerCount, quint32 seed)
    {
        return addAccount(name, customerCount, seed);
    }
    const StripeAccount *stripeAccount(const QString &name) const;
    // Returns the new secret key, or empty for an unknown account.
    QString rollSecretKey(const QString &account);
    // Returns the new endpoint secret; the old one becomes the previous secret that rotation signatures use.
    QString rollWebhookSecret(const QString &account);

    // Delivers the newest event about the object (customers or invoices) with that id.
    bool sendWebhook(const QString &account, const QUrl &url, const QString &object, const QString &id) override;
    bool sendEvent(const QString &account, const QUrl &url, const QString &eventId,
                   const StripeWebhookOptions &options = {});

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &name, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *account) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;
    QString tenantCollection() const override { return QStringLiteral("accounts"); }
    void decorateTenantJson(const QString &tenant, QJsonObject &json) const override;
    bool sendWebhookFromControl(const QString &tenant, const QJsonObject &body) override;
    std::optional<HttpServerResponse> tenantActionFromControl(const QString &tenant, const QString &action,
                                                              const QJsonObject &body) override;

private:
    StripeAccount *findStripeAccount(const QString &name) const;
    HttpServerResponse unauthorized(const QString &key) const;
    qint64 m_nextRequest = 1;
};

} // namespace patchbay::sandbox
