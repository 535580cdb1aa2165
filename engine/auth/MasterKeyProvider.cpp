#include "MasterKeyProvider.h"

#include "CredentialVault.h"
#include "core/Logging.h"
#include "core/PrivateFiles.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace patchbay {

namespace {

constexpr int kKeychainTimeoutMs = 15000;

template <typename Job>
bool runJob(Job &job)
{
    QEventLoop loop;
    bool finished = false;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(kKeychainTimeoutMs, &loop, &QEventLoop::quit);
    job.start();
    if (!finished)
        loop.exec();
    return finished;
}

} // namespace

Result<SecretBytes> MasterKeyProvider::decodeKey(const QByteArray &encoded, const QString &where)
{
    QByteArray raw = QByteArray::fromBase64(encoded.trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (raw.size() != CredentialVault::kKeySize) {
        wipeBytes(raw);
        return makeError("key.invalid",
                         QStringLiteral("%1 does not hold a master key: expected base64 of 32 random bytes "
                                        "(make one with: head -c 32 /dev/urandom | base64).")
                             .arg(where));
    }
    return SecretBytes(std::move(raw));
}

Result<SecretBytes> MasterKeyProvider::readKeyFile(const QString &path, bool createIfMissing)
{
    QFile file(path);
    if (!file.exists()) {
        if (!createIfMissing) {
            return makeError("key.missing", QStringLiteral("The key file %1 does not exist. Create it with: "
                                                           "head -c 32 /dev/urandom | base64 > %1; chmod 600 %1")
                                                .arg(path));
        }
        if (auto folder = PrivateFiles::makeDirectory(QFileInfo(path).absolutePath()); !folder)
            return folder.error();
        SecretBytes key = CredentialVault::generateKey();
        QByteArray encoded = key.reveal().toBase64();
        // Create with owner-only permissions before any byte is written.
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly)
            || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
            || file.write(encoded + '\n') != encoded.size() + 1 || !file.flush()) {
            wipeBytes(encoded);
            file.remove();
            return makeError("key.write_failed",
                             QStringLiteral("Cannot create the key file %1: %2").arg(path, file.errorString()));
        }
        wipeBytes(encoded);
        return key;
    }
    if (!file.open(QIODevice::ReadOnly))
        return makeError("key.unreadable", QStringLiteral("Cannot read the key file %1: %2").arg(path, file.errorString()));
    if (file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup))
        qCWarning(lcAuth) << "key file" << path << "is readable by other users; run chmod 600 on it";
    QByteArray encoded = file.readAll();
    auto key = decodeKey(encoded, QStringLiteral("The key file %1").arg(path));
    wipeBytes(encoded);
    return key;
}

Result<SecretBytes> MasterKeyProvider::readKeychain(const QString &service, const QString &entry, bool createIfMissing)
{
    QKeychain::ReadPasswordJob read(service);
    read.setAutoDelete(false);
    read.setKey(entry);
    if (!runJob(read))
        return makeError("key.keychain_timeout", QStringLiteral("The system keychain did not answer."));
    if (read.error() == QKeychain::NoError) {
        QByteArray encoded = read.binaryData();
        auto key = decodeKey(encoded, QStringLiteral("The keychain entry %1/%2").arg(service, entry));
        wipeBytes(encoded);
        return key;
    }
    if (read.error() != QKeychain::EntryNotFound || !createIfMissing) {
        return makeError("key.keychain_unavailable",
                         QStringLiteral("The system keychain cannot be used: %1").arg(read.errorString()));
    }
    SecretBytes key = CredentialVault::generateKey();
    QKeychain::WritePasswordJob write(service);
    write.setAutoDelete(false);
    write.setKey(entry);
    QByteArray encoded = key.reveal().toBase64();
    write.setBinaryData(encoded);
    wipeBytes(encoded);
    if (!runJob(write) || write.error() != QKeychain::NoError) {
        return makeError("key.keychain_unavailable",
                         QStringLiteral("Cannot store a new master key in the system keychain: %1")
                             .arg(write.errorString().isEmpty() ? QStringLiteral("no Secret Service answered")
                                                                : write.errorString()));
    }
    return key;
}

Result<MasterKey> MasterKeyProvider::resolve(const MasterKeyOptions &options)
{
    const QByteArray fromEnv = qgetenv(kEnvKey);
    if (!fromEnv.isEmpty()) {
        auto key = decodeKey(fromEnv, QStringLiteral("The environment variable %1").arg(QLatin1String(kEnvKey)));
        if (!key)
            return key.error();
        return MasterKey{std::move(key).value(),
                         QStringLiteral("environment variable %1").arg(QLatin1String(kEnvKey))};
    }

    QString keyFile = options.keyFile;
    if (keyFile.isEmpty())
        keyFile = qEnvironmentVariable(kEnvKeyFile);
    if (!keyFile.isEmpty()) {
        auto key = readKeyFile(keyFile, options.createIfMissing);
        if (!key)
            return key.error();
        return MasterKey{std::move(key).value(), QStringLiteral("key file %1").arg(keyFile)};
    }

    QString keychainProblem;
    if (options.useKeychain) {
        auto key = readKeychain(options.keychainService, options.keychainEntry, options.createIfMissing);
        if (key) {
            return MasterKey{std::move(key).value(), QStringLiteral("system keychain (%1/%2)")
                                                         .arg(options.keychainService, options.keychainEntry)};
        }
        keychainProblem = key.error().message;
    }

    if (!options.fallbackKeyFile.isEmpty()) {
        auto key = readKeyFile(options.fallbackKeyFile, options.createIfMissing);
        if (!key)
            return key.error();
        QString source = QStringLiteral("key file %1").arg(options.fallbackKeyFile);
        if (!keychainProblem.isEmpty())
            source += QStringLiteral(" (system keychain not available: %1)").arg(keychainProblem);
        return MasterKey{std::move(key).value(), source};
    }

    return makeError("key.none",
                     keychainProblem.isEmpty()
                         ? QStringLiteral("No master key configured. Set %1 (base64 of 32 random bytes) or %2 "
                                          "(a key file path), or pass --key-file.")
                               .arg(QLatin1String(kEnvKey), QLatin1String(kEnvKeyFile))
                         : keychainProblem + QStringLiteral(". Set %1 or %2 instead.")
                                                 .arg(QLatin1String(kEnvKey), QLatin1String(kEnvKeyFile)));
}

} // namespace patchbay
