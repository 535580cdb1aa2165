#pragma once

#include "HubSpotContactStore.h"
#include "HubSpotRateLimiter.h"
#include "HubSpotTokenService.h"
#include "RequestLogEntry.h"
#include "server/HttpService.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <map>
#include <memory>
#include <optional>

namespace patchbay::sandbox {

class HubSpotControlApi;

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
// access token), plus a control API under /_sandbox/ for tests and demos that run it as a separate process.
class HubSpotEmulator : public QObject
{
    Q_OBJECT
public:
    explicit HubSpotEmulator(QObject *parent = nullptr);
    ~HubSpotEmulator() override;

    // Returns the bound port, or 0 when the address could not be bound.
    quint16 listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QUrl baseUrl() const;

    // Seeds contactCount deterministic contacts (same seed, same contacts) and issues a first token pair.
    // Adding a portal under an existing name replaces it.
    PortalCredentials addPortal(const QString &portalName, int contactCount, quint32 seed);
    QStringList portalNames() const;
    // The portal's client and its most recently issued token pair.
    std::optional<PortalCredentials> credentials(const QString &portalName) const;
    const HubSpotContactStore *contactStore(const QString &portalName) const;
    // type is one of HubSpot's property types: string, number, date, datetime, enumeration, bool.
    bool addCustomProperty(const QString &portalName, const QString &name, const QString &label, const QString &type);

    // Lifetime of access tokens issued from now on, in seconds (HubSpot: 1800).
    void setAccessTokenLifetime(int seconds);
    int accessTokenLifetime() const;
    // Adds X-HubSpot-RateLimit-Daily and -Daily-Remaining, which HubSpot omits for OAuth calls.
    void setDailyLimitHeadersEnabled(bool enabled);

    bool expireAccessTokens(const QString &portalName);
    // Revokes every refresh token of the portal, as when the user uninstalls the app.
    bool revokeRefreshToken(const QString &portalName);
    // Modifies count contacts now (updatedAt, lastmodifieddate, phone); returns their ids, ascending.
    QStringList touchContacts(const QString &portalName, int count);
    // Archives the contact, as HubSpot's DELETE does.
    bool deleteContact(const QString &portalName, const QString &contactId);
    // The next count CRM API calls answer 429 with Retry-After; policyName is SECONDLY, TEN_SECONDLY_ROLLING or DAILY.
    void failNextRequests(int count, int retryAfterSeconds, const QString &policyName = QStringLiteral("SECONDLY"));

    int tokenRefreshCount(const QString &portalName) const;
    // CRM API calls received, whatever their answer (token and control calls are not API calls).
    int apiRequestCount() const { return m_apiRequestCount; }
    // Every OAuth and CRM call in arrival order; control calls under /_sandbox/ are left out.
    QList<RequestLogEntry> requestLog() const { return m_requestLog; }
    void clearRequestLog();

Q_SIGNALS:
    void requestHandled(const patchbay::sandbox::RequestLogEntry &entry);

private:
    struct Portal
    {
        qint64 hubId = 0;
        std::unique_ptr<HubSpotContactStore> store;
    };

    HttpServerResponse handle(const HttpServerRequest &request);
    HttpServerResponse handleApi(const HttpServerRequest &request, const QDateTime &now, QString *portal);
    HubSpotContactStore *store(const QString &portalName) const;

    std::unique_ptr<HttpService> m_http;
    std::unique_ptr<HubSpotControlApi> m_control;
    HubSpotTokenService m_tokens;
    HubSpotRateLimiter m_rateLimiter;
    std::map<QString, Portal> m_portals; // ordered, so listings are stable
    QList<RequestLogEntry> m_requestLog;
    int m_apiRequestCount = 0;
    qint64 m_nextHubId = 24110001;
};

} // namespace patchbay::sandbox
