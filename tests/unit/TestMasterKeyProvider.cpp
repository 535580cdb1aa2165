#include "auth/MasterKeyProvider.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;

// test_master_key_keychain runs keychainStoresAndReturnsTheSameKey against a real Secret Service (with-keyring.sh).
class TestMasterKeyProvider : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void environmentVariableWins();
    void invalidEnvironmentKeyIsExplained();
    void keyFileIsCreatedPrivateAndReused();
    void noSourceSaysWhatToDo();
    void keychainStoresAndReturnsTheSameKey();
};

void TestMasterKeyProvider::init()
{
    qunsetenv(MasterKeyProvider::kEnvKey);
    qunsetenv(MasterKeyProvider::kEnvKeyFile);
}

void TestMasterKeyProvider::environmentVariableWins()
{
    const QByteArray key(32, 'k');
    qputenv(MasterKeyProvider::kEnvKey, key.toBase64());
    QTemporaryDir dir;
    MasterKeyOptions options;
    options.keyFile = dir.filePath(QStringLiteral("ignored.key"));
    const auto resolved = MasterKeyProvider::resolve(options);
    QVERIFY(resolved.ok());
    QCOMPARE(resolved->key.reveal(), key);
    QCOMPARE(resolved->source, QStringLiteral("environment variable PATCHBAY_MASTER_KEY"));
    QVERIFY(!QFile::exists(options.keyFile));
}

void TestMasterKeyProvider::invalidEnvironmentKeyIsExplained()
{
    qputenv(MasterKeyProvider::kEnvKey, "too-short");
    const auto resolved = MasterKeyProvider::resolve({});
    QVERIFY(!resolved.ok());
    QCOMPARE(resolved.error().code, QStringLiteral("key.invalid"));
    QVERIFY(resolved.error().message.contains(QStringLiteral("head -c 32 /dev/urandom | base64")));
}

void TestMasterKeyProvider::keyFileIsCreatedPrivateAndReused()
{
    QTemporaryDir dir;
    MasterKeyOptions options;
    options.keyFile = dir.filePath(QStringLiteral("sub/master.key"));
    const auto first = MasterKeyProvider::resolve(options);
    QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
    QCOMPARE(first->key.size(), 32);
    QVERIFY(first->source.contains(options.keyFile));
    QCOMPARE(QFile::permissions(options.keyFile) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    const auto second = MasterKeyProvider::resolve(options);
    QVERIFY(second.ok());
    QVERIFY(second->key == first->key);
}

void TestMasterKeyProvider::noSourceSaysWhatToDo()
{
    const auto resolved = MasterKeyProvider::resolve({});
    QVERIFY(!resolved.ok());
    QVERIFY(resolved.error().message.contains(QStringLiteral("PATCHBAY_MASTER_KEY")));
}

void TestMasterKeyProvider::keychainStoresAndReturnsTheSameKey()
{
    if (!qEnvironmentVariableIsSet("PATCHBAY_TEST_KEYCHAIN"))
        QSKIP("runs as test_master_key_keychain inside a private D-Bus session with gnome-keyring");
    MasterKeyOptions options;
    options.useKeychain = true;
    options.keychainService = QStringLiteral("patchbay-test");
    const auto first = MasterKeyProvider::resolve(options);
    QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
    QVERIFY2(first->source.startsWith(QStringLiteral("system keychain")), qPrintable(first->source));
    const auto second = MasterKeyProvider::resolve(options);
    QVERIFY(second.ok());
    QVERIFY(second->key == first->key);
}

QTEST_GUILESS_MAIN(TestMasterKeyProvider)
#include "TestMasterKeyProvider.moc"
