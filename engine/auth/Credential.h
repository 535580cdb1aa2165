#pragma once

#include "core/SecretBytes.h"
#include "core/TokenState.h"

#include <QDateTime>
#include <QString>

namespace patchbay {

// The secret material of one connection, in memory only while it is used.
struct Credential
{
    SecretBytes accessToken;
    SecretBytes refreshToken;
    SecretBytes apiKey;
    QString clientId;       // OAuth app of the connection; not secret
    SecretBytes clientSecret;
    SecretBytes webhookSecret; // signs the provider's webhook calls to this connection, when it has its own
    QDateTime expiresAt;    // invalid when the provider gave no lifetime
    QString tokenType = QStringLiteral("bearer");
    QString scope;

    // Serialisation for sealing only; the buffer holds plaintext and must be wiped by the caller.
    QByteArray toPlaintext() const;
    static Credential fromPlaintext(const QByteArray &plaintext);
};

} // namespace patchbay
