#pragma once

// A connection's credentials as stored (sealed) and authorisations in progress.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace patchbay {

// The sealed (encrypted) secret material of a connection plus the metadata the UI may show.
struct StoredCredential
{
    qint64 connectionId = 0;
    QByteArray sealed;
    QDateTime expiresAt; // access token expiry, invalid when unknown/never
    QDateTime refreshedAt;
    QDateTime updatedAt;
};

// An authorisation started for a connection and not finished yet.
struct PendingAuthorization
{
    QString state;
    qint64 connectionId = 0;
    QByteArray sealedVerifier; // the PKCE verifier, sealed by the vault; empty without PKCE
    QString redirectUri;
    QDateTime expiresAt;
};

} // namespace patchbay
