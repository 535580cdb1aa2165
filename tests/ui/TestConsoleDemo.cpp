// The console program itself, started as the README starts it (--demo), offscreen: its demo must
// leave real, synced data behind.
#include "auth/CredentialVault.h"
#include "store/SqliteStore.h"

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;

class TestConsoleDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoSyncsRealDataAndShowsTheWindow();
};

void TestConsoleDemo::demoSyncsRealDataAndShowsTheWindow()
{
    QTemporaryDir dir;
    const QString database = dir.filePath(QStringLiteral("demo.db"));
    const QString screenshot = dir.filePath(QStringLiteral("console.png"));
    const QByteArray key = CredentialVault::generateKey().reveal().toBase64();

    QProcess console;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("PATCHBAY_MASTER_KEY"), QString::fromLatin1(key));
    console.setProcessEnvironment(env);
    console.start(QStringLiteral(PATCHBAY_CONSOLE_PATH),
                  {QStringLiteral("--demo"), QStringLiteral("--database"), database, QStringLiteral("--connection"),
                   QStringLiteral("1"), QStringLiteral("--screenshot"), screenshot, QStringLiteral("--screenshot-delay"),
                   QStringLiteral("1500")});
    QVERIFY(console.waitForFinished(120000));
    const QString errors = QString::fromUtf8(console.readAllStandardError());
    QVERIFY2(console.exitStatus() == QProcess::NormalExit && console.exitCode() == 0, qPrintable(errors));
    QVERIFY2(errors.contains(QStringLiteral("Credential key: environment variable PATCHBAY_MASTER_KEY")),
             qPrintable(errors));

    const QImage image(screenshot);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);

    auto store = SqliteStore::open(database).value();
    const auto tenants = store->tenants().value();
    QCOMPARE(tenants.size(), 4);
    QHash<QString, Connection> byPortal;
    for (const Connection &connection : store->connections().value())
        byPortal.insert(connection.config.value(QStringLiteral("sandboxPortal")).toString(), connection);
    QCOMPARE(byPortal.size(), 4);

    // Acme synced everything; Globex refreshed its expired token first; Umbrella's grant was revoked.
    // Before its read, the product pushed three contacts to Acme: two were written (and read back), one refused.
    const qint64 acme = byPortal.value(QStringLiteral("acme")).id;
    QCOMPARE(store->recordCount(acme, QStringLiteral("contacts")), 2402);
    const QList<Execution> acmeRuns = store->executions(acme, 10).value();
    const auto write = std::find_if(acmeRuns.begin(), acmeRuns.end(),
                                    [](const Execution &e) { return e.kind == QLatin1String("write"); });
    QVERIFY(write != acmeRuns.end());
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    const auto refused = store->failedWriteItems(acme, QStringLiteral("contacts")).value();
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().key, QStringLiteral("user-1002"));
    const Execution globex = store->executions(byPortal.value(QStringLiteral("globex")).id, 1)->first();
    QCOMPARE(globex.status, ExecutionStatus::Succeeded);
    // Its contacts and its companies (one per five contacts in the sandbox).
    QCOMPARE(store->recordCount(byPortal.value(QStringLiteral("globex")).id, QStringLiteral("contacts")), 1200);
    QCOMPARE(globex.recordCount, 1200 + store->recordCount(byPortal.value(QStringLiteral("globex")).id,
                                                           QStringLiteral("companies")));
    QCOMPARE(store->recordCount(byPortal.value(QStringLiteral("globex")).id, QStringLiteral("companies")), 240);
    const Connection umbrella = byPortal.value(QStringLiteral("umbrella"));
    QCOMPARE(umbrella.status, ConnectionStatus::NeedsReauth);
    QCOMPARE(store->executions(umbrella.id, 1)->first().errorCode, QStringLiteral("auth.revoked"));

    // The credentials in the file open with the key the console was given, and only with it.
    CredentialVault vault{SecretBytes(QByteArray::fromBase64(key))};
    QVERIFY(vault.open(umbrella.id, store->credential(umbrella.id)->sealed).ok());
    QVERIFY(!CredentialVault(CredentialVault::generateKey()).open(umbrella.id, store->credential(umbrella.id)->sealed).ok());
}

QTEST_GUILESS_MAIN(TestConsoleDemo)
#include "TestConsoleDemo.moc"
