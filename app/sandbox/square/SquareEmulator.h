#pragma once

#include "SquareMerchant.h"
#include "common/AccountEmulator.h"

#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>

// A Square Customers and Payments API emulator written from Square's public documentation, independently of our
// provider definition.
//
// Confirmed in the documentation (developer.squareup.com: ListCustomers, SearchCustomers, CreateCustomer, Customer
// Custom Attributes API, OAuth API ObtainToken / ObtainTokenResponse, Webhooks: Validate notifications, Handling
// errors, Pagination):
// - GET /v2/customers?limit=1..100&cursor=C -> {customers, cursor}; the cursor is absent on the last page; a limit
//   outside 1..100 answers 400 VALUE_TOO_LOW / VALUE_TOO_HIGH.
// - POST /v2/customers/search {limit, cursor, query{filter{created_at, updated_at: {start_at, end_at}}, sort}}.
// - Errors: {"errors": [{category, code, detail[, field]}]}; throttling answers 429 with category
//   RATE_LIMIT_ERROR and code RATE_LIMITED.
// - CreateCustomer (POST /v2/customers, optional idempotency_key) needs at least one of given_name, family_name,
//   company_name, email_address, phone_number and answers {customer}; the same idempotency key again gives the same
//   customer. UpdateCustomer (PUT /v2/customers/{customer_id}) takes only new or changed fields (null removes one)
//   and answers {customer}. An invalid email_address is INVALID_EMAIL_ADDRESS; an unknown customer 404 NOT_FOUND.
// - BulkCreateCustomers (POST /v2/customers/bulk-create) takes {customers: {idempotency key: customer data}} with 1
//   to 100 entries and answers {responses: {idempotency key: {customer} or {errors}}}; BulkUpdateCustomers (POST
//   /v2/customers/bulk-update) takes {customers: {customer id: customer data}} and answers {responses: {customer
//   id: {customer} or {errors}}}. Per-item failures do not fail the call; top-level errors do.
// - Customer custom fields are custom attribute definitions: GET /v2/customers/custom-attribute-definitions ->
//   {custom_attribute_definitions[{key, name, schema{$ref}, visibility, version, created_at, updated_at}]}; values
//   per customer at GET /v2/customers/{id}/custom-attributes.
// - ListPayments (GET /v2/payments, PAYMENTS_READ): begin_time / end_time filter on created_at (RFC 3339,
//   begin_time inclusive, default the current time minus one year; end_time default now), updated_at_begin_time /
//   updated_at_end_time on updated_at, sort_field CREATED_AT (default) or UPDATED_AT, sort_order ASC or DESC
//   (default), location_id (default: the seller's main location), limit (default and maximum 100; a larger value
//   is ignored and the default used), cursor -> {payments, cursor}. GetPayment: GET /v2/payments/{id} ->
//   {payment}. A payment has id, created_at, updated_at, amount_money, total_money, approved_money {amount,
//   currency}, status (APPROVED, PENDING, COMPLETED, CANCELED, FAILED), source_type, card_details, location_id,
//   order_id, customer_id, receipt_number, version_token, delay_action.
// - OAuth: POST /oauth2/token (JSON, client_id and client_secret in the body, grant_type authorization_code or
//   refresh_token) -> {access_token, token_type "bearer", expires_at (ISO 8601, 30 days), merchant_id,
//   refresh_token} and no expires_in; with the code flow a refresh returns the same refresh token.
// - Webhooks: x-square-hmacsha256-signature = base64(HMAC-SHA256(signature key, notification URL + raw body));
//   payloads {merchant_id, type, event_id, created_at, data{type, id, object}}. A delivery that is not answered
//   with 2xx is retried with the same event_id (deliveries are at least once; event_id tells duplicates apart).
// Where the documentation is silent or the emulator simplifies:
// - One origin (https://connect.squareup.com and connect.squareupsandbox.com alike); the seller is told by the
//   access token or by its personal access token (the credentials' apiKey). Cursors are opaque offsets.
// - A seller has one location; its payments are card payments, and none is ever deleted. ListPayments sorts ties
//   by id, sorts by CREATED_AT or UPDATED_AT only (OFFLINE_CREATED_AT and the amount and card filters are not
//   served), and answers a time it cannot read with INVALID_TIME (a code chosen from Square's error code list).
//   Which Square-Version first took updated_at_begin_time and sort_field is not checked.
// - Square documents no Retry-After on 429, so none is sent. The 401 body (AUTHENTICATION_ERROR / UNAUTHORIZED)
//   and the OAuth error bodies follow commonly seen answers. end_at is exclusive. Deleted customers disappear
//   from lists and searches (Square reports deletions only by the customer.deleted webhook). The emulator does not
//   check the optimistic-concurrency version of an update, nor that a reused idempotency key carries the same body.
//   The map-size errors of the bulk calls (MISSING_REQUIRED_PARAMETER, TOO_MANY_MAP_ENTRIES) are chosen from
//   Square's error code list.
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

// Square sellers on one loopback port; control API under /_sandbox/ with tenants called "merchants" (a new one gets
// "records" customers and as many payments; touches name "customers" or "payments"); custom fields become customer
// custom attribute definitions.
class SquareEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    explicit SquareEmulator(QObject *parent = nullptr);
    ~SquareEmulator() override;

    SandboxAccountCredentials addMerchant(const QString &name, int customerCount, quint32 seed)
    {
        return addAccount(name, customerCount, seed);
    }
    // Sends customer.updated about the customer, signed for exactly this notification URL.
    bool sendWebhook(const QString &merchant, const QUrl &url, const QString &object, const QString &id) override;
    // The last notification sent, as it went out (payload and headers), e.g. to tamper with in a test.
    const std::optional<WebhookDelivery> &lastWebhook() const { return m_lastWebhook; }
    // Sends the last notification again, unchanged, as Square's retry of an unanswered delivery does.
    bool redeliverLastWebhook();

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &name, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *merchant) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;
    QString tenantCollection() const override { return QStringLiteral("merchants"); }

private:
    HttpServerResponse call(SquareMerchant &merchant, const HttpServerRequest &request, const QDateTime &now) const;
    using RecordJson = std::function<QJsonObject(const SandboxRecord &record)>;
    // One page of records as {name: [...], cursor}; both left out when there is nothing (Square leaves empty
    // arrays out).
    HttpServerResponse page(const QString &name, const std::vector<const SandboxRecord *> &records, int limit,
                            const QString &cursor, const RecordJson &toJson) const;
    HttpServerResponse listPayments(const SquareMerchant &merchant, const QUrlQuery &query, const QDateTime &now) const;
    HttpServerResponse search(const SquareMerchant &merchant, const QJsonObject &body) const;
    HttpServerResponse updateCustomer(SquareMerchant &merchant, const QString &id, const QJsonObject &body,
                                      const QDateTime &now) const;
    // BulkCreateCustomers (create) or BulkUpdateCustomers: one answer per map key.
    HttpServerResponse bulk(SquareMerchant &merchant, const QJsonObject &body, bool create, const QDateTime &now) const;

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    std::optional<WebhookDelivery> m_lastWebhook;
};

} // namespace patchbay::sandbox
