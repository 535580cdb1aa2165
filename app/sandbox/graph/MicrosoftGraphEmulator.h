#pragma once

#include "GraphMailbox.h"
#include "GraphSubscriptions.h"
#include "common/AccountEmulator.h"

#include <memory>

// A Microsoft Graph (Outlook mail and calendar) emulator written from Microsoft's public documentation,
// independently of our provider definition.
//
// Confirmed in the documentation (learn.microsoft.com/graph: Paging, Use delta query, Get incremental changes to
// messages in a folder, message: delta, event: delta, calendarView delta, Microsoft Graph error responses,
// Throttling, Set up notifications for changes in resource data (Receive change notifications through webhooks),
// subscription resource, changeNotification, schemaExtension; Microsoft identity platform OAuth 2.0 authorization
// code flow; devblogs.microsoft.com on delta token lifetime):
// - Collections page with $top; @odata.nextLink is present on every page but the last and is followed as is.
// - Delta: GET .../mailFolders/{id}/messages/delta, /me/events/delta, /me/calendarView/delta (startDateTime and
//   endDateTime on the first call). @odata.nextLink ($skiptoken) continues a round, the last page has only
//   @odata.deltaLink ($deltatoken) for the next round; removed items come as {id, "@removed": {"reason"}}; a page
//   never has both links; Prefer: odata.maxpagesize sets the page size. A stale or unknown token fails with
//   syncStateNotFound and a full resync is needed.
// - Errors: {"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}; throttling
//   answers 429 with Retry-After.
// - Token endpoint https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token (authorization_code and
//   refresh_token grants, form body) -> {token_type "Bearer", scope, expires_in, ext_expires_in, access_token,
//   refresh_token}; errors {error, error_description, error_codes, timestamp, trace_id, correlation_id}.
// - POST /v1.0/subscriptions {changeType, notificationUrl, resource, expirationDateTime, clientState}: Graph first
//   POSTs {notificationUrl}?validationToken=... and the endpoint must answer 200 with the token as text/plain within
//   10 seconds, else 400 "Subscription validation request failed. Notification endpoint must respond with 200 OK
//   to validation request."; notifications {value: [{subscriptionId, subscriptionExpirationDateTime, changeType,
//   resource, resourceData, clientState, tenantId}]} carry the clientState given.
// - Schema extensions (GET /v1.0/schemaExtensions and /schemaExtensions/{id}: id, targetTypes such as Message and
//   Event, properties [{name, type}]) are Graph's per-tenant custom fields; values appear on items under the
//   extension id.
// - Events: POST /me/events answers 201 with the event, PATCH /me/events/{id} 200 with it; GET of an item that is
//   gone answers 404 ErrorItemNotFound.
// - JSON batching: POST /v1.0/$batch {requests: [{id, method, url, headers, body}]}, at most 20, a request with a
//   body needs its Content-Type header; 200 {responses: [{id, status, headers, body}]}, in any order, each request
//   succeeding or failing on its own.
// - changeNotification: changeType created, updated or deleted; id ("unique ID for the notification") is optional.
// Where the documentation is silent or the emulator simplifies:
// - The emulator serves both hosts on its own origin: /{tenant}/oauth2/v2.0/token and /authorize (any tenant
//   segment; the client id tells the tenant) and /v1.0/... (the access token tells the tenant). An origin
//   override maps https://login.microsoftonline.com and https://graph.microsoft.com to the base URL.
// - The stale-token answer is 410 Gone with code syncStateNotFound (the identity blog shows 400 for directory
//   resources); tokens go stale only through invalidateDeltaTokens() or POST
//   /_sandbox/mailboxes/{t}/invalidate-delta-tokens. Default page size 10. Each tenant has one user ("me").
// - Notification URLs may be http (Graph requires https); the subscription lifetime limit is taken as 10,080
//   minutes. The event validation error code (ErrorInvalidRequest) and the 401 body are commonly seen answers.
//   Times are read as UTC whatever their timeZone. Batch responses come last request first (the order is Graph's
//   to choose); requests inside a batch are not throttled. Notifications always carry an id and say updated or
//   deleted (never created); a re-delivery repeats the notification unchanged.
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

// Microsoft 365 tenants on one loopback port; control API under /_sandbox/ with tenants called "mailboxes";
// objects messages and events; custom fields become schema extension properties.
class MicrosoftGraphEmulator : public AccountEmulator
{
    Q_OBJECT
public:
    explicit MicrosoftGraphEmulator(QObject *parent = nullptr);
    ~MicrosoftGraphEmulator() override;

    SandboxAccountCredentials addMailbox(const QString &tenant, int itemCount, quint32 seed)
    {
        return addAccount(tenant, itemCount, seed);
    }
    // Every delta token issued so far answers syncStateNotFound from now on.
    bool invalidateDeltaTokens(const QString &tenant);
    QList<GraphSubscriptions::Subscription> subscriptions(const QString &tenant) const
    {
        return m_subscriptions.subscriptions(tenant);
    }
    // Notifies the tenant's subscriptions on object (those at url, when url is valid) that the item changed or was
    // deleted (as it is now), when they asked for that change type (updated or deleted).
    bool sendWebhook(const QString &tenant, const QUrl &url, const QString &object, const QString &id) override;
    // Sends the last notifications again, unchanged, as Graph does when an endpoint did not acknowledge them.
    bool redeliverLastWebhook();

protected:
    std::unique_ptr<SandboxAccount> createAccount(const QString &tenant, quint32 seed) const override;
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *tenant) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;
    QString tenantCollection() const override { return QStringLiteral("mailboxes"); }
    std::optional<HttpServerResponse> tenantActionFromControl(const QString &tenant, const QString &action,
                                                              const QJsonObject &body) override;

private:
    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    GraphSubscriptions m_subscriptions;
    QList<WebhookDelivery> m_lastDeliveries;
};

} // namespace patchbay::sandbox
