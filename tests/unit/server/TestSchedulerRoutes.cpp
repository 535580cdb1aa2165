#include "ApiTestServer.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

// The scheduler's routes as the product and the console use them: sync now, pause and resume of a connection or an
// integration, a connection's jobs. Each refusal answers its JSON error with its status and changes nothing (no job,
// no status change, no audit entry); a tenant-bound key sees only its tenant's connections. Every answer is checked
// against the OpenAPI document.
class TestSchedulerRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void syncQueuesAJobTheJobsListShows();
    void refusalsAnswerTheirErrorAndChangeNothing_data();
    void refusalsAnswerTheirErrorAndChangeNothing();
    void pauseAndResumeAConnectionAreAudited();
    void pauseAndResumeAnIntegration();
    void rolesAndTenantsDecideWhoMayCall();

private:
    QString connectionPath(const QString &what, qint64 id = 0) const
    {
        return QStringLiteral("/api/v1/connections/%1/%2").arg(id ? id : m_connection).arg(what);
    }
    int auditCount() { return int(m_api->store().audit().auditEntries({}).value().size()); }
    int jobCount() { return int(m_api->store().jobs().jobs(m_connection, 100).value().size()); }
    QString status() { return m_api->store().tenants().connection(m_connection)->status; }

    std::unique_ptr<ApiTestServer> m_api;
    QByteArray m_product;
    qint64 m_tenant = 0;
    qint64 m_connection = 0;
};

void TestSchedulerRoutes::init()
{
    m_api = std::make_unique<ApiTestServer>();
    QVERIFY2(m_api->setUpError().isEmpty(), qPrintable(m_api->setUpError()));
    m_product = m_api->createKey(ApiRole::Product, std::nullopt, QStringLiteral("backend"));
    m_tenant = m_api->createTenant(QStringLiteral("acme"));
    m_connection = m_api->createConnection(m_tenant);
    QVERIFY(m_connection > 0);
}

void TestSchedulerRoutes::cleanup()
{
    if (m_api)
        QVERIFY2(m_api->problems().isEmpty(), qPrintable(m_api->problems().join('\n')));
    m_api.reset();
}

void TestSchedulerRoutes::syncQueuesAJobTheJobsListShows()
{
    const auto plain = m_api->call("POST", connectionPath("sync"), m_product);
    QCOMPARE(plain.status, 202);
    QCOMPARE(plain.json.value("kind").toString(), QStringLiteral("sync"));
    QCOMPARE(plain.json.value("state").toString(), QStringLiteral("queued"));
    QVERIFY(plain.json.value("object").isNull());
    QCOMPARE(plain.json.value("connectionId").toInteger(), m_connection);

    const auto full = m_api->call("POST", connectionPath("sync"), m_product,
                                  R"({"object":"contacts","full":true,"since":"2024-01-31"})");
    QCOMPARE(full.status, 202);
    QCOMPARE(full.json.value("kind").toString(), QStringLiteral("resync"));
    QCOMPARE(full.json.value("object").toString(), QStringLiteral("contacts"));
    QVERIFY(full.json.value("backfillSince").toString().startsWith(QStringLiteral("2024-01-31T00:00:00")));

    const auto list = m_api->call("GET", connectionPath("jobs"), m_product);
    QCOMPARE(list.status, 200);
    const QJsonArray jobs = list.json.value("jobs").toArray();
    QCOMPARE(jobs.size(), 2);
    QCOMPARE(jobs.at(0).toObject(), full.json); // newest first
    QCOMPARE(jobs.at(1).toObject(), plain.json);
    QCOMPARE(m_api->call("GET", connectionPath("jobs") + QStringLiteral("?limit=1"), m_product)
                 .json.value("jobs")
                 .toArray()
                 .size(),
             1);
    QCOMPARE(m_api->call("GET", connectionPath("jobs") + QStringLiteral("?limit=0"), m_product).status, 400);

    const auto entries = m_api->store().audit().auditEntries({}).value();
    QCOMPARE(entries.size(), 2);
    for (const AuditEntry &entry : entries) {
        QCOMPARE(entry.action, QStringLiteral("connection.sync"));
        QCOMPARE(entry.target, QStringLiteral("connection:%1").arg(m_connection));
        QCOMPARE(entry.keyName, QStringLiteral("backend"));
    }
}

void TestSchedulerRoutes::refusalsAnswerTheirErrorAndChangeNothing_data()
{
    QTest::addColumn<QString>("connectionStatus");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("expected");
    QTest::addColumn<QString>("code");
    const QString active = ConnectionStatus::Active;
    QTest::newRow("sync of a paused connection")
        << QString(ConnectionStatus::Paused) << "sync" << QByteArray() << 409 << "connection.paused";
    QTest::newRow("sync of a connection that needs re-authorisation")
        << QString(ConnectionStatus::NeedsReauth) << "sync" << QByteArray() << 409 << "connection.needs_reauth";
    QTest::newRow("pause of a connection that needs re-authorisation")
        << QString(ConnectionStatus::NeedsReauth) << "pause" << QByteArray() << 409 << "connection.not_active";
    QTest::newRow("resume of a connection that needs re-authorisation")
        << QString(ConnectionStatus::NeedsReauth) << "resume" << QByteArray() << 409 << "connection.not_paused";
    QTest::newRow("unknown object") << active << "sync" << QByteArray(R"({"object":"spaceships"})") << 400
                                    << "sync.unknown_object";
    QTest::newRow("bad since") << active << "sync" << QByteArray(R"({"since":"last tuesday"})") << 400
                               << "catalog.bad_since";
    QTest::newRow("unknown field") << active << "sync" << QByteArray(R"({"object":"contacts","fast":true})") << 400
                                   << "request.unknown_field";
    QTest::newRow("full not a boolean") << active << "sync" << QByteArray(R"({"full":"yes"})") << 400
                                        << "request.bad_field";
    QTest::newRow("object not a string") << active << "sync" << QByteArray(R"({"object":7})") << 400
                                         << "request.bad_field";
    QTest::newRow("not JSON") << active << "sync" << QByteArray("{full") << 400 << "request.malformed_json";
    QTest::newRow("pause with a body") << active << "pause" << QByteArray(R"({"reason":"x"})") << 400
                                       << "request.unknown_field";
    QTest::newRow("no such connection") << active << "/api/v1/connections/999999/sync" << QByteArray() << 404
                                        << "connection.not_found";
    QTest::newRow("connection id not a number") << active << "/api/v1/connections/acme/pause" << QByteArray() << 404
                                                << "connection.not_found";
    QTest::newRow("jobs of no connection") << active << "/api/v1/connections/999999/jobs" << QByteArray() << 404
                                           << "connection.not_found";
}

void TestSchedulerRoutes::refusalsAnswerTheirErrorAndChangeNothing()
{
    QFETCH(QString, connectionStatus);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, expected);
    QFETCH(QString, code);
    QVERIFY(m_api->store().tenants().setConnectionStatus(m_connection, connectionStatus, QStringLiteral("as set")));
    const QByteArray method = path.endsWith(QStringLiteral("jobs")) ? "GET" : "POST";
    const QString url = path.startsWith('/') ? path : connectionPath(path);
    const auto reply = m_api->call(method, url, m_product, body);
    QCOMPARE(reply.status, expected);
    QCOMPARE(reply.errorCode(), code);
    QVERIFY(!reply.json.value("error").toObject().value("message").toString().isEmpty());
    QCOMPARE(jobCount(), 0);
    QCOMPARE(auditCount(), 0);
    QCOMPARE(status(), connectionStatus);
}

void TestSchedulerRoutes::pauseAndResumeAConnectionAreAudited()
{
    const auto paused = m_api->call("POST", connectionPath("pause"), m_product);
    QCOMPARE(paused.status, 200);
    QCOMPARE(paused.json.value("status").toString(), QString(ConnectionStatus::Paused));
    QCOMPARE(status(), QString(ConnectionStatus::Paused));
    // A paused connection is not synced on request either.
    QCOMPARE(m_api->call("POST", connectionPath("sync"), m_product).errorCode(), QStringLiteral("connection.paused"));
    QCOMPARE(jobCount(), 0);

    const auto resumed = m_api->call("POST", connectionPath("resume"), m_product);
    QCOMPARE(resumed.status, 200);
    QCOMPARE(resumed.json.value("status").toString(), QString(ConnectionStatus::Active));
    QCOMPARE(m_api->call("POST", connectionPath("sync"), m_product).status, 202);

    const auto entries = m_api->store().audit().auditEntries({}).value();
    QCOMPARE(entries.size(), 3);
    const auto find = [&](const QString &action) {
        return *std::find_if(entries.begin(), entries.end(), [&](const AuditEntry &e) { return e.action == action; });
    };
    const AuditEntry pause = find(QStringLiteral("connection.pause"));
    QCOMPARE(pause.before.toObject().value("status").toString(), QString(ConnectionStatus::Active));
    QCOMPARE(pause.after.toObject().value("status").toString(), QString(ConnectionStatus::Paused));
    QVERIFY(pause.tenantId == m_tenant);
    const AuditEntry resume = find(QStringLiteral("connection.resume"));
    QCOMPARE(resume.before.toObject().value("status").toString(), QString(ConnectionStatus::Paused));
    QCOMPARE(resume.after.toObject().value("status").toString(), QString(ConnectionStatus::Active));
}

void TestSchedulerRoutes::pauseAndResumeAnIntegration()
{
    const auto paused = m_api->call("POST", QStringLiteral("/api/v1/integrations/crm-contacts/pause"), m_product);
    QCOMPARE(paused.status, 200);
    QCOMPARE(paused.json, (QJsonObject{{"name", "crm-contacts"}, {"paused", true}}));
    QCOMPARE(m_api->store().jobs().pausedIntegrations().value(), QStringList{QStringLiteral("crm-contacts")});
    const auto resumed = m_api->call("POST", QStringLiteral("/api/v1/integrations/crm-contacts/resume"), m_product);
    QCOMPARE(resumed.status, 200);
    QCOMPARE(resumed.json.value("paused").toBool(), false);
    QVERIFY(m_api->store().jobs().pausedIntegrations().value().isEmpty());
    const auto entries = m_api->store().audit().auditEntries({}).value();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.last().target, QStringLiteral("integration:crm-contacts"));

    const auto unknown = m_api->call("POST", QStringLiteral("/api/v1/integrations/nothing/pause"), m_product);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), QStringLiteral("integration.not_found"));
    const auto withBody =
        m_api->call("POST", QStringLiteral("/api/v1/integrations/crm-contacts/pause"), m_product, R"({"all":1})");
    QCOMPARE(withBody.status, 400);
    QCOMPARE(withBody.errorCode(), QStringLiteral("request.unknown_field"));
    QVERIFY(m_api->store().jobs().pausedIntegrations().value().isEmpty());
    QCOMPARE(auditCount(), 2);
}

void TestSchedulerRoutes::rolesAndTenantsDecideWhoMayCall()
{
    const QByteArray viewer = m_api->createKey(ApiRole::Viewer);
    const QByteArray support = m_api->createKey(ApiRole::Support);
    for (const char *action : {"sync", "pause", "resume"}) {
        const auto refused = m_api->call("POST", connectionPath(QLatin1String(action)), viewer);
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), QStringLiteral("auth.forbidden"));
    }
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/integrations/crm-contacts/pause"), viewer).status, 403);
    QCOMPARE(m_api->call("GET", connectionPath("jobs"), viewer).status, 200);
    QCOMPARE(m_api->call("POST", connectionPath("sync"), support).status, 202);
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/integrations/crm-contacts/pause"), support).status, 200);
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/integrations/crm-contacts/resume"), support).status, 200);

    // A key bound to another tenant: the connection does not exist for it; its own tenant's does.
    const qint64 globex = m_api->createTenant(QStringLiteral("globex"));
    const qint64 globexConnection = m_api->createConnection(globex);
    const QByteArray globexKey = m_api->createKey(ApiRole::Product, globex);
    const int jobsBefore = jobCount();
    const int auditBefore = auditCount();
    for (const char *action : {"sync", "pause", "resume", "jobs"}) {
        const auto hidden = m_api->call(QByteArray(action) == "jobs" ? "GET" : "POST",
                                        connectionPath(QLatin1String(action)), globexKey);
        QCOMPARE(hidden.status, 404);
        QCOMPARE(hidden.errorCode(), QStringLiteral("connection.not_found"));
    }
    QCOMPARE(jobCount(), jobsBefore);
    QCOMPARE(auditCount(), auditBefore);
    QCOMPARE(status(), QString(ConnectionStatus::Active));
    QCOMPARE(m_api->call("POST", connectionPath("sync", globexConnection), globexKey).status, 202);
    // A whole integration spans tenants: a bound key may not pause it.
    const auto bound = m_api->call("POST", QStringLiteral("/api/v1/integrations/crm-contacts/pause"), globexKey);
    QCOMPARE(bound.status, 403);
    QVERIFY(m_api->store().jobs().pausedIntegrations().value().isEmpty());
}

QTEST_GUILESS_MAIN(TestSchedulerRoutes)
#include "TestSchedulerRoutes.moc"
