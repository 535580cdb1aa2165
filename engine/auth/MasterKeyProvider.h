#pragma once

#include "core/Result.h"
#include "core/SecretBytes.h"

#include <QString>

namespace patchbay {

struct MasterKey
{
    SecretBytes key;
    QString source; // plain words for the user: which source is in use
};

struct MasterKeyOptions
{
    QString keyFile;          // explicit key file (server, CLI); overrides the keychain
    bool useKeychain = false; // desktop: the system keychain through QtKeychain
    QString keychainService = QStringLiteral("patchbay");
    QString keychainEntry = QStringLiteral("master-key");
    QString fallbackKeyFile;  // used, with a warning in `source`, when the keychain cannot be reached
    bool createIfMissing = true;
};

// Finds the key that seals credentials. Order: the PATCHBAY_MASTER_KEY environment variable
// (base64 of 32 bytes), then a key file (option or PATCHBAY_KEY_FILE), then the system keychain,
// then the fallback key file.
class MasterKeyProvider
{
public:
    static constexpr const char *kEnvKey = "PATCHBAY_MASTER_KEY";
    static constexpr const char *kEnvKeyFile = "PATCHBAY_KEY_FILE";

    static Result<MasterKey> resolve(const MasterKeyOptions &options);

    static Result<SecretBytes> readKeyFile(const QString &path, bool createIfMissing);
    static Result<SecretBytes> readKeychain(const QString &service, const QString &entry, bool createIfMissing);
    static Result<SecretBytes> decodeKey(const QByteArray &encoded, const QString &where);
};

} // namespace patchbay
