#include "MasterKeyCheck.h"

#include "CredentialVault.h"
#include "MasterKeyProvider.h"
#include "store/Store.h"

#include <QDir>

namespace patchbay {

namespace {

const QString kSettingName = QStringLiteral("master_key_check");
// Bound as associated data, so no credential blob can pass for the check value (nor the other way round).
const QByteArray kAssociatedData = QByteArrayLiteral("patchbay:master-key-check");
const QByteArray kCheckValue = QByteArrayLiteral("patchbay master key check v1");

Error wrongKey(const Store &store, const QString &keySource, const QString &evidence)
{
    return makeError("key.wrong_for_database",
                     QStringLiteral("The master key from %1 does not open the database %2: %3. Its credentials "
                                    "were sealed with another key. Start with the key this database was made with "
                                    "(%4, %5 or --key-file, the system keychain, or master.key beside the "
                                    "database), or open another database with --database.")
                         .arg(keySource, QDir::toNativeSeparators(store.path()), evidence,
                              QLatin1String(MasterKeyProvider::kEnvKey),
                              QLatin1String(MasterKeyProvider::kEnvKeyFile)));
}

bool opensCheckValue(const CredentialVault &vault, const QByteArray &sealed)
{
    auto opened = vault.openBytes(sealed, kAssociatedData);
    return opened && opened->reveal() == kCheckValue;
}

} // namespace

Result<void> MasterKeyCheck::verify(Store &store, const CredentialVault &vault, const QString &keySource)
{
    // Twice at most: when another process writes the check value between our look and our write, its value counts.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (const auto sealed = store.settings().setting(kSettingName)) {
            if (opensCheckValue(vault, *sealed))
                return {};
            return wrongKey(store, keySource, QStringLiteral("it does not open the database's key check value"));
        }
        auto credentials = store.credentials().credentials();
        if (!credentials)
            return credentials.error();
        for (const StoredCredential &credential : credentials.value()) {
            if (!vault.open(credential.connectionId, credential.sealed)) {
                return wrongKey(store, keySource,
                                QStringLiteral("the credential of connection %1 does not open with it")
                                    .arg(credential.connectionId));
            }
        }
        auto sealed = vault.sealBytes(kCheckValue, kAssociatedData);
        if (!sealed)
            return sealed.error();
        auto added = store.settings().addSetting(kSettingName, sealed.value());
        if (!added)
            return added.error();
        if (added.value())
            return {};
    }
    return makeError(
        "key.check_failed",
        QStringLiteral("Cannot store the master key check value in %1.").arg(QDir::toNativeSeparators(store.path())));
}

} // namespace patchbay
