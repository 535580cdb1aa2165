// Tenant field mappings on a real read: overrides at three levels, failed records kept raw and re-mapped.
#include "SandboxConnector.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "mapping/MappingService.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;

class TestMappedRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void readStoresMappedRecords();
    void aFailingFieldKeepsTheRecordRawAndTheReadGoesOn();
    void brokenOverrideIsRefusedAndTheMappingStaysAsItWas();
    void levelsMergeBaseEnvironmentConnection();
    void previewShowsFieldValuesAndErrorsWithoutSaving();
    void reverseMappingBuildsTheProviderRecord();

private:
    QJsonObject storedRecord(const QString &id);
    static MappingTree tree(const char *json) { return QJsonDocument::fromJson(json).object(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dbPath;
    SecretBytes m_key;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SyncService> m_sync;
    qint64 m_connection = 0;
    static constexpr int kContacts = 480;
};

void TestMappedRead::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_dbPath = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_key = CredentialVault::generateKey();
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_store = SqliteStore::open(m_dbPath).value();
    const qint64 tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), kContacts, 11);
    CredentialVault vault(m_key);
    m_connection = SandboxConnector(*m_store, vault)
                       .connect(tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), portal,
                                QDateTime::currentDateTimeUtc().addSecs(1800))
                       .value();
    QVERIFY(m_store->tenants()
                .setConnectionIntegration(m_connection, QStringLiteral("crm-contacts"), QStringLiteral("production"))
                .ok());
    m_sync = std::make_unique<SyncService>(m_dbPath, m_key, ProviderCatalog::builtIn(), SystemClock::instance());
    QVERIFY(m_sync->integrations().find(QStringLiteral("crm-contacts")));
}

void TestMappedRead::cleanup()
{
    m_sync.reset();
    m_store.reset();
    m_emulator.reset();
    m_dir.reset();
}

QJsonObject TestMappedRead::storedRecord(const QString &id)
{
    const auto record = m_store->records().record(m_connection, QStringLiteral("contacts"), id);
    return record ? QJsonDocument::fromJson(record->data).object() : QJsonObject();
}

void TestMappedRead::readStoresMappedRecords()
{
    const auto execution = m_sync->read(m_connection, QStringLiteral("contacts"));
    QCOMPARE(execution->status, ExecutionStatus::Succeeded);
    QCOMPARE(execution->recordCount, kContacts);
    QCOMPARE(execution->failedRecordCount, 0);
    const auto first = m_store->records().storedRecords(m_connection, QStringLiteral("contacts"), 0, 1);
    QVERIFY(first.ok() && !first->isEmpty());
    const QJsonObject record = storedRecord(first->first().recordId);
    QCOMPARE(record.value(QStringLiteral("id")).toString(), first->first().recordId);
    QVERIFY(!record.contains(QStringLiteral("properties")));
    const QString email = record.value(QStringLiteral("email")).toString();
    QVERIFY(email.contains(QLatin1Char('@')));
    QCOMPARE(email, email.toLower());
    QVERIFY(record.value(QStringLiteral("name")).toString().contains(QLatin1Char(' ')));
}

void TestMappedRead::aFailingFieldKeepsTheRecordRawAndTheReadGoesOn()
{
    MappingService mappings(*m_store, m_sync->integrations());
    const QString scope = QString::number(m_connection);
    QVERIFY(mappings
                .setOverride(MappingLevel::Connection, scope, QStringLiteral("crm-contacts"), QStringLiteral("contacts"),
                             MappingDirection::Read,
                             tree(R"J({"stage":"properties.lifecyclestage = 'lead' ? $error('leads are not accepted') : properties.lifecyclestage"})J"),
                             QStringLiteral("sam@support"), QStringLiteral("customer wants no leads"))
                .ok());

    const auto execution = m_sync->read(m_connection, QStringLiteral("contacts"));
    QCOMPARE(execution->status, ExecutionStatus::Succeeded);
    QVERIFY(execution->failedRecordCount > 0);
    QCOMPARE(execution->recordCount + execution->failedRecordCount, kContacts);
    QCOMPARE(QJsonDocument::fromJson(m_store->records().cursor(m_connection, QStringLiteral("contacts"))->toUtf8())
                 .object()
                 .value(QStringLiteral("phase"))
                 .toString(),
             QStringLiteral("complete"));

    const auto failed = m_store->records().failedRecords(m_connection, QStringLiteral("contacts")).value();
    QCOMPARE(failed.size(), execution->failedRecordCount);
    for (const FailedRecord &record : failed) {
        const QJsonObject raw = QJsonDocument::fromJson(record.raw).object();
        QCOMPARE(raw.value(QStringLiteral("properties")).toObject().value(QStringLiteral("lifecyclestage")).toString(),
                 QStringLiteral("lead"));
        QCOMPARE(record.errors.first().toObject().value(QStringLiteral("field")).toString(), QStringLiteral("stage"));
        QCOMPARE(record.errors.first().toObject().value(QStringLiteral("code")).toString(), QStringLiteral("D3137"));
        QVERIFY(storedRecord(record.recordId).isEmpty());
    }
    // An event names the field, the record and the error.
    const QString first = failed.first().recordId;
    bool named = false;
    for (const Event &event : m_store->executions().events(execution->id).value()) {
        named = named || (event.message.contains(QStringLiteral("Record %1").arg(first))
                          && event.message.contains(QStringLiteral("'stage'"))
                          && event.message.contains(QStringLiteral("leads are not accepted")));
    }
    QVERIFY(named);

    // Fix the mapping, then re-map: every failed record is delivered, none is left open.
    QVERIFY(mappings
                .setOverride(MappingLevel::Connection, scope, QStringLiteral("crm-contacts"), QStringLiteral("contacts"),
                             MappingDirection::Read, tree(R"J({"stage":"$uppercase(properties.lifecyclestage)"})J"),
                             QStringLiteral("sam@support"), QStringLiteral("leads are fine after all"))
                .ok());
    const auto replay = m_sync->remapFailedRecords(m_connection);
    QCOMPARE(replay->kind, QStringLiteral("replay"));
    QCOMPARE(replay->status, ExecutionStatus::Succeeded);
    QCOMPARE(replay->recordCount, failed.size());
    QCOMPARE(replay->failedRecordCount, 0);
    QVERIFY(m_store->records().failedRecords(m_connection, QStringLiteral("contacts"))->isEmpty());
    QCOMPARE(m_store->records().recordCount(m_connection, QStringLiteral("contacts")), kContacts);
    QCOMPARE(storedRecord(first).value(QStringLiteral("stage")).toString(), QStringLiteral("LEAD"));
}

void TestMappedRead::brokenOverrideIsRefusedAndTheMappingStaysAsItWas()
{
    MappingService mappings(*m_store, m_sync->integrations());
    const QString scope = QString::number(m_connection);
    QVERIFY(mappings
                .setOverride(MappingLevel::Connection, scope, QStringLiteral("crm-contacts"), QStringLiteral("contacts"),
                             MappingDirection::Read, tree(R"J({"email":"properties.email"})J"), QStringLiteral("ann"),
                             QStringLiteral("keep case"))
                .ok());
    const auto refused = mappings.setOverride(MappingLevel::Connection, scope, QStringLiteral("crm-contacts"),
                                              QStringLiteral("contacts"), MappingDirection::Read,
                                              tree(R"J({"email":"properties.email &","name":"ok"})J"),
                                              QStringLiteral("bob"), QStringLiteral("typo"));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("mapping.invalid"));
    QVERIFY2(refused.error().message.contains(QStringLiteral("field 'email': S0207 at position 18")),
             qPrintable(refused.error().message));

    const auto unexplained = mappings.setOverride(MappingLevel::Connection, scope, QStringLiteral("crm-contacts"),
                                                  QStringLiteral("contacts"), MappingDirection::Read,
                                                  tree(R"J({"email":"1"})J"), QStringLiteral("bob"), QString());
    QCOMPARE(unexplained.error().code, QStringLiteral("mapping.unexplained"));

    const auto history = mappings.history(MappingLevel::Connection, scope, QStringLiteral("crm-contacts"),
                                          QStringLiteral("contacts"), MappingDirection::Read).value();
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().author, QStringLiteral("ann"));
    QCOMPARE(history.first().reason, QStringLiteral("keep case"));
    QVERIFY(history.first().createdAt.isValid());
    const auto effective = mappings.effective(m_connection, QStringLiteral("contacts"), MappingDirection::Read).value();
    QCOMPARE(mappingExpression(effective.tree, QStringLiteral("email")), QStringLiteral("properties.email"));
    QCOMPARE(effective.connectionVersion, 1);
}

void TestMappedRead::levelsMergeBaseEnvironmentConnection()
{
    MappingService mappings(*m_store, m_sync->integrations());
    QVERIFY(mappings
                .setOverride(MappingLevel::Environment, QStringLiteral("production"), QStringLiteral("crm-contacts"),
                             QStringLiteral("contacts"), MappingDirection::Read,
                             tree(R"J({"email":"$uppercase(properties.email)","source":"'hubspot'","phone":null})J"),
                             QStringLiteral("ops"), QStringLiteral("all production tenants"))
                .ok());
    QVERIFY(mappings
                .setOverride(MappingLevel::Connection, QString::number(m_connection), QStringLiteral("crm-contacts"),
                             QStringLiteral("contacts"), MappingDirection::Read,
                             tree(R"J({"email":"properties.email","company":null})J"), QStringLiteral("sam"),
                             QStringLiteral("this tenant keeps case"))
                .ok());
    // A second environment's override does not apply to this connection.
    QVERIFY(mappings
                .setOverride(MappingLevel::Environment, QStringLiteral("staging"), QStringLiteral("crm-contacts"),
                             QStringLiteral("contacts"), MappingDirection::Read, tree(R"J({"name":"'staging'"})J"),
                             QStringLiteral("ops"), QStringLiteral("test"))
                .ok());

    const auto effective = mappings.effective(m_connection, QStringLiteral("contacts"), MappingDirection::Read).value();
    QCOMPARE(effective.origin.value(QStringLiteral("email")), QStringLiteral("connection"));
    QCOMPARE(effective.origin.value(QStringLiteral("source")), QStringLiteral("environment"));
    QCOMPARE(effective.origin.value(QStringLiteral("name")), QStringLiteral("base"));
    QVERIFY(!effective.origin.contains(QStringLiteral("phone")));
    QVERIFY(!effective.origin.contains(QStringLiteral("company")));

    const auto execution = m_sync->read(m_connection, QStringLiteral("contacts"));
    QCOMPARE(execution->recordCount, kContacts);
    const auto first = m_store->records().storedRecords(m_connection, QStringLiteral("contacts"), 0, 1);
    QVERIFY(first.ok() && !first->isEmpty());
    const QJsonObject record = storedRecord(first->first().recordId);
    QCOMPARE(record.value(QStringLiteral("source")).toString(), QStringLiteral("hubspot"));
    QVERIFY(!record.contains(QStringLiteral("phone")));
    QVERIFY(!record.contains(QStringLiteral("company")));
    QVERIFY(record.value(QStringLiteral("name")).toString() != QStringLiteral("staging"));
}

void TestMappedRead::previewShowsFieldValuesAndErrorsWithoutSaving()
{
    MappingService mappings(*m_store, m_sync->integrations());
    const QJsonArray samples = QJsonDocument::fromJson(R"J([
        {"id":"1","properties":{"email":"Ada@Example.COM","firstname":"Ada","lastname":"Lovelace","phone":"12"}},
        {"id":"2","properties":{"email":"x@y.z","firstname":"Bo","lastname":"Li","phone":"n/a"}}])J").array();
    const auto preview = mappings.preview(m_connection, QStringLiteral("contacts"), MappingDirection::Read, samples,
                                          tree(R"J({"phone":"$number(properties.phone)"})J"));
    QVERIFY2(preview.ok(), qPrintable(preview.ok() ? QString() : preview.error().message));
    QCOMPARE(preview->size(), 2);
    const auto fieldOf = [](const MappingService::PreviewRecord &record, const QString &name) {
        for (const auto &field : record.fields) {
            if (field.field == name)
                return field;
        }
        return CompiledMapping::FieldResult{};
    };
    QCOMPARE(preview->at(0).recordId, QStringLiteral("1"));
    QCOMPARE(QString::fromStdString(fieldOf(preview->at(0), QStringLiteral("email")).value.asString()),
             QStringLiteral("ada@example.com"));
    QCOMPARE(fieldOf(preview->at(0), QStringLiteral("phone")).value.asNumber(), 12.0);
    QVERIFY(!fieldOf(preview->at(0), QStringLiteral("phone")).error);
    QCOMPARE(fieldOf(preview->at(1), QStringLiteral("phone")).error->code, QStringLiteral("D3030"));
    QCOMPARE(preview->at(0).output.toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Ada Lovelace"));
    // Nothing was stored.
    QVERIFY(mappings.history(MappingLevel::Connection, QString::number(m_connection), QStringLiteral("crm-contacts"),
                             QStringLiteral("contacts"), MappingDirection::Read)->isEmpty());
}

void TestMappedRead::reverseMappingBuildsTheProviderRecord()
{
    MappingService mappings(*m_store, m_sync->integrations());
    const QJsonArray product = QJsonDocument::fromJson(
        R"J([{"email":"ada@example.com","name":"Ada King Lovelace","company":"Analytical","phone":"1"}])J").array();
    const auto preview = mappings.preview(m_connection, QStringLiteral("contacts"), MappingDirection::Write, product);
    QVERIFY2(preview.ok(), qPrintable(preview.ok() ? QString() : preview.error().message));
    const QJsonObject properties = preview->first().output.toObject().value(QStringLiteral("properties")).toObject();
    QCOMPARE(properties.value(QStringLiteral("firstname")).toString(), QStringLiteral("Ada"));
    QCOMPARE(properties.value(QStringLiteral("lastname")).toString(), QStringLiteral("King Lovelace"));
    QCOMPARE(properties.value(QStringLiteral("email")).toString(), QStringLiteral("ada@example.com"));
}

QTEST_GUILESS_MAIN(TestMappedRead)
#include "TestMappedRead.moc"
