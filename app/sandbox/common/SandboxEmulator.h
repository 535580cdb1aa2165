#pragma once

#include "FailureInjector.h"
#include "OAuthTokenService.h"
#include "RequestLog.h"
#include "WebhookSender.h"
#include "server/HttpService.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <optional>

namespace patchbay {
class Clock;
}

namespace patchbay::sandbox {

class SandboxControlApi;

// What every provider emulator shares: a loopback HTTP server, OAuth token state, failure injection, the request
// log, webhook delivery and the control API under /_sandbox/ (see SandboxControlApi). A provider subclass serves
// its own endpoints in route() and answers the control API's provider-specific calls.
class SandboxEmulator : public QObject
{
    Q_OBJECT
public:
    ~SandboxEmulator() override;

    // Returns the bound port, or 0 when the address could not be bound.
    quint16 listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QUrl baseUrl() const;

    // The emulator's own time (token expiry, rate-limit windows, timestamps); the system clock unless a test gives
    // it the clock the engine sleeps on, so that waiting out a window takes no real time. The clock must outlive
    // the emulator or be reset to null.
    void setClock(const Clock *clock) { m_clock = clock; }

    // Seeds a tenant with recordCount records of the provider's main object, as the control API's POST does, and
    // returns its summary.
    QJsonObject addTenant(const QString &name, int recordCount, quint32 seed);
    // Credentials, record counts and counters of a tenant, as GET /_sandbox/{tenants}/{t} shows them.
    QJsonObject tenantSummary(const QString &tenant) const { return tenantJson(tenant); }
    virtual QStringList tenantNames() const = 0;
    bool hasTenant(const QString &tenant) const { return tenantNames().contains(tenant); }

    // Whether the token endpoint grants app-only tokens for a client id and secret (client_credentials).
    void setClientCredentialsGrantEnabled(bool enabled) { m_tokens.policy().clientCredentialsGrant = enabled; }
    // How the authorization server answers a code: without a refresh token (offline access dropped, as servers do
    // unless asked with prompt=consent), with a narrower scope than asked for (empty: as asked), and with an iss
    // parameter on the authorize redirect (RFC 9207; empty: none).
    void setCodeGrantReturnsRefreshToken(bool enabled) { m_tokens.policy().codeGrantReturnsRefreshToken = enabled; }
    void setGrantedScope(const QString &scope) { m_tokens.policy().grantedScope = scope; }
    void setAuthorizationIssuer(const QString &issuer) { m_tokens.policy().issuer = issuer; }
    QString authorizationIssuer() const { return m_tokens.policy().issuer; }

    // Lifetime of access tokens issued from now on, in seconds.
    void setAccessTokenLifetime(int seconds);
    int accessTokenLifetime() const;
    bool expireAccessTokens(const QString &tenant);
    // Revokes every refresh token of the tenant, as when the user uninstalls the app.
    bool revokeRefreshToken(const QString &tenant);
    int tokenRefreshCount(const QString &tenant) const;

    // The next count API calls get the provider's own rate-limit answer, asking to retry after retryAfterSeconds.
    void failNextRequests(int count, int retryAfterSeconds);
    // The next count API calls answer status with these headers and body (a 503 with Retry-After, a 500, ...).
    void failNextRequestsWithStatus(int count, int status, const QList<QPair<QByteArray, QByteArray>> &headers = {},
                                    const QByteArray &body = {});

    // API calls received, whatever their answer (token and control calls are not API calls).
    int apiRequestCount() const { return m_apiRequestCount; }
    // Every provider call in arrival order; control calls under /_sandbox/ are left out.
    QList<RequestLogEntry> requestLog() const { return m_requestLog.entries(); }
    void clearRequestLog();
    WebhookSender &webhookSender() { return m_webhooks; }

Q_SIGNALS:
    void requestHandled(const patchbay::sandbox::RequestLogEntry &entry);

protected:
    explicit SandboxEmulator(QObject *parent = nullptr);

    // Answers a provider request; sets tenant when the request could be tied to one.
    virtual HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *tenant) = 0;
    // The provider's rate-limit answer; options come from a control call (HubSpot's policyName, ...).
    virtual HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const = 0;

    // The control API's provider-specific parts. Bodies are the control call's JSON.
    virtual QString tenantCollection() const { return QStringLiteral("tenants"); }
    virtual QString customFieldAction() const { return QStringLiteral("fields"); }
    virtual QJsonObject tenantJson(const QString &tenant) const = 0;
    // Returns the new tenant's name, or empty when the body is not usable.
    virtual QString addTenantFromControl(const QJsonObject &body) = 0;
    virtual QStringList touchFromControl(const QString &tenant, const QJsonObject &body) = 0;
    virtual bool addCustomFieldFromControl(const QString &tenant, const QJsonObject &body) = 0;
    virtual bool deleteFromControl(const QString &tenant, const QString &object, const QString &id) = 0;
    virtual bool sendWebhookFromControl(const QString &tenant, const QJsonObject &body);
    virtual void applySettings(const QJsonObject &body);
    // A provider's own POST /_sandbox/{tenants}/{t}/{action} (Graph: invalidate-delta-tokens); nothing when the
    // action is not the provider's.
    virtual std::optional<HttpServerResponse> tenantActionFromControl(const QString &tenant, const QString &action,
                                                                      const QJsonObject &body);

    // Registers the tenant's OAuth client (derived from the seed) and issues its first token pair.
    void issueFirstTokens(const QString &tenant, quint32 seed);
    // The tenant's client and its most recently issued token pair.
    std::optional<OAuthCredentials> oauthCredentials(const QString &tenant) const;
    void countApiRequest() { ++m_apiRequestCount; }
    std::optional<HttpServerResponse> takeInjectedFailure() { return m_failures.take(); }
    void injectRateLimit(int count, int retryAfterSeconds, const QJsonObject &options);
    OAuthTokenService &tokens() { return m_tokens; }
    const OAuthTokenService &tokens() const { return m_tokens; }
    QDateTime now() const;

private:
    friend class SandboxControlApi;

    HttpServerResponse handle(const HttpServerRequest &request);

    std::unique_ptr<HttpService> m_http;
    std::unique_ptr<SandboxControlApi> m_control;
    OAuthTokenService m_tokens;
    FailureInjector m_failures;
    RequestLog m_requestLog;
    WebhookSender m_webhooks;
    int m_apiRequestCount = 0;
    const Clock *m_clock = nullptr;
};

} // namespace patchbay::sandbox
