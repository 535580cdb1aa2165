// The console keeps a server's API key in the system keychain. test_server_keyring_keychain runs this against a
// real Secret Service (with-keyring.sh); elsewhere it says why it cannot run.

#include "ops/remote/ServerKeyring.h"

#include <QTest>

using namespace patchbay;

class TestServerKeyring : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyIsKeptPerServerAndForgotten();
    void entryNameIgnoresWhatDoesNotNameTheServer();

private:
    template <typename T>
    T wait(QFuture<T> future)
    {
        (void)QTest::qWaitFor([&] { return future.isFinished(); }, 20000); // else result() waits for ctest's timeout
        return future.result();
    }
};

void TestServerKeyring::keyIsKeptPerServerAndForgotten()
{
    if (qEnvironmentVariableIsEmpty("PATCHBAY_TEST_KEYCHAIN"))
        QSKIP("needs a Secret Service: runs as test_server_keyring_keychain (dbus-run-session + gnome-keyring)");
    const ServerKeyring keyring(QStringLiteral("patchbay-console-test"));
    const QUrl one(QStringLiteral("https://ops.example.com"));
    const QUrl two(QStringLiteral("https://ops.example.com:8443/patchbay"));

    QCOMPARE(wait(keyring.readKey(one)).error().code, QStringLiteral("keyring.not_found"));
    QVERIFY(wait(keyring.storeKey(one, SecretBytes("pb_one"))));
    QVERIFY(wait(keyring.storeKey(two, SecretBytes("pb_two"))));
    auto read = wait(keyring.readKey(QUrl(QStringLiteral("https://ops.example.com/"))));
    QVERIFY2(read, qPrintable(read ? QString() : read.error().toString()));
    QCOMPARE(read->reveal(), QByteArray("pb_one"));
    QCOMPARE(wait(keyring.readKey(two))->reveal(), QByteArray("pb_two"));

    // A new key replaces the old one; forgetting removes it, twice is no error.
    QVERIFY(wait(keyring.storeKey(one, SecretBytes("pb_one_new"))));
    QCOMPARE(wait(keyring.readKey(one))->reveal(), QByteArray("pb_one_new"));
    QVERIFY(wait(keyring.forgetKey(one)));
    QVERIFY(wait(keyring.forgetKey(one)));
    QCOMPARE(wait(keyring.readKey(one)).error().code, QStringLiteral("keyring.not_found"));
    QVERIFY(wait(keyring.readKey(two)));
}

void TestServerKeyring::entryNameIgnoresWhatDoesNotNameTheServer()
{
    QCOMPARE(ServerKeyring::entryName(QUrl(QStringLiteral("https://user:pw@ops.example.com/base/?x=1#f"))),
             QStringLiteral("https://ops.example.com/base"));
    QCOMPARE(ServerKeyring::entryName(QUrl(QStringLiteral("https://ops.example.com/"))),
             ServerKeyring::entryName(QUrl(QStringLiteral("https://ops.example.com"))));
}

QTEST_GUILESS_MAIN(TestServerKeyring)
#include "TestServerKeyring.moc"
