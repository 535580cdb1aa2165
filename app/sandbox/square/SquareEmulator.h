#pragma once

#include "SquareMerchant.h"
#include "common/AccountEmulator.h"

#include <memory>

// A Square Customers API emulator written from Square's public documentation, independently of our provider
// definition.
//
// Confirmed in the documentation (developer.squareup.com: ListCustomers, SearchCustomers, CreateCustomer, Customer
// Custom Attributes API, OAuth API ObtainToken / ObtainTokenResponse, Webhooks: Validate notifications, Handling
// errors, Pagination):
// - GET /v2/customers?limit=1..100&cursor=C -> {customers, cursor}; the cursor is absent on the last page; a limit
//   outside 1..100 answers 400 VALUE_TOO_LOW / VALUE_TOO_HIGH.
// - POST /v2/customers/search {limit, cursor, query{filter{created_at, updated_at: {start_at, end_at}}, sort}}.
// - Errors: {"errors": [{category, code, detail[, field]}]}; throttling answers 429 with category
//   RATE_LIMIT_ERROR and code RATE_LIMITED.
// - CreateCustomer needs at least one of given_name, family_name, company_name, email_address, phone_number.
// - Customer custom fields are custom attribute definitions: GET /v2/customers/custom-attribute-definitions ->
//   {custom_attribute_definitions[{key, name, schema{$ref}, visibility, version, created_at, updated_at}]}; values
//   per customer at GET /v2/customers/{id}/custom-attributes.
// - OAuth: POST /oauth2/token (JSON, client_id and client_secret in the body, grant_type authorization_code or
//   refresh_token) -> {access_token, token_type "bearer", expires_at (ISO 8601, 30 days), merchant_id,
//   refresh_token} and no expires_in; with the code flow a refresh returns the same refresh token.
// - Webhooks: x-square-hmacsha256-signature = base64(HMAC-SHA256(signature key, notification URL + raw body));
//   payloads {merchant_id, type, event_id, created_at, data{type, id, object}}.
// Where the documentation is silent or the emulator simplifies:
// - One origin (https://connect.squareup.com and connect.squareupsandbox.com alike); the seller is told by the
//   access token or by its personal access token (the credentials' apiKey). Cursors are opaque offsets.
// - Square documents no Retry-After on 429, so none is sent. The 401 body (AUTHENTICATION_ERROR / UNAUTHORIZED)
//   and the OAuth error bodies follow commonly seen answers. end_at is exclusive. Deleted customers disappear
//   from lists and searches (Square reports deletions only by the customer.deleted webhook).
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

// Square sellers on one loopback port; control API under /_sandbox/ with tenants called "merchants"; custom fields
// become customer custom attribute definitions.
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

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &name, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *merchant) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;
    QString tenantCollection() const override { return QStringLiteral("merchants"); }

private:
    HttpServerResponse call(SquareMerchant &merchant, const HttpServerRequest &request, const QDateTime &now) const;
    HttpServerResponse page(const SquareMerchant &merchant, std::vector<const SandboxRecord *> customers, int limit,
                            const QString &cursor) const;
    HttpServerResponse search(const SquareMerchant &merchant, const QJsonObject &body) const;

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
};

} // namespace patchbay::sandbox
