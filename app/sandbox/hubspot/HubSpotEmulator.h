#pragma once

#include "HubSpotContactStore.h"
#include "HubSpotRateLimiter.h"
#include "PortalCredentials.h"
#include "common/SandboxEmulator.h"
#include "common/SandboxTenants.h"

#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <optional>

namespace patchbay::sandbox {

class OAuthTokenEndpoint;

// One webhook delivery of the Webhooks API v3: a JSON array with one event about a contact.
struct HubSpotWebhookOptions
{
    QString subscriptionType = QStringLiteral("contact.propertyChange"); // or contact.creation
    QString propertyName = QStringLiteral("phone"); // of a propertyChange; what touchContacts changes
    // Signs with a request timestamp this far in the past; HubSpot tells receivers to refuse older than 5 minutes.
    int timestampAgeSeconds = 0;
};

// A HubSpot emulator on loopback, written from HubSpot's public documentation rather than from our provider
// definition, so tests against it catch a wrong definition. Serves the OAuth token and authorize endpoints and
// the CRM v3 contacts (list, read, create, update, batch create and update) and companies (list, read), their search
// and properties endpoints for any number of portals (a portal is told by its access token), plus the control API
// under /_sandbox/ (SandboxControlApi; tenants are "portals" with optional "companies" counts, custom fields
// "properties"; touch, properties and delete take the object, "contacts" by default; POST
// /_sandbox/portals/{p}/webhooks {"url"[, "event": "contact.propertyChange"|"contact.creation", "id",
// "propertyName", "timestampAgeSeconds"]}; POST /_sandbox/settings {"enforceRateLimits": true} refuses calls beyond
// the portal's limits, see setRateLimitsEnforced).
//
// Webhooks, confirmed in "Validating requests" and the webhooks API guide: the body is a JSON array of events
// {eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber, objectId, changeSource,
// propertyName, propertyValue | changeFlag}; X-HubSpot-Signature-v3 is base64(HMAC-SHA256(app client secret,
// "POST" + full request URI + body + X-HubSpot-Request-Timestamp)), the timestamp in epoch milliseconds; the v1
// signature (X-HubSpot-Signature = hex SHA-256 of client secret + body, X-HubSpot-Signature-Version: v1) is sent as
// well. Chosen: the app is the portal's OAuth client (its secret signs), appId and subscriptionId are stable numbers
// derived from the portal, and the URI is signed decoded, as HubSpot tells receivers to decode it before checking.
class HubSpotEmulator : public SandboxEmulator
{
    Q_OBJECT
public:
    explicit HubSpotEmulator(QObject *parent = nullptr);
    ~HubSpotEmulator() override;

    static constexpr int kContactsPerCompany = 5;

    // Seeds contactCount deterministic contacts and companyCount companies (by default one per kContactsPerCompany
    // contacts; the same seed gives the same records) and issues a first token pair. Adding a portal under an
    // existing name replaces it.
    PortalCredentials addPortal(const QString &portalName, int contactCount, quint32 seed, int companyCount = -1);
    QStringList portalNames() const { return tenantNames(); }
    QStringList tenantNames() const override { return m_portals.names(); }
    // The portal's client and its most recently issued token pair.
    std::optional<PortalCredentials> credentials(const QString &portalName) const;
    const HubSpotContactStore *contactStore(const QString &portalName) const;
    // The store of an object ("contacts", "companies"), or null.
    const HubSpotObjectStore *objectStore(const QString &portalName, const QString &object) const;
    // type is one of HubSpot's property types: string, number, date, datetime, enumeration, bool.
    bool addCustomProperty(const QString &portalName, const QString &name, const QString &label, const QString &type,
                           const QString &object = QStringLiteral("contacts"));

    // Adds X-HubSpot-RateLimit-Daily and -Daily-Remaining, which HubSpot omits for OAuth calls.
    void setDailyLimitHeadersEnabled(bool enabled);
    // Refuses a portal's call beyond 10 a second or 100 in any 10 seconds with HubSpot's 429 (policyName SECONDLY or
    // TEN_SECONDLY_ROLLING), counted on the emulator's clock (setClock). Off by default: a test on the real clock
    // whose engine waits on a fake one would be refused.
    void setRateLimitsEnforced(bool enforced);
    // Every portal's limits (HubSpot's differ by tier and app type); by default 10 a second and 100 per 10 seconds.
    void setRateLimits(int perSecond, int perTenSeconds);

    // Modifies count records of the object now (updatedAt, the last-modified property, phone); returns their ids,
    // ascending.
    QStringList touch(const QString &portalName, const QString &object, int count);
    QStringList touchContacts(const QString &portalName, int count)
    {
        return touch(portalName, QStringLiteral("contacts"), count);
    }
    // Archives the record, as HubSpot's DELETE does.
    bool deleteRecord(const QString &portalName, const QString &object, const QString &id);
    bool deleteContact(const QString &portalName, const QString &contactId)
    {
        return deleteRecord(portalName, QStringLiteral("contacts"), contactId);
    }
    // The next count CRM API calls answer 429 with Retry-After; policyName is SECONDLY, TEN_SECONDLY_ROLLING or DAILY.
    void failNextRequests(int count, int retryAfterSeconds, const QString &policyName = QStringLiteral("SECONDLY"));
    // POSTs a signed Webhooks v3 delivery about the contact to url; false for an unknown portal or contact.
    bool sendWebhook(const QString &portalName, const QUrl &url, const QString &contactId,
                     const HubSpotWebhookOptions &options = {});

protected:
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *portal) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;

    QString tenantCollection() const override { return QStringLiteral("portals"); }
    QString customFieldAction() const override { return QStringLiteral("properties"); }
    QJsonObject tenantJson(const QString &portal) const override;
    QString addTenantFromControl(const QJsonObject &body) override;
    QStringList touchFromControl(const QString &portal, const QJsonObject &body) override;
    bool addCustomFieldFromControl(const QString &portal, const QJsonObject &body) override;
    bool deleteFromControl(const QString &portal, const QString &object, const QString &id) override;
    void applySettings(const QJsonObject &body) override;
    bool sendWebhookFromControl(const QString &portal, const QJsonObject &body) override;

private:
    struct Portal
    {
        qint64 hubId = 0;
        std::unique_ptr<HubSpotContactStore> contacts;
        std::unique_ptr<HubSpotObjectStore> companies;
    };

    HttpServerResponse handleApi(const HttpServerRequest &request, const QDateTime &now, QString *portal);
    HubSpotContactStore *contacts(const QString &portalName) const;
    HubSpotObjectStore *store(const QString &portalName, const QString &object) const;

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    HubSpotRateLimiter m_rateLimiter;
    SandboxTenants<Portal> m_portals;
    qint64 m_nextHubId = 24110001;
    qint64 m_nextEventId = 1001;
};

} // namespace patchbay::sandbox
