#include "OAuthTokenEndpoint.h"

#include "SandboxHttp.h"

#include <QUrlQuery>

namespace patchbay::sandbox {

OAuthTokenEndpoint::OAuthTokenEndpoint(OAuthTokenService &tokens, Style style)
    : m_tokens(tokens), m_style(std::move(style))
{}

HttpServerResponse OAuthTokenEndpoint::standardError(OAuthFailure failure, int invalidGrantStatus)
{
    QString error = QStringLiteral("invalid_grant");
    QString description;
    int status = invalidGrantStatus;
    switch (failure) {
    case OAuthFailure::UnsupportedGrantType:
        error = QStringLiteral("unsupported_grant_type");
        description = QStringLiteral("grant type not supported");
        status = 400;
        break;
    case OAuthFailure::UnknownClient:
    case OAuthFailure::BadClientSecret:
        error = QStringLiteral("invalid_client");
        description = QStringLiteral("invalid client credentials");
        status = 401;
        break;
    case OAuthFailure::BadRefreshToken:
        description = QStringLiteral("expired or revoked refresh token");
        break;
    case OAuthFailure::BadAuthorizationCode:
        description = QStringLiteral("invalid authorization code");
        break;
    case OAuthFailure::RedirectUriMismatch:
        description = QStringLiteral("redirect_uri mismatch");
        break;
    case OAuthFailure::InvalidRedirectUri:
        error = QStringLiteral("invalid_request");
        description = QStringLiteral("missing or invalid redirect_uri");
        status = 400;
        break;
    }
    return SandboxHttp::json({{QStringLiteral("error"), error}, {QStringLiteral("error_description"), description}},
                             status);
}

HttpServerResponse OAuthTokenEndpoint::fail(OAuthFailure failure) const
{
    return m_style.failure ? m_style.failure(failure) : standardError(failure, m_style.invalidGrantStatus);
}

HttpServerResponse OAuthTokenEndpoint::token(const HttpServerRequest &request, const QDateTime &now,
                                             QString *tenant) const
{
    const QUrlQuery body = SandboxHttp::formOrJsonBody(request);
    const QUrlQuery query = request.query();
    const auto param = [&](const char *name) {
        const QString key = QLatin1String(name);
        if (body.hasQueryItem(key) || !m_style.acceptQueryParameters)
            return body.queryItemValue(key, QUrl::FullyDecoded);
        return query.queryItemValue(key, QUrl::FullyDecoded);
    };
    QString clientId = param("client_id");
    QString clientSecret = param("client_secret");
    const auto basic = SandboxHttp::basicCredentials(request);
    const OAuthPolicy::ClientAuth clientAuth = m_tokens.policy().clientAuth;
    if (basic && clientAuth != OAuthPolicy::ClientAuth::Body) {
        clientId = basic->user;
        clientSecret = basic->password;
    } else if (clientAuth == OAuthPolicy::ClientAuth::BasicHeader) {
        clientSecret.clear(); // the secret must come in the header, so a body secret does not authenticate
    }
    // Attributed by client, so the request log shows failed refreshes under their tenant too.
    *tenant = m_tokens.tenantOfClient(clientId);

    const QString grantType = param("grant_type");
    OAuthResult result;
    if (grantType == QLatin1String("refresh_token")) {
        result = m_tokens.refresh(clientId, clientSecret, param("refresh_token"), now);
    } else if (grantType == QLatin1String("authorization_code")) {
        const QString redirectUri = QUrl(param("redirect_uri")).toString(QUrl::FullyEncoded);
        result = m_tokens.exchangeCode(clientId, clientSecret, param("code"), redirectUri, now, param("code_verifier"));
    } else if (grantType == QLatin1String("client_credentials") && m_tokens.policy().clientCredentialsGrant) {
        result.failure = m_tokens.checkClient(clientId, clientSecret);
        if (!result.failure)
            result.grant = m_tokens.issueTokens(*tenant, now);
    } else if (grantType == QLatin1String("password") && m_style.passwordGrant) {
        result = passwordGrant(clientId, clientSecret, param("username"), param("password"), now);
    } else {
        return fail(OAuthFailure::UnsupportedGrantType);
    }
    if (!result.ok())
        return fail(*result.failure);

    const OAuthPolicy &policy = m_tokens.policy();
    QJsonObject json{{QStringLiteral("access_token"), result.grant.accessToken},
                     {QStringLiteral("refresh_token"), result.grant.refreshToken},
                     {QStringLiteral("token_type"), policy.tokenType}};
    if ((grantType == QLatin1String("refresh_token") && !policy.rotateRefreshTokens &&
         !policy.refreshReturnsRefreshToken) ||
        grantType == QLatin1String("client_credentials") // RFC 6749 4.4.3: no refresh token
        || (grantType == QLatin1String("authorization_code") && !policy.codeGrantReturnsRefreshToken))
        json.remove(QStringLiteral("refresh_token"));
    if (!policy.grantedScope.isEmpty())
        json.insert(QStringLiteral("scope"), policy.grantedScope);
    if (policy.sendExpiresIn)
        json.insert(QStringLiteral("expires_in"), result.grant.expiresIn);
    if (m_style.decorateGrant)
        m_style.decorateGrant(result.grant, json);
    return SandboxHttp::json(json);
}

OAuthResult OAuthTokenEndpoint::passwordGrant(const QString &clientId, const QString &clientSecret, const QString &user,
                                              const QString &password, const QDateTime &now) const
{
    OAuthResult result;
    result.failure = m_tokens.checkClient(clientId, clientSecret);
    const QString tenant = m_tokens.tenantOfClient(clientId);
    if (!result.failure && !m_style.passwordGrant(tenant, user, password))
        result.failure = OAuthFailure::BadAuthorizationCode;
    if (!result.failure)
        result.grant = m_tokens.issueTokens(tenant, now);
    return result;
}

HttpServerResponse OAuthTokenEndpoint::authorize(const HttpServerRequest &request, const QDateTime &now,
                                                 QString *tenant) const
{
    const QUrlQuery query = request.query();
    const QString clientId = query.queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded);
    const QUrl redirectUri(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    if (!redirectUri.isValid() || redirectUri.scheme().isEmpty())
        return fail(OAuthFailure::InvalidRedirectUri);
    const QString challenge = query.queryItemValue(QStringLiteral("code_challenge"), QUrl::FullyDecoded);
    const QString method = query.queryItemValue(QStringLiteral("code_challenge_method"));
    if (!challenge.isEmpty() && method != QLatin1String("S256"))
        return fail(OAuthFailure::UnsupportedGrantType); // only S256 is offered, as most providers do
    const auto code = m_tokens.createAuthorizationCode(clientId, redirectUri.toString(QUrl::FullyEncoded), now, challenge);
    if (!code)
        return fail(OAuthFailure::UnknownClient);
    *tenant = m_tokens.tenantOfClient(clientId);

    QUrl location = redirectUri;
    QUrlQuery redirectQuery(location);
    redirectQuery.addQueryItem(QStringLiteral("code"), *code);
    if (query.hasQueryItem(QStringLiteral("state")))
        redirectQuery.addQueryItem(QStringLiteral("state"), query.queryItemValue(QStringLiteral("state")));
    if (!m_tokens.policy().issuer.isEmpty())
        redirectQuery.addQueryItem(QStringLiteral("iss"),
                                   QString::fromLatin1(QUrl::toPercentEncoding(m_tokens.policy().issuer)));
    location.setQuery(redirectQuery);
    HttpServerResponse response;
    response.status = 302;
    response.withHeader("Location", location.toEncoded());
    return response;
}

} // namespace patchbay::sandbox
