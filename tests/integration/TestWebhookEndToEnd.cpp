// Provider webhooks end to end: the real patchbayd on loopback, the GitHub emulator as the provider sending signed
// deliveries over HTTP. A genuine call is acknowledged and then applied (its issue appears in the database), a
// redelivery is acknowledged and not applied twice, a forgery is refused and counted in the refusal summary, a flood
// of forgeries from one address gets 429, and a call stored but not yet applied when patchbayd stopped is applied
// after it starts again.
#include "DaemonProcess.h"
#include "GitHubConnection.h"
#include "core/Clock.h"
#include "github/GitHubEmulator.h"
#include "github/GitHubOwner.h"
#include "store/sqlite/SqliteStore.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestWebhookEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void signedCallIsAcknowledgedAndApplied();
    void redeliveryIsAcknowledgedAndNotAppliedTwice();
    void forgeryIsRefusedAndCounted();
    void floodOfForgeriesGets429();
    void acknowledgedCallIsAppliedAfterARestart();

private:
    QUrl webhookUrl() const;
    int deliver(const std::function<void()> &send);
    // POSTs body with headers to path on the daemon: the status and the error code.
    QPair<int, QString> post(const QString &path, const QByteArray &body,
                             const QList<QPair<QByteArray, QByteArray>> &headers);
    QString issueNumber();
    qint64 webhookExecutions();

    std::unique_ptr<GitHubEmulator> m_emulator;
    std::unique_ptr<DaemonProcess> m_daemon;
    std::unique_ptr<SqliteStore> m_store;
    QNetworkAccessManager m_network;
    SandboxAccountCredentials m_owner;
    qint64 m_connection = 0;
};

void TestWebhookEndToEnd::init()
{
    m_emulator = std::make_unique<GitHubEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_owner = m_emulator->addOwner(QStringLiteral("acme"), 4, 17);
    m_daemon = std::make_unique<DaemonProcess>();
    m_daemon->setSetting(QStringLiteral("webhookRejectionLimit"), 3);
    QVERIFY2(m_daemon->start(), qPrintable(m_daemon->lastError()));
    QCOMPARE(m_daemon->request("POST", QStringLiteral("/api/v1/tenants"), R"({"name":"acme"})").status, 201);

    // The connection, with the webhook secret GitHub signs with, as the product would have created it.
    m_store = SqliteStore::open(m_daemon->databasePath(), SystemClock::instance()).value();
    m_connection = addGitHubConnection(*m_store, m_daemon->masterKey(),
                                       m_store->tenants().tenantByName(QStringLiteral("acme"))->id, m_owner.tenant,
                                       GitHubOwner::repositoryName(), m_owner.apiKey, m_owner.webhookSecret.toUtf8(),
                                       m_emulator->baseUrl().toString(QUrl::StripTrailingSlash));
    QVERIFY(m_connection > 0);
}

void TestWebhookEndToEnd::cleanup()
{
    if (m_daemon && m_daemon->isRunning())
        QCOMPARE(m_daemon->stop(), 0);
    m_store.reset();
    m_daemon.reset();
    m_emulator.reset();
}

QUrl TestWebhookEndToEnd::webhookUrl() const
{
    QUrl url = m_daemon->baseUrl();
    url.setPath(QStringLiteral("/webhooks/github/%1").arg(m_connection));
    return url;
}

int TestWebhookEndToEnd::deliver(const std::function<void()> &send)
{
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);
    send();
    if (!delivered.wait(20000))
        return -1;
    return delivered.first().at(1).toInt();
}

QPair<int, QString> TestWebhookEndToEnd::post(const QString &path, const QByteArray &body,
                                              const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QUrl url = m_daemon->baseUrl();
    url.setPath(path);
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = m_network.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(20000))
        return {0, {}};
    reply->deleteLater();
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            json.value("error").toObject().value("code").toString()};
}

QString TestWebhookEndToEnd::issueNumber()
{
    return m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
}

qint64 TestWebhookEndToEnd::webhookExecutions()
{
    qint64 count = 0;
    for (const Execution &execution : m_store->executions().executions(m_connection, 100).value())
        count += execution.kind == QLatin1String("webhook");
    return count;
}

void TestWebhookEndToEnd::signedCallIsAcknowledgedAndApplied()
{
    const QString number = issueNumber();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(), QStringLiteral("issues"), number));
             }),
             200);
    QTRY_VERIFY_WITH_TIMEOUT(m_store->records().record(m_connection, QStringLiteral("issues"), number), 20000);
    const auto applied = m_daemon->request("GET", QStringLiteral("/api/v1/webhook-events?state=applied"));
    QCOMPARE(applied.status, 200);
    QCOMPARE(applied.json.value("events").toArray().size(), 1);
    QCOMPARE(webhookExecutions(), 1);
}

void TestWebhookEndToEnd::redeliveryIsAcknowledgedAndNotAppliedTwice()
{
    const QString number = issueNumber();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(), QStringLiteral("issues"), number));
             }),
             200);
    QTRY_COMPARE_WITH_TIMEOUT(webhookExecutions(), 1, 20000);
    QCOMPARE(deliver([&] { QVERIFY(m_emulator->redeliverLastWebhook()); }), 200);
    QCOMPARE(m_daemon->request("GET", QStringLiteral("/api/v1/webhook-events")).json.value("events").toArray().size(),
             1);
    QTest::qWait(500);
    QCOMPARE(webhookExecutions(), 1);
}

void TestWebhookEndToEnd::forgeryIsRefusedAndCounted()
{
    const QString number = issueNumber();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(), QStringLiteral("issues"), number));
             }),
             200);
    const WebhookDelivery genuine = *m_emulator->lastWebhook();
    QList<QPair<QByteArray, QByteArray>> headers;
    for (const auto &[name, value] : genuine.headers)
        headers.append({name, name.toLower() == "x-github-delivery" ? QByteArray("forged-delivery") : value});
    QByteArray forged = genuine.body;
    forged.replace("acme", "evil");
    const auto refused = post(webhookUrl().path(), forged, headers);
    QCOMPARE(refused.first, 401);
    QCOMPARE(refused.second, QStringLiteral("webhook.unverified"));
    // Counted per source, and nothing of it stored or applied.
    const auto rejections = m_store->webhooks().webhookRejections(QStringLiteral("github")).value();
    QCOMPARE(rejections.size(), 1);
    QCOMPARE(rejections.first().count, 1);
    QCOMPARE(rejections.first().lastBodySha256.size(), 64);
    QTRY_COMPARE_WITH_TIMEOUT(webhookExecutions(), 1, 20000);
    QCOMPARE(m_store->webhooks().webhookInbox(std::nullopt, std::nullopt, 10)->size(), 1);
}

void TestWebhookEndToEnd::floodOfForgeriesGets429()
{
    const QList<QPair<QByteArray, QByteArray>> headers{{"X-GitHub-Event", "issues"},
                                                       {"X-GitHub-Delivery", "flood"},
                                                       {"X-Hub-Signature-256", "sha256=00"}};
    for (int i = 0; i < 3; ++i)
        QCOMPARE(post(webhookUrl().path(), R"({"action":"edited"})", headers).first, 401);
    const auto limited = post(webhookUrl().path(), R"({"action":"edited"})", headers);
    QCOMPARE(limited.first, 429);
    QCOMPARE(limited.second, QStringLiteral("webhook.rate_limited"));
    // The limited calls were not even read: the summary counts only the three refusals.
    QCOMPARE(m_store->webhooks().webhookRejections(QStringLiteral("github"))->first().count, 3);
    QCOMPARE(webhookExecutions(), 0);
}

void TestWebhookEndToEnd::acknowledgedCallIsAppliedAfterARestart()
{
    // A call that was acknowledged (stored) when patchbayd stopped before applying it.
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), QUrl(QStringLiteral("http://127.0.0.1:9/")),
                                    QStringLiteral("issues"), issueNumber()));
    const WebhookDelivery delivery = *m_emulator->lastWebhook();
    QCOMPARE(m_daemon->stop(), 0);
    WebhookInboxEntry entry;
    entry.connectionId = m_connection;
    entry.provider = QStringLiteral("github");
    entry.dedupeKey = QStringLiteral("event:restart");
    entry.url = webhookUrl().toString();
    entry.source = QStringLiteral("127.0.0.1");
    for (const auto &[name, value] : delivery.headers)
        entry.headers.append({name.toLower(), value});
    entry.body = delivery.body;
    const qint64 id = m_store->webhooks().enqueueWebhook(entry)->id;

    QVERIFY2(m_daemon->start(), qPrintable(m_daemon->lastError()));
    QTRY_COMPARE_WITH_TIMEOUT(m_store->webhooks().webhookInboxEntry(id)->state, WebhookInboxState::Applied, 20000);
    QCOMPARE(webhookExecutions(), 1);
}

QTEST_GUILESS_MAIN(TestWebhookEndToEnd)
#include "TestWebhookEndToEnd.moc"
