#pragma once

#include "HubSpotTokenService.h"
#include "server/HttpService.h"

#include <QDateTime>

namespace patchbay::sandbox {

// HubSpot's OAuth endpoints:
//   POST /oauth/v1/token     grant_type=authorization_code | refresh_token, form-encoded
//   GET  /oauth/authorize    consents at once and redirects to redirect_uri?code=...&state=...
class HubSpotOAuthApi
{
public:
    explicit HubSpotOAuthApi(HubSpotTokenService &tokens);

    // portal is set to the portal the call was for, when it could be told.
    HttpServerResponse token(const HttpServerRequest &request, const QDateTime &now, QString *portal);
    HttpServerResponse authorize(const HttpServerRequest &request, const QDateTime &now, QString *portal);

private:
    HubSpotTokenService &m_tokens;
};

} // namespace patchbay::sandbox
