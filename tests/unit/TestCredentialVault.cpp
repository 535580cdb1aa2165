#include "auth/CredentialVault.h"
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteStore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;

class TestCredentialVault : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void tamperedBlobIsRejected();
    void wrongKeyIsRejected();
    void blobIsBoundToItsConnection();
    void databaseFileHoldsNoPlaintext();
    void tokenStates_data();
    void tokenStates();
    void derivedKeysDependOnKeyAndPurpose();

private:
    static Credential sample();
};

Credential TestCredentialVault::sample()
{
    Credential credential;
    credential.accessToken = SecretBytes("at-SUPERSECRET-ACCESS-4711");
    credential.refreshToken = SecretBytes("rt-SUPERSECRET-REFRESH-0815");
    credential.clientId = QStringLiteral("client-123");
    credential.clientSecret = SecretBytes("cs-SUPERSECRET-CLIENT-9999");
    credential.expiresAt = QDateTime::fromSecsSinceEpoch(1900000000, Qt::UTC);
    return credential;
}

void TestCredentialVault::roundTrip()
{
    CredentialVault vault(CredentialVault::generateKey());
    const auto sealed = vault.seal(7, sample());
    QVERIFY(sealed.ok());
    QVERIFY(!sealed->contains("SUPERSECRET"));
    const auto opened = vault.open(7, sealed.value());
    QVERIFY(opened.ok());
    QCOMPARE(opened->accessToken.reveal(), QByteArray("at-SUPERSECRET-ACCESS-4711"));
    QCOMPARE(opened->refreshToken.reveal(), QByteArray("rt-SUPERSECRET-REFRESH-0815"));
    QCOMPARE(opened->clientSecret.reveal(), QByteArray("cs-SUPERSECRET-CLIENT-9999"));
    QCOMPARE(opened->clientId, QStringLiteral("client-123"));
    QCOMPARE(opened->expiresAt, sample().expiresAt);
    // A fresh nonce each time: sealing twice gives different bytes.
    QVERIFY(vault.seal(7, sample()).value() != sealed.value());
}

void TestCredentialVault::tamperedBlobIsRejected()
{
    CredentialVault vault(CredentialVault::generateKey());
    QByteArray sealed = vault.seal(1, sample()).value();
    sealed[sealed.size() / 2] = static_cast<char>(sealed[sealed.size() / 2] ^ 0x01);
    const auto opened = vault.open(1, sealed);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QStringLiteral("vault.auth_failed"));
}

void TestCredentialVault::wrongKeyIsRejected()
{
    const QByteArray sealed = CredentialVault(CredentialVault::generateKey()).seal(1, sample()).value();
    const auto opened = CredentialVault(CredentialVault::generateKey()).open(1, sealed);
    QVERIFY(!opened.ok());
    QVERIFY(opened.error().message.contains(QStringLiteral("master key")));
}

void TestCredentialVault::blobIsBoundToItsConnection()
{
    CredentialVault vault(CredentialVault::generateKey());
    const QByteArray sealed = vault.seal(1, sample()).value();
    QVERIFY(!vault.open(2, sealed).ok());
}

void TestCredentialVault::databaseFileHoldsNoPlaintext()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("vault.db"));
    CredentialVault vault(CredentialVault::generateKey());
    {
        auto store = SqliteStore::open(path).value();
        const qint64 tenant = store->tenants().createTenant(QStringLiteral("t"), QStringLiteral("T")).value();
        Connection connection;
        connection.tenantId = tenant;
        connection.provider = QStringLiteral("hubspot");
        connection.displayName = QStringLiteral("c");
        const qint64 id = store->tenants().createConnection(connection).value();
        QVERIFY(store->credentials()
                    .saveCredential(id, {id, vault.seal(id, sample()).value(), sample().expiresAt, {}, {}})
                    .ok());
        // Read it back through the store to be sure it is really there.
        QCOMPARE(vault.open(id, store->credentials().credential(id)->sealed)->refreshToken.reveal(),
                 QByteArray("rt-SUPERSECRET-REFRESH-0815"));
        QVERIFY(SqliteDatabase::open(path).value()->exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")).ok());
    }
    QByteArray bytes;
    for (const QString &file : {path, path + QStringLiteral("-wal")}) {
        QFile f(file);
        if (f.open(QIODevice::ReadOnly))
            bytes += f.readAll();
    }
    QVERIFY(bytes.size() > 0);
    QVERIFY(!bytes.contains("SUPERSECRET"));
    QVERIFY(!bytes.contains("client-123")); // even the non-secret parts are sealed
}

void TestCredentialVault::tokenStates_data()
{
    QTest::addColumn<qint64>("secondsLeft");
    QTest::addColumn<bool>("needsReauth");
    QTest::addColumn<QString>("state");
    QTest::newRow("valid") << qint64(3600) << false << QStringLiteral("valid");
    QTest::newRow("expiring") << qint64(120) << false << QStringLiteral("expiring");
    QTest::newRow("expired") << qint64(-5) << false << QStringLiteral("expired");
    QTest::newRow("needs re-auth wins") << qint64(3600) << true << QStringLiteral("needs re-auth");
}

void TestCredentialVault::tokenStates()
{
    QFETCH(qint64, secondsLeft);
    QFETCH(bool, needsReauth);
    QFETCH(QString, state);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(tokenStateName(tokenStateFor(now.addSecs(secondsLeft), needsReauth, now)), state);
}

void TestCredentialVault::derivedKeysDependOnKeyAndPurpose()
{
    const SecretBytes key = CredentialVault::generateKey();
    const CredentialVault vault(key);
    const SecretBytes links = vault.derivedKey("links");
    QCOMPARE(links.size(), 32);
    QVERIFY(links == CredentialVault(key).derivedKey("links")); // every process with the key derives the same
    QVERIFY(!(links == vault.derivedKey("other")));
    QVERIFY(!(links == CredentialVault(CredentialVault::generateKey()).derivedKey("links")));
    QVERIFY(!(links == key));
}

QTEST_GUILESS_MAIN(TestCredentialVault)
#include "TestCredentialVault.moc"
