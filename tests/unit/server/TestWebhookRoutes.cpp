#include "ApiTestServer.h"
#include "GitHubConnection.h"
#include "auth/CredentialVault.h"
#include "catalog/ProviderCatalog.h"
#include "common/WebhookSigner.h"
#include "core/Clock.h"
#include "github/GitHubEmulator.h"
#include "github/GitHubOwner.h"
#include "metrics/Metrics.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

// patchbayd's provider webhook routes with the GitHub emulator sending signed deliveries over HTTP to the server on
// loopback: a verified call is stored before it is answered and applied afterwards by the inbox worker (a record
// appears), a redelivery is answered and not applied twice, forgeries and calls to unknown providers or connections
// are refused with JSON errors and counted (and never become executions), a source that keeps being refused gets 429
// with Retry-After, and webhook bodies have a limit of their own. Every answer is checked against the OpenAPI document.
class TestWebhookRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void signedCallIsStoredAnsweredThenApplied();
    void redeliveryIsAnsweredAndNotAppliedTwice();
    void forgedCallsAreRefusedCountedAndLeaveNoExecution();
    void refusalsAnswerTheirJsonError_data();
    void refusalsAnswerTheirJsonError();
    void floodOfForgeriesFromOneSourceGets429();
    void webhookBodiesHaveTheirOwnLimit();
    void callThatCannotApplyEndsFailedWithItsReason();
    void replayAppliesAStoredCallAgainAsACallOfItsOwn();

private:
    // Sends one emulator delivery and waits for its answer; the HTTP status the emulator saw.
    int deliver(const std::function<void()> &send);
    // A POST to the router in-process, as from source, checked against the OpenAPI document.
    ApiTestServer::Reply post(const QString &path, const QByteArray &body, const QHostAddress &source,
                              const QList<QPair<QByteArray, QByteArray>> &headers = {});
    QUrl webhookUrl(qint64 connection = -1) const;
    qint64 pendingOrApplied(WebhookInboxState state) const;
    int executionCount() const;

    std::unique_ptr<GitHubEmulator> m_emulator;
    std::unique_ptr<ApiTestServer> m_api;
    SandboxAccountCredentials m_owner;
    qint64 m_connection = 0;
};

void TestWebhookRoutes::init()
{
    m_emulator = std::make_unique<GitHubEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_owner = m_emulator->addOwner(QStringLiteral("acme"), 6, 41);
    const SecretBytes key = CredentialVault::generateKey();
    m_api = std::make_unique<ApiTestServer>(
        [key](const QString &path) {
            return std::make_shared<SyncService>(path, key, ProviderCatalog::builtIn(), SystemClock::instance());
        },
        [](DaemonConfig &config) {
            config.webhookRejectionLimit = 5;
            config.webhookMaxBodyBytes = 64 * 1024;
        });
    QVERIFY2(m_api->setUpError().isEmpty(), qPrintable(m_api->setUpError()));
    QVERIFY(m_api->server().listen(QHostAddress::LocalHost, 0) != 0);

    m_connection = addGitHubConnection(m_api->store(), key, m_api->createTenant(QStringLiteral("acme")),
                                       m_owner.tenant, GitHubOwner::repositoryName(), m_owner.apiKey,
                                       m_owner.webhookSecret.toUtf8(),
                                       m_emulator->baseUrl().toString(QUrl::StripTrailingSlash));
    QVERIFY(m_connection > 0);
}

void TestWebhookRoutes::cleanup()
{
    if (m_api) {
        QVERIFY2(m_api->problems().isEmpty(), qPrintable(m_api->problems().join('\n')));
        m_api->context().waitForStoreThread();
    }
    m_api.reset();
    m_emulator.reset();
}

int TestWebhookRoutes::deliver(const std::function<void()> &send)
{
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);
    send();
    if (!delivered.wait(10000))
        return -1;
    return delivered.first().at(1).toInt();
}

ApiTestServer::Reply TestWebhookRoutes::post(const QString &path, const QByteArray &body, const QHostAddress &source,
                                             const QList<QPair<QByteArray, QByteArray>> &headers)
{
    HttpServerRequest request = apiRequest("POST", path, {}, body);
    request.remoteAddress = source;
    request.headers += headers;
    return m_api->send(request);
}

QUrl TestWebhookRoutes::webhookUrl(qint64 connection) const
{
    QUrl url = m_api->server().baseUrl();
    url.setPath(QStringLiteral("/webhooks/github")
                + (connection == 0 ? QString() : QStringLiteral("/%1").arg(connection < 0 ? m_connection : connection)));
    return url;
}

qint64 TestWebhookRoutes::pendingOrApplied(WebhookInboxState state) const
{
    return m_api->store().webhooks().webhookInbox(state, std::nullopt, 100).value().size();
}

int TestWebhookRoutes::executionCount() const
{
    return int(m_api->store().executions().executions(m_connection, 100).value().size());
}

void TestWebhookRoutes::signedCallIsStoredAnsweredThenApplied()
{
    const QString number = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    // The worker is not running yet: the answer comes once the call is stored, before anything is applied.
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(), QStringLiteral("issues"), number));
             }),
             200);
    QCOMPARE(pendingOrApplied(WebhookInboxState::Pending), 1);
    QCOMPARE(executionCount(), 0);
    QVERIFY(!m_api->store().records().record(m_connection, QStringLiteral("issues"), number));
    const WebhookInboxEntry stored =
        m_api->store().webhooks().webhookInbox(WebhookInboxState::Pending, std::nullopt, 1)->first();
    const WebhookInboxEntry whole = m_api->store().webhooks().webhookInboxEntry(stored.id).value();
    QCOMPARE(whole.body, m_emulator->lastWebhook()->body);
    QCOMPARE(whole.connectionId, m_connection);
    QCOMPARE(whole.source, QStringLiteral("127.0.0.1"));
    QCOMPARE(m_api->context().metrics().value(Metrics::Counter::WebhookCallsReceived,
                                              {QStringLiteral("github"), QStringLiteral("accepted")}),
             1.0);

    // Applied by the worker: the issue the event carries is stored, in a succeeded execution of kind "webhook".
    m_api->context().startWebhookInbox();
    QTRY_COMPARE_WITH_TIMEOUT(pendingOrApplied(WebhookInboxState::Applied), 1, 10000);
    QVERIFY(m_api->store().records().record(m_connection, QStringLiteral("issues"), number));
    const WebhookInboxEntry applied = m_api->store().webhooks().webhookInboxEntry(stored.id).value();
    QCOMPARE(applied.attempts, 1);
    const Execution execution = m_api->store().executions().execution(applied.executionId).value();
    QCOMPARE(execution.kind, QStringLiteral("webhook"));
    QCOMPARE(execution.status, ExecutionStatus::Succeeded);

    // Routed by the repository the event names when the URL has no connection.
    const QString pull = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("pulls"), 1).first();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(0), QStringLiteral("pulls"), pull));
             }),
             200);
    QTRY_VERIFY_WITH_TIMEOUT(m_api->store().records().record(m_connection, QStringLiteral("pulls"), pull), 10000);
}

void TestWebhookRoutes::redeliveryIsAnsweredAndNotAppliedTwice()
{
    m_api->context().startWebhookInbox();
    const QString number = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(), QStringLiteral("issues"), number));
             }),
             200);
    QTRY_COMPARE_WITH_TIMEOUT(pendingOrApplied(WebhookInboxState::Applied), 1, 10000);
    const int executions = executionCount();

    // The same X-GitHub-Delivery again: acknowledged, kept once, applied once.
    QCOMPARE(deliver([&] { QVERIFY(m_emulator->redeliverLastWebhook()); }), 200);
    QCOMPARE(m_api->context().metrics().value(Metrics::Counter::WebhookCallsReceived,
                                              {QStringLiteral("github"), QStringLiteral("duplicate")}),
             1.0);
    QCOMPARE(m_api->store().webhooks().webhookInbox(std::nullopt, std::nullopt, 100)->size(), 1);
    QCOMPARE(pendingOrApplied(WebhookInboxState::Pending), 0);
    QTest::qWait(200);
    QCOMPARE(executionCount(), executions);
}

void TestWebhookRoutes::forgedCallsAreRefusedCountedAndLeaveNoExecution()
{
    m_api->context().startWebhookInbox();
    const QString number = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(), QStringLiteral("issues"), number));
    const WebhookDelivery genuine = *m_emulator->lastWebhook();
    QTRY_COMPARE_WITH_TIMEOUT(pendingOrApplied(WebhookInboxState::Applied), 1, 10000);
    const int executions = executionCount();

    // The genuine signature over a tampered body, and a signature made with another secret.
    QList<QPair<QByteArray, QByteArray>> tamperedHeaders;
    QList<QPair<QByteArray, QByteArray>> wrongSecretHeaders;
    for (const auto &[name, value] : genuine.headers) {
        const QByteArray lower = name.toLower();
        tamperedHeaders.append({lower, lower == "x-github-delivery" ? QByteArray("forged-1") : value});
        wrongSecretHeaders.append(
            {lower, lower == "x-hub-signature-256" ? "sha256=" + WebhookSigner::hexSignature("not-the-secret", genuine.body)
                    : lower == "x-github-delivery" ? QByteArray("forged-2")
                                                   : value});
    }
    QByteArray tampered = genuine.body;
    tampered.replace("acme", "evil");
    const QString path = webhookUrl().path();
    for (const auto &[body, headers] : {qMakePair(tampered, tamperedHeaders), qMakePair(genuine.body, wrongSecretHeaders)}) {
        const auto reply = post(path, body, QHostAddress(QStringLiteral("203.0.113.7")), headers);
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.errorCode(), QStringLiteral("webhook.unverified"));
    }
    QCOMPARE(m_api->context().metrics().value(Metrics::Counter::WebhookCallsRejected,
                                              {QStringLiteral("github"), QStringLiteral("bad_signature")}),
             2.0);
    QCOMPARE(m_api->store().webhooks().webhookInbox(std::nullopt, std::nullopt, 100)->size(), 1);
    QCOMPARE(executionCount(), executions);
    // The refusals are summed up per source in the store, never their bodies.
    const auto rejections = m_api->store().webhooks().webhookRejections(QStringLiteral("github")).value();
    QCOMPARE(rejections.size(), 1);
    QCOMPARE(rejections.first().count, 2);
}

void TestWebhookRoutes::refusalsAnswerTheirJsonError_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("reason");
    QTest::newRow("unknown provider") << "/webhooks/nosuch" << QByteArray("{}") << 404
                                      << "webhook.unknown_provider" << "unknown" << "unknown_provider";
    QTest::newRow("provider without webhooks") << "/webhooks/salesforce" << QByteArray("{}") << 404
                                               << "webhook.unknown_provider" << "salesforce" << "no_webhooks";
    QTest::newRow("not JSON") << "/webhooks/github/1" << QByteArray("<xml/>") << 400 << "webhook.malformed"
                              << "github" << "malformed";
    QTest::newRow("unknown connection") << "/webhooks/github/999999" << QByteArray("{}") << 401
                                        << "webhook.unverified" << "github" << "unknown_connection";
    QTest::newRow("connection not a number") << "/webhooks/github/abc" << QByteArray("{}") << 401
                                             << "webhook.unverified" << "github" << "unknown_connection";
    QTest::newRow("no account to route by") << "/webhooks/github" << QByteArray("{}") << 401
                                            << "webhook.unverified" << "github" << "unknown_connection";
}

void TestWebhookRoutes::refusalsAnswerTheirJsonError()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, provider);
    QFETCH(QString, reason);
    const auto reply = post(path, body, QHostAddress(QStringLiteral("198.51.100.1")));
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.errorCode(), code);
    QCOMPARE(m_api->context().metrics().value(Metrics::Counter::WebhookCallsRejected, {provider, reason}), 1.0);
    QCOMPARE(m_api->store().webhooks().webhookInbox(std::nullopt, std::nullopt, 100)->size(), 0);
    QCOMPARE(executionCount(), 0);
}

void TestWebhookRoutes::floodOfForgeriesFromOneSourceGets429()
{
    const QHostAddress attacker(QStringLiteral("203.0.113.66"));
    const QString path = webhookUrl().path();
    const QList<QPair<QByteArray, QByteArray>> headers{{"x-github-event", "issues"},
                                                       {"x-hub-signature-256", "sha256=00"}};
    for (int i = 0; i < 5; ++i)
        QCOMPARE(post(path, R"({"action":"edited"})", attacker, headers).status, 401);
    const auto limited = post(path, R"({"action":"edited"})", attacker, headers);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("webhook.rate_limited"));
    QByteArray retryAfter;
    for (const auto &[name, value] : limited.headers) {
        if (name.compare("retry-after", Qt::CaseInsensitive) == 0)
            retryAfter = value;
    }
    QVERIFY(retryAfter.toInt() > 0 && retryAfter.toInt() <= 60);
    QCOMPARE(m_api->context().metrics().value(Metrics::Counter::WebhookCallsRejected,
                                              {QStringLiteral("github"), QStringLiteral("rate_limited")}),
             1.0);
    // Another source is read as before, and so is a genuine call from it.
    QCOMPARE(post(path, R"({"action":"edited"})", QHostAddress(QStringLiteral("198.51.100.2")), headers).status, 401);
    const QString number = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(), QStringLiteral("issues"), number));
             }),
             200);
    // Only the bounded per-source summaries were written.
    QCOMPARE(m_api->store().webhooks().webhookRejections(QStringLiteral("github"))->size(), 2);
}

void TestWebhookRoutes::webhookBodiesHaveTheirOwnLimit()
{
    QNetworkAccessManager network;
    const auto postOverHttp = [&](const QString &path, const QByteArray &body) {
        QUrl url = m_api->server().baseUrl();
        url.setPath(path);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = network.post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(10000))
            return qMakePair(0, QJsonObject());
        reply->deleteLater();
        return qMakePair(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                         QJsonDocument::fromJson(reply->readAll()).object());
    };
    const QByteArray large = "{\"padding\":\"" + QByteArray(100 * 1024, 'x') + "\"}";
    const auto refused = postOverHttp(webhookUrl().path(), large);
    QCOMPARE(refused.first, 413);
    QCOMPARE(refused.second.value("error").toObject().value("code").toString(), QStringLiteral("request.too_large"));
    // The server's own limit (8 MB) still holds for the API: the same body reaches the route.
    QCOMPARE(postOverHttp(QStringLiteral("/api/v1/tenants"), large).first, 401);
    // In-process (no socket guard), the route answers the same.
    const auto inProcess = post(webhookUrl().path(), large, QHostAddress::LocalHost);
    QCOMPARE(inProcess.status, 413);
    QCOMPARE(pendingOrApplied(WebhookInboxState::Pending), 0);
}

void TestWebhookRoutes::callThatCannotApplyEndsFailedWithItsReason()
{
    // A stored call whose connection's definition can no longer read it (here: a body that is not JSON, as a newer
    // definition might refuse it) fails at once with the reason, without retries.
    WebhookInboxEntry entry;
    entry.connectionId = m_connection;
    entry.provider = QStringLiteral("github");
    entry.dedupeKey = QStringLiteral("body:test");
    entry.url = webhookUrl().toString();
    entry.source = QStringLiteral("127.0.0.1");
    entry.body = "not json";
    const qint64 id = m_api->store().webhooks().enqueueWebhook(entry)->id;
    m_api->context().startWebhookInbox();
    QTRY_COMPARE_WITH_TIMEOUT(pendingOrApplied(WebhookInboxState::Failed), 1, 10000);
    const WebhookInboxEntry failed = m_api->store().webhooks().webhookInboxEntry(id).value();
    QCOMPARE(failed.attempts, 1);
    QVERIFY2(failed.lastError.contains(QStringLiteral("not JSON")), qPrintable(failed.lastError));
    QVERIFY(failed.finishedAt.isValid());

    // Support sees it through the API, with the reason; a key of another tenant sees nothing.
    const QByteArray viewer = m_api->createKey(ApiRole::Viewer);
    const auto listed = m_api->call("GET", QStringLiteral("/api/v1/webhook-events?state=failed"), viewer);
    QCOMPARE(listed.status, 200);
    const QJsonArray events = listed.json.value("events").toArray();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().toObject().value("id").toInteger(), id);
    QCOMPARE(events.first().toObject().value("state").toString(), QStringLiteral("failed"));
    QCOMPARE(events.first().toObject().value("lastError").toString(), failed.lastError);
    QVERIFY(!events.first().toObject().contains("body"));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/webhook-events?state=applied"), viewer)
                 .json.value("events").toArray().size(),
             0);
    const QByteArray otherTenant = m_api->createKey(ApiRole::Support, m_api->createTenant(QStringLiteral("globex")));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/webhook-events"), otherTenant)
                 .json.value("events").toArray().size(),
             0);
    const auto bad = m_api->call("GET", QStringLiteral("/api/v1/webhook-events?state=broken"), viewer);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.errorCode(), QStringLiteral("request.bad_query"));
}

void TestWebhookRoutes::replayAppliesAStoredCallAgainAsACallOfItsOwn()
{
    const QString number = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), webhookUrl(), QStringLiteral("issues"), number));
             }),
             200);
    const qint64 original = m_api->store().webhooks().webhookInbox(std::nullopt, std::nullopt, 1)->first().id;
    const QString replayPath = QStringLiteral("/api/v1/webhook-events/%1/replay").arg(original);
    const QByteArray support = m_api->createKey(ApiRole::Support);

    // Still pending: it will be applied anyway, so a replay is refused and nothing is queued.
    const auto early = m_api->call("POST", replayPath, support);
    QCOMPARE(early.status, 409);
    QCOMPARE(early.errorCode(), QStringLiteral("webhook.pending"));
    QCOMPARE(pendingOrApplied(WebhookInboxState::Pending), 1);

    m_api->context().startWebhookInbox();
    QTRY_COMPARE_WITH_TIMEOUT(pendingOrApplied(WebhookInboxState::Applied), 1, 10000);
    QCOMPARE(executionCount(), 1);
    // Another tenant's key does not see it; a bound key of its own tenant may replay it.
    const qint64 other = m_api->createTenant(QStringLiteral("globex"));
    QCOMPARE(m_api->call("POST", replayPath, m_api->createKey(ApiRole::Support, other)).status, 404);
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/webhook-events/999999/replay"), support).status, 404);

    const auto replayed = m_api->call("POST", replayPath, support);
    QCOMPARE(replayed.status, 202);
    const qint64 replay = replayed.json.value(QStringLiteral("id")).toInteger();
    QVERIFY(replay != original);
    QCOMPARE(replayed.json.value(QStringLiteral("replayOf")).toInteger(), original);
    QCOMPARE(replayed.json.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
    // Applied by the worker like any other call, its event applied again although it was before (a redelivery
    // would have skipped it): a second webhook execution that applied one event.
    QTRY_COMPARE_WITH_TIMEOUT(pendingOrApplied(WebhookInboxState::Applied), 2, 10000);
    const WebhookInboxEntry applied = m_api->store().webhooks().webhookInboxEntry(replay).value();
    QCOMPARE(applied.replayOf, original);
    const Execution execution = m_api->store().executions().execution(applied.executionId).value();
    QCOMPARE(execution.status, ExecutionStatus::Succeeded);
    QCOMPARE(execution.recordCount, 1);
    QCOMPARE(executionCount(), 2);
    // The list shows the link; the audit log who replayed what.
    const auto listed = m_api->call("GET", QStringLiteral("/api/v1/webhook-events"), support);
    QCOMPARE(listed.json.value(QStringLiteral("events")).toArray().first().toObject().value(QStringLiteral("replayOf"))
                 .toInteger(),
             original);
    AuditFilter filter;
    filter.action = QStringLiteral("webhook_event.replay");
    const QList<AuditEntry> audited = m_api->store().audit().auditEntries(filter).value();
    QCOMPARE(audited.size(), 1);
    QCOMPARE(audited.first().target, QStringLiteral("webhook_event:%1").arg(original));
    QCOMPARE(audited.first().role, QStringLiteral("support"));
}

QTEST_GUILESS_MAIN(TestWebhookRoutes)
#include "TestWebhookRoutes.moc"
