#include "OpsFixture.h"

#include "ops/LocalOps.h"
#include "ops/OpsJson.h"
#include "server/HttpService.h"
#include "server/OpsLiveFeed.h"
#include "sync/ExecutionNotifier.h"
#include "sync/SyncService.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QWebSocket>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

using namespace patchbay;

namespace {

// A WebSocket client of the live updates, keeping what it was sent.
class LiveClient : public QObject
{
public:
    explicit LiveClient(const QUrl &url)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
            if (message.value("type") == QLatin1String("ready")) {
                ready = true;
                return;
            }
            auto update = OpsJson::decode<LiveUpdate>(message);
            if (update)
                updates.append(update.value());
            else
                undecodable.append(text);
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] { closeCode = socket.closeCode(); });
        socket.open(url);
    }

    void authenticate(const QString &key)
    {
        socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(QJsonObject{{"type", "auth"}, {"key", key}}).toJson()));
    }

    QList<LiveUpdate> of(qint64 connectionId, LiveUpdate::Kind kind) const
    {
        QList<LiveUpdate> found;
        for (const LiveUpdate &update : updates) {
            if (update.connectionId == connectionId && update.kind == kind)
                found.append(update);
        }
        return found;
    }

    QWebSocket socket;
    bool ready = false;
    QList<LiveUpdate> updates;
    QStringList undecodable;
    std::optional<QWebSocketProtocol::CloseCode> closeCode;
};

} // namespace

// The ops API's live updates over a real WebSocket on loopback: a key first, then the executions of the key's
// tenants as they start, progress and finish, whoever started them.
class TestOpsLiveFeed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void syncStartedThroughTheOpsApiIsReported();
    void executionsStartedElsewhereAreReportedToo();
    void anotherTenantsUpdatesAreNotDelivered();
    void badKeyIsClosedAsAPolicyViolation();
    void firstMessageOtherThanAuthIsClosed();
    void silentClientIsClosedAfterTheAuthTimeout();
    void otherPathsAreClosed();

private:
    QUrl liveUrl(const QString &path = OpsLiveFeed::kPath) const;
    // A client whose key was accepted.
    std::unique_ptr<LiveClient> listening(const QString &key);
    void waitUntilFinished(LiveClient &client, qint64 connectionId);

    std::unique_ptr<OpsFixture> m_fixture;
    std::unique_ptr<HttpService> m_http;
    std::unique_ptr<OpsLiveFeed> m_feed;
};

void TestOpsLiveFeed::init()
{
    m_fixture = std::make_unique<OpsFixture>();
    QVERIFY2(m_fixture->isValid(), qPrintable(m_fixture->errorString()));
    const qint64 globex = m_fixture->globex;
    // pb_all sees every tenant, pb_globex only globex; anything else is refused.
    m_feed = std::make_unique<OpsLiveFeed>(
        *m_fixture->sync()->notifier(), [globex](const QString &key) -> Result<std::optional<qint64>> {
            if (key == QLatin1String("pb_all"))
                return std::optional<qint64>();
            if (key == QLatin1String("pb_globex"))
                return std::optional<qint64>(globex);
            return makeError("auth.bad_key", QStringLiteral("unknown key"));
        });
    m_http = std::make_unique<HttpService>();
    m_http->setHandler([](const HttpServerRequest &) { return HttpServerResponse::text("no", 404); });
    m_http->setWebSocketHandler([this](std::unique_ptr<QWebSocket> socket) { m_feed->accept(std::move(socket)); });
    QVERIFY(m_http->listen() != 0);
}

void TestOpsLiveFeed::cleanup()
{
    m_http.reset();
    m_feed.reset();
    m_fixture.reset();
}

QUrl TestOpsLiveFeed::liveUrl(const QString &path) const
{
    QUrl url = m_http->baseUrl();
    url.setScheme(QStringLiteral("ws"));
    url.setPath(path);
    return url;
}

std::unique_ptr<LiveClient> TestOpsLiveFeed::listening(const QString &key)
{
    auto client = std::make_unique<LiveClient>(liveUrl());
    if (!QTest::qWaitFor([&] { return client->socket.state() == QAbstractSocket::ConnectedState; }, 10000))
        return nullptr;
    client->authenticate(key);
    if (!QTest::qWaitFor([&] { return client->ready || client->closeCode; }, 10000) || !client->ready)
        return nullptr;
    return client;
}

void TestOpsLiveFeed::waitUntilFinished(LiveClient &client, qint64 connectionId)
{
    QTRY_VERIFY_WITH_TIMEOUT(!client.of(connectionId, LiveUpdate::Kind::ConnectionChanged).isEmpty(), 30000);
}

void TestOpsLiveFeed::syncStartedThroughTheOpsApiIsReported()
{
    auto client = listening(QStringLiteral("pb_all"));
    QVERIFY(client);
    QCOMPARE(m_feed->listenerCount(), 1);

    std::optional<Result<CommandStarted>> started;
    m_fixture->ops().syncNow(m_fixture->acmeConnection).then(this, [&](const Result<CommandStarted> &answer) {
        started = answer;
    });
    QTRY_VERIFY_WITH_TIMEOUT(started.has_value(), 10000);
    QVERIFY(started->ok());
    waitUntilFinished(*client, m_fixture->acmeConnection);
    QVERIFY2(client->undecodable.isEmpty(), qPrintable(client->undecodable.join('\n')));

    const qint64 connection = m_fixture->acmeConnection;
    const auto begun = client->of(connection, LiveUpdate::Kind::ExecutionStarted);
    QCOMPARE(begun.size(), 1);
    QCOMPARE(begun.first().executionId, started->value().executionId);
    QCOMPARE(begun.first().tenantId, m_fixture->acme);
    QVERIFY(!client->of(connection, LiveUpdate::Kind::ExecutionProgressed).isEmpty());
    const auto ended = client->of(connection, LiveUpdate::Kind::ExecutionFinished);
    QCOMPARE(ended.size(), 1);
    QCOMPARE(ended.first().executionId, started->value().executionId);
    QVERIFY2(ended.first().succeeded, qPrintable(ended.first().message));
    // In the order they happened: started first, finished before the connection changed.
    QCOMPARE(client->updates.first().kind, LiveUpdate::Kind::ExecutionStarted);
    QCOMPARE(client->updates.last().kind, LiveUpdate::Kind::ConnectionChanged);
}

void TestOpsLiveFeed::executionsStartedElsewhereAreReportedToo()
{
    // As patchbayd's scheduler does: SyncService directly, on a worker thread.
    auto client = listening(QStringLiteral("pb_all"));
    QVERIFY(client);
    auto sync = m_fixture->sync();
    const qint64 connection = m_fixture->globexConnection;
    QFuture<Result<Execution>> read = QtConcurrent::run([sync, connection] { return sync->read(connection); });
    QTRY_VERIFY_WITH_TIMEOUT(read.isFinished(), 30000);
    QVERIFY(read.result().ok());
    waitUntilFinished(*client, connection);
    const auto ended = client->of(connection, LiveUpdate::Kind::ExecutionFinished);
    QCOMPARE(ended.size(), 1);
    QCOMPARE(ended.first().executionId, read.result()->id);
    QCOMPARE(ended.first().succeeded, read.result()->status == ExecutionStatus::Succeeded);
}

void TestOpsLiveFeed::anotherTenantsUpdatesAreNotDelivered()
{
    auto everything = listening(QStringLiteral("pb_all"));
    auto globexOnly = listening(QStringLiteral("pb_globex"));
    QVERIFY(everything && globexOnly);

    // acme's sync, seen whole by the unbound client; then globex's, after which the bound one has had all it gets.
    QVERIFY(m_fixture->ops().syncNow(m_fixture->acmeConnection).isValid());
    waitUntilFinished(*everything, m_fixture->acmeConnection);
    QVERIFY(m_fixture->ops().syncNow(m_fixture->globexConnection).isValid());
    waitUntilFinished(*globexOnly, m_fixture->globexConnection);

    QVERIFY(!globexOnly->updates.isEmpty());
    for (const LiveUpdate &update : std::as_const(globexOnly->updates)) {
        QCOMPARE(update.tenantId, m_fixture->globex);
        QCOMPARE(update.connectionId, m_fixture->globexConnection);
    }
    QVERIFY(!everything->of(m_fixture->acmeConnection, LiveUpdate::Kind::ExecutionFinished).isEmpty());
}

void TestOpsLiveFeed::badKeyIsClosedAsAPolicyViolation()
{
    LiveClient client(liveUrl());
    QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::ConnectedState, 10000);
    client.authenticate(QStringLiteral("pb_wrong"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closeCode.has_value(), 10000);
    QCOMPARE(*client.closeCode, QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(!client.ready);
    QCOMPARE(m_feed->listenerCount(), 0);

    // Nothing reaches it, or anyone, from what runs now.
    QVERIFY(m_fixture->ops().syncNow(m_fixture->acmeConnection).isValid());
    QTRY_VERIFY_WITH_TIMEOUT(!m_fixture->ops().isBusy(m_fixture->acmeConnection), 30000);
    QVERIFY(client.updates.isEmpty());
}

void TestOpsLiveFeed::firstMessageOtherThanAuthIsClosed()
{
    LiveClient client(liveUrl());
    QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::ConnectedState, 10000);
    client.socket.sendTextMessage(QStringLiteral(R"({"type":"subscribe"})"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closeCode.has_value(), 10000);
    QCOMPARE(*client.closeCode, QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(!client.ready);
}

void TestOpsLiveFeed::silentClientIsClosedAfterTheAuthTimeout()
{
    m_feed->setAuthTimeout(std::chrono::milliseconds(300));
    LiveClient client(liveUrl());
    QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::ConnectedState, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(client.closeCode.has_value(), 10000);
    QCOMPARE(*client.closeCode, QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(client.socket.closeReason().contains("in time"));
}

void TestOpsLiveFeed::otherPathsAreClosed()
{
    LiveClient client(liveUrl(QStringLiteral("/api/v1/elsewhere")));
    QTRY_VERIFY_WITH_TIMEOUT(client.closeCode.has_value(), 10000);
    QCOMPARE(*client.closeCode, QWebSocketProtocol::CloseCodePolicyViolated);
}

QTEST_GUILESS_MAIN(TestOpsLiveFeed)
#include "TestOpsLiveFeed.moc"
