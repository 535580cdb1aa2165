#pragma once

#include "core/Access.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// A key as createApiKey returns it: the secret, which exists only here (the store keeps its SHA-256), and the key.
struct CreatedApiKey
{
    QString secret; // "pb_" + 43 characters of base64url: 32 random bytes. Shown to the user once.
    ApiKey key;
};

// patchbayd's API keys. A key is "pb_" followed by 32 random bytes (base64url); the store keeps only the SHA-256 of
// the whole key and a short prefix to list it by, so a key cannot be read back from the database.
class ApiKeyStore
{
public:
    virtual ~ApiKeyStore() = default;

    // Makes a new key; its secret is in the result and nowhere else.
    virtual Result<CreatedApiKey> createApiKey(const QString &name, ApiRole role, std::optional<qint64> tenantId) = 0;
    // The active key whose secret this is (comparing hashes in constant time), its last-used time set to now (at
    // most once a minute, so that verifying stays a read); store.bad_key when no active key matches.
    virtual Result<ApiKey> verifyApiKey(const QString &secret) = 0;
    // Every key, revoked ones too, oldest first; never a secret.
    virtual Result<QList<ApiKey>> apiKeys() = 0;
    // Fails with store.not_found when there is no such key; revoking a revoked key changes nothing.
    virtual Result<ApiKey> revokeApiKey(qint64 id) = 0;
};

} // namespace patchbay
