#pragma once

#include "Credential.h"
#include "catalog/ProviderDefinition.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QUrl>

#include <optional>

namespace patchbay {

class Clock;
class RequestRunner;

// Runs the OAuth2 token grants described by a definition (refresh token, authorization code, client credentials). A refresh error the definition
// lists in auth.revokedErrors (invalid_grant, ...) is "auth.revoked": the user must authorise again.
// Anything else is "auth.refresh_failed": try again later.
class TokenRefresher
{
public:
    TokenRefresher(const ProviderDefinition &definition, RequestRunner &runner, Clock &clock);

    // captured receives the token response fields the definition captures into the connection config.
    // With the client-credentials grant a "refresh" asks for a new token with the client id and secret.
    Result<Credential> refresh(const Credential &current, const QUrl &tokenUrl, QJsonObject *captured = nullptr);
    // The authorization-code grant: the code the provider redirected with (and the PKCE verifier, when the
    // definition uses PKCE) for the connection's first token pair. client holds the app's id and secret.
    Result<Credential> exchangeCode(const Credential &client, const QString &code, const QUrl &redirectUri,
                                    const SecretBytes &codeVerifier, const QUrl &tokenUrl,
                                    QJsonObject *captured = nullptr);
    Result<Credential> clientCredentials(const Credential &client, const QUrl &tokenUrl,
                                         QJsonObject *captured = nullptr);

private:
    enum class Grant { Refresh, Code, ClientCredentials };
    Result<Credential> requestToken(const Credential &current, const QUrl &tokenUrl,
                                    const QList<QPair<QString, QString>> &grantParams, Grant grant,
                                    QJsonObject *captured);

    const ProviderDefinition &m_definition;
    RequestRunner &m_runner;
    Clock &m_clock;
};

// The provider's own error code and message from an error body, using the definition's paths
// plus the OAuth2 standard fields.
struct ProviderError
{
    QString code;
    QString message;
};
ProviderError providerErrorFrom(const ErrorSpec &spec, const QByteArray &body);
// What a 2xx answer says went wrong anyway (the definition's successErrorPath), or nothing.
std::optional<QString> providerErrorInSuccess(const ErrorSpec &spec, const QJsonValue &body);

} // namespace patchbay
