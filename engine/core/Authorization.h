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

// A connect session: a short-lived link a product shows its customer to connect one provider. The link is used once:
// opening it creates the connection and starts its authorisation, whose state the session then remembers so that
// the callback can say where to send the browser.
struct ConnectSession
{
    QString id;          // random; named in the signed link
    qint64 tenantId = 0;
    QString provider;
    QString integration; // empty: records stay raw
    QString redirectUrl; // where the browser goes after the callback; empty: nowhere
    QDateTime createdAt;
    QDateTime expiresAt;
    QDateTime openedAt;   // invalid until the link is opened
    qint64 connectionId = 0; // the connection the opened link created (or re-authorises)
    QString state;        // the authorisation the opened link started
    QDateTime completedAt; // invalid until the provider's callback authorised the connection
    // Who asked for the link (the API key's id, name and role), for the audit entry of the connection it makes.
    qint64 creatorKeyId = 0;
    QString creatorKeyName;
    QString creatorRole;
    // The existing connection the link authorises again (a re-authorisation link); 0: the link creates one.
    qint64 reauthorizes = 0;
};

} // namespace patchbay
