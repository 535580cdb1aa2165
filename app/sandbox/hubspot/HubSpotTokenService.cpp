#include "HubSpotTokenService.h"

#include <QRandomGenerator>
#include <QUuid>

namespace patchbay::sandbox {

namespace {

// Authorization codes are short-lived and single-use; HubSpot does not publish the lifetime, 10 minutes is common.
constexpr int kAuthorizationCodeLifetimeSeconds = 600;

QString uuidFrom(QRandomGenerator &random)
{
    QByteArray bytes(16, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = static_cast<char>(random.bounded(256));
    bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
    return QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
}

// HubSpot access tokens are opaque base64url strings of up to ~300 characters.
QString opaqueToken()
{
    QByteArray bytes(96, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return QStringLiteral("C") +
           QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

HubSpotTokenResult failure(const QString &status, const QString &message, int httpStatus = 400)
{
    HubSpotTokenResult result;
    result.error = HubSpotOAuthError{httpStatus, status, message};
    return result;
}

} // namespace

HubSpotTokenService::Client HubSpotTokenService::registerClient(const QString &portal, qint64 hubId, quint32 seed)
{
    QRandomGenerator random(seed ^ 0x5eedc1e7u);
    Client created{portal, hubId, uuidFrom(random), uuidFrom(random)};
    m_clientsById.insert(created.clientId, created);
    m_clientIdByPortal.insert(portal, created.clientId);
    return created;
}

std::optional<HubSpotTokenService::Client> HubSpotTokenService::client(const QString &portal) const
{
    const auto it = m_clientIdByPortal.constFind(portal);
    if (it == m_clientIdByPortal.cend())
        return std::nullopt;
    return m_clientsById.value(*it);
}

HubSpotTokenGrant HubSpotTokenService::issueAccessToken(const QString &portal, const QString &refreshToken,
                                                        const QDateTime &now)
{
    HubSpotTokenGrant grant{portal, opaqueToken(), refreshToken, m_accessTokenLifetime};
    m_accessTokens.insert(grant.accessToken, AccessToken{portal, now.addSecs(m_accessTokenLifetime)});
    m_latestGrants.insert(portal, grant);
    return grant;
}

HubSpotTokenGrant HubSpotTokenService::issueTokens(const QString &portal, const QDateTime &now)
{
    const QString refreshToken = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_refreshTokens.insert(refreshToken, RefreshToken{portal, false});
    return issueAccessToken(portal, refreshToken, now);
}

std::optional<HubSpotOAuthError> HubSpotTokenService::checkClient(const QString &clientId,
                                                                  const QString &clientSecret) const
{
    const auto it = m_clientsById.constFind(clientId);
    if (it == m_clientsById.cend())
        return HubSpotOAuthError{400, QStringLiteral("BAD_CLIENT_ID"), QStringLiteral("missing or unknown client id")};
    if (it->clientSecret != clientSecret)
        return HubSpotOAuthError{400, QStringLiteral("BAD_CLIENT_SECRET"),
                                 QStringLiteral("missing or invalid client secret")};
    return std::nullopt;
}

HubSpotTokenResult HubSpotTokenService::refresh(const QString &clientId, const QString &clientSecret,
                                                const QString &refreshToken, const QDateTime &now)
{
    if (auto error = checkClient(clientId, clientSecret))
        return HubSpotTokenResult{{}, error};
    const auto it = m_refreshTokens.constFind(refreshToken);
    const QString portal = m_clientsById.value(clientId).portal;
    if (it == m_refreshTokens.cend() || it->revoked || it->portal != portal)
        return failure(QStringLiteral("BAD_REFRESH_TOKEN"), QStringLiteral("missing or invalid refresh token"));
    ++m_refreshCounts[portal];
    return HubSpotTokenResult{issueAccessToken(portal, refreshToken, now), std::nullopt};
}

std::optional<QString> HubSpotTokenService::createAuthorizationCode(const QString &clientId, const QString &redirectUri,
                                                                    const QDateTime &now)
{
    const auto it = m_clientsById.constFind(clientId);
    if (it == m_clientsById.cend())
        return std::nullopt;
    const QString code = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_codes.insert(
        code, AuthorizationCode{it->portal, clientId, redirectUri, now.addSecs(kAuthorizationCodeLifetimeSeconds)});
    return code;
}

HubSpotTokenResult HubSpotTokenService::exchangeCode(const QString &clientId, const QString &clientSecret,
                                                     const QString &code, const QString &redirectUri,
                                                     const QDateTime &now)
{
    if (auto error = checkClient(clientId, clientSecret))
        return HubSpotTokenResult{{}, error};
    const AuthorizationCode stored = m_codes.take(code); // single use, even when the exchange fails below
    if (stored.clientId != clientId || stored.expiresAt < now)
        return failure(QStringLiteral("BAD_AUTH_CODE"), QStringLiteral("missing or unknown auth code"));
    if (stored.redirectUri != redirectUri)
        return failure(QStringLiteral("BAD_REDIRECT_URI"),
                       QStringLiteral("redirect_uri does not match the one used to request the auth code"));
    return HubSpotTokenResult{issueTokens(stored.portal, now), std::nullopt};
}

HubSpotTokenService::AccessCheck HubSpotTokenService::checkAccessToken(const QString &accessToken,
                                                                       const QDateTime &now) const
{
    const auto it = m_accessTokens.constFind(accessToken);
    if (it == m_accessTokens.cend())
        return {};
    if (it->expiresAt <= now)
        return AccessCheck{AccessState::Expired, it->portal, it->expiresAt};
    return AccessCheck{AccessState::Valid, it->portal, it->expiresAt};
}

void HubSpotTokenService::expireAccessTokens(const QString &portal, const QDateTime &now)
{
    for (AccessToken &token : m_accessTokens) {
        if (token.portal == portal && token.expiresAt > now)
            token.expiresAt = now;
    }
}

void HubSpotTokenService::revokeRefreshTokens(const QString &portal)
{
    for (RefreshToken &token : m_refreshTokens) {
        if (token.portal == portal)
            token.revoked = true;
    }
}

std::optional<HubSpotTokenGrant> HubSpotTokenService::latestGrant(const QString &portal) const
{
    const auto it = m_latestGrants.constFind(portal);
    if (it == m_latestGrants.cend())
        return std::nullopt;
    return *it;
}

} // namespace patchbay::sandbox
