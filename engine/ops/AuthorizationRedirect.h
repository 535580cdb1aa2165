#pragma once

#include "core/Result.h"

#include <QString>
#include <QUrl>

#include <functional>

namespace patchbay {

// Where a provider sends the user's browser back after an authorisation (the OAuth redirect URI). Behind an
// interface so that the ops API knows no transport: LocalOps listens on loopback (LoopbackRedirect, RFC 8252); a
// server answers on a callback route of its own.
class AuthorizationRedirect
{
public:
    // What one redirect carried; code is empty when the provider did not authorise.
    struct Callback
    {
        QString state;
        QString code;
        QString issuer; // RFC 9207 "iss", empty when the provider sent none
        QString errorDescription;
    };
    // Called on the redirect's owner thread for every redirect: true when the state belongs to an authorisation
    // started here and not used yet (it is used now).
    using Handler = std::function<bool(const Callback &callback)>;

    virtual ~AuthorizationRedirect() = default;

    // Set before redirectUri().
    virtual void setHandler(Handler handler) = 0;
    // Starts receiving redirects on first use: the redirect URI to give the provider. Fails with
    // "auth.no_callback" when redirects cannot be received.
    virtual Result<QUrl> redirectUri() = 0;
};

} // namespace patchbay
