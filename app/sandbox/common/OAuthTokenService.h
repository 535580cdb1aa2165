#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

#include <optional>

namespace patchbay::sandbox {

// How a provider's OAuth 2.0 server behaves where providers differ.
struct OAuthPolicy
{
    enum class ClientAuth { Body, BasicHeader, BodyOrBasicHeader };

    int accessTokenLifetime = 3600;          // seconds; enforced whether or not expires_in is sent
    bool sendExpiresIn = true;               // Salesforce sends none: the session lifetime is an org setting
    bool rotateRefreshTokens = false;        // a refresh returns a new refresh token and retires the one sent
    bool refreshRetiresAccessTokens = false; // Zendesk deletes the previous access token on refresh
    bool refreshReturnsRefreshToken = true;  // Salesforce answers a refresh without one unless it rotates
    ClientAuth clientAuth = ClientAuth::BodyOrBasicHeader;
    QString tokenType = QStringLiteral("bearer");
    QString accessTokenPrefix; // shape only: HubSpot "C", Salesforce "00D...!", ...
    int accessTokenBytes = 48;
    int authorizationCodeLifetime = 600; // rarely published; 10 minutes is common
    bool clientCredentialsGrant = false;  // app-only tokens for the client id and secret, without a refresh token
    // Servers that drop offline access unless the person is asked again (prompt=consent) answer a code without one.
    bool codeGrantReturnsRefreshToken = true;
    QString grantedScope; // when set, the token response's scope: a grant narrower than the one asked for
    QString issuer;       // when set, the authorize redirect names it in iss (RFC 9207)
};

// Why a token or authorize request failed; each provider words these its own way.
enum class OAuthFailure {
    UnsupportedGrantType,
    UnknownClient,
    BadClientSecret,
    BadRefreshToken,
    BadAuthorizationCode,
    RedirectUriMismatch, // the code was requested for another redirect_uri
    InvalidRedirectUri,  // authorize was called without a usable redirect_uri
};

struct OAuthClient
{
    QString tenant;
    QString clientId;
    QString clientSecret;
};

struct OAuthGrant
{
    QString tenant;
    QString accessToken;
    QString refreshToken;
    int expiresIn = 0;
    QDateTime issuedAt;
};

// What a tenant's connection needs: its client and the most recent token pair.
struct OAuthCredentials
{
    QString clientId;
    QString clientSecret;
    QString accessToken;
    QString refreshToken;
    int expiresIn = 0;
};

struct OAuthResult
{
    OAuthGrant grant;
    std::optional<OAuthFailure> failure;

    bool ok() const { return !failure.has_value(); }
};

// OAuth 2.0 state of every tenant of one emulator: one client per tenant, access tokens with a wall-clock expiry,
// refresh tokens that rotate or not, single-use authorization codes.
class OAuthTokenService
{
public:
    enum class AccessState { Valid, Expired, Unknown };

    struct AccessCheck
    {
        AccessState state = AccessState::Unknown;
        QString tenant;
        QDateTime expiredAt;
    };

    OAuthPolicy &policy() { return m_policy; }
    const OAuthPolicy &policy() const { return m_policy; }

    // Client id and secret are derived from the seed, so a demo keeps its credentials across runs.
    OAuthClient registerClient(const QString &tenant, quint32 seed);
    std::optional<OAuthClient> client(const QString &tenant) const;
    QString tenantOfClient(const QString &clientId) const { return m_clientsById.value(clientId).tenant; }
    std::optional<OAuthFailure> checkClient(const QString &clientId, const QString &clientSecret) const;

    OAuthGrant issueTokens(const QString &tenant, const QDateTime &now);
    OAuthResult refresh(const QString &clientId, const QString &clientSecret, const QString &refreshToken,
                        const QDateTime &now);
    // Returns nothing for an unknown client id.
    // codeChallenge: PKCE (RFC 7636, S256); the exchange must then bring the verifier.
    std::optional<QString> createAuthorizationCode(const QString &clientId, const QString &redirectUri,
                                                   const QDateTime &now, const QString &codeChallenge = {});
    OAuthResult exchangeCode(const QString &clientId, const QString &clientSecret, const QString &code,
                             const QString &redirectUri, const QDateTime &now, const QString &codeVerifier = {});

    AccessCheck checkAccessToken(const QString &accessToken, const QDateTime &now) const;
    void expireAccessTokens(const QString &tenant, const QDateTime &now);
    void revokeRefreshTokens(const QString &tenant);

    int refreshCount(const QString &tenant) const { return m_refreshCounts.value(tenant); }
    // The most recently issued pair of a tenant (what a demo prints and a control call returns).
    std::optional<OAuthGrant> latestGrant(const QString &tenant) const;

private:
    struct AccessToken
    {
        QString tenant;
        QString refreshToken; // the grant it belongs to, so a rotating refresh can retire it
        QDateTime expiresAt;
    };
    struct RefreshToken
    {
        QString tenant;
        bool revoked = false;
    };
    struct AuthorizationCode
    {
        QString tenant;
        QString clientId;
        QString redirectUri;
        QDateTime expiresAt;
        QString codeChallenge;
    };

    OAuthGrant issueAccessToken(const QString &tenant, const QString &refreshToken, const QDateTime &now);
    QString newAccessToken() const;

    OAuthPolicy m_policy;
    QHash<QString, OAuthClient> m_clientsById;
    QHash<QString, QString> m_clientIdByTenant;
    QHash<QString, AccessToken> m_accessTokens;
    QHash<QString, RefreshToken> m_refreshTokens;
    QHash<QString, AuthorizationCode> m_codes;
    QHash<QString, int> m_refreshCounts;
    QHash<QString, OAuthGrant> m_latestGrants;
};

} // namespace patchbay::sandbox
