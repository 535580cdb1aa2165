// The Pipedrive definition against the Pipedrive emulator: OAuth whose token response names the company's
// api_domain (captured into the connection config), start/limit pagination driven by
// additional_data.pagination.more_items_in_collection and next_start, changes read from /recents (deletions as
// active_flag false), and 429 waited out.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "pipedrive/PipedriveEmulator.h"
#include "store/sqlite/SqliteDatabase.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

const QString kCompany = QStringLiteral("acme");

} // namespace

class TestPipedriveRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental_data();
    void backfillThenIncremental();
    void expiredTokenIsRefreshedAndApiDomainCaptured();
    void companyWithoutRecordsReadsNothing();

private:
    // Without apiDomain the connection has none yet: the first token refresh captures it.
    qint64 connectCompany(const SandboxAccountCredentials &company, const QDateTime &expiresAt, bool withApiDomain);
    QSet<QString> liveIds(const QString &company, const QString &object) const;
    qint64 newestMs(const QString &object) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<PipedriveEmulator> m_emulator;
};

void TestPipedriveRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<PipedriveEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestPipedriveRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestPipedriveRead::connectCompany(const SandboxAccountCredentials &company, const QDateTime &expiresAt,
                                         bool withApiDomain)
{
    const ProviderCase &row = providerCase(QStringLiteral("pipedrive"));
    QJsonObject config = row.config(*m_emulator, company);
    if (!withApiDomain) // as before the first token response names it
        config.remove(QStringLiteral("api_domain"));
    return m_fixture->connect(row.provider, config, credentialFor(row, company, expiresAt));
}

QSet<QString> TestPipedriveRead::liveIds(const QString &company, const QString &object) const
{
    QSet<QString> ids;
    for (const SandboxRecord &record : m_emulator->account(company)->table(object)->records()) {
        if (!record.deleted)
            ids.insert(record.id);
    }
    return ids;
}

qint64 TestPipedriveRead::newestMs(const QString &object) const
{
    qint64 newest = 0; // update_time has whole seconds
    for (const SandboxRecord &record : m_emulator->account(kCompany)->table(object)->records())
        newest = std::max(newest, record.updatedAt.toSecsSinceEpoch() * 1000);
    return newest;
}

void TestPipedriveRead::backfillThenIncremental_data()
{
    QTest::addColumn<QString>("object");
    QTest::newRow("persons") << QStringLiteral("persons");
    QTest::newRow("deals") << QStringLiteral("deals");
}

void TestPipedriveRead::backfillThenIncremental()
{
    QFETCH(QString, object);
    const SandboxAccountCredentials company = m_emulator->addCompany(kCompany, 1200, 81);
    const qint64 connection = connectCompany(company, QDateTime::currentDateTimeUtc().addSecs(3000), true);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QSet<QString> all = liveIds(kCompany, object);
    QCOMPARE(all.size(), 1200);

    const auto backfill = sync->read(connection, object);
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 1200); // each record once
    QCOMPARE(backfill->pageCount, 3);      // limit=500; next_start until more_items_in_collection is false
    QCOMPARE(m_fixture->recordIds(connection, object), all);
    QCOMPARE(m_emulator->tokenRefreshCount(kCompany), 0);
    const QList<RequestLogEntry> pages = m_emulator->requestLog();
    QCOMPARE(pages.size(), 3);
    // The api_domain's origin was sent to the company: {api_domain}/api/v1/{object}.
    const QString path = QStringLiteral("/_company/acme/api/v1/") + object;
    const QStringList starts{QStringLiteral("0"), QStringLiteral("500"), QStringLiteral("1000")};
    for (int i = 0; i < 3; ++i) {
        const QUrl url(pages.at(i).pathAndQuery);
        QCOMPARE(url.path(), path);
        QCOMPARE(QUrlQuery(url).queryItemValue(QStringLiteral("limit")), QStringLiteral("500"));
        QCOMPARE(QUrlQuery(url).queryItemValue(QStringLiteral("start")), starts.at(i));
    }
    QJsonObject cursor = m_fixture->cursor(connection, object);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const qint64 newest = newestMs(object);
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    // The next read asks /recents for what changed since the newest change seen, minus the 60 s lookback, in whole
    // seconds; a deleted record comes back with active_flag false and leaves the store.
    const QStringList touched = m_emulator->touchRecords(kCompany, object, 5);
    QCOMPARE(touched.size(), 5);
    QString gone;
    for (const QString &id : all) {
        if (!touched.contains(id)) {
            gone = id;
            break;
        }
    }
    QVERIFY(m_emulator->deleteRecord(kCompany, object, gone));
    const qint64 sinceMs = (newest - 60000) / 1000 * 1000;
    QSet<QString> changed;
    for (const SandboxRecord &record : m_emulator->account(kCompany)->table(object)->records()) {
        if (!record.deleted && record.updatedAt.toMSecsSinceEpoch() >= sinceMs)
            changed.insert(record.id);
    }
    for (const QString &id : touched)
        QVERIFY(changed.contains(id));
    QVERIFY(changed.size() < 1200);
    m_emulator->clearRequestLog();
    const auto again = sync->read(connection, object);
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(m_fixture->idsWrittenBy(again->id), changed);
    QCOMPARE(again->recordCount, changed.size());
    const QUrl recents(m_emulator->requestLog().first().pathAndQuery);
    QCOMPARE(recents.path(), QStringLiteral("/_company/acme/api/v1/recents"));
    QCOMPARE(QUrlQuery(recents).queryItemValue(QStringLiteral("since_timestamp"), QUrl::FullyDecoded),
             QDateTime::fromMSecsSinceEpoch(sinceMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    for (const QString &id : touched) {
        const SandboxRecord *record = m_emulator->account(kCompany)->table(object)->find(id);
        QCOMPARE(m_fixture->record(connection, object, id).value(QStringLiteral("update_time")).toString(),
                 PipedriveCompany::timestamp(record->updatedAt));
    }
    QCOMPARE(m_fixture->recordIds(connection, object), liveIds(kCompany, object));
    QVERIFY(!m_fixture->recordIds(connection, object).contains(gone));
    cursor = m_fixture->cursor(connection, object);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestMs(object));
    QVERIFY(newestMs(object) > newest);
}

void TestPipedriveRead::expiredTokenIsRefreshedAndApiDomainCaptured()
{
    const SandboxAccountCredentials company = m_emulator->addCompany(kCompany, 30, 82);
    const qint64 connection = connectCompany(company, QDateTime::currentDateTimeUtc().addSecs(-10), false);
    SystemClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, QStringLiteral("deals"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(read->recordCount, 30);
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("deals")), liveIds(kCompany, QStringLiteral("deals")));
    QCOMPARE(m_emulator->tokenRefreshCount(kCompany), 1);
    // The token response's api_domain became the connection's; the tokens are not in the config.
    const Connection updated = m_fixture->store().tenants().connection(connection).value();
    QCOMPARE(updated.config.value(QStringLiteral("api_domain")).toString(), m_emulator->tenantUrl(kCompany));
    QVERIFY(!QJsonDocument(updated.config).toJson().contains(company.refreshToken.toUtf8()));
    const auto stored = m_fixture->store().credentials().credential(connection);
    QVERIFY(stored.ok());
    QVERIFY(stored->expiresAt > QDateTime::currentDateTimeUtc().addSecs(3000)); // expires_in 3599
}

void TestPipedriveRead::companyWithoutRecordsReadsNothing()
{
    // Pipedrive answers an empty list with "data": null.
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("empty"), 0, 85);
    const qint64 connection = connectCompany(company, QDateTime::currentDateTimeUtc().addSecs(3000), true);
    SystemClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, QStringLiteral("deals"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(read->recordCount, 0);
    QCOMPARE(m_fixture->cursor(connection, QStringLiteral("deals")).value(QStringLiteral("phase")).toString(),
             QStringLiteral("complete"));
}

QTEST_GUILESS_MAIN(TestPipedriveRead)
#include "TestPipedriveRead.moc"
