#include "OAuthTokenService.h"

#include <QCryptographicHash>

#include <QRandomGenerator>
#include <QUuid>

namespace patchbay::sandbox {

namespace {

QString uuidFrom(QRandomGenerator &random)
{
    QByteArray bytes(16, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = static_cast<char>(random.bounded(256));
    bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
    return QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
}

OAuthResult failure(OAuthFailure reason)
{
    OAuthResult result;
    result.failure = reason;
    return result;
}

} // namespace

OAuthClient OAuthTokenService::registerClient(const QString &tenant, quint32 seed)
{
    QRandomGenerator random(seed ^ 0x5eedc1e7u);
    OAuthClient created{tenant, uuidFrom(random), uuidFrom(random)};
    m_clientsById.insert(created.clientId, created);
    m_clientIdByTenant.insert(tenant, created.clientId);
    return created;
}

std::optional<OAuthClient> OAuthTokenService::client(const QString &tenant) const
{
    const auto it = m_clientIdByTenant.constFind(tenant);
    if (it == m_clientIdByTenant.cend())
        return std::nullopt;
    return m_clientsById.value(*it);
}

QString OAuthTokenService::newAccessToken() const
{
    QByteArray bytes(m_policy.accessTokenBytes, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return m_policy.accessTokenPrefix +
           QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

OAuthGrant OAuthTokenService::issueAccessToken(const QString &tenant, const QString &refreshToken, const QDateTime &now)
{
    OAuthGrant grant{tenant, newAccessToken(), refreshToken, m_policy.accessTokenLifetime, now};
    m_accessTokens.insert(grant.accessToken,
                          AccessToken{tenant, refreshToken, now.addSecs(m_policy.accessTokenLifetime)});
    m_latestGrants.insert(tenant, grant);
    return grant;
}

OAuthGrant OAuthTokenService::issueTokens(const QString &tenant, const QDateTime &now)
{
    const QString refreshToken = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_refreshTokens.insert(refreshToken, RefreshToken{tenant, false});
    return issueAccessToken(tenant, refreshToken, now);
}

std::optional<OAuthFailure> OAuthTokenService::checkClient(const QString &clientId, const QString &clientSecret) const
{
    const auto it = m_clientsById.constFind(clientId);
    if (it == m_clientsById.cend())
        return OAuthFailure::UnknownClient;
    if (it->clientSecret != clientSecret)
        return OAuthFailure::BadClientSecret;
    return std::nullopt;
}

OAuthResult OAuthTokenService::refresh(const QString &clientId, const QString &clientSecret,
                                       const QString &refreshToken, const QDateTime &now)
{
    if (auto error = checkClient(clientId, clientSecret))
        return failure(*error);
    const auto it = m_refreshTokens.find(refreshToken);
    const QString tenant = m_clientsById.value(clientId).tenant;
    if (it == m_refreshTokens.end() || it->revoked || it->tenant != tenant)
        return failure(OAuthFailure::BadRefreshToken);
    ++m_refreshCounts[tenant];
    if (m_policy.refreshRetiresAccessTokens) {
        for (AccessToken &token : m_accessTokens) {
            if (token.refreshToken == refreshToken && token.expiresAt > now)
                token.expiresAt = now;
        }
    }
    if (!m_policy.rotateRefreshTokens)
        return OAuthResult{issueAccessToken(tenant, refreshToken, now), std::nullopt};
    it->revoked = true; // a rotated-out refresh token is refused from now on, as with Atlassian and Zendesk
    return OAuthResult{issueTokens(tenant, now), std::nullopt};
}

std::optional<QString> OAuthTokenService::createAuthorizationCode(const QString &clientId, const QString &redirectUri,
                                                                  const QDateTime &now, const QString &codeChallenge)
{
    const auto it = m_clientsById.constFind(clientId);
    if (it == m_clientsById.cend())
        return std::nullopt;
    const QString code = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_codes.insert(code, AuthorizationCode{it->tenant, clientId, redirectUri,
                                           now.addSecs(m_policy.authorizationCodeLifetime), codeChallenge});
    return code;
}

OAuthResult OAuthTokenService::exchangeCode(const QString &clientId, const QString &clientSecret, const QString &code,
                                            const QString &redirectUri, const QDateTime &now,
                                            const QString &codeVerifier)
{
    if (auto error = checkClient(clientId, clientSecret))
        return failure(*error);
    const AuthorizationCode stored = m_codes.take(code); // single use, even when the exchange fails below
    if (stored.clientId != clientId || stored.expiresAt < now)
        return failure(OAuthFailure::BadAuthorizationCode);
    if (stored.redirectUri != redirectUri)
        return failure(OAuthFailure::RedirectUriMismatch);
    if (!stored.codeChallenge.isEmpty()) {
        // RFC 7636 S256: BASE64URL(SHA256(verifier)) without padding must equal the challenge.
        const QByteArray computed = QCryptographicHash::hash(codeVerifier.toLatin1(), QCryptographicHash::Sha256)
                                        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        if (codeVerifier.isEmpty() || QString::fromLatin1(computed) != stored.codeChallenge)
            return failure(OAuthFailure::BadAuthorizationCode);
    }
    return OAuthResult{issueTokens(stored.tenant, now), std::nullopt};
}

OAuthTokenService::AccessCheck OAuthTokenService::checkAccessToken(const QString &accessToken,
                                                                   const QDateTime &now) const
{
    const auto it = m_accessTokens.constFind(accessToken);
    if (it == m_accessTokens.cend())
        return {};
    if (it->expiresAt <= now)
        return AccessCheck{AccessState::Expired, it->tenant, it->expiresAt};
    return AccessCheck{AccessState::Valid, it->tenant, it->expiresAt};
}

void OAuthTokenService::expireAccessTokens(const QString &tenant, const QDateTime &now)
{
    for (AccessToken &token : m_accessTokens) {
        if (token.tenant == tenant && token.expiresAt > now)
            token.expiresAt = now;
    }
}

void OAuthTokenService::revokeRefreshTokens(const QString &tenant)
{
    for (RefreshToken &token : m_refreshTokens) {
        if (token.tenant == tenant)
            token.revoked = true;
    }
}

std::optional<OAuthGrant> OAuthTokenService::latestGrant(const QString &tenant) const
{
    const auto it = m_latestGrants.constFind(tenant);
    if (it == m_latestGrants.cend())
        return std::nullopt;
    return *it;
}

} // namespace patchbay::sandbox
