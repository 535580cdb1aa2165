#pragma once

#include "HubSpotContactStore.h"
#include "HubSpotRateLimiter.h"
#include "common/SandboxEmulator.h"
#include "common/SandboxTenants.h"

#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <optional>

namespace patchbay::sandbox {

class OAuthTokenEndpoint;

struct PortalCredentials
{
    QString portalName;
    qint64 hubId = 0;
    QString clientId;
    QString clientSecret;
    QString accessToken;
    QString refreshToken;
    int expiresIn = 0;
};

// A HubSpot emulator on loopback, written from HubSpot's public documentation rather than from our provider
// definition, so tests against it catch a wrong definition. Serves the OAuth token and authorize endpoints and
// the CRM v3 contacts, search and properties endpoints for any number of portals (a portal is told by its
// access token), plus the control API under /_sandbox/ (SandboxControlApi; tenants are "portals", custom
// fields "properties").
class HubSpotEmulator : public SandboxEmulator
{
    Q_OBJECT
public:
    explicit HubSpotEmulator(QObject *parent = nullptr);
    ~HubSpotEmulator() override;

    // Seeds contactCount deterministic contacts (same seed, same contacts) and issues a first token pair.
    // Adding a portal under an existing name replaces it.
    PortalCredentials addPortal(const QString &portalName, int contactCount, quint32 seed);
    QStringList portalNames() const { return tenantNames(); }
    QStringList tenantNames() const override { return m_portals.names(); }
    // The portal's client and its most recently issued token pair.
    std::optional<PortalCredentials> credentials(const QString &portalName) const;
    const HubSpotContactStore *contactStore(const QString &portalName) const;
    // type is one of HubSpot's property types: string, number, date, datetime, enumeration, bool.
    bool addCustomProperty(const QString &portalName, const QString &name, const QString &label, const QString &type);

    // Adds X-HubSpot-RateLimit-Daily and -Daily-Remaining, which HubSpot omits for OAuth calls.
    void setDailyLimitHeadersEnabled(bool enabled);

    // Modifies count contacts now (updatedAt, lastmodifieddate, phone); returns their ids, ascending.
    QStringList touchContacts(const QString &portalName, int count);
    // Archives the contact, as HubSpot's DELETE does.
    bool deleteContact(const QString &portalName, const QString &contactId);
    // The next count CRM API calls answer 429 with Retry-After; policyName is SECONDLY, TEN_SECONDLY_ROLLING or DAILY.
    void failNextRequests(int count, int retryAfterSeconds, const QString &policyName = QStringLiteral("SECONDLY"));

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

private:
    struct Portal
    {
        qint64 hubId = 0;
        std::unique_ptr<HubSpotContactStore> store;
    };

    HttpServerResponse handleApi(const HttpServerRequest &request, const QDateTime &now, QString *portal);
    HubSpotContactStore *store(const QString &portalName) const;

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    HubSpotRateLimiter m_rateLimiter;
    SandboxTenants<Portal> m_portals;
    qint64 m_nextHubId = 24110001;
};

} // namespace patchbay::sandbox
