// The crm-contacts integration writing to HubSpot through its reverse mapping (batch create and update with
// HubSpot's 207 per-input errors, a connection-level override, a record whose mapping fails), HubSpot webhooks
// delivered by the emulator over HTTP (signature v3, routing by portal, fetch of the named contact, duplicates,
// forgeries, stale timestamps), property discovery, and the request budget shared by two connections of one portal.
#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "catalog/DefinitionLoader.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "mapping/MappingService.h"
#include "server/WebhookEndpoint.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;

namespace {

QJsonObject product(const QString &name, const QString &email, const QString &company = QStringLiteral("Acme"))
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("email"), email},
            {QStringLiteral("company"), company},
            {QStringLiteral("phone"), QStringLiteral("+1 555 0100")}};
}

} // namespace

class TestHubSpotWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void writesGoThroughTheReverseMapping();
    void connectionOverrideAndMappingFailures();
    void replayOfAWriteWritesOnlyItsOwnFailedItems();
    void signedWebhookIsAppliedOnce();
    void forgedAndStaleWebhooksAreRejected();
    void propertiesAreDiscovered();
    void portalBudgetIsSharedByItsConnections();
    void executionsOfOneConnectionRunInOrder();
    void tokenRefreshIsSingleFlightAcrossProcesses();
    void writesToARevokedConnectionAreKept();
    void eventNotAppliedIsAppliedWhenDeliveredAgain();

private:
    qint64 connectPortal(const PortalCredentials &portal, bool integration = true);
    const HubSpotContact *contact(const QString &id) const;
    QMap<QString, WriteItem> itemsByKey(qint64 executionId);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dbPath;
    SecretBytes m_key;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SyncService> m_sync;
    qint64 m_tenant = 0;
    PortalCredentials m_portal;
};

void TestHubSpotWrite::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_dbPath = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_key = CredentialVault::generateKey();
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_store = SqliteStore::open(m_dbPath).value();
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    m_portal = m_emulator->addPortal(QStringLiteral("acme"), 20, 21);
    m_sync = std::make_unique<SyncService>(m_dbPath, m_key, ProviderCatalog::builtIn(), SystemClock::instance());
}

void TestHubSpotWrite::cleanup()
{
    m_sync.reset();
    m_store.reset();
    m_emulator.reset();
    m_dir.reset();
}

qint64 TestHubSpotWrite::connectPortal(const PortalCredentials &portal, bool integration)
{
    CredentialVault vault(m_key);
    const qint64 connection = SandboxConnector(*m_store, vault)
                                  .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                           QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), portal,
                                           QDateTime::currentDateTimeUtc().addSecs(1800))
                                  .value();
    if (integration) {
        [&] {
            QVERIFY(
                m_store->tenants()
                    .setConnectionIntegration(connection, QStringLiteral("crm-contacts"), QStringLiteral("production"))
                    .ok());
        }();
    }
    return connection;
}

const HubSpotContact *TestHubSpotWrite::contact(const QString &id) const
{
    return m_emulator->contactStore(QStringLiteral("acme"))->contact(id.toLongLong());
}

QMap<QString, WriteItem> TestHubSpotWrite::itemsByKey(qint64 executionId)
{
    QMap<QString, WriteItem> byKey;
    for (const WriteItem &item : m_store->writes().writeItems(executionId).value())
        byKey.insert(item.key, item);
    return byKey;
}

void TestHubSpotWrite::writesGoThroughTheReverseMapping()
{
    const qint64 connection = connectPortal(m_portal);
    m_emulator->clearRequestLog();
    const auto created = m_sync->write(connection, QStringLiteral("contacts"),
                                       {{QStringLiteral("u-1"), product(QStringLiteral("Ada Lovelace"), QStringLiteral("ada@example.com")), {}},
                                        {QStringLiteral("u-2"), product(QStringLiteral("Bad Email"), QStringLiteral("not-an-email")), {}},
                                        {QStringLiteral("u-3"), product(QStringLiteral("Grace Hopper"), QStringLiteral("grace@example.com")), {}}});
    QVERIFY(created.ok());
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    QCOMPARE(created->recordCount, 2);
    QCOMPARE(created->failedRecordCount, 1);
    // One batch call: HubSpot reported per input because every input had its objectWriteTraceId (207).
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/crm/v3/objects/contacts/batch/create"));
    QCOMPARE(m_emulator->requestLog().first().status, 207);

    QMap<QString, WriteItem> items = itemsByKey(created->id);
    QCOMPARE(items.value(QStringLiteral("u-2")).status, QStringLiteral("failed"));
    QCOMPARE(items.value(QStringLiteral("u-2")).errorCode, QStringLiteral("VALIDATION_ERROR"));
    QVERIFY(items.value(QStringLiteral("u-2")).errorMessage.contains(QLatin1String("email"), Qt::CaseInsensitive));
    // The reverse mapping split the name into HubSpot's properties.
    const HubSpotContact *ada = contact(items.value(QStringLiteral("u-1")).providerId);
    QVERIFY(ada);
    QCOMPARE(ada->properties.value(QStringLiteral("firstname")), QStringLiteral("Ada"));
    QCOMPARE(ada->properties.value(QStringLiteral("lastname")), QStringLiteral("Lovelace"));
    QCOMPARE(ada->properties.value(QStringLiteral("email")), QStringLiteral("ada@example.com"));
    QVERIFY(contact(items.value(QStringLiteral("u-3")).providerId));
    // What was sent is kept in the provider's shape, beside the product record.
    QCOMPARE(QJsonDocument::fromJson(items.value(QStringLiteral("u-1")).sent).object().value(QStringLiteral("properties"))
                 .toObject().value(QStringLiteral("firstname")).toString(),
             QStringLiteral("Ada"));

    // The linked keys are updates now: one batch update; the record that failed is created.
    m_emulator->clearRequestLog();
    const auto second = m_sync->write(connection, QStringLiteral("contacts"),
                                      {{QStringLiteral("u-1"), product(QStringLiteral("Ada King"), QStringLiteral("ada@example.com")), {}},
                                       {QStringLiteral("u-3"), product(QStringLiteral("Grace Hopper"), QStringLiteral("grace@navy.example")), {}},
                                       {QStringLiteral("u-2"), product(QStringLiteral("Fixed Email"), QStringLiteral("fixed@example.com")), {}}});
    QVERIFY2(second->status == ExecutionStatus::Succeeded, qPrintable(second->errorMessage));
    QCOMPARE(second->recordCount, 3);
    items = itemsByKey(second->id);
    QCOMPARE(items.value(QStringLiteral("u-1")).operation, QStringLiteral("update"));
    QCOMPARE(items.value(QStringLiteral("u-2")).operation, QStringLiteral("create"));
    QCOMPARE(contact(items.value(QStringLiteral("u-1")).providerId)->properties.value(QStringLiteral("lastname")),
             QStringLiteral("King"));
    QCOMPARE(contact(items.value(QStringLiteral("u-3")).providerId)->properties.value(QStringLiteral("email")),
             QStringLiteral("grace@navy.example"));
    QStringList calls;
    for (const RequestLogEntry &entry : m_emulator->requestLog())
        calls.append(entry.method + QLatin1Char(' ') + entry.pathAndQuery);
    QCOMPARE(calls, (QStringList{QStringLiteral("POST /crm/v3/objects/contacts"),
                                 QStringLiteral("POST /crm/v3/objects/contacts/batch/update")}));
    QVERIFY(m_store->writes().failedWriteItems(connection, QStringLiteral("contacts"))->isEmpty());
}

void TestHubSpotWrite::connectionOverrideAndMappingFailures()
{
    const qint64 connection = connectPortal(m_portal);
    // This customer wants company names in capitals in HubSpot; a bad override is refused with its position.
    MappingService mappings(*m_store, m_sync->integrations());
    const auto refused = mappings.setOverride(MappingLevel::Connection, QString::number(connection),
                                              QStringLiteral("crm-contacts"), QStringLiteral("contacts"),
                                              MappingDirection::Write,
                                              QJsonObject{{QStringLiteral("properties"),
                                                           QJsonObject{{QStringLiteral("company"), QStringLiteral("$uppercase(")}}}},
                                              QStringLiteral("support@acme"), QStringLiteral("capitals"));
    QVERIFY(!refused.ok());
    QVERIFY(mappings.setOverride(MappingLevel::Connection, QString::number(connection), QStringLiteral("crm-contacts"),
                                 QStringLiteral("contacts"), MappingDirection::Write,
                                 QJsonObject{{QStringLiteral("properties"),
                                              QJsonObject{{QStringLiteral("company"), QStringLiteral("$uppercase(company)")},
                                                          {QStringLiteral("phone"),
                                                           QStringLiteral("$replace(phone, /[^0-9+]/, \"\")")}}}},
                                 QStringLiteral("support@acme"), QStringLiteral("capitals, and phones without spaces"))
                .ok());
    // A record whose phone is a number makes $replace fail: that record is kept, not sent; the other is written.
    QJsonObject broken = product(QStringLiteral("Num Phone"), QStringLiteral("num@example.com"));
    broken.insert(QStringLiteral("phone"), 5550100);
    m_emulator->clearRequestLog();
    const auto write = m_sync->write(connection, QStringLiteral("contacts"),
                                     {{QStringLiteral("ok"), product(QStringLiteral("Alan Turing"), QStringLiteral("alan@example.com"), QStringLiteral("Bletchley")), {}},
                                      {QStringLiteral("broken"), broken, {}}});
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 1);
    QCOMPARE(write->failedRecordCount, 1);
    const QMap<QString, WriteItem> items = itemsByKey(write->id);
    QCOMPARE(items.value(QStringLiteral("broken")).errorCode, QStringLiteral("mapping.failed"));
    QVERIFY2(items.value(QStringLiteral("broken")).errorMessage.contains(QLatin1String("properties.phone")),
             qPrintable(items.value(QStringLiteral("broken")).errorMessage));
    QVERIFY(items.value(QStringLiteral("broken")).sent.isEmpty());
    const HubSpotContact *alan = contact(items.value(QStringLiteral("ok")).providerId);
    QCOMPARE(alan->properties.value(QStringLiteral("company")), QStringLiteral("BLETCHLEY"));
    QCOMPARE(alan->properties.value(QStringLiteral("phone")), QStringLiteral("+15550100"));
    // A single record goes out as a single create, not a batch.
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/crm/v3/objects/contacts"));

    // Once the mapping copes, the failed record is written again from what was kept.
    QVERIFY(mappings.setOverride(MappingLevel::Connection, QString::number(connection), QStringLiteral("crm-contacts"),
                                 QStringLiteral("contacts"), MappingDirection::Write,
                                 QJsonObject{{QStringLiteral("properties"),
                                              QJsonObject{{QStringLiteral("company"), QStringLiteral("$uppercase(company)")},
                                                          {QStringLiteral("phone"),
                                                           QStringLiteral("$replace($string(phone), /[^0-9+]/, \"\")")}}}},
                                 QStringLiteral("support@acme"), QStringLiteral("numbers too"))
                .ok());
    const auto retried = m_sync->retryFailedWrites(connection, QStringLiteral("contacts"));
    QVERIFY2(retried->status == ExecutionStatus::Succeeded, qPrintable(retried->errorMessage));
    QCOMPARE(retried->recordCount, 1);
    const QString id = itemsByKey(retried->id).value(QStringLiteral("broken")).providerId;
    QCOMPARE(contact(id)->properties.value(QStringLiteral("phone")), QStringLiteral("5550100"));
    QVERIFY(m_store->writes().failedWriteItems(connection, QStringLiteral("contacts"))->isEmpty());
}

void TestHubSpotWrite::replayOfAWriteWritesOnlyItsOwnFailedItems()
{
    const qint64 connection = connectPortal(m_portal);
    MappingService mappings(*m_store, m_sync->integrations());
    const auto phoneMapping = [&](const QString &expression) {
        return mappings
            .setOverride(MappingLevel::Connection, QString::number(connection), QStringLiteral("crm-contacts"),
                         QStringLiteral("contacts"), MappingDirection::Write,
                         QJsonObject{{QStringLiteral("properties"),
                                      QJsonObject{{QStringLiteral("phone"), expression}}}},
                         QStringLiteral("support@acme"), QStringLiteral("phones"))
            .ok();
    };
    // Two writes, each with a record whose number phone makes $replace fail.
    QVERIFY(phoneMapping(QStringLiteral("$replace(phone, /[^0-9+]/, \"\")")));
    QJsonObject first = product(QStringLiteral("First Broken"), QStringLiteral("first@example.com"));
    first.insert(QStringLiteral("phone"), 5550101);
    QJsonObject second = product(QStringLiteral("Second Broken"), QStringLiteral("second@example.com"));
    second.insert(QStringLiteral("phone"), 5550102);
    const auto firstWrite =
        m_sync->write(connection, QStringLiteral("contacts"), {{QStringLiteral("first"), first, {}}});
    const auto secondWrite =
        m_sync->write(connection, QStringLiteral("contacts"), {{QStringLiteral("second"), second, {}}});
    QCOMPARE(firstWrite->failedRecordCount, 1);
    QCOMPARE(secondWrite->failedRecordCount, 1);

    // Replaying the first write, once the mapping copes, writes its record only; the second's stays failed.
    QVERIFY(phoneMapping(QStringLiteral("$replace($string(phone), /[^0-9+]/, \"\")")));
    const auto replay = m_sync->replayFailedWrites(firstWrite->id);
    QVERIFY2(replay && replay->status == ExecutionStatus::Succeeded, qPrintable(replay ? replay->errorMessage : ""));
    QCOMPARE(replay->recordCount, 1);
    QCOMPARE(itemsByKey(replay->id).keys(), QStringList{QStringLiteral("first")});
    const auto stillFailing = m_store->writes().failedWriteItems(connection, QStringLiteral("contacts")).value();
    QCOMPARE(stillFailing.size(), 1);
    QCOMPARE(stillFailing.first().key, QStringLiteral("second"));
    // Written since: replaying the first write again has nothing to write.
    QCOMPARE(m_sync->replayFailedWrites(firstWrite->id).error().code, QStringLiteral("write.nothing_to_retry"));
}

void TestHubSpotWrite::signedWebhookIsAppliedOnce()
{
    const qint64 connection = connectPortal(m_portal);
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    WebhookEndpoint endpoint(*m_sync);
    QVERIFY(endpoint.listen() != 0);
    QSignalSpy handled(&endpoint, &WebhookEndpoint::webhookHandled);
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);

    const QString id = m_emulator->touchContacts(QStringLiteral("acme"), 1).first();
    const QString phone = contact(id)->properties.value(QStringLiteral("phone"));
    QVERIFY(m_store->records().record(connection, QStringLiteral("contacts"), id));
    // Routed by the portal id the events carry: the URL names no connection.
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), endpoint.urlFor(QStringLiteral("hubspot")), id));
    QVERIFY(delivered.wait(5000));
    QCOMPARE(delivered.first().at(1).toInt(), 200);
    const WebhookOutcome outcome = handled.first().at(1).value<WebhookOutcome>();
    QCOMPARE(outcome.applied, 1);
    // The contact named by the event was fetched and stored through the read mapping.
    const QJsonObject stored =
        QJsonDocument::fromJson(m_store->records().record(connection, QStringLiteral("contacts"), id)->data).object();
    QCOMPARE(stored.value(QStringLiteral("phone")).toString(), phone);
    const Execution execution = m_store->executions().execution(outcome.executionId).value();
    QCOMPARE(execution.kind, QStringLiteral("webhook"));
    QCOMPARE(execution.connectionId, connection);
    QCOMPARE(execution.status, ExecutionStatus::Succeeded);

    // HubSpot retries deliveries: the same event again is skipped. (Signed here as HubSpot signs.)
    const QUrl url = endpoint.urlFor(QStringLiteral("hubspot"));
    const QByteArray body = QJsonDocument(QJsonArray{QJsonObject{{QStringLiteral("eventId"), 4242},
                                                                 {QStringLiteral("portalId"), m_portal.hubId},
                                                                 {QStringLiteral("subscriptionType"), QStringLiteral("contact.deletion")},
                                                                 {QStringLiteral("objectId"), id.toLongLong()}}})
                                .toJson(QJsonDocument::Compact);
    QNetworkAccessManager network;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const QByteArray timestamp = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        const QByteArray signature =
            QMessageAuthenticationCode::hash("POST" + url.toString().toUtf8() + body + timestamp,
                                             m_portal.clientSecret.toUtf8(), QCryptographicHash::Sha256)
                .toBase64();
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("X-HubSpot-Request-Timestamp", timestamp);
        request.setRawHeader("X-HubSpot-Signature-v3", signature);
        std::unique_ptr<QNetworkReply> reply(network.post(request, body));
        QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 5000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const WebhookOutcome again = handled.last().at(1).value<WebhookOutcome>();
        QCOMPARE(again.applied, attempt == 0 ? 1 : 0);
        QCOMPARE(again.duplicates, attempt == 0 ? 0 : 1);
    }
    // The deletion event removed the stored contact, once.
    QVERIFY(!m_store->records().record(connection, QStringLiteral("contacts"), id));

    const auto events = m_store->executions().events(outcome.executionId).value();
    QVERIFY(std::any_of(events.begin(), events.end(), [](const Event &e) { return e.message.contains(QLatin1String("stored")); }));
    const auto exchanges = m_store->executions().exchanges(outcome.executionId).value();
    QVERIFY(!exchanges.isEmpty());
    // The signature header is kept for support, the client secret never.
    for (const Exchange &exchange : exchanges)
        QVERIFY(!exchange.requestBody.contains(m_portal.clientSecret.toUtf8()));
}

void TestHubSpotWrite::forgedAndStaleWebhooksAreRejected()
{
    const qint64 connection = connectPortal(m_portal);
    const QString id = m_emulator->touchContacts(QStringLiteral("acme"), 1).first();
    WebhookEndpoint endpoint(*m_sync);
    QVERIFY(endpoint.listen() != 0);
    QSignalSpy handled(&endpoint, &WebhookEndpoint::webhookHandled);
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);

    // A delivery signed five minutes and a bit ago is a replay.
    HubSpotWebhookOptions stale;
    stale.timestampAgeSeconds = 400;
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), endpoint.urlFor(QStringLiteral("hubspot")), id, stale));
    QVERIFY(delivered.wait(5000));
    QCOMPARE(delivered.last().at(1).toInt(), 401);
    WebhookOutcome outcome = handled.last().at(1).value<WebhookOutcome>();
    Execution execution = m_store->executions().execution(outcome.executionId).value();
    QCOMPARE(execution.status, ExecutionStatus::Failed);
    QCOMPARE(execution.errorCode, QStringLiteral("webhook.rejected"));
    QVERIFY(execution.errorMessage.contains(QLatin1String("timestamp")));

    // A call with a made-up signature (someone who knows the URL, not the secret).
    const QByteArray timestamp = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QByteArray body = QJsonDocument(QJsonArray{QJsonObject{{QStringLiteral("eventId"), 99},
                                                                 {QStringLiteral("portalId"), m_portal.hubId},
                                                                 {QStringLiteral("subscriptionType"), QStringLiteral("contact.deletion")},
                                                                 {QStringLiteral("objectId"), id.toLongLong()}}})
                                .toJson(QJsonDocument::Compact);
    QNetworkAccessManager network;
    QNetworkRequest request(endpoint.urlFor(QStringLiteral("hubspot")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-HubSpot-Request-Timestamp", timestamp);
    request.setRawHeader("X-HubSpot-Signature-v3", QByteArray("forged").toBase64());
    std::unique_ptr<QNetworkReply> reply(network.post(request, body));
    QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 5000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    outcome = handled.last().at(1).value<WebhookOutcome>();
    execution = m_store->executions().execution(outcome.executionId).value();
    QCOMPARE(execution.status, ExecutionStatus::Failed);
    QVERIFY(execution.errorMessage.contains(QLatin1String("signature does not match")));
    // Nothing was deleted.
    Q_UNUSED(connection);
    QVERIFY(contact(id) && !contact(id)->archived);
}

void TestHubSpotWrite::propertiesAreDiscovered()
{
    const qint64 connection = connectPortal(m_portal, false);
    QVERIFY(m_emulator->addCustomProperty(QStringLiteral("acme"), QStringLiteral("loyalty_tier"),
                                          QStringLiteral("Loyalty tier"), QStringLiteral("enumeration")));
    const auto discovered = m_sync->discoverSchema(connection, QStringLiteral("contacts"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    const QList<SchemaField> fields = m_store->schemas().schema(connection, QStringLiteral("contacts")).value();
    QStringList custom;
    bool email = false;
    for (const SchemaField &field : fields) {
        if (field.custom)
            custom.append(field.name);
        email = email || (field.name == QLatin1String("email") && !field.custom);
    }
    QVERIFY(email);
    QCOMPARE(custom, QStringList{QStringLiteral("loyalty_tier")});
}

void TestHubSpotWrite::portalBudgetIsSharedByItsConnections()
{
    // A definition with a small budget (8 requests per second per portal) and small pages, so that two
    // connections of one portal together need several windows.
    QFile file(QStringLiteral(":/patchbay/providers/hubspot.yaml"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray yaml = file.readAll();
    yaml.replace("- { requests: 100, perSeconds: 10,", "- { requests: 8, perSeconds: 1,");
    yaml.replace("  pageSize: 100\n", "  pageSize: 10\n");
    const DefinitionLoadResult loaded = DefinitionLoader::loadText(yaml, QStringLiteral("hubspot.yaml"));
    QVERIFY(loaded.definition);
    QCOMPARE(loaded.definition->rateLimit.budgets.first().requests, 8);
    m_sync->addDefinition(*loaded.definition);
    const PortalCredentials big = m_emulator->addPortal(QStringLiteral("acme"), 120, 22);
    const qint64 first = connectPortal(big, false);
    const qint64 second = connectPortal(big, false);

    m_emulator->clearRequestLog();
    QFuture<Result<Execution>> a = QtConcurrent::run([&] { return m_sync->read(first, QStringLiteral("contacts")); });
    QFuture<Result<Execution>> b = QtConcurrent::run([&] { return m_sync->read(second, QStringLiteral("contacts")); });
    QVERIFY(QTest::qWaitFor([&] { return a.isFinished() && b.isFinished(); }, 30000));
    QVERIFY2(a.result()->status == ExecutionStatus::Succeeded, qPrintable(a.result()->errorMessage));
    QVERIFY2(b.result()->status == ExecutionStatus::Succeeded, qPrintable(b.result()->errorMessage));
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 24); // 12 pages each
    // In no window of one second did the portal see more than 8 calls, although each connection alone would have
    // sent its 12 at once.
    for (const RequestLogEntry &entry : log) {
        const qint64 start = entry.received.toMSecsSinceEpoch();
        const auto inWindow = std::count_if(log.begin(), log.end(), [&](const RequestLogEntry &other) {
            const qint64 at = other.received.toMSecsSinceEpoch();
            return at >= start && at < start + 1000;
        });
        QVERIFY2(inWindow <= 8, qPrintable(QStringLiteral("%1 calls within a second").arg(inWindow)));
    }
    QVERIFY(log.last().received.toMSecsSinceEpoch() - log.first().received.toMSecsSinceEpoch() >= 2000); // 24 calls: three windows
    // Each execution says why it waited.
    const auto events =
        m_store->executions().events(a.result()->id).value() + m_store->executions().events(b.result()->id).value();
    QVERIFY(std::any_of(events.begin(), events.end(), [](const Event &e) {
        return e.message.contains(QLatin1String("request budget of HubSpot account"));
    }));
}

void TestHubSpotWrite::executionsOfOneConnectionRunInOrder()
{
    const PortalCredentials big = m_emulator->addPortal(QStringLiteral("acme"), 900, 23);
    const qint64 connection = connectPortal(big, false);
    m_emulator->clearRequestLog();
    // A long read, and a write asked for while it runs: the write waits for the read, whichever thread runs it.
    QFuture<Result<Execution>> read = QtConcurrent::run([&] { return m_sync->read(connection, QStringLiteral("contacts")); });
    QVERIFY(QTest::qWaitFor([&] { return !m_emulator->requestLog().isEmpty(); }, 5000));
    QFuture<Result<Execution>> write = QtConcurrent::run([&] {
        return m_sync->write(connection, QStringLiteral("contacts"),
                             {{QStringLiteral("w"), QJsonObject{{QStringLiteral("properties"),
                                                                 QJsonObject{{QStringLiteral("email"), QStringLiteral("w@example.com")}}}}, {}}});
    });
    QVERIFY(QTest::qWaitFor([&] { return read.isFinished() && write.isFinished(); }, 30000));
    QVERIFY2(read.result()->status == ExecutionStatus::Succeeded, qPrintable(read.result()->errorMessage));
    QVERIFY2(write.result()->status == ExecutionStatus::Succeeded, qPrintable(write.result()->errorMessage));
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 10); // 9 pages, then the create
    QCOMPARE(log.last().method, QStringLiteral("POST"));
    for (qsizetype i = 0; i + 1 < log.size(); ++i)
        QCOMPARE(log.at(i).method, QStringLiteral("GET"));
    const auto events = m_store->executions().events(write.result()->id).value();
    QVERIFY(std::any_of(events.begin(), events.end(), [](const Event &e) {
        return e.message.startsWith(QLatin1String("Waiting for the connection's running execution"));
    }));
}

void TestHubSpotWrite::tokenRefreshIsSingleFlightAcrossProcesses()
{
    // The stored token has expired. Another process sharing the database holds the refresh lease.
    CredentialVault vault(m_key);
    const qint64 connection = SandboxConnector(*m_store, vault)
                                  .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                           QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), m_portal,
                                           QDateTime::currentDateTimeUtc().addSecs(-10))
                                  .value();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(m_store->credentials()
                .takeRefreshLease(connection, QStringLiteral("other-process"), now.addSecs(60), now)
                .value());
    QVERIFY(
        !m_store->credentials().takeRefreshLease(connection, QStringLiteral("third"), now.addSecs(60), now).value());

    QFuture<Result<Execution>> read = QtConcurrent::run([&] { return m_sync->read(connection, QStringLiteral("contacts")); });
    const auto waitingFor = [&](const QString &text) {
        return QTest::qWaitFor(
            [&] {
                const auto executions = m_store->executions().executions(connection, 1).value();
                if (executions.isEmpty())
                    return false;
                const auto events = m_store->executions().events(executions.first().id).value();
                return std::any_of(events.begin(), events.end(),
                                   [&](const Event &e) { return e.message.contains(text); });
            },
            5000);
    };
    QVERIFY(waitingFor(QStringLiteral("Another Patchbay process is refreshing")));
    QVERIFY(!read.isFinished());
    // The other process finishes its refresh: a new credential is stored (here the same tokens with a new expiry).
    Credential refreshed = vault.open(connection, m_store->credentials().credential(connection)->sealed).value();
    refreshed.expiresAt = QDateTime::currentDateTimeUtc().addSecs(1800);
    QVERIFY(m_store->credentials()
                .saveCredential(connection, {connection,
                                             vault.seal(connection, refreshed).value(),
                                             refreshed.expiresAt,
                                             QDateTime::currentDateTimeUtc(),
                                             {}})
                .ok());
    QVERIFY(m_store->credentials().releaseRefreshLease(connection, QStringLiteral("other-process")).ok());
    QVERIFY(QTest::qWaitFor([&] { return read.isFinished(); }, 10000));
    QVERIFY2(read.result()->status == ExecutionStatus::Succeeded, qPrintable(read.result()->errorMessage));
    QVERIFY(waitingFor(QStringLiteral("Another Patchbay process refreshed the access token; using it")));
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 0);

    // A lease left behind by a process that died runs out, and then this one refreshes.
    Credential expired = vault.open(connection, m_store->credentials().credential(connection)->sealed).value();
    expired.expiresAt = QDateTime::currentDateTimeUtc().addSecs(-10);
    QVERIFY(m_store->credentials()
                .saveCredential(connection, {connection,
                                             vault.seal(connection, expired).value(),
                                             expired.expiresAt,
                                             QDateTime::currentDateTimeUtc(),
                                             {}})
                .ok());
    QVERIFY(m_store->credentials()
                .takeRefreshLease(connection, QStringLiteral("dead-process"),
                                  QDateTime::currentDateTimeUtc().addSecs(-1),
                                  QDateTime::currentDateTimeUtc().addSecs(-61))
                .value());
    const auto again = m_sync->refreshToken(connection);
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    // ... and lets go of the lease afterwards.
    QVERIFY(m_store->credentials()
                .takeRefreshLease(connection, QStringLiteral("next"), QDateTime::currentDateTimeUtc().addSecs(60),
                                  QDateTime::currentDateTimeUtc())
                .value());
}

void TestHubSpotWrite::writesToARevokedConnectionAreKept()
{
    CredentialVault vault(m_key);
    const qint64 connection = SandboxConnector(*m_store, vault)
                                  .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                           QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), m_portal,
                                           QDateTime::currentDateTimeUtc().addSecs(-10))
                                  .value();
    QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("acme")));
    const QList<WriteInput> records{
        {QStringLiteral("r-1"), QJsonObject{{QStringLiteral("properties"), QJsonObject{{QStringLiteral("email"), QStringLiteral("r1@example.com")}}}}, {}},
        {QStringLiteral("r-2"), QJsonObject{{QStringLiteral("properties"), QJsonObject{{QStringLiteral("email"), QStringLiteral("r2@example.com")}}}}, {}}};
    // The refresh before the first record finds the grant revoked: nothing is sent, both records are kept.
    const auto first = m_sync->write(connection, QStringLiteral("contacts"), records);
    QCOMPARE(first->status, ExecutionStatus::Failed);
    QCOMPARE(first->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_store->tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    QCOMPARE(m_store->writes().failedWriteItems(connection, QStringLiteral("contacts"))->size(), 2);
    // Asked again while the connection waits for re-authorisation: refused at once, still kept.
    m_emulator->clearRequestLog();
    QVERIFY(m_sync->write(connection, QStringLiteral("contacts"),
                          {{QStringLiteral("r-3"), records.first().record, {}}})
                ->errorCode == QStringLiteral("auth.needs_reauth"));
    QVERIFY(m_emulator->requestLog().isEmpty());
    const auto kept = m_store->writes().failedWriteItems(connection, QStringLiteral("contacts")).value();
    QCOMPARE(kept.size(), 3);
    QCOMPARE(QJsonDocument::fromJson(kept.last().payload).object(), records.first().record);
}

void TestHubSpotWrite::eventNotAppliedIsAppliedWhenDeliveredAgain()
{
    const qint64 connection = connectPortal(m_portal);
    WebhookEndpoint endpoint(*m_sync);
    QVERIFY(endpoint.listen() != 0);
    const QString id = m_emulator->touchContacts(QStringLiteral("acme"), 1).first();
    const QUrl url = endpoint.urlFor(QStringLiteral("hubspot"));
    const QByteArray body = QJsonDocument(QJsonArray{QJsonObject{{QStringLiteral("eventId"), 777},
                                                                 {QStringLiteral("portalId"), m_portal.hubId},
                                                                 {QStringLiteral("subscriptionType"), QStringLiteral("contact.propertyChange")},
                                                                 {QStringLiteral("objectId"), id.toLongLong()}}})
                                .toJson(QJsonDocument::Compact);
    const auto deliver = [&]() {
        const QByteArray timestamp = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("X-HubSpot-Request-Timestamp", timestamp);
        request.setRawHeader("X-HubSpot-Signature-v3",
                             QMessageAuthenticationCode::hash("POST" + url.toString().toUtf8() + body + timestamp,
                                                              m_portal.clientSecret.toUtf8(), QCryptographicHash::Sha256)
                                 .toBase64());
        QNetworkAccessManager network;
        std::unique_ptr<QNetworkReply> reply(network.post(request, body));
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10000))
            return 0;
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    };
    // HubSpot cannot give the contact just now: the call answers an error, so HubSpot delivers the event again...
    m_emulator->failNextRequestsWithStatus(1, 400, {}, R"({"status":"error","message":"Bad request","category":"VALIDATION_ERROR"})");
    QCOMPARE(deliver(), 503);
    QVERIFY(!m_store->records().record(connection, QStringLiteral("contacts"), id));
    // ... and then it is applied, not skipped as a duplicate.
    QCOMPARE(deliver(), 200);
    QVERIFY(m_store->records().record(connection, QStringLiteral("contacts"), id));
    QCOMPARE(deliver(), 200); // now it is one
    const auto executions = m_store->executions().executions(connection, 1).value();
    const auto events = m_store->executions().events(executions.first().id).value();
    QVERIFY(std::any_of(events.begin(), events.end(),
                        [](const Event &e) { return e.message.contains(QLatin1String("was received before")); }));
}

QTEST_GUILESS_MAIN(TestHubSpotWrite)
#include "TestHubSpotWrite.moc"
