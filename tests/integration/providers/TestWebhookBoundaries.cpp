// What an unauthenticated caller can do to the webhook endpoint, over real HTTP with the Greenhouse definition and
// emulator: a body past the limit is refused with 413 on the socket before it is buffered (a stated Content-Length at
// once, a chunked body as soon as its chunks pass the limit); a forged call leaves a bounded summary counted per
// source, never its body; every refusal gets the same answer, naming no connection; and event ids are
// de-duplicated per connection, so one tenant's event id never suppresses another's.
#include "LoopbackHttp.h"
#include "ProviderReadFixture.h"
#include "core/Clock.h"
#include "greenhouse/GreenhouseEmulator.h"
#include "server/WebhookEndpoint.h"
#include "store/sqlite/SqliteDatabase.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTcpSocket>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

const QString kCandidates = QStringLiteral("candidates");

QByteArray candidateEvent(const QString &id, const QByteArray &padding = {})
{
    QJsonObject body{{QStringLiteral("action"), QStringLiteral("update_candidate")},
                     {QStringLiteral("payload"), QJsonObject{{QStringLiteral("candidate"),
                                                              QJsonObject{{QStringLiteral("id"), id.toLongLong()}}}}}};
    if (!padding.isEmpty())
        body.insert(QStringLiteral("padding"), QString::fromLatin1(padding));
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray signature(const QByteArray &secret, const QByteArray &body)
{
    return "sha256 " + QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

// Writes raw bytes to the endpoint and returns what it answered: everything up to the end of the answer's head and
// its Content-Length, or what came before the connection closed (10 s at most).
QByteArray rawExchange(quint16 port, const QList<QByteArray> &writes)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    for (const QByteArray &bytes : writes)
        socket.write(bytes);
    QByteArray answer;
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        answer += socket.readAll();
        const qsizetype headEnd = answer.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            const qsizetype lengthAt = answer.toLower().indexOf("content-length:");
            const qint64 length =
                lengthAt >= 0
                    ? answer.mid(lengthAt + 15, answer.indexOf("\r\n", lengthAt) - lengthAt - 15).trimmed().toLongLong()
                    : 0;
            if (answer.size() >= headEnd + 4 + length)
                break;
        }
        if (socket.state() == QAbstractSocket::UnconnectedState && socket.bytesAvailable() == 0)
            break;
        QTest::qWait(5);
    }
    return answer;
}

int statusOf(const QByteArray &answer)
{
    return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0;
}

} // namespace

class TestWebhookBoundaries : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void statedOversizedBodyIsRefusedAtOnce();
    void chunkedBodyPastTheLimitIsCutOff_data();
    void chunkedBodyPastTheLimitIsCutOff();
    void forgedCallsLeaveOnlyABoundedSummary();
    void refusalsNameNoConnection();
    void sameEventIdInTwoConnectionsIsAppliedToBoth();

private:
    qint64 connectOrganization(const QString &name, const SandboxAccountCredentials &organization);
    qint64 databaseBytes();

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<GreenhouseEmulator> m_emulator;
    std::unique_ptr<SyncService> m_sync;
    std::unique_ptr<WebhookEndpoint> m_endpoint;
    SystemClock m_clock;
    QList<WebhookOutcome> m_handled;
    SandboxAccountCredentials m_acme;
    SandboxAccountCredentials m_globex;
};

void TestWebhookBoundaries::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<GreenhouseEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_acme = m_emulator->addOrganization(QStringLiteral("acme"), 3, 11);
    m_globex = m_emulator->addOrganization(QStringLiteral("globex"), 3, 12);
    m_sync = m_fixture->sync(m_clock);
    m_endpoint = std::make_unique<WebhookEndpoint>(*m_sync);
    m_handled.clear();
    connect(m_endpoint.get(), &WebhookEndpoint::webhookHandled, this,
            [this](const QString &, const WebhookOutcome &outcome) { m_handled.append(outcome); });
}

void TestWebhookBoundaries::cleanup()
{
    m_endpoint.reset();
    m_sync.reset();
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestWebhookBoundaries::connectOrganization(const QString &name, const SandboxAccountCredentials &organization)
{
    const auto *account = static_cast<const GreenhouseOrganization *>(m_emulator->account(name));
    const QJsonObject config{
        {QStringLiteral("originOverrides"), QJsonObject{{QStringLiteral("https://harvest.greenhouse.io"),
                                                         m_emulator->baseUrl().toString(QUrl::StripTrailingSlash)}}},
        {QStringLiteral("on_behalf_of"), QString::number(account->userId())}};
    Credential credential = ProviderReadFixture::apiKey(organization.apiKey);
    credential.webhookSecret = SecretBytes(organization.webhookSecret.toUtf8());
    return m_fixture->connect(QStringLiteral("greenhouse"), config, credential);
}

qint64 TestWebhookBoundaries::databaseBytes()
{
    // What the database holds, WAL included: its pages as a connection of its own sees them.
    auto db = SqliteDatabase::open(m_fixture->databasePath());
    if (!db)
        return -1;
    auto pages = db.value()->prepare(QStringLiteral("PRAGMA page_count"));
    auto size = db.value()->prepare(QStringLiteral("PRAGMA page_size"));
    if (!pages.next() || !size.next())
        return -1;
    return pages.int64(0) * size.int64(0);
}

void TestWebhookBoundaries::statedOversizedBodyIsRefusedAtOnce()
{
    const qint64 connection = connectOrganization(QStringLiteral("acme"), m_acme);
    const quint16 port = m_endpoint->listen();
    QVERIFY(port != 0);
    // 50 MB announced, a few bytes sent: the answer comes without waiting for (or buffering) the rest.
    const QByteArray answer = rawExchange(
        port, {"POST /webhooks/greenhouse/" + QByteArray::number(connection) +
               " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n"
               "\r\n{\"action\":"});
    QCOMPARE(statusOf(answer), 413);
    QVERIFY2(answer.contains("larger than this server accepts"), answer.constData());
    QVERIFY(m_handled.isEmpty());
    QVERIFY(m_fixture->store().webhooks().webhookRejections().value().isEmpty());
}

void TestWebhookBoundaries::chunkedBodyPastTheLimitIsCutOff_data()
{
    QTest::addColumn<QList<QByteArray>>("chunks");
    QTest::addColumn<int>("status");
    const QByteArray piece(16 * 1024, 'x');
    QList<QByteArray> many;
    for (int i = 0; i < 8; ++i) // 128 KiB in 16 KiB chunks, past a 64 KiB limit
        many.append(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
    many.append("0\r\n\r\n");
    QTest::newRow("chunks adding up past the limit") << many << 413;
    QTest::newRow("one chunk said to be 100 MB") << QList<QByteArray>{"6400000\r\n" + piece} << 413;
    QTest::newRow("a chunk longer than it says") << QList<QByteArray>{"10\r\n" + piece + "\r\n0\r\n\r\n"} << 400;
}

void TestWebhookBoundaries::chunkedBodyPastTheLimitIsCutOff()
{
    QFETCH(QList<QByteArray>, chunks);
    QFETCH(int, status);
    const qint64 connection = connectOrganization(QStringLiteral("acme"), m_acme);
    m_endpoint->setMaxBodyBytes(64 * 1024);
    const quint16 port = m_endpoint->listen();
    QVERIFY(port != 0);
    const QByteArray head = "POST /webhooks/greenhouse/" + QByteArray::number(connection) +
                            " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n";

    // Within the limit, a chunked call reaches the receiver (and, unsigned, is refused there).
    const QByteArray small = candidateEvent(QStringLiteral("1"));
    QCOMPARE(
        statusOf(rawExchange(port, {head, QByteArray::number(small.size(), 16) + "\r\n" + small + "\r\n0\r\n\r\n"})),
        401);
    QCOMPARE(m_handled.size(), 1);

    QCOMPARE(statusOf(rawExchange(port, QList<QByteArray>{head} + chunks)), status);
    QCOMPARE(m_handled.size(), 1);
}

void TestWebhookBoundaries::forgedCallsLeaveOnlyABoundedSummary()
{
    const qint64 connection = connectOrganization(QStringLiteral("acme"), m_acme);
    QVERIFY(m_endpoint->listen() != 0);
    const QUrl url = m_endpoint->urlFor(QStringLiteral("greenhouse"), connection);
    const QString id = m_emulator->account(QStringLiteral("acme"))->table(kCandidates)->records().front().id;
    const auto forge = [&](const QByteArray &body) {
        return LoopbackHttp::send("POST", url,
                                  {{"Content-Type", "application/json"},
                                   {"Greenhouse-Event-ID", "forged"},
                                   {"Signature", signature("guessed-secret", body)}},
                                  body);
    };
    QCOMPARE(forge(candidateEvent(id)).status, 401);
    const qint64 before = databaseBytes();
    QVERIFY(before > 0);

    const QByteArray large = candidateEvent(id, QByteArray(1024 * 1024, 'p'));
    for (int i = 0; i < 10; ++i) {
        const LoopbackHttp::Answer answer = forge(large);
        QCOMPARE(answer.status, 401);
    }
    // Ten 1 MB forgeries: a few rows, nothing the size of their bodies.
    const qint64 grown = databaseBytes() - before;
    QVERIFY2(grown < 256 * 1024, qPrintable(QString::number(grown)));
    QCOMPARE(m_handled.size(), 11);
    const WebhookOutcome last = m_handled.last();
    const Execution rejected = m_fixture->store().executions().execution(last.executionId).value();
    QCOMPARE(rejected.status, ExecutionStatus::Failed);
    QCOMPARE(rejected.errorCode, QStringLiteral("webhook.rejected"));
    QVERIFY(m_fixture->store().executions().exchanges(last.executionId).value().isEmpty());

    // One summary per source, counted.
    const QList<WebhookRejection> rejections =
        m_fixture->store().webhooks().webhookRejections(QStringLiteral("greenhouse")).value();
    QCOMPARE(rejections.size(), 1);
    QCOMPARE(rejections.first().source, QStringLiteral("127.0.0.1"));
    QCOMPARE(rejections.first().count, 11);
    QCOMPARE(rejections.first().lastSize, large.size());
    QCOMPARE(rejections.first().lastBodySha256,
             QString::fromLatin1(QCryptographicHash::hash(large, QCryptographicHash::Sha256).toHex()));
    QCOMPARE(rejections.first().lastConnectionId, connection);
    QVERIFY2(rejections.first().lastReason.contains(QLatin1String("signature")),
             qPrintable(rejections.first().lastReason));
}

void TestWebhookBoundaries::refusalsNameNoConnection()
{
    const qint64 connection = connectOrganization(QStringLiteral("acme"), m_acme);
    QVERIFY(m_endpoint->listen() != 0);
    const QByteArray body = candidateEvent(QStringLiteral("1"));
    const QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"},
                                                       {"Greenhouse-Event-ID", "e-1"},
                                                       {"Signature", signature("guessed-secret", body)}};
    // A connection that exists and one that does not answer alike.
    const LoopbackHttp::Answer existing =
        LoopbackHttp::send("POST", m_endpoint->urlFor(QStringLiteral("greenhouse"), connection), headers, body);
    const LoopbackHttp::Answer missing =
        LoopbackHttp::send("POST", m_endpoint->urlFor(QStringLiteral("greenhouse"), connection + 41), headers, body);
    QCOMPARE(existing.status, 401);
    QCOMPARE(missing.status, 401);
    QCOMPARE(existing.body, missing.body);
    for (const QByteArray &needle :
         {QByteArray("acme"), QByteArray::number(connection), QByteArray("connect"), QByteArray("signature")})
        QVERIFY2(!existing.body.contains(needle), existing.body.constData());
    const QList<WebhookRejection> rejections =
        m_fixture->store().webhooks().webhookRejections(QStringLiteral("greenhouse")).value();
    QCOMPARE(rejections.size(), 1);
    QCOMPARE(rejections.first().count, 2);
}

void TestWebhookBoundaries::sameEventIdInTwoConnectionsIsAppliedToBoth()
{
    const qint64 acme = connectOrganization(QStringLiteral("acme"), m_acme);
    const qint64 globex = connectOrganization(QStringLiteral("globex"), m_globex);
    QVERIFY(m_endpoint->listen() != 0);
    const auto deliver = [&](qint64 connection, const QString &organization, const SandboxAccountCredentials &keys) {
        const QString id = m_emulator->account(organization)->table(kCandidates)->records().front().id;
        const QByteArray body = candidateEvent(id);
        const int status = LoopbackHttp::send("POST", m_endpoint->urlFor(QStringLiteral("greenhouse"), connection),
                                              {{"Content-Type", "application/json"},
                                               {"Greenhouse-Event-ID", "evt-shared-1"},
                                               {"Signature", signature(keys.webhookSecret.toUtf8(), body)}},
                                              body)
                               .status;
        return std::make_pair(status, id);
    };

    const auto [acmeStatus, acmeId] = deliver(acme, QStringLiteral("acme"), m_acme);
    QCOMPARE(acmeStatus, 200);
    QCOMPARE(m_handled.last().applied, 1);
    // Globex's own event happens to carry the same id: it is Globex's, and applied.
    const auto [globexStatus, globexId] = deliver(globex, QStringLiteral("globex"), m_globex);
    QCOMPARE(globexStatus, 200);
    QCOMPARE(m_handled.last().applied, 1);
    QCOMPARE(m_handled.last().duplicates, 0);
    QCOMPARE(m_fixture->recordIds(acme, kCandidates), QSet<QString>{acmeId});
    QCOMPARE(m_fixture->recordIds(globex, kCandidates), QSet<QString>{globexId});

    // Within one connection, a redelivery is still a duplicate.
    QCOMPARE(deliver(acme, QStringLiteral("acme"), m_acme).first, 200);
    QCOMPARE(m_handled.last().applied, 0);
    QCOMPARE(m_handled.last().duplicates, 1);
}

QTEST_GUILESS_MAIN(TestWebhookBoundaries)
#include "TestWebhookBoundaries.moc"
