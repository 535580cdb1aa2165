#pragma once

#include "OAuthTokenService.h"
#include "server/HttpService.h"

#include <QDateTime>
#include <QJsonObject>

#include <functional>

namespace patchbay::sandbox {

// The HTTP side of an OAuth 2.0 server: the token endpoint (authorization_code and refresh_token grants, form or
// JSON body, client credentials in the body or a Basic header as the policy allows) and an authorize endpoint that
// consents at once and redirects with a code. Providers add their extra response fields and word their errors.
class OAuthTokenEndpoint
{
public:
    struct Style
    {
        // Adds provider fields (hub_id, instance_url, scope, ...) to a successful token response.
        std::function<void(const OAuthGrant &grant, QJsonObject &body)> decorateGrant;
        // The error answer; standardError() when unset.
        std::function<HttpServerResponse(OAuthFailure failure)> failure;
        // Status of invalid_grant in the standard answer (RFC 6749 says 400; Atlassian answers 403).
        int invalidGrantStatus = 400;
        // HubSpot's v1 endpoint also reads parameters from the query string.
        bool acceptQueryParameters = false;
        // The resource owner password grant (ServiceNow): true when user and password are valid for the tenant of
        // the client. Unset: the grant is unsupported. A refusal answers as BadAuthorizationCode (invalid_grant).
        std::function<bool(const QString &tenant, const QString &user, const QString &password)> passwordGrant;
    };

    OAuthTokenEndpoint(OAuthTokenService &tokens, Style style);

    // tenant is set to the tenant the call was for, when it could be told.
    HttpServerResponse token(const HttpServerRequest &request, const QDateTime &now, QString *tenant) const;
    HttpServerResponse authorize(const HttpServerRequest &request, const QDateTime &now, QString *tenant) const;

    // RFC 6749 section 5.2: {"error", "error_description"}.
    static HttpServerResponse standardError(OAuthFailure failure, int invalidGrantStatus = 400);

private:
    HttpServerResponse fail(OAuthFailure failure) const;
    OAuthResult passwordGrant(const QString &clientId, const QString &clientSecret, const QString &user,
                              const QString &password, const QDateTime &now) const;

    OAuthTokenService &m_tokens;
    Style m_style;
};

} // namespace patchbay::sandbox
