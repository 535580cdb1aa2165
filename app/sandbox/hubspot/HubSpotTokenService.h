#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

#include <optional>

namespace patchbay::sandbox {

struct HubSpotTokenGrant
{
    QString portal;
    QString accessToken;
    QString refreshToken;
    int expiresIn = 0;
};

// An error of POST /oauth/v1/token, in that endpoint's {status, message} style.
struct HubSpotOAuthError
{
    int httpStatus = 400;
    QString status; // BAD_REFRESH_TOKEN, BAD_CLIENT_ID, ...
    QString message;
};

struct HubSpotTokenResult
{
    HubSpotTokenGrant grant;
    std::optional<HubSpotOAuthError> error;

    bool ok() const { return !error.has_value(); }
};

// OAuth state of all portals: one app client per portal, access tokens with a wall-clock expiry, refresh tokens
// that do not rotate (HubSpot returns the same refresh token on refresh), single-use authorization codes.
class HubSpotTokenService
{
public:
    struct Client
    {
        QString portal;
        qint64 hubId = 0;
        QString clientId;
        QString clientSecret;
    };

    enum class AccessState { Valid, Expired, Unknown };

    struct AccessCheck
    {
        AccessState state = AccessState::Unknown;
        QString portal;
        QDateTime expiredAt;
    };

    void setAccessTokenLifetime(int seconds) { m_accessTokenLifetime = seconds; }
    int accessTokenLifetime() const { return m_accessTokenLifetime; }

    // Client id and secret are derived from the seed, so a demo keeps its credentials across runs.
    Client registerClient(const QString &portal, qint64 hubId, quint32 seed);
    std::optional<Client> client(const QString &portal) const;
    QString portalOfClient(const QString &clientId) const { return m_clientsById.value(clientId).portal; }

    HubSpotTokenGrant issueTokens(const QString &portal, const QDateTime &now);
    HubSpotTokenResult refresh(const QString &clientId, const QString &clientSecret, const QString &refreshToken,
                               const QDateTime &now);
    // Returns nothing for an unknown client id.
    std::optional<QString> createAuthorizationCode(const QString &clientId, const QString &redirectUri,
                                                   const QDateTime &now);
    HubSpotTokenResult exchangeCode(const QString &clientId, const QString &clientSecret, const QString &code,
                                    const QString &redirectUri, const QDateTime &now);

    AccessCheck checkAccessToken(const QString &accessToken, const QDateTime &now) const;
    void expireAccessTokens(const QString &portal, const QDateTime &now);
    void revokeRefreshTokens(const QString &portal);

    int refreshCount(const QString &portal) const { return m_refreshCounts.value(portal); }
    // The most recently issued pair of a portal (what a demo prints and a control call returns).
    std::optional<HubSpotTokenGrant> latestGrant(const QString &portal) const;

private:
    struct AccessToken
    {
        QString portal;
        QDateTime expiresAt;
    };
    struct RefreshToken
    {
        QString portal;
        bool revoked = false;
    };
    struct AuthorizationCode
    {
        QString portal;
        QString clientId;
        QString redirectUri;
        QDateTime expiresAt;
    };

    std::optional<HubSpotOAuthError> checkClient(const QString &clientId, const QString &clientSecret) const;
    HubSpotTokenGrant issueAccessToken(const QString &portal, const QString &refreshToken, const QDateTime &now);

    QHash<QString, Client> m_clientsById;
    QHash<QString, QString> m_clientIdByPortal;
    QHash<QString, AccessToken> m_accessTokens;
    QHash<QString, RefreshToken> m_refreshTokens;
    QHash<QString, AuthorizationCode> m_codes;
    QHash<QString, int> m_refreshCounts;
    QHash<QString, HubSpotTokenGrant> m_latestGrants;
    int m_accessTokenLifetime = 1800; // HubSpot's documented expires_in
};

} // namespace patchbay::sandbox
