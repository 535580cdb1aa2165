#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "hubspot/HubSpotEmulator.h"
#include "server/DaemonServer.h"
#include "store/sqlite/Migrations.h"
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteStore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

using namespace patchbay;

// patchbayd's life cycle: /healthz and /readyz over real HTTP on loopback, in-process, and the real program started
// on port 0, asked for /healthz and stopped with SIGTERM; its scheduler reading a HubSpot emulator on its own, and a
// SIGTERM in the middle of a read leaving the job to go on from its cursor.
class TestDaemon : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void healthzAnswersOk();
    void readyzFollowsTheStoreSchema();
    void unknownPathIsAJsonError();
    void stoppedServerRefusesNewConnections();
    void processListensAnswersAndStopsOnSigterm();
    void processRefusesBadConfigurationWithExitCode2();
    void processReadsOnScheduleAndStopsMidReadResumably();
    void keyFromTheCliOpensTheApiOfTheRealServerUntilRevoked();
    void cliRefusesBadKeyCommands_data();
    void cliRefusesBadKeyCommands();
};

namespace {

struct Answer
{
    int status = 0;
    QJsonObject body;
};

// One GET over a fresh connection, with an API key when given; the event loop runs while waiting, so an in-process
// server answers.
Answer get(quint16 port, const QByteArray &path, const QByteArray &key = {})
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                 + (key.isEmpty() ? QByteArray() : "Authorization: Bearer " + key + "\r\n") + "\r\n");
    // The server keeps the connection open regardless: the answer is whole once Content-Length bytes arrived.
    static const QRegularExpression contentLength(QStringLiteral("(?i)\r\ncontent-length: *(\\d+)"));
    QByteArray received;
    qsizetype head = -1;
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        received += socket.readAll();
        head = received.indexOf("\r\n\r\n");
        const auto length = contentLength.match(QString::fromLatin1(received.left(head)));
        if (head >= 0 && length.hasMatch() && received.size() >= head + 4 + length.captured(1).toLongLong())
            break;
    }
    if (head < 0)
        return {};
    Answer answer;
    answer.status = received.mid(9, 3).toInt();
    answer.body = QJsonDocument::fromJson(received.mid(head + 4)).object();
    return answer;
}

QJsonObject error(const Answer &answer)
{
    return answer.body.value(QStringLiteral("error")).toObject();
}

// Starts patchbayd on a free loopback port with its database in dir, logging JSON; the port it listens on (0 when it
// did not say), and the category of that log line.
quint16 startDaemon(QProcess &daemon, const QTemporaryDir &dir, QString *listeningCategory = nullptr)
{
    daemon.setProcessChannelMode(QProcess::SeparateChannels);
    daemon.start(QStringLiteral(PATCHBAYD_PATH),
                 {QStringLiteral("--database"), dir.filePath(QStringLiteral("patchbay.db")), QStringLiteral("--key-file"),
                  dir.filePath(QStringLiteral("master.key")), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                  QStringLiteral("--log-format"), QStringLiteral("json")});
    if (!daemon.waitForStarted(10000))
        return 0;
    const QRegularExpression listening(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    quint16 port = 0;
    QByteArray log;
    QDeadlineTimer deadline(30000);
    while (port == 0 && !deadline.hasExpired() && daemon.state() == QProcess::Running) {
        daemon.waitForReadyRead(200);
        log += daemon.readAllStandardError();
        for (const QByteArray &line : log.split('\n')) {
            const QJsonObject entry = QJsonDocument::fromJson(line).object();
            const auto match = listening.match(entry.value(QStringLiteral("message")).toString());
            if (match.hasMatch()) {
                port = quint16(match.captured(1).toUInt());
                if (listeningCategory)
                    *listeningCategory = entry.value(QStringLiteral("category")).toString();
            }
        }
    }
    if (port == 0)
        qWarning().noquote() << log;
    return port;
}

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliRun runCli(const QStringList &arguments)
{
    QProcess cli;
    cli.start(QStringLiteral(PATCHBAY_CLI_PATH), arguments);
    CliRun run;
    if (!cli.waitForFinished(30000))
        return run;
    run.exitCode = cli.exitCode();
    run.out = cli.readAllStandardOutput();
    run.err = cli.readAllStandardError();
    return run;
}

} // namespace

void TestDaemon::healthzAnswersOk()
{
    DaemonServer server([] { return Result<void>(makeError("store.closed", QStringLiteral("not open"))); });
    const quint16 port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);
    const Answer answer = get(port, "/healthz");
    QCOMPARE(answer.status, 200); // up, even when not ready
    QCOMPARE(answer.body, QJsonObject({{QStringLiteral("status"), QStringLiteral("ok")}}));
}

void TestDaemon::readyzFollowsTheStoreSchema()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("patchbay.db"));
    auto store = SqliteStore::open(path);
    QVERIFY(store);
    DaemonServer server([&store] { return store.value()->checkSchemaCurrent(); });
    const quint16 port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);
    QCOMPARE(get(port, "/readyz").status, 200);

    // Another program moved the schema on: not ready, with the store's error.
    auto other = SqliteDatabase::open(path);
    QVERIFY(other);
    QVERIFY(other.value()->setUserVersion(Migrations::latestVersion() + 1));
    const Answer answer = get(port, "/readyz");
    QCOMPARE(answer.status, 503);
    QCOMPARE(error(answer).value(QStringLiteral("code")).toString(), QStringLiteral("store.schema_outdated"));
    QVERIFY(!error(answer).value(QStringLiteral("message")).toString().isEmpty());
}

void TestDaemon::unknownPathIsAJsonError()
{
    DaemonServer server([] { return Result<void>(); });
    const quint16 port = server.listen(QHostAddress::LocalHost, 0);
    const Answer answer = get(port, "/api/v1/nothing");
    QCOMPARE(answer.status, 404);
    QCOMPARE(error(answer).value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
}

void TestDaemon::stoppedServerRefusesNewConnections()
{
    DaemonServer server([] { return Result<void>(); });
    const quint16 port = server.listen(QHostAddress::LocalHost, 0);
    QCOMPARE(get(port, "/healthz").status, 200);
    server.stopAccepting();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(!socket.waitForConnected(2000));
}

void TestDaemon::processListensAnswersAndStopsOnSigterm()
{
    QTemporaryDir dir;
    QProcess daemon;
    QString listeningCategory;
    const quint16 port = startDaemon(daemon, dir, &listeningCategory);
    QVERIFY(port != 0);
    // An operator filters the daemon's own lines by category, as every other area's.
    QCOMPARE(listeningCategory, QStringLiteral("patchbay.server"));

    const Answer answer = get(port, "/healthz");
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(get(port, "/readyz").status, 200);

    ::kill(pid_t(daemon.processId()), SIGTERM);
    QVERIFY(daemon.waitForFinished(15000));
    QCOMPARE(daemon.exitStatus(), QProcess::NormalExit);
    QCOMPARE(daemon.exitCode(), 0);
}

void TestDaemon::processRefusesBadConfigurationWithExitCode2()
{
    QTemporaryDir dir;
    const QString config = dir.filePath(QStringLiteral("patchbayd.yaml"));
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("logLevel: info\nport: 8080\n");
    file.close();
    QProcess daemon;
    daemon.start(QStringLiteral(PATCHBAYD_PATH), {QStringLiteral("--config"), config});
    QVERIFY(daemon.waitForFinished(15000));
    QCOMPARE(daemon.exitCode(), 2);
    const QString message = QString::fromUtf8(daemon.readAllStandardError());
    QVERIFY2(message.contains(config + QStringLiteral(":2: port")), qPrintable(message));
}

namespace {

// A patchbayd process and what it logged (JSON lines on stderr).
class DaemonProcess
{
public:
    DaemonProcess(const QString &database, const SecretBytes &key)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("PATCHBAY_MASTER_KEY"), QString::fromLatin1(key.reveal().toBase64()));
        m_process.setProcessEnvironment(environment);
        m_process.start(QStringLiteral(PATCHBAYD_PATH),
                        {QStringLiteral("--database"), database, QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:0"), QStringLiteral("--log-format"), QStringLiteral("json"),
                         QStringLiteral("--shutdown-grace"), QStringLiteral("1"), QStringLiteral("--workers"),
                         QStringLiteral("2")});
    }
    ~DaemonProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    QProcess &process() { return m_process; }
    const QByteArray &log() const { return m_log; }

    // Waits for a log line whose message contains text. With answering, the test's event loop runs meanwhile, so the
    // in-process emulator answers the daemon; without, the daemon's provider requests wait unanswered.
    bool waitForLog(const QString &text, bool answering, int timeoutMs = 30000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            for (const QByteArray &line : m_log.split('\n')) {
                if (QJsonDocument::fromJson(line).object().value(QStringLiteral("message")).toString().contains(text))
                    return true;
            }
            if (answering)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            m_process.waitForReadyRead(answering ? 20 : 200);
            m_log += m_process.readAllStandardError();
            if (m_process.state() == QProcess::NotRunning && !m_process.bytesAvailable())
                return false;
        }
        return false;
    }

    // Runs the event loop (the emulator answers) until the process exits.
    bool waitForExit(int timeoutMs = 30000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (m_process.state() != QProcess::NotRunning && !deadline.hasExpired()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            m_process.waitForFinished(20);
        }
        m_log += m_process.readAllStandardError();
        return m_process.state() == QProcess::NotRunning;
    }

private:
    QProcess m_process;
    QByteArray m_log;
};

QString cursorPhase(Store &store, qint64 connection)
{
    const auto cursor = store.records().cursor(connection, QStringLiteral("contacts"));
    return cursor ? QJsonDocument::fromJson(cursor->toUtf8()).object().value(QStringLiteral("phase")).toString()
                  : QString();
}

} // namespace

void TestDaemon::processReadsOnScheduleAndStopsMidReadResumably()
{
    // A tenant's HubSpot connection to the emulator, under the built-in crm-contacts integration (contacts every 30m).
    QTemporaryDir dir;
    const QString database = dir.filePath(QStringLiteral("patchbay.db"));
    const SecretBytes key = CredentialVault::generateKey();
    sandbox::HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    constexpr int kContacts = 480; // five pages
    const sandbox::PortalCredentials portal = emulator.addPortal(QStringLiteral("acme"), kContacts, 5);
    auto store = SqliteStore::open(database).value();
    const qint64 tenant = store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    const CredentialVault vault(key);
    const qint64 connection = sandbox::SandboxConnector(*store, vault)
                                  .connect(tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                           QStringLiteral("https://api.hubapi.com"), emulator.baseUrl(), portal,
                                           QDateTime::currentDateTimeUtc().addSecs(1800))
                                  .value();
    QVERIFY(store->tenants()
                .setConnectionIntegration(connection, QStringLiteral("crm-contacts"), QStringLiteral("production"))
                .ok());

    {
        // Nobody asks: the first scheduled read runs on its own and reads every contact.
        DaemonProcess daemon(database, key);
        QVERIFY2(daemon.waitForLog(QStringLiteral("finished job"), true), daemon.log().constData());
        QTRY_COMPARE_WITH_TIMEOUT(store->jobs().jobs(connection, 10)->size(), 2, 10000);
        const QList<Job> jobs = store->jobs().jobs(connection, 10).value();
        QCOMPARE(jobs.size(), 2);
        const Job &done = jobs.last();
        QCOMPARE(done.kind, JobKind::Scheduled);
        QCOMPARE(done.state, JobState::Done);
        const Execution read = store->executions().execution(done.executionId).value();
        QCOMPARE(read.status, ExecutionStatus::Succeeded);
        QCOMPARE(read.recordCount, kContacts);
        QCOMPARE(store->records().recordCount(connection, QStringLiteral("contacts")), kContacts);
        // The next one is queued for 30 minutes after this one was due.
        QCOMPARE(jobs.first().state, JobState::Queued);
        QCOMPARE(done.dueAt.secsTo(jobs.first().dueAt), 30 * 60);

        // A full resync starts; while its first page is on its way, SIGTERM. The grace period (1 s) runs out with the
        // page unanswered; then the page arrives, is stored, and the read stops there.
        Job resync;
        resync.connectionId = connection;
        resync.object = QStringLiteral("contacts");
        resync.kind = JobKind::Resync;
        const qint64 resyncId = store->jobs().addJob(resync).value();
        QVERIFY2(daemon.waitForLog(QStringLiteral("started job %1 ").arg(resyncId), false), daemon.log().constData());
        ::kill(pid_t(daemon.process().processId()), SIGTERM);
        QVERIFY2(daemon.waitForLog(QStringLiteral("Grace period over"), false), daemon.log().constData());
        QVERIFY(daemon.waitForExit());
        QCOMPARE(daemon.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(daemon.process().exitCode(), 0);

        const Job stopped = store->jobs().job(resyncId).value();
        QCOMPARE(stopped.state, JobState::Queued);
        QCOMPARE(stopped.lastErrorCode, QStringLiteral("sync.interrupted"));
        const Execution interrupted = store->executions().execution(stopped.executionId).value();
        QCOMPARE(interrupted.status, ExecutionStatus::Interrupted);
        QVERIFY(interrupted.recordCount > 0 && interrupted.recordCount < kContacts);
        QCOMPARE(cursorPhase(*store, connection), QStringLiteral("paging"));
    }

    // The next start goes on from the cursor and finishes the resync.
    DaemonProcess restarted(database, key);
    QVERIFY2(restarted.waitForLog(QStringLiteral("finished job"), true), restarted.log().constData());
    const QList<Job> jobs = store->jobs().jobs(connection, 10).value();
    const Job resumed = jobs.first();
    QCOMPARE(resumed.kind, JobKind::Resync);
    QCOMPARE(resumed.state, JobState::Done);
    QCOMPARE(resumed.attempts, 2);
    const QList<Event> events = store->executions().events(resumed.executionId).value();
    QVERIFY(std::any_of(events.begin(), events.end(), [](const Event &event) {
        return event.message.startsWith(QStringLiteral("Resuming the read of contacts"));
    }));
    QCOMPARE(cursorPhase(*store, connection), QStringLiteral("complete"));
    QCOMPARE(store->records().recordCount(connection, QStringLiteral("contacts")), kContacts);
    ::kill(pid_t(restarted.process().processId()), SIGTERM);
    QVERIFY(restarted.waitForExit());
    QCOMPARE(restarted.process().exitCode(), 0);
}

void TestDaemon::keyFromTheCliOpensTheApiOfTheRealServerUntilRevoked()
{
    // The README's first steps: a key from the CLI, patchbayd on the same database, a call with the key.
    QTemporaryDir dir;
    const QString database = dir.filePath(QStringLiteral("patchbay.db"));
    const CliRun created = runCli({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--database"),
                                   database, QStringLiteral("--role"), QStringLiteral("admin")});
    QCOMPARE(created.exitCode, 0);
    const QByteArray key = created.out.trimmed();
    QVERIFY2(key.startsWith("pb_") && key.size() == 46, created.out.constData());
    QVERIFY(created.err.contains("shown only now"));

    QProcess daemon;
    const quint16 port = startDaemon(daemon, dir);
    QVERIFY(port != 0);
    const Answer tenants = get(port, "/api/v1/tenants", key);
    QCOMPARE(tenants.status, 200);
    QCOMPARE(tenants.body, QJsonObject({{QStringLiteral("tenants"), QJsonArray()}}));
    const Answer anonymous = get(port, "/api/v1/tenants");
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(error(anonymous).value(QStringLiteral("code")).toString(), QStringLiteral("auth.missing_key"));

    // The list names the key by its prefix, never in full; the database holds only its hash.
    const CliRun listed = runCli({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--database"), database});
    QCOMPARE(listed.exitCode, 0);
    QVERIFY2(listed.out.contains(key.left(11)) && listed.out.contains("admin"), listed.out.constData());
    QVERIFY(!listed.out.contains(key));
    ::kill(pid_t(daemon.processId()), SIGTERM); // the database whole on disk: no WAL left to read
    QVERIFY(daemon.waitForFinished(15000));
    for (const QString &name : QDir(dir.path()).entryList(QDir::Files)) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(key), qPrintable(name));
    }

    // Revoked, the same key opens nothing.
    const QByteArray id = listed.out.split('\n').value(1).split('\t').value(0);
    const CliRun revoked = runCli({QStringLiteral("keys"), QStringLiteral("revoke"), QStringLiteral("--database"),
                                   database, QString::fromLatin1(id)});
    QCOMPARE(revoked.exitCode, 0);
    QProcess restarted;
    const quint16 again = startDaemon(restarted, dir);
    QVERIFY(again != 0);
    const Answer refused = get(again, "/api/v1/tenants", key);
    QCOMPARE(refused.status, 401);
    QCOMPARE(error(refused).value(QStringLiteral("code")).toString(), QStringLiteral("auth.bad_key"));
    ::kill(pid_t(restarted.processId()), SIGTERM);
    QVERIFY(restarted.waitForFinished(15000));
}

void TestDaemon::cliRefusesBadKeyCommands_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("says");
    QTest::newRow("no role") << QStringList{"create"} << 2 << "--role is required";
    QTest::newRow("unknown role") << QStringList{"create", "--role", "wizard"} << 2 << "unknown role 'wizard'";
    QTest::newRow("unknown tenant") << QStringList{"create", "--role", "viewer", "--tenant", "nobody"} << 1
                                    << "no tenant 'nobody'";
    QTest::newRow("revoke without id") << QStringList{"revoke"} << 2 << "one key id";
    QTest::newRow("revoke unknown") << QStringList{"revoke", "99"} << 1 << "No API key with id 99";
    QTest::newRow("unknown action") << QStringList{"rotate"} << 2 << "unknown action";
}

void TestDaemon::cliRefusesBadKeyCommands()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, says);
    QTemporaryDir dir;
    const CliRun run = runCli(QStringList{QStringLiteral("keys")} + arguments
                              + QStringList{QStringLiteral("--database"), dir.filePath(QStringLiteral("p.db"))});
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(says.toUtf8()), run.err.constData());
    QVERIFY(run.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestDaemon)
#include "TestDaemon.moc"
