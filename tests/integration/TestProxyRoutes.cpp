// The proxy in-process against the HubSpot emulator on loopback: the product's request relayed with the connection's
// token (and nothing of the caller's own credentials), attacker-shaped paths refused before anything is sent, the
// provider's rate limit answered 429 at once with its wait in the RateLimit fields, the connection's own budget
// (shared with its syncs) refusing at once, and every call recorded as a "proxy" execution with secrets redacted.
#include "ApiTestServer.h"
#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "core/Clock.h"
#include "http/RateLimitFields.h"
#include "hubspot/HubSpotEmulator.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestProxyRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void relaysTheRequestWithTheConnectionsCredentialOnly();
    void attackerShapedPathsAreRefusedAndSendNothing_data();
    void attackerShapedPathsAreRefusedAndSendNothing();
    void upstreamRateLimitIsA429WithTheProvidersWait();
    void spentWindowIsNamedInTheRateLimitFields();
    void ownBudgetWithoutRoomAnswers429AtOnceAndReadsShareIt();
    void callIsRecordedAsAnExecutionWithSecretsRedacted();
    void onlyAdminAndProductKeysOfTheTenantMayProxy();
    void rateLimitFieldsFollowTheDraftSyntax();

private:
    QString proxyPath(const QString &rest) const
    {
        return QStringLiteral("/api/v1/proxy/%1/%2").arg(m_connection).arg(rest);
    }
    static QByteArray header(const ApiTestServer::Reply &reply, const QByteArray &name);

    SecretBytes m_key;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    std::unique_ptr<ApiTestServer> m_api;
    PortalCredentials m_portal;
    qint64 m_tenant = 0;
    qint64 m_connection = 0;
    QByteArray m_product;
};

QByteArray TestProxyRoutes::header(const ApiTestServer::Reply &reply, const QByteArray &name)
{
    for (const auto &[key, value] : reply.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void TestProxyRoutes::init()
{
    m_key = CredentialVault::generateKey();
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_api = std::make_unique<ApiTestServer>([this](const QString &path) {
        return std::make_shared<SyncService>(path, m_key, ProviderCatalog::builtIn(), SystemClock::instance());
    });
    QVERIFY2(m_api->setUpError().isEmpty(), qPrintable(m_api->setUpError()));
    m_tenant = m_api->createTenant(QStringLiteral("acme"));
    m_portal = m_emulator->addPortal(QStringLiteral("acme"), 5, 7);
    CredentialVault vault(m_key);
    m_connection = SandboxConnector(m_api->store(), vault)
                       .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), m_portal,
                                QDateTime::currentDateTimeUtc().addSecs(1800))
                       .value();
    m_product = m_api->createKey(ApiRole::Product);
    m_emulator->clearRequestLog();
}

void TestProxyRoutes::cleanup()
{
    if (m_api)
        QVERIFY2(m_api->problems().isEmpty(), qPrintable(m_api->problems().join('\n')));
    m_api.reset();
    m_emulator.reset();
}

void TestProxyRoutes::relaysTheRequestWithTheConnectionsCredentialOnly()
{
    HttpServerRequest request =
        apiRequest("GET", proxyPath(QStringLiteral("crm/v3/objects/contacts?limit=2&properties=email")), m_product);
    request.headers.emplaceBack("cookie", "session=product-secret");
    request.headers.emplaceBack("accept", "application/json");
    request.headers.emplaceBack("x-forwarded-host", "evil.example");
    request.headers.emplaceBack("host", "evil.example");
    const auto reply = m_api->send(request);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("results")).toArray().size(), 2);
    QVERIFY(header(reply, "content-type").startsWith("application/json"));

    // What reached the provider: the path and query as sent, the connection's token, none of the caller's
    // credentials or headers outside the allow-list.
    const auto log = m_emulator->requestLog();
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.first().pathAndQuery, QStringLiteral("/crm/v3/objects/contacts?limit=2&properties=email"));
    QMap<QByteArray, QByteArray> sent;
    for (const auto &[name, value] : log.first().headers)
        sent.insert(name.toLower(), value);
    QCOMPARE(sent.value("authorization"), QByteArray("Bearer ") + m_portal.accessToken.toLatin1());
    QCOMPARE(sent.value("accept"), QByteArray("application/json"));
    QVERIFY(!sent.contains("cookie"));
    QVERIFY(!sent.contains("x-forwarded-host"));
    QVERIFY(!sent.value("host").contains("evil"));

    // HubSpot's own headers come back normalised, not as they are.
    QCOMPARE(header(reply, "RateLimit-Policy"), QByteArray(R"("secondly";q=10;w=1, "ten-secondly";q=100;w=10)"));
    QCOMPARE(header(reply, "RateLimit"), QByteArray(R"("secondly";r=9;t=1, "ten-secondly";r=99;t=10)"));
    QCOMPARE(header(reply, "RateLimit-Limit"), QByteArray("10"));
    QCOMPARE(header(reply, "RateLimit-Remaining"), QByteArray("9"));
    QVERIFY(header(reply, "X-HubSpot-RateLimit-Remaining").isEmpty());

    // A write goes through with its body and content type.
    const auto created = m_api->call(
        "POST", proxyPath(QStringLiteral("crm/v3/objects/contacts")), m_product,
        R"({"properties":{"email":"ada@example.com","firstname":"Ada","lastname":"Lovelace"}})");
    QVERIFY2(created.status == 201 || created.status == 200, created.body.constData());
    QVERIFY(!created.json.value(QStringLiteral("id")).toString().isEmpty());
}

void TestProxyRoutes::attackerShapedPathsAreRefusedAndSendNothing_data()
{
    QTest::addColumn<QString>("rest");
    QTest::newRow("dot-dot") << QStringLiteral("crm/../../oauth/v1/token");
    QTest::newRow("encoded dot-dot") << QStringLiteral("crm/%2e%2e/%2E%2E/oauth/v1/token");
    QTest::newRow("dot") << QStringLiteral("crm/./v3");
    QTest::newRow("encoded slash") << QStringLiteral("crm%2F..%2F..%2Foauth");
    QTest::newRow("double encoded") << QStringLiteral("crm/%252e%252e/oauth");
    QTest::newRow("encoded backslash") << QStringLiteral("crm/..%5C..%5Coauth");
    QTest::newRow("protocol relative") << QStringLiteral("/evil.example/steal");
    QTest::newRow("absolute url") << QStringLiteral("https://evil.example/steal");
    QTest::newRow("encoded absolute url") << QStringLiteral("https:%2F%2Fevil.example");
    QTest::newRow("scheme-relative in first segment") << QStringLiteral("evil.example:443/x");
    QTest::newRow("empty middle segment") << QStringLiteral("crm//v3");
    QTest::newRow("nul") << QStringLiteral("crm/%00/v3");
    QTest::newRow("bad escape") << QStringLiteral("crm/%zz");
    QTest::newRow("too long") << QStringLiteral("a/").repeated(1100);
}

void TestProxyRoutes::attackerShapedPathsAreRefusedAndSendNothing()
{
    QFETCH(QString, rest);
    const auto reply = m_api->call("GET", proxyPath(rest), m_product);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.errorCode(), QStringLiteral("request.bad_proxy_path"));
    QVERIFY(m_emulator->requestLog().isEmpty());
    QVERIFY(m_api->store().executions().executions(m_connection, 10)->isEmpty());
}

void TestProxyRoutes::upstreamRateLimitIsA429WithTheProvidersWait()
{
    m_emulator->failNextRequests(1, 7, QStringLiteral("TEN_SECONDLY_ROLLING"));
    const auto reply = m_api->call("GET", proxyPath(QStringLiteral("crm/v3/objects/contacts")), m_product);
    QCOMPARE(reply.status, 429);
    // The provider's own answer, its wait in every form, and not one retry.
    QCOMPARE(reply.json.value(QStringLiteral("policyName")).toString(), QStringLiteral("TEN_SECONDLY_ROLLING"));
    QCOMPARE(header(reply, "Retry-After"), QByteArray("7"));
    QVERIFY2(header(reply, "RateLimit").contains(R"("hubspot";r=0;t=7)"), header(reply, "RateLimit").constData());
    QVERIFY(header(reply, "RateLimit-Policy").contains(R"("ten-secondly";q=100;w=10)"));
    QCOMPARE(header(reply, "RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(header(reply, "RateLimit-Reset"), QByteArray("7"));
    QCOMPARE(m_emulator->requestLog().size(), 1);

    const auto executions = m_api->store().executions().executions(m_connection, 10).value();
    QCOMPARE(executions.size(), 1);
    QCOMPARE(executions.first().kind, QStringLiteral("proxy"));
    QCOMPARE(executions.first().status, ExecutionStatus::Failed);
    QCOMPARE(executions.first().errorCode, QStringLiteral("http.rate_limited"));
}

void TestProxyRoutes::spentWindowIsNamedInTheRateLimitFields()
{
    // HubSpot allows two calls a second here and says so: after the second, the engine holds the portal's next call
    // for the rest of the window, so the third is refused at once, naming HubSpot's window, and never sent.
    m_emulator->setRateLimits(2, 100);
    m_emulator->setRateLimitsEnforced(true);
    ApiTestServer::Reply reply;
    for (int i = 0; i < 3; ++i)
        reply = m_api->call("GET", proxyPath(QStringLiteral("crm/v3/objects/contacts")), m_product);
    QCOMPARE(reply.status, 429);
    QCOMPARE(reply.errorCode(), QStringLiteral("proxy.no_room"));
    QVERIFY2(header(reply, "RateLimit").startsWith(R"("secondly";r=0;t=1)"), header(reply, "RateLimit").constData());
    QVERIFY(header(reply, "RateLimit-Policy").startsWith(R"("secondly";q=2;w=1)"));
    QCOMPARE(header(reply, "RateLimit-Limit"), QByteArray("2"));
    QCOMPARE(header(reply, "RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(header(reply, "RateLimit-Reset"), QByteArray("1"));
    QCOMPARE(header(reply, "Retry-After"), QByteArray("1"));
    QCOMPARE(m_emulator->requestLog().size(), 2);
}

void TestProxyRoutes::ownBudgetWithoutRoomAnswers429AtOnceAndReadsShareIt()
{
    // The HubSpot definition's budget: 9 calls a second per portal, for reads and proxied calls together.
    QElapsedTimer timer;
    timer.start();
    ApiTestServer::Reply reply;
    int sent = 0;
    for (; sent < 12; ++sent) {
        reply = m_api->call("GET", proxyPath(QStringLiteral("crm/v3/objects/contacts")), m_product);
        if (reply.status != 200)
            break;
    }
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(sent, 9);
    QCOMPARE(reply.status, 429);
    QCOMPARE(reply.errorCode(), QStringLiteral("proxy.no_room"));
    QCOMPARE(header(reply, "RateLimit-Policy"), QByteArray(R"("patchbay-9-per-1s";q=9;w=1)"));
    QVERIFY2(header(reply, "RateLimit").startsWith(R"("patchbay-9-per-1s";r=0;t=1)"),
             header(reply, "RateLimit").constData());
    QCOMPARE(header(reply, "RateLimit-Limit"), QByteArray("9"));
    QCOMPARE(header(reply, "RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(header(reply, "Retry-After"), QByteArray("1"));
    // Refused, not held: the tenth call was answered before the first call's slot came free, and never sent.
    QVERIFY2(elapsed < 1000, qPrintable(QString::number(elapsed)));
    QCOMPARE(m_emulator->requestLog().size(), 9);
    QCOMPARE(m_api->store().executions().executions(m_connection, 20)->size(), 9);

    // A read of the same connection now waits for that same budget.
    const auto read = m_api->context().sync()->read(m_connection, QStringLiteral("contacts"));
    QVERIFY2(read, qPrintable(read ? QString() : read.error().toString()));
    const auto events = m_api->store().executions().events(read->id).value();
    QVERIFY(std::any_of(events.begin(), events.end(), [](const Event &event) {
        return event.message.startsWith(QLatin1String("Waiting for the request budget"));
    }));
}

void TestProxyRoutes::callIsRecordedAsAnExecutionWithSecretsRedacted()
{
    const auto reply =
        m_api->call("GET", proxyPath(QStringLiteral("crm/v3/objects/contacts?limit=1")), m_product);
    QCOMPARE(reply.status, 200);
    const auto executions = m_api->store().executions().executions(m_connection, 10).value();
    QCOMPARE(executions.size(), 1);
    QCOMPARE(executions.first().kind, QStringLiteral("proxy"));
    QCOMPARE(executions.first().status, ExecutionStatus::Succeeded);
    QCOMPARE(executions.first().object, QStringLiteral("GET /crm/v3/objects/contacts"));
    const auto exchanges = m_api->store().executions().exchanges(executions.first().id).value();
    QCOMPARE(exchanges.size(), 1);
    const Exchange &exchange = exchanges.first();
    QCOMPARE(exchange.status, 200);
    QVERIFY(exchange.url.endsWith(QLatin1String("/crm/v3/objects/contacts?limit=1")));
    const QByteArray token = m_portal.accessToken.toLatin1();
    bool authorizationSeen = false;
    for (const auto &[name, value] : exchange.requestHeaders) {
        QVERIFY(!value.contains(token));
        if (name.compare("authorization", Qt::CaseInsensitive) == 0) {
            authorizationSeen = true;
            QVERIFY(value.contains("[redacted]"));
        }
    }
    QVERIFY(authorizationSeen);
    QVERIFY(!exchange.url.toLatin1().contains(token));
    QVERIFY(!exchange.responseBody.contains(token));

    // Who proxied what: method and path, never the query.
    const QList<AuditEntry> audit = m_api->store().audit().auditEntries({}).value();
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().action, QStringLiteral("connection.proxy"));
    QCOMPARE(audit.first().target, QStringLiteral("connection/%1").arg(m_connection));
    const QJsonObject after = audit.first().after.toObject();
    QCOMPARE(after.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
    QCOMPARE(after.value(QStringLiteral("path")).toString(), QStringLiteral("/crm/v3/objects/contacts"));
    QCOMPARE(after.value(QStringLiteral("executionId")).toInteger(), executions.first().id);
}

void TestProxyRoutes::onlyAdminAndProductKeysOfTheTenantMayProxy()
{
    const qint64 other = m_api->createTenant(QStringLiteral("globex"));
    const QString path = proxyPath(QStringLiteral("crm/v3/objects/contacts"));
    QCOMPARE(m_api->call("GET", path, m_api->createKey(ApiRole::Support)).status, 403);
    QCOMPARE(m_api->call("GET", path, m_api->createKey(ApiRole::Viewer)).status, 403);
    const auto foreign = m_api->call("DELETE", path, m_api->createKey(ApiRole::Product, other));
    QCOMPARE(foreign.status, 404);
    QCOMPARE(foreign.errorCode(), QStringLiteral("connection.not_found"));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/proxy/999/crm"), m_product).status, 404);
    QVERIFY(m_emulator->requestLog().isEmpty());
    QCOMPARE(m_api->call("GET", path, m_api->createKey(ApiRole::Admin)).status, 200);
    QCOMPARE(m_api->call("GET", path, m_api->createKey(ApiRole::Product, m_tenant)).status, 200);
}

void TestProxyRoutes::rateLimitFieldsFollowTheDraftSyntax()
{
    RateLimitFields fields;
    QVERIFY(fields.headers().isEmpty());
    fields.add({QStringLiteral("daily"), 1000, 86400, 250, 3600});
    fields.add({QStringLiteral("burst"), std::nullopt, std::nullopt, 3, std::nullopt});
    fields.exhaust(QStringLiteral("per\"minute"), std::chrono::milliseconds(1200));
    const HeaderList headers = fields.headers();
    const auto value = [&](const QByteArray &name) {
        for (const auto &[key, text] : headers) {
            if (key == name)
                return text;
        }
        return QByteArray();
    };
    // A quota policy needs q; a name is a Structured Field String that nothing can end early.
    QCOMPARE(value("RateLimit-Policy"), QByteArray(R"("daily";q=1000;w=86400)"));
    QCOMPARE(value("RateLimit"), QByteArray(R"("daily";r=250;t=3600, "burst";r=3, "perminute";r=0;t=2)"));
    QCOMPARE(value("RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(value("RateLimit-Reset"), QByteArray("2"));
    QVERIFY(value("RateLimit-Limit").isEmpty());
    QCOMPARE(fields.waitSeconds(), 2);
}

QTEST_GUILESS_MAIN(TestProxyRoutes)
#include "TestProxyRoutes.moc"
