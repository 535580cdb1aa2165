#include "server/DaemonServer.h"
#include "store/sqlite/Migrations.h"
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteStore.h"

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
// on port 0, asked for /healthz and stopped with SIGTERM.
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
};

namespace {

struct Answer
{
    int status = 0;
    QJsonObject body;
};

// One GET over a fresh connection; the event loop runs while waiting, so an in-process server answers.
Answer get(quint16 port, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
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
    daemon.setProcessChannelMode(QProcess::SeparateChannels);
    daemon.start(QStringLiteral(PATCHBAYD_PATH),
                 {QStringLiteral("--database"), dir.filePath(QStringLiteral("patchbay.db")), QStringLiteral("--key-file"),
                  dir.filePath(QStringLiteral("master.key")), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                  QStringLiteral("--log-format"), QStringLiteral("json")});
    QVERIFY(daemon.waitForStarted(10000));

    const QRegularExpression listening(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    quint16 port = 0;
    QString listeningCategory;
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
                listeningCategory = entry.value(QStringLiteral("category")).toString();
            }
        }
    }
    QVERIFY2(port != 0, log.constData());
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

QTEST_GUILESS_MAIN(TestDaemon)
#include "TestDaemon.moc"
