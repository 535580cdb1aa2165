// The console program itself, started as the README starts it (--demo), offscreen: its demo must
// leave real, synced data behind.
#include "auth/CredentialVault.h"
#include "store/sqlite/SqliteStore.h"

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;

class TestConsoleDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void demoSyncsRealDataAndShowsTheWindow();
    void wrongMasterKeyStopsTheConsole();
    void fileThatIsNoDatabaseStopsTheConsole();
    void secondDemoOnTheSameDatabaseIsRefused();

private:
    // Runs the console offscreen with the given key until it exits; returns its exit code and stderr.
    static std::pair<int, QString> runConsole(const QStringList &arguments, const QByteArray &key,
                                              int timeoutMs = 120000);
    static bool processIsAlive(qint64 pid);
    QTemporaryDir m_config; // the window's QSettings: a folder of the test's own, never the user's
};

std::pair<int, QString> TestConsoleDemo::runConsole(const QStringList &arguments, const QByteArray &key, int timeoutMs)
{
    QProcess console;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("PATCHBAY_MASTER_KEY"), QString::fromLatin1(key));
    console.setProcessEnvironment(env);
    console.start(QStringLiteral(PATCHBAY_CONSOLE_PATH), arguments);
    if (!console.waitForFinished(timeoutMs)) {
        console.kill();
        console.waitForFinished();
        return {-1, QStringLiteral("did not finish")};
    }
    const int code = console.exitStatus() == QProcess::NormalExit ? console.exitCode() : -1;
    return {code, QString::fromUtf8(console.readAllStandardError())};
}

void TestConsoleDemo::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
}

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
    const auto tenants = store->tenants().tenants().value();
    QCOMPARE(tenants.size(), 4);
    QHash<QString, Connection> byPortal;
    for (const Connection &connection : store->tenants().connections().value())
        byPortal.insert(connection.config.value(QStringLiteral("sandboxPortal")).toString(), connection);
    QCOMPARE(byPortal.size(), 4);

    // Acme synced everything; Globex refreshed its expired token first; Umbrella's grant was revoked.
    // Before its read, the product pushed three contacts to Acme: two were written (and read back), one refused.
    const qint64 acme = byPortal.value(QStringLiteral("acme")).id;
    QCOMPARE(store->records().recordCount(acme, QStringLiteral("contacts")), 2402);
    const QList<Execution> acmeRuns = store->executions().executions(acme, 10).value();
    const auto write = std::find_if(acmeRuns.begin(), acmeRuns.end(),
                                    [](const Execution &e) { return e.kind == QLatin1String("write"); });
    QVERIFY(write != acmeRuns.end());
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    const auto refused = store->writes().failedWriteItems(acme, QStringLiteral("contacts")).value();
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().key, QStringLiteral("user-1002"));
    const Execution globex = store->executions().executions(byPortal.value(QStringLiteral("globex")).id, 1)->first();
    QCOMPARE(globex.status, ExecutionStatus::Succeeded);
    // Its contacts and its companies (one per five contacts in the sandbox).
    QCOMPARE(store->records().recordCount(byPortal.value(QStringLiteral("globex")).id, QStringLiteral("contacts")),
             1200);
    QCOMPARE(globex.recordCount, 1200 + store->records().recordCount(byPortal.value(QStringLiteral("globex")).id,
                                                                     QStringLiteral("companies")));
    QCOMPARE(store->records().recordCount(byPortal.value(QStringLiteral("globex")).id, QStringLiteral("companies")),
             240);
    const Connection umbrella = byPortal.value(QStringLiteral("umbrella"));
    QCOMPARE(umbrella.status, ConnectionStatus::NeedsReauth);
    QCOMPARE(store->executions().executions(umbrella.id, 1)->first().errorCode, QStringLiteral("auth.revoked"));

    // The credentials in the file open with the key the console was given, and only with it.
    CredentialVault vault{SecretBytes(QByteArray::fromBase64(key))};
    QVERIFY(vault.open(umbrella.id, store->credentials().credential(umbrella.id)->sealed).ok());
    QVERIFY(!CredentialVault(CredentialVault::generateKey())
                 .open(umbrella.id, store->credentials().credential(umbrella.id)->sealed)
                 .ok());
}

void TestConsoleDemo::wrongMasterKeyStopsTheConsole()
{
    QTemporaryDir dir;
    const QString database = dir.filePath(QStringLiteral("patchbay.db"));
    const QByteArray key = CredentialVault::generateKey().reveal().toBase64();
    // The console made the database with its key (and the key's check value) ...
    const auto [made, madeErrors] = runConsole({QStringLiteral("--database"), database, QStringLiteral("--screenshot"),
                                                dir.filePath(QStringLiteral("first.png")),
                                                QStringLiteral("--screenshot-delay"), QStringLiteral("10")},
                                               key);
    QVERIFY2(made == 0, qPrintable(madeErrors));

    // ... and refuses another key instead of opening with every token shown valid.
    const QByteArray other = CredentialVault::generateKey().reveal().toBase64();
    const auto [code, errors] = runConsole({QStringLiteral("--database"), database, QStringLiteral("--screenshot"),
                                            dir.filePath(QStringLiteral("second.png")),
                                            QStringLiteral("--screenshot-delay"), QStringLiteral("10")},
                                           other);
    QCOMPARE(code, 1);
    QVERIFY2(errors.contains(QStringLiteral("The master key from environment variable PATCHBAY_MASTER_KEY does not "
                                            "open the database %1")
                                 .arg(database)),
             qPrintable(errors));
    QVERIFY(!errors.contains(QString::fromLatin1(other)));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("second.png")))); // no window
}

void TestConsoleDemo::fileThatIsNoDatabaseStopsTheConsole()
{
    QTemporaryDir dir;
    const QString notes = dir.filePath(QStringLiteral("notes.txt"));
    QFile file(notes);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, 'n'));
    file.close();
    const auto [code, errors] =
        runConsole({QStringLiteral("--database"), notes}, CredentialVault::generateKey().reveal().toBase64());
    QCOMPARE(code, 1);
    QVERIFY2(errors.contains(QStringLiteral("%1 is not a Patchbay database").arg(notes)), qPrintable(errors));
}

void TestConsoleDemo::secondDemoOnTheSameDatabaseIsRefused()
{
    QTemporaryDir dir;
    const QString database = dir.filePath(QStringLiteral("demo.db"));
    const QByteArray key = CredentialVault::generateKey().reveal().toBase64();

    QProcess first;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("PATCHBAY_MASTER_KEY"), QString::fromLatin1(key));
    first.setProcessEnvironment(env);
    first.start(QStringLiteral(PATCHBAY_CONSOLE_PATH),
                {QStringLiteral("--demo"), QStringLiteral("--database"), database});
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(database + QStringLiteral(".demo-lock")), 60000);

    const auto [code, errors] = runConsole({QStringLiteral("--demo"), QStringLiteral("--database"), database}, key);
    QCOMPARE(code, 1);
    QVERIFY2(errors.contains(QStringLiteral("is running the demo on %1").arg(database)), qPrintable(errors));

    // The first one is killed somewhere in its set-up or first syncs; the next demo completes what it left.
    first.kill();
    QVERIFY(first.waitForFinished(30000));
    // Its emulators (a child process) notice and stop too.
    const QString firstErrors = QString::fromUtf8(first.readAllStandardError());
    const QRegularExpressionMatch sandbox =
        QRegularExpression(QStringLiteral("Demo emulators: process (\\d+)")).match(firstErrors);
    QVERIFY2(sandbox.hasMatch(), qPrintable(firstErrors));
    QTRY_VERIFY_WITH_TIMEOUT(!processIsAlive(sandbox.captured(1).toLongLong()), 10000);
    const auto [again, againErrors] = runConsole(
        {QStringLiteral("--demo"), QStringLiteral("--database"), database, QStringLiteral("--screenshot"),
         dir.filePath(QStringLiteral("again.png")), QStringLiteral("--screenshot-delay"), QStringLiteral("1500")},
        key);
    QVERIFY2(again == 0, qPrintable(againErrors));
    auto store = SqliteStore::open(database).value();
    QCOMPARE(store->tenants().tenants()->size(), 4);
    QCOMPARE(store->tenants().connections()->size(), 4);
    for (const Connection &connection : store->tenants().connections().value()) {
        QVERIFY2(store->executions().hasFinishedExecution(connection.id, QStringLiteral("read")).value(),
                 qPrintable(connection.displayName));
        QVERIFY(connection.integration == QLatin1String("crm-contacts"));
        if (connection.config.value(QStringLiteral("sandboxPortal")).toString() == QLatin1String("acme")) {
            QVERIFY(store->records().recordCount(connection.id, QStringLiteral("contacts")) >= 2400);
            QVERIFY(store->executions().hasFinishedExecution(connection.id, QStringLiteral("write")).value());
        }
        if (connection.config.value(QStringLiteral("sandboxPortal")).toString() == QLatin1String("initech")) {
            QVERIFY(store->mappings().currentMapping(QStringLiteral("connection"), QString::number(connection.id),
                                                     QStringLiteral("crm-contacts"), QStringLiteral("contacts"),
                                                     QStringLiteral("read")));
        }
    }
}

bool TestConsoleDemo::processIsAlive(qint64 pid)
{
    // A process that exited but is not reaped yet (its parent was killed) shows as a zombie: state Z.
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype afterName = line.lastIndexOf(')');
    return afterName >= 0 && line.mid(afterName + 2, 1) != "Z";
}

QTEST_GUILESS_MAIN(TestConsoleDemo)
#include "TestConsoleDemo.moc"
