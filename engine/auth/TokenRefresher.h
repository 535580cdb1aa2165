#pragma once

#include "Credential.h"
#include "catalog/ProviderDefinition.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QUrl>

namespace patchbay {

class Clock;
class RequestRunner;

// Runs the OAuth2 refresh-token grant described by a definition. A refresh error the definition
// lists in auth.revokedErrors (invalid_grant, ...) is "auth.revoked": the user must authorise again.
// Anything else is "auth.refresh_failed": try again later.
class TokenRefresher
{
public:
    TokenRefresher(const ProviderDefinition &definition, RequestRunner &runner, Clock &clock);

    // captured receives the token response fields the definition captures into the connection config.
    Result<Credential> refresh(const Credential &current, const QUrl &tokenUrl, QJsonObject *captured = nullptr);

private:
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

} // namespace patchbay
