// The GitHub definition against the GitHub emulator: a token as a bearer token, Link header pagination (per_page,
// rel="next"), issues (which include pull requests) read incrementally with since and sort=updated, pull requests
// read in full.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "github/GitHubEmulator.h"
#include "store/sqlite/SqliteDatabase.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestGitHubRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental();
    void pullsAreRead();

private:
    qint64 connectOwner(const SandboxAccountCredentials &owner, const QString &token);
    // Numbers of live issues and pull requests (the issues list carries both).
    QSet<QString> numbers(const QStringList &objects, qint64 updatedFromMs = 0) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<GitHubEmulator> m_emulator;
};

void TestGitHubRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<GitHubEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestGitHubRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestGitHubRead::connectOwner(const SandboxAccountCredentials &owner, const QString &token)
{
    const ProviderCase &row = providerCase(QStringLiteral("github"));
    return m_fixture->connect(row.provider, row.config(*m_emulator, owner), ProviderReadFixture::apiKey(token));
}

QSet<QString> TestGitHubRead::numbers(const QStringList &objects, qint64 updatedFromMs) const
{
    QSet<QString> ids;
    for (const QString &object : objects) {
        for (const SandboxRecord &record : m_emulator->account(QStringLiteral("acme"))->table(object)->records()) {
            if (!record.deleted && record.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
                ids.insert(record.id);
        }
    }
    return ids;
}

void TestGitHubRead::backfillThenIncremental()
{
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 230, 31);
    const qint64 connection = connectOwner(owner, owner.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QStringList both{QStringLiteral("issues"), QStringLiteral("pulls")};
    const QSet<QString> all = numbers(both);
    QVERIFY(!numbers({QStringLiteral("pulls")}).isEmpty());

    const auto backfill = sync->read(connection, QStringLiteral("issues"));
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, all.size());
    QCOMPARE(backfill->pageCount, (all.size() + 99) / 100); // per_page=100, then rel="next"
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("issues")), all);
    const QList<RequestLogEntry> pages = m_emulator->requestLog();
    QVERIFY(pages.first().pathAndQuery.contains(QStringLiteral("/repos/acme/widgets/issues?")));
    QVERIFY(pages.first().pathAndQuery.contains(QStringLiteral("state=all")));
    QVERIFY(pages.first().pathAndQuery.contains(QStringLiteral("per_page=100")));
    QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("issues"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    qint64 newest = 0; // updated_at has whole seconds
    for (const QString &object : both) {
        for (const SandboxRecord &record : m_emulator->account(QStringLiteral("acme"))->table(object)->records())
            newest = std::max(newest, record.updatedAt.toSecsSinceEpoch() * 1000);
    }
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    const QStringList touchedIssues = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 4);
    const QStringList touchedPulls = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("pulls"), 2);
    QCOMPARE(touchedIssues.size() + touchedPulls.size(), 6);
    const qint64 sinceMs = newest - 60000; // since is ISO 8601 in seconds
    const QSet<QString> expected = numbers(both, sinceMs);
    for (const QString &id : touchedIssues + touchedPulls)
        QVERIFY(expected.contains(id));
    QVERIFY(expected.size() < all.size());

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, QStringLiteral("issues"));
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    QCOMPARE(incremental->pageCount, (expected.size() + 99) / 100);
    const QString first = m_emulator->requestLog().first().pathAndQuery;
    const QString since = QDateTime::fromMSecsSinceEpoch(sinceMs, Qt::UTC).toString(Qt::ISODate);
    QVERIFY2(first.contains(QStringLiteral("since=") + QString::fromLatin1(QUrl::toPercentEncoding(since))) ||
                 first.contains(QStringLiteral("since=") + since),
             qPrintable(first));
    QVERIFY(first.contains(QStringLiteral("sort=updated")));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("issues")), all);
    cursor = m_fixture->cursor(connection, QStringLiteral("issues"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    qint64 newestNow = 0;
    for (const QString &object : both) {
        for (const SandboxRecord &record : m_emulator->account(QStringLiteral("acme"))->table(object)->records())
            newestNow = std::max(newestNow, record.updatedAt.toSecsSinceEpoch() * 1000);
    }
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestNow);
}

void TestGitHubRead::pullsAreRead()
{
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 230, 32);
    const qint64 connection = connectOwner(owner, owner.apiKey);
    SystemClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, QStringLiteral("pulls"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    const QSet<QString> pulls = numbers({QStringLiteral("pulls")});
    QCOMPARE(read->recordCount, pulls.size());
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("pulls")), pulls);
    const QString one = *pulls.begin();
    QVERIFY(m_fixture->record(connection, QStringLiteral("pulls"), one).contains(QStringLiteral("head")));
}

QTEST_GUILESS_MAIN(TestGitHubRead)
#include "TestGitHubRead.moc"
