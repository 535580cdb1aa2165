// The ServiceNow definition against the ServiceNow emulator: basic auth on the customer's instance, Table API pages by
// sysparm_limit with rel="next" in the Link header, incremental reads by an encoded query on sys_updated_on, for
// incidents and users (sys_user); the columns of a table from sys_dictionary.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "servicenow/ServiceNowEmulator.h"
#include "store/sqlite/SqliteDatabase.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestServiceNowRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental();
    void usersBackfillThenIncremental();
    void schemaListsTheDictionaryColumns();

private:
    qint64 connectInstance(const SandboxAccountCredentials &instance);
    QSet<QString> incidentIds(qint64 updatedFromMs = 0) const
    {
        return rowIds(QStringLiteral("incident"), updatedFromMs);
    }
    qint64 newestSecondMs() const { return newestSecondMs(QStringLiteral("incident")); }
    QSet<QString> rowIds(const QString &table, qint64 updatedFromMs = 0) const;
    qint64 newestSecondMs(const QString &table) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<ServiceNowEmulator> m_emulator;
};

void TestServiceNowRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<ServiceNowEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestServiceNowRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestServiceNowRead::connectInstance(const SandboxAccountCredentials &instance)
{
    const ProviderCase &row = providerCase(QStringLiteral("servicenow"));
    return m_fixture->connect(row.provider, row.config(*m_emulator, instance), credentialFor(row, instance, {}));
}

QSet<QString> TestServiceNowRead::rowIds(const QString &table, qint64 updatedFromMs) const
{
    QSet<QString> ids;
    for (const SandboxRecord &row : m_emulator->account(QStringLiteral("acme"))->table(table)->records()) {
        if (!row.deleted && row.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
            ids.insert(row.id);
    }
    return ids;
}

qint64 TestServiceNowRead::newestSecondMs(const QString &table) const
{
    qint64 newest = 0; // sys_updated_on has whole seconds
    for (const SandboxRecord &row : m_emulator->account(QStringLiteral("acme"))->table(table)->records())
        newest = std::max(newest, row.updatedAt.toSecsSinceEpoch() * 1000);
    return newest;
}

void TestServiceNowRead::backfillThenIncremental()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 2345, 41);
    const qint64 connection = connectInstance(instance);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, QStringLiteral("incidents"));
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 2345);
    QCOMPARE(backfill->pageCount, 3); // sysparm_limit=1000
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("incidents")), incidentIds());
    const QString first = m_emulator->requestLog().first().pathAndQuery;
    QVERIFY2(first.contains(QStringLiteral("/_instance/acme/api/now/table/incident?")), qPrintable(first));
    QVERIFY(first.contains(QStringLiteral("sysparm_limit=1000")));
    QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("incidents"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const qint64 newest = newestSecondMs();
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("incident"), 7);
    QCOMPARE(touched.size(), 7);
    const qint64 sinceMs = newest - 60000;
    const QSet<QString> expected = incidentIds(sinceMs);
    for (const QString &id : touched)
        QVERIFY(expected.contains(id));
    QVERIFY(expected.size() < 2345);

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, QStringLiteral("incidents"));
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    QCOMPARE(incremental->pageCount, (expected.size() + 999) / 1000);
    const QString since =
        QDateTime::fromMSecsSinceEpoch(sinceMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QVERIFY2(m_fixture->eventText(incremental->id).contains(since), qPrintable(m_fixture->eventText(incremental->id)));
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.contains(QStringLiteral("sys_updated_on")));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("incidents")).size(), 2345);
    cursor = m_fixture->cursor(connection, QStringLiteral("incidents"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestSecondMs());
}

void TestServiceNowRead::usersBackfillThenIncremental()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 1234, 45);
    const QString table = QStringLiteral("sys_user");
    const qint64 connection = connectInstance(instance);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, QStringLiteral("users"));
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    // Every user once: as many stored as read, and exactly the instance's.
    QCOMPARE(backfill->recordCount, 1234);
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("users")), rowIds(table));
    QCOMPARE(backfill->pageCount, 2); // sysparm_limit=1000
    for (const RequestLogEntry &entry : m_emulator->requestLog())
        QVERIFY2(entry.pathAndQuery.contains(QStringLiteral("/api/now/table/sys_user?")),
                 qPrintable(entry.pathAndQuery));
    const QString someId = *rowIds(table).begin();
    QCOMPARE(
        m_fixture->record(connection, QStringLiteral("users"), someId).value(QStringLiteral("user_name")).toString(),
        m_emulator->account(QStringLiteral("acme"))
            ->table(table)
            ->find(someId)
            ->fields.value(QStringLiteral("user_name"))
            .toString());
    QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("users"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const qint64 newest = newestSecondMs(table);
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);
    // Incidents are another object with their own cursor: reading users did not touch them.
    QVERIFY(m_fixture->recordIds(connection, QStringLiteral("incidents")).isEmpty());

    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), table, 9);
    QCOMPARE(touched.size(), 9);
    const QSet<QString> expected = rowIds(table, newest - 60000);
    for (const QString &id : touched)
        QVERIFY(expected.contains(id));
    QVERIFY(expected.size() < 1234);

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, QStringLiteral("users"));
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    QCOMPARE(incremental->pageCount, (expected.size() + 999) / 1000);
    const QString first = m_emulator->requestLog().first().pathAndQuery;
    QVERIFY2(first.contains(QStringLiteral("/api/now/table/sys_user?")) &&
                 first.contains(QStringLiteral("sys_updated_on")),
             qPrintable(first));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("users")), rowIds(table));
    // The touched users are stored as they are now.
    for (const QString &id : touched)
        QCOMPARE(m_fixture->record(connection, QStringLiteral("users"), id).value(QStringLiteral("title")).toString(),
                 m_emulator->account(QStringLiteral("acme"))
                     ->table(table)
                     ->find(id)
                     ->fields.value(QStringLiteral("title"))
                     .toString());
    cursor = m_fixture->cursor(connection, QStringLiteral("users"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestSecondMs(table));
}

void TestServiceNowRead::schemaListsTheDictionaryColumns()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 5, 42);
    const QString custom = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("incident"),
                                                      QStringLiteral("Cost centre"), FieldKind::Text);
    QVERIFY(custom.startsWith(QStringLiteral("u_")));
    const qint64 connection = connectInstance(instance);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto *account = static_cast<const ServiceNowInstance *>(m_emulator->account(QStringLiteral("acme")));
    // Every column sys_dictionary has for the table is a field of its object, the admin's u_ column as custom.
    for (const auto &[object, table] : {std::pair{QStringLiteral("incidents"), QStringLiteral("incident")},
                                        std::pair{QStringLiteral("users"), QStringLiteral("sys_user")}}) {
        const auto discovered = sync->discoverSchema(connection, object);
        QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
        QMap<QString, SchemaField> byName;
        for (const SchemaField &field : m_fixture->store().schemas().schema(connection, object).value())
            byName.insert(field.name, field);
        QSet<QString> expected;
        for (const QJsonObject &row : account->dictionaryRows(table)) {
            const QString element = row.value(QStringLiteral("element")).toString();
            if (element.isEmpty())
                continue; // the table's own row
            expected.insert(element);
            QCOMPARE(byName.value(element).label, row.value(QStringLiteral("column_label")).toString());
            QCOMPARE(byName.value(element).custom, element == custom);
        }
        QCOMPARE(QSet<QString>(byName.keyBegin(), byName.keyEnd()), expected);
        QCOMPARE(expected.contains(custom), table == QLatin1String("incident"));
    }
}

QTEST_GUILESS_MAIN(TestServiceNowRead)
#include "TestServiceNowRead.moc"
