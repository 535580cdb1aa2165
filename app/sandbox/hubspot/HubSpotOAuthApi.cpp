#include "HubSpotOAuthApi.h"

#include "HubSpotResponses.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace patchbay::sandbox {

namespace {

// Form bodies encode spaces as '+', which QUrlQuery does not decode.
QUrlQuery formBody(const QByteArray &body)
{
    QByteArray normalized = body;
    normalized.replace('+', "%20");
    return QUrlQuery(QString::fromLatin1(normalized));
}

HttpServerResponse grantResponse(const HubSpotTokenResult &result, const HubSpotTokenService &tokens)
{
    if (!result.ok())
        return HubSpotResponses::oauthError(result.error->httpStatus, result.error->status, result.error->message);
    const auto client = tokens.client(result.grant.portal);
    return HubSpotResponses::json({{QStringLiteral("token_type"), QStringLiteral("bearer")},
                                   {QStringLiteral("refresh_token"), result.grant.refreshToken},
                                   {QStringLiteral("access_token"), result.grant.accessToken},
                                   {QStringLiteral("expires_in"), result.grant.expiresIn},
                                   {QStringLiteral("hub_id"), client ? client->hubId : 0}});
}

} // namespace

HubSpotOAuthApi::HubSpotOAuthApi(HubSpotTokenService &tokens) : m_tokens(tokens) {}

HttpServerResponse HubSpotOAuthApi::token(const HttpServerRequest &request, const QDateTime &now, QString *portal)
{
    if (request.method != "POST")
        return HubSpotResponses::oauthError(405, QStringLiteral("METHOD_NOT_ALLOWED"),
                                            QStringLiteral("use POST with an x-www-form-urlencoded body"));
    // v1 read parameters from the query string as well as the body (HubSpot's v3 OAuth guide says so).
    const QUrlQuery body = formBody(request.body);
    const QUrlQuery query = request.query();
    const auto param = [&](const char *name) {
        const QString key = QLatin1String(name);
        return body.hasQueryItem(key) ? body.queryItemValue(key, QUrl::FullyDecoded)
                                      : query.queryItemValue(key, QUrl::FullyDecoded);
    };
    const QString grantType = param("grant_type");
    const QString clientId = param("client_id");
    // Attributed by client, so the request log shows failed refreshes under their portal too.
    *portal = m_tokens.portalOfClient(clientId);
    HubSpotTokenResult result;
    if (grantType == QLatin1String("refresh_token")) {
        result = m_tokens.refresh(clientId, param("client_secret"), param("refresh_token"), now);
    } else if (grantType == QLatin1String("authorization_code")) {
        const QString redirectUri = QUrl(param("redirect_uri")).toString(QUrl::FullyEncoded);
        result = m_tokens.exchangeCode(clientId, param("client_secret"), param("code"), redirectUri, now);
    } else {
        return HubSpotResponses::oauthError(400, QStringLiteral("BAD_GRANT_TYPE"),
                                            QStringLiteral("missing or unsupported grant_type"));
    }
    return grantResponse(result, m_tokens);
}

HttpServerResponse HubSpotOAuthApi::authorize(const HttpServerRequest &request, const QDateTime &now, QString *portal)
{
    const QUrlQuery query = request.query();
    const QString clientId = query.queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded);
    const QUrl redirectUri(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    if (!redirectUri.isValid() || redirectUri.scheme().isEmpty())
        return HubSpotResponses::oauthError(400, QStringLiteral("BAD_REDIRECT_URI"),
                                            QStringLiteral("missing or invalid redirect_uri"));
    const auto code = m_tokens.createAuthorizationCode(clientId, redirectUri.toString(QUrl::FullyEncoded), now);
    if (!code)
        return HubSpotResponses::oauthError(400, QStringLiteral("BAD_CLIENT_ID"),
                                            QStringLiteral("missing or unknown client id"));
    *portal = m_tokens.portalOfClient(clientId);

    QUrl location = redirectUri;
    QUrlQuery redirectQuery(location);
    redirectQuery.addQueryItem(QStringLiteral("code"), *code);
    if (query.hasQueryItem(QStringLiteral("state")))
        redirectQuery.addQueryItem(QStringLiteral("state"), query.queryItemValue(QStringLiteral("state")));
    location.setQuery(redirectQuery);
    HttpServerResponse response;
    response.status = 302;
    response.withHeader("Location", location.toEncoded());
    return response;
}

} // namespace patchbay::sandbox
