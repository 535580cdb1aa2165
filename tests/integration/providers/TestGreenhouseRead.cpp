// The Greenhouse definition against the Greenhouse Harvest emulator: the API key as the basic-auth user name with a
// blank password, Link header pagination (per_page, rel="next"), candidates read incrementally with updated_after and
// applications with last_activity_after, and 429 with Retry-After.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "greenhouse/GreenhouseEmulator.h"
#include "store/sqlite/SqliteDatabase.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

const QString kOrganization = QStringLiteral("acme");

} // namespace

class TestGreenhouseRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental_data();
    void backfillThenIncremental();

private:
    qint64 connectOrganization(const SandboxAccountCredentials &organization);
    QSet<QString> ids(const QString &object, qint64 updatedFromMs = 0) const;
    qint64 newestMs(const QString &object) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<GreenhouseEmulator> m_emulator;
};

void TestGreenhouseRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<GreenhouseEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestGreenhouseRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestGreenhouseRead::connectOrganization(const SandboxAccountCredentials &organization)
{
    const ProviderCase &row = providerCase(QStringLiteral("greenhouse"));
    return m_fixture->connect(row.provider, row.config(*m_emulator, organization),
                              credentialFor(row, organization, {}));
}

QSet<QString> TestGreenhouseRead::ids(const QString &object, qint64 updatedFromMs) const
{
    QSet<QString> found;
    for (const SandboxRecord &record : m_emulator->account(kOrganization)->table(object)->records()) {
        if (!record.deleted && record.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
            found.insert(record.id);
    }
    return found;
}

qint64 TestGreenhouseRead::newestMs(const QString &object) const
{
    qint64 newest = 0; // Harvest prints milliseconds
    for (const SandboxRecord &record : m_emulator->account(kOrganization)->table(object)->records())
        newest = std::max(newest, record.updatedAt.toMSecsSinceEpoch());
    return newest;
}

void TestGreenhouseRead::backfillThenIncremental_data()
{
    QTest::addColumn<QString>("object");
    QTest::addColumn<QString>("sinceParameter");
    QTest::newRow("candidates") << QStringLiteral("candidates") << QStringLiteral("updated_after");
    QTest::newRow("applications") << QStringLiteral("applications") << QStringLiteral("last_activity_after");
}

void TestGreenhouseRead::backfillThenIncremental()
{
    QFETCH(QString, object);
    QFETCH(QString, sinceParameter);
    const SandboxAccountCredentials organization = m_emulator->addOrganization(kOrganization, 1200, 71);
    const qint64 connection = connectOrganization(organization);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QSet<QString> all = ids(object);
    QCOMPARE(all.size(), 1200);

    const auto backfill = sync->read(connection, object);
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 1200); // each record once
    QCOMPARE(backfill->pageCount, 3);      // per_page=500, then rel="next"
    QCOMPARE(m_fixture->recordIds(connection, object), all);
    const QList<RequestLogEntry> pages = m_emulator->requestLog();
    QCOMPARE(pages.size(), 3);
    QCOMPARE(pages.first().pathAndQuery.section(QLatin1Char('?'), 0, 0), QStringLiteral("/v1/") + object);
    QVERIFY(pages.first().pathAndQuery.contains(QStringLiteral("per_page=500")));
    QVERIFY(pages.first().pathAndQuery.contains(QStringLiteral("skip_count=true")));
    QVERIFY(pages.at(2).pathAndQuery.contains(QStringLiteral("page=3")));
    QJsonObject cursor = m_fixture->cursor(connection, object);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const qint64 newest = newestMs(object);
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    const QStringList touched = m_emulator->touchRecords(kOrganization, object, 6);
    QCOMPARE(touched.size(), 6);
    // The filter is ISO 8601 in whole seconds: the newest change seen minus the 60 s lookback, down to the second.
    const qint64 sinceMs = (newest - 60000) / 1000 * 1000;
    const QSet<QString> expected = ids(object, sinceMs);
    for (const QString &id : touched)
        QVERIFY(expected.contains(id));
    QVERIFY(expected.size() < all.size());

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, object);
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    QCOMPARE(incremental->pageCount, (expected.size() + 499) / 500);
    const QString first = m_emulator->requestLog().first().pathAndQuery;
    const QString since = QDateTime::fromMSecsSinceEpoch(sinceMs, Qt::UTC).toString(Qt::ISODate);
    QVERIFY2(first.contains(sinceParameter + QLatin1Char('=') + QString::fromLatin1(QUrl::toPercentEncoding(since))) ||
                 first.contains(sinceParameter + QLatin1Char('=') + since),
             qPrintable(first));
    QCOMPARE(m_fixture->recordIds(connection, object), all);
    cursor = m_fixture->cursor(connection, object);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestMs(object));
    QVERIFY(newestMs(object) > newest);
}

QTEST_GUILESS_MAIN(TestGreenhouseRead)
#include "TestGreenhouseRead.moc"
