// The ServiceNow definition against the ServiceNow emulator: basic auth on the customer's instance, Table API pages by
// sysparm_limit with rel="next" in the Link header, incremental reads by an encoded query on sys_updated_on.
#include "FakeClock.h"
#include "ProviderReadFixture.h"
#include "servicenow/ServiceNowEmulator.h"
#include "store/SqliteDatabase.h"

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
    void dictionaryIsRead();
    void rateLimitIsWaitedOut();
    void badPasswordFails();

private:
    qint64 connectInstance(const QString &instance, const QString &password);
    QSet<QString> incidentIds(qint64 updatedFromMs = 0) const;
    qint64 newestSecondMs() const;

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

qint64 TestServiceNowRead::connectInstance(const QString &instance, const QString &password)
{
    const QJsonObject config{{QStringLiteral("originOverrides"),
                              QJsonObject{{QStringLiteral("https://%1.service-now.com").arg(instance),
                                           m_emulator->tenantUrl(instance)}}},
                             {QStringLiteral("instance"), instance},
                             {QStringLiteral("username"), QStringLiteral("admin")}};
    return m_fixture->connect(QStringLiteral("servicenow"), config, ProviderReadFixture::apiKey(password));
}

QSet<QString> TestServiceNowRead::incidentIds(qint64 updatedFromMs) const
{
    QSet<QString> ids;
    for (const SandboxRecord &row : m_emulator->account(QStringLiteral("acme"))->table(QStringLiteral("incident"))->records()) {
        if (!row.deleted && row.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
            ids.insert(row.id);
    }
    return ids;
}

qint64 TestServiceNowRead::newestSecondMs() const
{
    qint64 newest = 0; // sys_updated_on has whole seconds
    for (const SandboxRecord &row : m_emulator->account(QStringLiteral("acme"))->table(QStringLiteral("incident"))->records())
        newest = std::max(newest, row.updatedAt.toSecsSinceEpoch() * 1000);
    return newest;
}

void TestServiceNowRead::backfillThenIncremental()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 2345, 41);
    const qint64 connection = connectInstance(instance.tenant, instance.apiKey);
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
    const QString since = QDateTime::fromMSecsSinceEpoch(sinceMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QVERIFY2(m_fixture->eventText(incremental->id).contains(since), qPrintable(m_fixture->eventText(incremental->id)));
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.contains(QStringLiteral("sys_updated_on")));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("incidents")).size(), 2345);
    cursor = m_fixture->cursor(connection, QStringLiteral("incidents"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestSecondMs());
}

void TestServiceNowRead::dictionaryIsRead()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 5, 42);
    const QString custom = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("incident"),
                                                      QStringLiteral("Cost centre"), FieldKind::Text);
    QVERIFY(custom.startsWith(QStringLiteral("u_")));
    const qint64 connection = connectInstance(instance.tenant, instance.apiKey);
    SystemClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, QStringLiteral("dictionary"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QSet<QString> expected;
    for (const QJsonObject &row :
         static_cast<const ServiceNowInstance *>(m_emulator->account(QStringLiteral("acme")))->dictionaryRows(QStringLiteral("incident")))
        expected.insert(row.value(QStringLiteral("sys_id")).toString());
    QCOMPARE(read->recordCount, expected.size());
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("dictionary")), expected);
    bool seen = false;
    for (const QString &id : expected)
        seen = seen || m_fixture->record(connection, QStringLiteral("dictionary"), id).value(QStringLiteral("element")).toString() == custom;
    QVERIFY(seen);
}

void TestServiceNowRead::badPasswordFails()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 10, 43);
    const qint64 connection = connectInstance(instance.tenant, QStringLiteral("wrong-password"));
    SystemClock clock;
    const auto failed = m_fixture->sync(clock)->read(connection, QStringLiteral("incidents"));
    QCOMPARE(failed->status, ExecutionStatus::Failed);
    QCOMPARE(failed->errorCode, QStringLiteral("sync.provider_error"));
    QVERIFY2(failed->errorMessage.contains(QStringLiteral("401")), qPrintable(failed->errorMessage));
}

void TestServiceNowRead::rateLimitIsWaitedOut()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 40, 44);
    const qint64 connection = connectInstance(instance.tenant, instance.apiKey);
    m_emulator->failNextRequests(1, 12); // 429 with Retry-After: 12
    FakeClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, QStringLiteral("incidents"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("incidents")), incidentIds());
    QCOMPARE(clock.sleeps(), QList<qint64>{12000});
    QCOMPARE(m_emulator->requestLog().first().status, 429);
}

QTEST_GUILESS_MAIN(TestServiceNowRead)
#include "TestServiceNowRead.moc"
