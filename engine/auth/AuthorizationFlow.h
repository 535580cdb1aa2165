#pragma once

#include "auth/Credential.h"
#include "catalog/ProviderDefinition.h"
#include "core/Authorization.h"
#include "core/Result.h"
#include "core/Tenancy.h"
#include "jsonata/Expression.h"

#include <QUrl>

namespace patchbay {

class Clock;
class CredentialVault;
class RequestObserver;
class RequestRunner;
class Store;

// Where to send the person who authorises a connection, and the state that will come back with the code.
struct AuthorizationStart
{
    QUrl url;
    QString state;
};

// The OAuth authorization-code flow of a connection (first connect, or re-auth after a revoked grant), in the
// order it happens: begin() builds the authorize URL and keeps its state; the provider redirects back with the
// state and a code; takePending() finds the state (once); complete() checks the callback's issuer, exchanges the
// code and keeps what the provider granted. Time comes from the clock, so a test can let a state expire.
class AuthorizationFlow
{
public:
    // How long a started authorisation waits for its callback.
    static constexpr int kStateLifetimeSeconds = 600;

    AuthorizationFlow(Store &store, const CredentialVault &vault, Clock &clock);

    // The authorize URL with the definition's scopes, extra parameters and PKCE challenge (rewritten by the
    // connection's origin overrides), and a state kept in the store for kStateLifetimeSeconds. The connection's
    // credential must hold the app's client id (and secret).
    Result<AuthorizationStart> begin(const Connection &connection, const ProviderDefinition &definition,
                                     const QUrl &redirectUri);

    // The authorisation a callback's state names, taken from the store so that a state is used once. Refused
    // when unknown, used or expired, and when the callback carries no code (the person refused).
    Result<PendingAuthorization> takePending(const QString &state, const QString &code);

    // The callback, inside an execution of kind "authorize": refuses an issuer (the callback's iss parameter,
    // RFC 9207; empty when the provider sent none) that does not name the definition's issuer (or, without one,
    // the authorize URL's origin) before the code is sent anywhere; exchanges the code for tokens, saves them
    // sealed, captures config fields and makes the connection active again, with the grant's concerns said on it.
    // bindings are the connection's templates' ($connection, $credential). Returns the execution's summary.
    Result<QString> complete(const PendingAuthorization &pending, const QString &code, const QString &issuer,
                             const ProviderDefinition &definition, const Connection &connection,
                             const jsonata::Bindings &bindings, RequestRunner &runner, RequestObserver &journal);

private:
    // A URL of the definition, rewritten by the connection's origin overrides.
    static QUrl resolve(const Connection &connection, const QString &url, const jsonata::Bindings &bindings);
    Result<void> checkCallbackIssuer(const QString &received, const ProviderDefinition &definition,
                                     const Connection &connection, const jsonata::Bindings &bindings) const;

    Store &m_store;
    const CredentialVault &m_vault;
    Clock &m_clock;
};

} // namespace patchbay
