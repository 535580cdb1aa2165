// Writes and schema discovery of the Salesforce definition against the Salesforce emulator: single creates and
// updates, sObject Collections batches whose 200 answer reports a failure per record, the link from the product's
// key to the Salesforce id, a retry of the failed records, and describe with the org's custom fields.
#include "ProviderReadFixture.h"
#include "catalog/DefinitionLoader.h"
#include "core/Clock.h"
#include "salesforce/SalesforceEmulator.h"

#include <QFile>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestSalesforceWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void batchCreateWithPartialFailure();
    void singleWritesAndUpdatesThroughTheLink();
    void describeListsCustomFields();
    void customObjectIsReadByAddingItToTheDefinition();

private:
    qint64 connectOrg();
    QJsonObject contact(const QString &id) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<SalesforceEmulator> m_emulator;
};

void TestSalesforceWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<SalesforceEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestSalesforceWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestSalesforceWrite::connectOrg()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 10, 7);
    const QString emulator = m_emulator->baseUrl().toString(QUrl::StripTrailingSlash);
    const QJsonObject config{{QStringLiteral("instance_url"), org.instanceUrl},
                             {QStringLiteral("originOverrides"),
                              QJsonObject{{QStringLiteral("https://login.salesforce.com"), emulator}}}};
    return m_fixture->connect(QStringLiteral("salesforce"), config,
                              ProviderReadFixture::oauth(org.clientId, org.clientSecret, org.accessToken,
                                                         org.refreshToken, QDateTime::currentDateTimeUtc().addSecs(3600)));
}

QJsonObject TestSalesforceWrite::contact(const QString &id) const
{
    const SalesforceObject *object = m_emulator->org(QStringLiteral("acme"))->object(QStringLiteral("Contact"));
    if (const SandboxRecord *record = object->table.find(id); record && !record->deleted)
        return record->fields;
    return {};
}

void TestSalesforceWrite::batchCreateWithPartialFailure()
{
    const qint64 connection = connectOrg();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QList<WriteInput> records{
        {QStringLiteral("p-1"), QJsonObject{{QStringLiteral("FirstName"), QStringLiteral("Ada")},
                                            {QStringLiteral("LastName"), QStringLiteral("Lovelace")}}, {}},
        {QStringLiteral("p-2"), QJsonObject{{QStringLiteral("FirstName"), QStringLiteral("Nameless")}}, {}},
        {QStringLiteral("p-3"), QJsonObject{{QStringLiteral("LastName"), QStringLiteral("Hopper")},
                                            {QStringLiteral("Email"), QStringLiteral("grace@example.com")}}, {}},
    };
    m_emulator->clearRequestLog();
    const auto write = sync->write(connection, QStringLiteral("contacts"), records);
    QVERIFY(write.ok());
    // Two of three written: the execution succeeds and says what failed.
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    // One sObject Collections call, not three.
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.first().method, QStringLiteral("POST"));
    QVERIFY(log.first().pathAndQuery.endsWith(QLatin1String("/composite/sobjects")));

    const auto items = m_fixture->store().writes().writeItems(write->id);
    QVERIFY(items.ok());
    QCOMPARE(items->size(), 3);
    QMap<QString, WriteItem> byKey;
    for (const WriteItem &item : items.value())
        byKey.insert(item.key, item);
    QCOMPARE(byKey.value(QStringLiteral("p-1")).status, QStringLiteral("succeeded"));
    QCOMPARE(byKey.value(QStringLiteral("p-3")).status, QStringLiteral("succeeded"));
    QCOMPARE(byKey.value(QStringLiteral("p-2")).status, QStringLiteral("failed"));
    QCOMPARE(byKey.value(QStringLiteral("p-2")).errorCode, QStringLiteral("REQUIRED_FIELD_MISSING"));
    QVERIFY(byKey.value(QStringLiteral("p-2")).errorMessage.contains(QLatin1String("LastName")));
    // The ids Salesforce gave are the records that now exist there.
    const QString adaId = byKey.value(QStringLiteral("p-1")).providerId;
    QCOMPARE(contact(adaId).value(QStringLiteral("LastName")).toString(), QStringLiteral("Lovelace"));
    QCOMPARE(contact(byKey.value(QStringLiteral("p-3")).providerId).value(QStringLiteral("Email")).toString(),
             QStringLiteral("grace@example.com"));
    QCOMPARE(
        m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("contacts"), QStringLiteral("p-1")),
        adaId);
    QVERIFY(
        !m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("contacts"), QStringLiteral("p-2")));
    QVERIFY(m_fixture->eventText(write->id).contains(QLatin1String("Record p-2 (create)")));

    // Nothing is lost: the failed record is kept and goes out again once the data is fixed at the source.
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("contacts"));
    QCOMPARE(failed->size(), 1);
    QCOMPARE(failed->first().key, QStringLiteral("p-2"));
    const auto again = sync->write(connection, QStringLiteral("contacts"),
                                   {{QStringLiteral("p-2"),
                                     QJsonObject{{QStringLiteral("FirstName"), QStringLiteral("Named")},
                                                 {QStringLiteral("LastName"), QStringLiteral("Now")}},
                                     {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 1);
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("contacts"))->isEmpty());
}

void TestSalesforceWrite::singleWritesAndUpdatesThroughTheLink()
{
    const qint64 connection = connectOrg();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created = sync->write(connection, QStringLiteral("contacts"),
                                     {{QStringLiteral("p-9"),
                                       QJsonObject{{QStringLiteral("LastName"), QStringLiteral("Turing")}}, {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString id = m_fixture->store().writes().writeItems(created->id)->first().providerId;
    QVERIFY(id.startsWith(QLatin1String("003")));
    QCOMPARE(m_emulator->requestLog().last().pathAndQuery.section(QLatin1Char('?'), 0, 0),
             QStringLiteral("/services/data/v59.0/sobjects/Contact"));

    // The same key again is an update of the record it created (PATCH, 204).
    m_emulator->clearRequestLog();
    const auto updated = sync->write(connection, QStringLiteral("contacts"),
                                     {{QStringLiteral("p-9"),
                                       QJsonObject{{QStringLiteral("Title"), QStringLiteral("Mathematician")}}, {}}});
    QVERIFY2(updated->status == ExecutionStatus::Succeeded, qPrintable(updated->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(updated->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, id);
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("PATCH"));
    QCOMPARE(contact(id).value(QStringLiteral("Title")).toString(), QStringLiteral("Mathematician"));
    QCOMPARE(contact(id).value(QStringLiteral("LastName")).toString(), QStringLiteral("Turing"));

    // An update of a record that is gone fails alone, with Salesforce's words; the other one is written.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("Contact"), id));
    const auto mixed = sync->write(connection, QStringLiteral("contacts"),
                                   {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("Title"), QStringLiteral("x")}}, {}},
                                    {QStringLiteral("p-10"), QJsonObject{{QStringLiteral("LastName"), QStringLiteral("Ok")}}, {}}});
    QVERIFY2(mixed->status == ExecutionStatus::Succeeded, qPrintable(mixed->errorMessage));
    QCOMPARE(mixed->recordCount, 1);
    QCOMPARE(mixed->failedRecordCount, 1);
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("contacts")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().errorCode, QStringLiteral("NOT_FOUND"));
}

void TestSalesforceWrite::describeListsCustomFields()
{
    const qint64 connection = connectOrg();
    QVERIFY(m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("Contact"), QStringLiteral("Tier__c"),
                                       QStringLiteral("Tier"), QStringLiteral("picklist")));
    QVERIFY(m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("Contact"), QStringLiteral("Score__c"),
                                       QStringLiteral("Score"), QStringLiteral("double")));
    SystemClock clock;
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("contacts"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    const auto fields = m_fixture->store().schemas().schema(connection, QStringLiteral("contacts"));
    QVERIFY(fields.ok());
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : fields.value())
        byName.insert(field.name, field);
    QVERIFY(byName.contains(QStringLiteral("LastName")));
    QVERIFY(!byName.value(QStringLiteral("LastName")).custom);
    QCOMPARE(byName.value(QStringLiteral("Tier__c")).label, QStringLiteral("Tier"));
    QCOMPARE(byName.value(QStringLiteral("Tier__c")).type, QStringLiteral("picklist"));
    QVERIFY(byName.value(QStringLiteral("Tier__c")).custom);
    QVERIFY(byName.value(QStringLiteral("Score__c")).custom);
    int custom = 0;
    for (const SchemaField &field : fields.value())
        custom += field.custom;
    QCOMPARE(custom, 2);
}

void TestSalesforceWrite::customObjectIsReadByAddingItToTheDefinition()
{
    // This org has a custom object with a custom field; reading it is data: one more object in the definition.
    const qint64 connection = connectOrg();
    QVERIFY(m_emulator->addCustomObject(QStringLiteral("acme"), QStringLiteral("Invoice__c"), QStringLiteral("Invoice"), 42));
    QVERIFY(m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("Invoice__c"), QStringLiteral("Amount__c"),
                                       QStringLiteral("Amount"), QStringLiteral("double")));
    QFile file(QStringLiteral(":/patchbay/providers/salesforce.yaml"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray yaml = file.readAll();
    if (!yaml.endsWith('\n'))
        yaml += '\n';
    yaml += "  invoices:\n"
            "    list:\n"
            "      path: /queryAll\n"
            "      recordsPath: records\n"
            "      params:\n"
            "        q: SELECT Id, Name, Amount__c, SystemModstamp, IsDeleted FROM Invoice__c ORDER BY SystemModstamp\n"
            "    id: Id\n"
            "    updatedAt: SystemModstamp\n"
            "    deletedPath: IsDeleted\n"
            "    schema:\n"
            "      path: /sobjects/Invoice__c/describe\n"
            "      fieldsPath: fields\n"
            "      custom: custom\n";
    const DefinitionLoadResult loaded = DefinitionLoader::loadText(yaml, QStringLiteral("salesforce.yaml"));
    QVERIFY(loaded.ok());
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    sync->addDefinition(*loaded.definition);
    const auto read = sync->read(connection, QStringLiteral("invoices"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(read->recordCount, 42);
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("invoices")).size(), 42);
    const QString anyId = *m_fixture->recordIds(connection, QStringLiteral("invoices")).begin();
    QVERIFY(anyId.size() >= 15);
    QVERIFY(m_fixture->record(connection, QStringLiteral("invoices"), anyId).contains(QStringLiteral("Amount__c")));
    QVERIFY(sync->discoverSchema(connection, QStringLiteral("invoices"))->status == ExecutionStatus::Succeeded);
    bool amountIsCustom = false;
    for (const SchemaField &field : m_fixture->store().schemas().schema(connection, QStringLiteral("invoices")).value())
        amountIsCustom = amountIsCustom || (field.name == QLatin1String("Amount__c") && field.custom);
    QVERIFY(amountIsCustom);
}

QTEST_GUILESS_MAIN(TestSalesforceWrite)
#include "TestSalesforceWrite.moc"
