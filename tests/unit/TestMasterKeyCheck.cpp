// The master key is checked against the database at open: a wrong key is refused before anything shows tokens.
#include "auth/CredentialVault.h"
#include "auth/MasterKeyCheck.h"
#include "store/sqlite/SqliteStore.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;

class TestMasterKeyCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void rightKeyOpensTheDatabase();
    void differentKeyIsRefusedNamingItsSource();
    void databaseWithoutCheckValueGetsOneWhenItsCredentialsOpen();
    void databaseWithoutCheckValueRefusesAKeyItsCredentialsDoNotOpen();
    void checkValueCannotBeTakenForACredential();

private:
    std::unique_ptr<SqliteStore> openStore();
    qint64 addCredential(Store &store, const CredentialVault &vault);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    const QString m_source = QStringLiteral("key file /etc/patchbay/master.key");
};

void TestMasterKeyCheck::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("patchbay.db"));
}

std::unique_ptr<SqliteStore> TestMasterKeyCheck::openStore()
{
    auto store = SqliteStore::open(m_path);
    return store ? std::move(store).value() : nullptr;
}

qint64 TestMasterKeyCheck::addCredential(Store &store, const CredentialVault &vault)
{
    Connection connection;
    connection.tenantId = store.tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = QStringLiteral("Acme HubSpot");
    const qint64 id = store.tenants().createConnection(connection).value();
    Credential credential;
    credential.accessToken = SecretBytes("at-SECRET");
    if (!store.credentials().saveCredential(id, {id, vault.seal(id, credential).value(), {}, {}, {}}).ok())
        return 0;
    return id;
}

void TestMasterKeyCheck::rightKeyOpensTheDatabase()
{
    const SecretBytes key = CredentialVault::generateKey();
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(MasterKeyCheck::verify(*store, CredentialVault(key), m_source).ok()); // first use writes the check
        QVERIFY(store->settings().setting(QStringLiteral("master_key_check")).has_value());
    }
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(MasterKeyCheck::verify(*store, CredentialVault(key), m_source).ok());
}

void TestMasterKeyCheck::differentKeyIsRefusedNamingItsSource()
{
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(MasterKeyCheck::verify(*store, CredentialVault(CredentialVault::generateKey()), m_source).ok());
    }
    auto store = openStore();
    QVERIFY(store);
    const SecretBytes other = CredentialVault::generateKey();
    const auto checked = MasterKeyCheck::verify(*store, CredentialVault(other), m_source);
    QVERIFY(!checked.ok());
    QCOMPARE(checked.error().code, QStringLiteral("key.wrong_for_database"));
    QVERIFY2(checked.error().message.contains(m_source), qPrintable(checked.error().message));
    QVERIFY(checked.error().message.contains(m_path));
    QVERIFY(!checked.error().message.contains(QString::fromLatin1(other.reveal().toBase64())));
}

void TestMasterKeyCheck::databaseWithoutCheckValueGetsOneWhenItsCredentialsOpen()
{
    // As a database made before the check: credentials, no check value.
    const SecretBytes key = CredentialVault::generateKey();
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(addCredential(*store, CredentialVault(key)) > 0);
    QVERIFY(!store->settings().setting(QStringLiteral("master_key_check")).has_value());

    QVERIFY(MasterKeyCheck::verify(*store, CredentialVault(key), m_source).ok());
    QVERIFY(store->settings().setting(QStringLiteral("master_key_check")).has_value());
    QVERIFY(!MasterKeyCheck::verify(*store, CredentialVault(CredentialVault::generateKey()), m_source).ok());
}

void TestMasterKeyCheck::databaseWithoutCheckValueRefusesAKeyItsCredentialsDoNotOpen()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addCredential(*store, CredentialVault(CredentialVault::generateKey()));
    const auto checked = MasterKeyCheck::verify(*store, CredentialVault(CredentialVault::generateKey()),
                                                QStringLiteral("environment "
                                                               "variable "
                                                               "PATCHBAY_MASTER_KEY"));
    QVERIFY(!checked.ok());
    QCOMPARE(checked.error().code, QStringLiteral("key.wrong_for_database"));
    QVERIFY(checked.error().message.contains(QStringLiteral("environment variable PATCHBAY_MASTER_KEY")));
    QVERIFY(checked.error().message.contains(QStringLiteral("connection %1").arg(connection)));
    // The wrong key leaves no check value behind, so the right one still gets it.
    QVERIFY(!store->settings().setting(QStringLiteral("master_key_check")).has_value());
}

void TestMasterKeyCheck::checkValueCannotBeTakenForACredential()
{
    const SecretBytes key = CredentialVault::generateKey();
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(MasterKeyCheck::verify(*store, CredentialVault(key), m_source).ok());
    const QByteArray check = store->settings().setting(QStringLiteral("master_key_check")).value();
    QVERIFY(!CredentialVault(key).open(0, check).ok());
}

QTEST_GUILESS_MAIN(TestMasterKeyCheck)
#include "TestMasterKeyCheck.moc"
