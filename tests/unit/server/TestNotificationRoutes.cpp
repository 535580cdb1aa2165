#include "ApiTestServer.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

// The delivery log's routes as the product and the console use them: listing with filters and keyset pages, one
// delivery with its payload, a replay (a new delivery linked to the original, audited), the endpoints without their
// secrets. Bad input answers its JSON error and changes nothing; a tenant-bound key sees only its tenant's
// deliveries. Every answer is checked against the OpenAPI document.
class TestNotificationRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void deliveriesListNewestFirstWithFiltersAndPages();
    void oneDeliveryShowsItsPayload();
    void replayQueuesANewLinkedDeliveryAndIsAudited();
    void badInputIsAJsonErrorThatChangesNothing_data();
    void badInputIsAJsonErrorThatChangesNothing();
    void boundKeysSeeTheirTenantsDeliveriesOnly();
    void endpointsAreListedWithoutSecrets();

private:
    qint64 addDelivery(std::optional<qint64> tenant, const QString &type, const QString &state = {});
    int deliveryCount() { return int(m_api->store().notifications().deliveries({}).value().size()); }
    int auditCount() { return int(m_api->store().audit().auditEntries({}).value().size()); }

    std::unique_ptr<ApiTestServer> m_api;
    QByteArray m_product;
    qint64 m_acme = 0;
    qint64 m_globex = 0;
    int m_counter = 0;
};

void TestNotificationRoutes::init()
{
    m_api = std::make_unique<ApiTestServer>(ApiTestServer::SyncFactory(), [](DaemonConfig &config) {
        NotificationEndpoint endpoint;
        endpoint.name = QStringLiteral("product");
        endpoint.url = QUrl(QStringLiteral("https://product.example.com/hooks"));
        endpoint.secret = SecretBytes(QByteArrayLiteral("whsec_route_secret"));
        config.notifications.endpoints.append(endpoint);
    });
    QVERIFY2(m_api->setUpError().isEmpty(), qPrintable(m_api->setUpError()));
    m_product = m_api->createKey(ApiRole::Product, std::nullopt, QStringLiteral("backend"));
    m_acme = m_api->createTenant(QStringLiteral("acme"));
    m_globex = m_api->createTenant(QStringLiteral("globex"));
}

void TestNotificationRoutes::cleanup()
{
    if (m_api)
        QVERIFY2(m_api->problems().isEmpty(), qPrintable(m_api->problems().join('\n')));
    m_api.reset();
}

qint64 TestNotificationRoutes::addDelivery(std::optional<qint64> tenant, const QString &type, const QString &state)
{
    const int n = ++m_counter;
    NotificationDelivery delivery;
    delivery.deliveryId = QStringLiteral("dlv-%1").arg(n);
    delivery.eventId = QStringLiteral("evt_%1").arg(n);
    delivery.eventType = type;
    delivery.endpoint = QStringLiteral("product");
    delivery.url = QStringLiteral("https://product.example.com/hooks");
    delivery.tenantId = tenant;
    const QJsonObject payload{{QStringLiteral("id"), delivery.eventId},
                              {QStringLiteral("type"), type},
                              {QStringLiteral("createdAt"), QStringLiteral("2026-03-01T12:00:00.000Z")},
                              {QStringLiteral("tenantId"), tenant ? QJsonValue(*tenant) : QJsonValue()},
                              {QStringLiteral("connectionId"), QJsonValue()},
                              {QStringLiteral("data"),
                               QJsonObject{{QStringLiteral("level"), QStringLiteral("environment")},
                                           {QStringLiteral("scope"), QStringLiteral("production")},
                                           {QStringLiteral("integration"), QStringLiteral("crm-contacts")},
                                           {QStringLiteral("object"), QStringLiteral("contacts")},
                                           {QStringLiteral("direction"), QStringLiteral("read")},
                                           {QStringLiteral("version"), 1},
                                           {QStringLiteral("author"), QStringLiteral("me")},
                                           {QStringLiteral("reason"), QStringLiteral("why")}}}};
    delivery.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    delivery.nextAttemptAt = QDateTime::currentDateTimeUtc();
    const qint64 id = m_api->store().notifications().addDelivery(delivery).value();
    if (state == DeliveryState::Failed
        && !m_api->store().notifications().recordAttempt(id, {500, QStringLiteral("HTTP 500"), DeliveryState::Failed, {}}))
        return 0;
    return id;
}

void TestNotificationRoutes::deliveriesListNewestFirstWithFiltersAndPages()
{
    const qint64 first = addDelivery(m_acme, NotificationType::MappingChanged);
    addDelivery(m_globex, NotificationType::MappingChanged, DeliveryState::Failed);
    addDelivery(m_acme, NotificationType::MappingChanged, DeliveryState::Failed);
    const qint64 last = addDelivery(std::nullopt, NotificationType::MappingChanged);

    auto reply = m_api->call("GET", QStringLiteral("/api/v1/notifications/deliveries?limit=3"), m_product);
    QCOMPARE(reply.status, 200);
    QJsonArray page = reply.json.value("deliveries").toArray();
    QCOMPARE(page.size(), 3);
    QCOMPARE(page.first().toObject().value("id").toInteger(), last);
    QVERIFY(!page.first().toObject().contains("payload"));
    const qint64 next = reply.json.value("nextBefore").toInteger();
    reply = m_api->call("GET", QStringLiteral("/api/v1/notifications/deliveries?limit=3&before=%1").arg(next),
                        m_product);
    page = reply.json.value("deliveries").toArray();
    QCOMPARE(page.size(), 1);
    QCOMPARE(page.first().toObject().value("id").toInteger(), first);
    QVERIFY(reply.json.value("nextBefore").isNull());

    reply = m_api->call("GET", QStringLiteral("/api/v1/notifications/deliveries?state=failed&tenant=acme"), m_product);
    page = reply.json.value("deliveries").toArray();
    QCOMPARE(page.size(), 1);
    QCOMPARE(page.first().toObject().value("lastStatus").toInt(), 500);
    QCOMPARE(page.first().toObject().value("state").toString(), DeliveryState::Failed);
    reply = m_api->call("GET", QStringLiteral("/api/v1/notifications/deliveries?type=records.changed"), m_product);
    QVERIFY(reply.json.value("deliveries").toArray().isEmpty());
}

void TestNotificationRoutes::oneDeliveryShowsItsPayload()
{
    const qint64 id = addDelivery(m_acme, NotificationType::MappingChanged);
    const auto reply = m_api->call("GET", QStringLiteral("/api/v1/notifications/deliveries/%1").arg(id), m_product);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value("payload").toObject().value("type").toString(), NotificationType::MappingChanged);
    QCOMPARE(reply.json.value("eventId").toString(), reply.json.value("payload").toObject().value("id").toString());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/notifications/deliveries/999"), m_product).errorCode(),
             QStringLiteral("delivery.not_found"));
}

void TestNotificationRoutes::replayQueuesANewLinkedDeliveryAndIsAudited()
{
    const qint64 id = addDelivery(m_acme, NotificationType::MappingChanged, DeliveryState::Failed);
    const int audits = auditCount();
    const auto reply =
        m_api->call("POST", QStringLiteral("/api/v1/notifications/deliveries/%1/replay").arg(id), m_product);
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json.value("replayOf").toInteger(), id);
    QCOMPARE(reply.json.value("state").toString(), DeliveryState::Pending);
    QCOMPARE(reply.json.value("attempts").toInt(), 0);
    QVERIFY(reply.json.value("id").toInteger() != id);
    const auto original = m_api->store().notifications().delivery(id).value();
    QCOMPARE(reply.json.value("eventId").toString(), original.eventId);
    QVERIFY(reply.json.value("deliveryId").toString() != original.deliveryId);
    QCOMPARE(m_api->store().notifications().delivery(reply.json.value("id").toInteger())->payload, original.payload);
    QCOMPARE(auditCount(), audits + 1);
    const AuditEntry entry = m_api->store().audit().auditEntries({}).value().first();
    QCOMPARE(entry.action, QStringLiteral("notification.replay"));
    QCOMPARE(entry.target, QStringLiteral("delivery:%1").arg(id));
    QCOMPARE(entry.tenantId, std::optional<qint64>(m_acme));
}

void TestNotificationRoutes::badInputIsAJsonErrorThatChangesNothing_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QString list = QStringLiteral("/api/v1/notifications/deliveries");
    QTest::newRow("unknown state") << QByteArray("GET") << list + "?state=lost" << QByteArray() << 400
                                   << QStringLiteral("request.bad_query");
    QTest::newRow("unknown type") << QByteArray("GET") << list + "?type=record.changed" << QByteArray() << 400
                                  << QStringLiteral("request.bad_query");
    QTest::newRow("limit 0") << QByteArray("GET") << list + "?limit=0" << QByteArray() << 400
                             << QStringLiteral("request.bad_query");
    QTest::newRow("before not a number") << QByteArray("GET") << list + "?before=x" << QByteArray() << 400
                                         << QStringLiteral("request.bad_query");
    QTest::newRow("unknown tenant") << QByteArray("GET") << list + "?tenant=nobody" << QByteArray() << 404
                                    << QStringLiteral("tenant.not_found");
    QTest::newRow("replay unknown") << QByteArray("POST") << list + "/424242/replay" << QByteArray() << 404
                                    << QStringLiteral("delivery.not_found");
    QTest::newRow("replay not an id") << QByteArray("POST") << list + "/abc/replay" << QByteArray() << 404
                                      << QStringLiteral("delivery.not_found");
    QTest::newRow("replay with a field") << QByteArray("POST") << list + "/{id}/replay" << QByteArray("{\"at\":1}")
                                         << 400 << QStringLiteral("request.unknown_field");
    QTest::newRow("replay with junk") << QByteArray("POST") << list + "/{id}/replay" << QByteArray("{not json")
                                      << 400 << QStringLiteral("request.malformed_json");
}

void TestNotificationRoutes::badInputIsAJsonErrorThatChangesNothing()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    const qint64 id = addDelivery(m_acme, NotificationType::MappingChanged);
    const int deliveries = deliveryCount();
    const int audits = auditCount();
    const auto reply = m_api->call(method, path.replace(QStringLiteral("{id}"), QString::number(id)), m_product, body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.errorCode(), code);
    QCOMPARE(deliveryCount(), deliveries);
    QCOMPARE(auditCount(), audits);
}

void TestNotificationRoutes::boundKeysSeeTheirTenantsDeliveriesOnly()
{
    const qint64 acme = addDelivery(m_acme, NotificationType::MappingChanged);
    const qint64 globex = addDelivery(m_globex, NotificationType::MappingChanged);
    const qint64 everyone = addDelivery(std::nullopt, NotificationType::MappingChanged);
    const QByteArray bound = m_api->createKey(ApiRole::Product, m_acme);
    const auto list = m_api->call("GET", QStringLiteral("/api/v1/notifications/deliveries"), bound);
    QCOMPARE(list.status, 200);
    const QJsonArray page = list.json.value("deliveries").toArray();
    QCOMPARE(page.size(), 1);
    QCOMPARE(page.first().toObject().value("id").toInteger(), acme);
    for (const qint64 hidden : {globex, everyone}) {
        const QString path = QStringLiteral("/api/v1/notifications/deliveries/%1").arg(hidden);
        QCOMPARE(m_api->call("GET", path, bound).status, 404);
        QCOMPARE(m_api->call("POST", path + QStringLiteral("/replay"), bound).status, 404);
    }
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/notifications/deliveries?tenant=globex"), bound).status, 404);
    QCOMPARE(deliveryCount(), 3);
    const QByteArray viewer = m_api->createKey(ApiRole::Viewer);
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/notifications/deliveries/%1/replay").arg(acme), viewer)
                 .errorCode(),
             QStringLiteral("auth.forbidden"));
}

void TestNotificationRoutes::endpointsAreListedWithoutSecrets()
{
    const auto reply = m_api->call("GET", QStringLiteral("/api/v1/notifications/endpoints"), m_product);
    QCOMPARE(reply.status, 200);
    const QJsonObject endpoint = reply.json.value("endpoints").toArray().first().toObject();
    QCOMPARE(endpoint.value("name").toString(), QStringLiteral("product"));
    QCOMPARE(endpoint.value("events").toArray().size(), NotificationType::all().size());
    QVERIFY(!reply.body.contains("whsec_route_secret"));
    QCOMPARE(reply.json.value("maxAttempts").toInt(), 8);
}

QTEST_GUILESS_MAIN(TestNotificationRoutes)
#include "TestNotificationRoutes.moc"
