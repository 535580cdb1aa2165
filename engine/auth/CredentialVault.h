#pragma once

#include "Credential.h"
#include "core/Result.h"
#include "core/SecretBytes.h"

namespace patchbay {

// Seals credentials with AES-256-GCM. A sealed blob is bound to its connection (additional
// authenticated data), so a blob copied to another connection's row does not open.
// Layout: "PB1" | 12-byte nonce | ciphertext | 16-byte tag.
class CredentialVault
{
public:
    static constexpr int kKeySize = 32;

    explicit CredentialVault(SecretBytes key);

    Result<QByteArray> seal(qint64 connectionId, const Credential &credential) const;
    Result<Credential> open(qint64 connectionId, const QByteArray &sealed) const;

    Result<QByteArray> sealBytes(const QByteArray &plaintext, const QByteArray &associatedData) const;
    Result<SecretBytes> openBytes(const QByteArray &sealed, const QByteArray &associatedData) const;

    // A key for another purpose (signing links, ...) derived from the vault's (HMAC-SHA256 of purpose), so that
    // every process with the master key derives the same one and nothing new has to be kept.
    SecretBytes derivedKey(const QByteArray &purpose) const;

    static SecretBytes generateKey();

private:
    SecretBytes m_key;
};

} // namespace patchbay
