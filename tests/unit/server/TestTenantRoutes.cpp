#include "ApiTestServer.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

// /api/v1/tenants and /api/v1/ops/audit as the product and the console use them: what each call answers, that bad
// input answers its JSON error and changes nothing, that a tenant-bound key sees only its tenant, and that every
// change leaves an audit entry. Every answer is checked against the OpenAPI document.
class TestTenantRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void productCreatesListsAndGetsATenant();
    void badInputAnswersItsErrorAndChangesNothing_data();
    void badInputAnswersItsErrorAndChangesNothing();
    void tenantBoundKeySeesOnlyItsTenant();
    void deletingATenantRemovesItsDataAndIsAudited();
    void auditLogPagesAndFilters();

private:
    int auditCount() { return int(m_api->store().audit().auditEntries({}).value().size()); }

    std::unique_ptr<ApiTestServer> m_api;
    QByteArray m_product;
};

void TestTenantRoutes::init()
{
    m_api = std::make_unique<ApiTestServer>();
    QVERIFY2(m_api->setUpError().isEmpty(), qPrintable(m_api->setUpError()));
    m_product = m_api->createKey(ApiRole::Product, std::nullopt, QStringLiteral("backend"));
}

void TestTenantRoutes::cleanup()
{
    if (m_api)
        QVERIFY2(m_api->problems().isEmpty(), qPrintable(m_api->problems().join('\n')));
    m_api.reset();
}

void TestTenantRoutes::productCreatesListsAndGetsATenant()
{
    const auto created =
        m_api->call("POST", QStringLiteral("/api/v1/tenants"), m_product, R"({"name":"acme","displayName":"Acme"})");
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value("name").toString(), QStringLiteral("acme"));
    QCOMPARE(created.json.value("displayName").toString(), QStringLiteral("Acme"));
    const qint64 id = created.json.value("id").toInteger();
    QVERIFY(id > 0);
    // The display name defaults to the name.
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/tenants"), m_product, R"({"name":"globex"})")
                 .json.value("displayName")
                 .toString(),
             QStringLiteral("globex"));

    const auto list = m_api->call("GET", QStringLiteral("/api/v1/tenants"), m_product);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json.value("tenants").toArray().size(), 2);
    for (const QString &idOrName : {QString::number(id), QStringLiteral("acme")}) {
        const auto got = m_api->call("GET", QStringLiteral("/api/v1/tenants/") + idOrName, m_product);
        QCOMPARE(got.status, 200);
        QCOMPARE(got.json, created.json);
    }
    const auto missing = m_api->call("GET", QStringLiteral("/api/v1/tenants/nobody"), m_product);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.errorCode(), QStringLiteral("tenant.not_found"));

    const auto entries = m_api->store().audit().auditEntries({}).value();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.last().action, QStringLiteral("tenant.create"));
    QCOMPARE(entries.last().keyName, QStringLiteral("backend"));
    QCOMPARE(entries.last().role, QStringLiteral("product"));
    QCOMPARE(entries.last().target, QStringLiteral("tenant:%1").arg(id));
    QCOMPARE(entries.last().tenantId, std::optional<qint64>(id));
    QCOMPARE(entries.last().after.toObject().value("name").toString(), QStringLiteral("acme"));
}

void TestTenantRoutes::badInputAnswersItsErrorAndChangesNothing_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("malformed JSON") << QByteArray(R"({"name": )") << 400 << "request.malformed_json";
    QTest::newRow("unknown field") << QByteArray(R"({"name":"x","plan":"gold"})") << 400 << "request.unknown_field";
    QTest::newRow("wrong type") << QByteArray(R"({"name":42})") << 400 << "request.bad_field";
    QTest::newRow("missing name") << QByteArray(R"({"displayName":"X"})") << 400 << "request.missing_field";
    QTest::newRow("name with spaces") << QByteArray(R"({"name":"Big Co"})") << 400 << "request.bad_field";
    QTest::newRow("name of digits") << QByteArray(R"({"name":"123"})") << 400 << "request.bad_field";
    QTest::newRow("name taken") << QByteArray(R"({"name":"acme"})") << 409 << "tenant.exists";
}

void TestTenantRoutes::badInputAnswersItsErrorAndChangesNothing()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    m_api->createTenant(QStringLiteral("acme"));
    const int audited = auditCount();
    const auto reply = m_api->call("POST", QStringLiteral("/api/v1/tenants"), m_product, body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.errorCode(), code);
    QVERIFY(!reply.json.value("error").toObject().value("message").toString().isEmpty());
    QCOMPARE(m_api->store().tenants().tenants()->size(), 1);
    QCOMPARE(auditCount(), audited);
}

void TestTenantRoutes::tenantBoundKeySeesOnlyItsTenant()
{
    const qint64 acme = m_api->createTenant(QStringLiteral("acme"));
    const qint64 globex = m_api->createTenant(QStringLiteral("globex"));
    const QByteArray acmeKey = m_api->createKey(ApiRole::Product, acme);
    const auto list = m_api->call("GET", QStringLiteral("/api/v1/tenants"), acmeKey);
    QCOMPARE(list.json.value("tenants").toArray().size(), 1);
    QCOMPARE(list.json.value("tenants").toArray().first().toObject().value("name").toString(), QStringLiteral("acme"));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/tenants/acme"), acmeKey).status, 200);
    // Another tenant answers exactly as a tenant that does not exist.
    const auto other = m_api->call("GET", QStringLiteral("/api/v1/tenants/%1").arg(globex), acmeKey);
    const auto none = m_api->call("GET", QStringLiteral("/api/v1/tenants/%1").arg(globex + 100), acmeKey);
    QCOMPARE(other.status, 404);
    QCOMPARE(other.errorCode(), none.errorCode());
    QCOMPARE(other.json.value("error").toObject().value("message").toString(),
             none.json.value("error").toObject().value("message").toString().replace(QString::number(globex + 100),
                                                                                     QString::number(globex)));
    // It may neither create nor delete tenants.
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/tenants"), acmeKey, R"({"name":"mine"})").status, 403);
    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/tenants/globex"), acmeKey).status, 403);
    QCOMPARE(m_api->store().tenants().tenants()->size(), 2);
}

void TestTenantRoutes::deletingATenantRemovesItsDataAndIsAudited()
{
    const qint64 acme = m_api->createTenant(QStringLiteral("acme"));
    m_api->createTenant(QStringLiteral("globex"));
    Connection connection;
    connection.tenantId = acme;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = QStringLiteral("Acme HubSpot");
    const qint64 connectionId = m_api->store().tenants().createConnection(connection).value();
    const QByteArray admin = m_api->createKey(ApiRole::Admin, std::nullopt, QStringLiteral("ops"));
    const QByteArray support = m_api->createKey(ApiRole::Support);

    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/tenants/acme"), support).status, 403);
    const auto deleted = m_api->call("DELETE", QStringLiteral("/api/v1/tenants/acme"), admin);
    QCOMPARE(deleted.status, 204);
    QVERIFY(deleted.body.isEmpty());
    QCOMPARE(m_api->store().tenants().connection(connectionId).error().code, QStringLiteral("store.not_found"));
    QCOMPARE(m_api->store().tenants().tenants()->size(), 1);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/tenants/acme"), admin).status, 404);
    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/tenants/acme"), admin).status, 404);

    AuditFilter filter;
    filter.action = QStringLiteral("tenant.delete");
    const auto entries = m_api->store().audit().auditEntries(filter).value();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().keyName, QStringLiteral("ops"));
    QCOMPARE(entries.first().before.toObject().value("name").toString(), QStringLiteral("acme"));
}

void TestTenantRoutes::auditLogPagesAndFilters()
{
    for (const char *name : {"a1", "a2", "a3", "a4", "a5"})
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/tenants"), m_product,
                             QByteArray(R"({"name":")") + name + "\"}")
                     .status,
                 201);
    const QByteArray viewer = m_api->createKey(ApiRole::Viewer);
    QStringList targets;
    QString next = QStringLiteral("/api/v1/ops/audit?limit=2");
    for (int page = 0; page < 5 && !next.isEmpty(); ++page) {
        const auto reply = m_api->call("GET", next, viewer);
        QCOMPARE(reply.status, 200);
        for (const QJsonValue &entry : reply.json.value("entries").toArray())
            targets.append(entry.toObject().value("after").toObject().value("name").toString());
        const QJsonValue before = reply.json.value("nextBefore");
        next = before.isNull() ? QString() : QStringLiteral("/api/v1/ops/audit?limit=2&before=%1").arg(before.toInteger());
    }
    QCOMPARE(targets, (QStringList{"a5", "a4", "a3", "a2", "a1"}));

    const auto one = m_api->call("GET", QStringLiteral("/api/v1/ops/audit?tenant=a3&action=tenant."), viewer);
    QCOMPARE(one.json.value("entries").toArray().size(), 1);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/ops/audit?action=mapping.set"), viewer)
                 .json.value("entries")
                 .toArray()
                 .size(),
             0);
    for (const QString query : {"limit=0", "limit=x", "before=-1", "since=yesterday"}) {
        const auto bad = m_api->call("GET", QStringLiteral("/api/v1/ops/audit?") + query, viewer);
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.errorCode(), QStringLiteral("request.bad_query"));
    }
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/ops/audit?tenant=nobody"), viewer).status, 404);

    // A key bound to a3 sees a3's entries only, and no other tenant's even when it asks.
    const qint64 a3 = m_api->store().tenants().tenantByName(QStringLiteral("a3"))->id;
    const QByteArray bound = m_api->createKey(ApiRole::Support, a3);
    const auto mine = m_api->call("GET", QStringLiteral("/api/v1/ops/audit"), bound);
    QCOMPARE(mine.json.value("entries").toArray().size(), 1);
    QCOMPARE(mine.json.value("entries").toArray().first().toObject().value("tenantId").toInteger(), a3);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/ops/audit?tenant=a1"), bound).status, 404);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/ops/audit"), m_product).status, 403);
}

QTEST_GUILESS_MAIN(TestTenantRoutes)
#include "TestTenantRoutes.moc"
