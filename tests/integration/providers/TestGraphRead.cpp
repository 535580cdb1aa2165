// The Microsoft Graph definition against the Graph emulator: OAuth on the tenant's v2.0 token endpoint, inbox
// messages and calendarView events read with delta queries (@odata.nextLink pages, @odata.deltaLink to start the
// next round), a stale delta token (410 syncStateNotFound) read again in full, and throttling with Retry-After.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "graph/MicrosoftGraphEmulator.h"
#include "store/sqlite/SqliteDatabase.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

const QString kTenant = QStringLiteral("acme");
const QString kMessages = QStringLiteral("messages");
const QString kEvents = QStringLiteral("events");

} // namespace

class TestGraphRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenDeltaRound_data();
    void backfillThenDeltaRound();
    void removedItemsLeaveTheStore();
    void staleDeltaLinkReadsEverythingAgain();
    void rejectedAccessTokenIsRefreshedOnce();

private:
    qint64 connectMailbox(const SandboxAccountCredentials &mailbox, const QDateTime &expiresAt);
    const GraphMailbox &mailbox() const;
    QSet<QString> liveIds(const QString &object) const;
    qint64 newestMs(const QString &object) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<MicrosoftGraphEmulator> m_emulator;
};

void TestGraphRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<MicrosoftGraphEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestGraphRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestGraphRead::connectMailbox(const SandboxAccountCredentials &mailbox, const QDateTime &expiresAt)
{
    const ProviderCase &row = providerCase(QStringLiteral("graph"));
    return m_fixture->connect(row.provider, row.config(*m_emulator, mailbox), credentialFor(row, mailbox, expiresAt));
}

const GraphMailbox &TestGraphRead::mailbox() const
{
    return *static_cast<const GraphMailbox *>(m_emulator->account(kTenant));
}

QSet<QString> TestGraphRead::liveIds(const QString &object) const
{
    QSet<QString> ids;
    for (const SandboxRecord &record : mailbox().table(object)->records()) {
        if (!record.deleted)
            ids.insert(record.id);
    }
    return ids;
}

qint64 TestGraphRead::newestMs(const QString &object) const
{
    qint64 newest = 0; // lastModifiedDateTime has whole seconds
    for (const SandboxRecord &record : mailbox().table(object)->records()) {
        if (!record.deleted)
            newest = std::max(newest, record.updatedAt.toSecsSinceEpoch() * 1000);
    }
    return newest;
}

void TestGraphRead::backfillThenDeltaRound_data()
{
    QTest::addColumn<QString>("object");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("parameters");
    QTest::newRow("messages") << kMessages << QStringLiteral("/v1.0/me/mailFolders/inbox/messages/delta")
                              << QStringList();
    QTest::newRow("events") << kEvents << QStringLiteral("/v1.0/me/calendarView/delta")
                            << QStringList{QStringLiteral("startDateTime="), QStringLiteral("endDateTime=")};
}

void TestGraphRead::backfillThenDeltaRound()
{
    QFETCH(QString, object);
    QFETCH(QString, path);
    QFETCH(QStringList, parameters);
    const SandboxAccountCredentials account = m_emulator->addMailbox(kTenant, 250, 61);
    const qint64 connection = connectMailbox(account, QDateTime::currentDateTimeUtc().addSecs(3000));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    // Seeded events start between a day and 60 days after they were created, in the last 90 days: all of them lie
    // in the definition's window of a year either side of now.
    const QSet<QString> all = liveIds(object);
    QCOMPARE(all.size(), 250);

    const auto backfill = sync->read(connection, object);
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 250); // each item once
    QCOMPARE(backfill->pageCount, 3);     // Prefer: odata.maxpagesize=100, then @odata.nextLink
    QCOMPARE(m_fixture->recordIds(connection, object), all);
    QCOMPARE(m_emulator->tokenRefreshCount(kTenant), 0);
    const QList<RequestLogEntry> pages = m_emulator->requestLog();
    QCOMPARE(pages.size(), 3);
    const QString first = pages.first().pathAndQuery;
    QCOMPARE(first.section(QLatin1Char('?'), 0, 0), path);
    for (const QString &parameter : parameters)
        QVERIFY2(first.contains(parameter), qPrintable(first));
    QVERIFY(pages.at(1).pathAndQuery.contains(QStringLiteral("skiptoken=")));
    QJsonObject cursor = m_fixture->cursor(connection, object);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestMs(object));
    const QString firstDeltaLink = cursor.value(QStringLiteral("deltaLink")).toString();
    QVERIFY2(firstDeltaLink.contains(QStringLiteral("deltatoken=")), qPrintable(firstDeltaLink));

    // The next round starts at the delta link and returns exactly what changed since.
    const QStringList touched = m_emulator->touchRecords(kTenant, object, 7);
    QCOMPARE(touched.size(), 7);
    m_emulator->clearRequestLog();
    const auto round = sync->read(connection, object);
    QVERIFY2(round->status == ExecutionStatus::Succeeded, qPrintable(round->errorMessage));
    QCOMPARE(round->recordCount, 7);
    QCOMPARE(round->pageCount, 1);
    QCOMPARE(m_fixture->idsWrittenBy(round->id), QSet<QString>(touched.begin(), touched.end()));
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.contains(QStringLiteral("deltatoken=")));
    QCOMPARE(m_fixture->recordIds(connection, object), all);
    cursor = m_fixture->cursor(connection, object);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestMs(object));
    QVERIFY(!cursor.value(QStringLiteral("deltaLink")).toString().isEmpty());
    QVERIFY(cursor.value(QStringLiteral("deltaLink")).toString() != firstDeltaLink);

    // Nothing changed: one page, nothing written.
    const auto quiet = sync->read(connection, object);
    QVERIFY2(quiet->status == ExecutionStatus::Succeeded, qPrintable(quiet->errorMessage));
    QCOMPARE(quiet->recordCount, 0);
    QCOMPARE(quiet->pageCount, 1);
}

void TestGraphRead::removedItemsLeaveTheStore()
{
    const SandboxAccountCredentials account = m_emulator->addMailbox(kTenant, 30, 62);
    const qint64 connection = connectMailbox(account, QDateTime::currentDateTimeUtc().addSecs(3000));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QVERIFY2(sync->read(connection, kMessages)->status == ExecutionStatus::Succeeded, "backfill failed");
    QCOMPARE(m_fixture->recordIds(connection, kMessages).size(), 30);

    const QStringList touched = m_emulator->touchRecords(kTenant, kMessages, 1);
    QStringList removed;
    for (const QString &id : liveIds(kMessages)) {
        if (!touched.contains(id) && removed.size() < 2 && m_emulator->deleteRecord(kTenant, kMessages, id))
            removed.append(id);
    }
    QCOMPARE(removed.size(), 2);
    const auto round = sync->read(connection, kMessages);
    QVERIFY2(round->status == ExecutionStatus::Succeeded, qPrintable(round->errorMessage));
    QVERIFY(m_fixture->idsWrittenBy(round->id).contains(touched.first()));
    const QSet<QString> after = m_fixture->recordIds(connection, kMessages);
    // The round reports them as {"id", "@removed": {"reason": "deleted"}}: they leave the store.
    QVERIFY(!after.contains(removed.at(0)) && !after.contains(removed.at(1)));
    QCOMPARE(after, liveIds(kMessages));
    QCOMPARE(round->recordCount, 1);
    QVERIFY(m_fixture->eventText(round->id).contains(QStringLiteral("2 deleted")));
}

void TestGraphRead::staleDeltaLinkReadsEverythingAgain()
{
    const SandboxAccountCredentials account = m_emulator->addMailbox(kTenant, 40, 63);
    const qint64 connection = connectMailbox(account, QDateTime::currentDateTimeUtc().addSecs(3000));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QVERIFY2(sync->read(connection, kMessages)->status == ExecutionStatus::Succeeded, "backfill failed");
    const QString staleLink = m_fixture->cursor(connection, kMessages).value(QStringLiteral("deltaLink")).toString();
    QVERIFY(!staleLink.isEmpty());

    // Graph forgets the sync state; meanwhile one message goes away and two change.
    const QString gone = *liveIds(kMessages).begin();
    QVERIFY(m_emulator->deleteRecord(kTenant, kMessages, gone));
    QCOMPARE(m_emulator->touchRecords(kTenant, kMessages, 2).size(), 2);
    QVERIFY(m_emulator->invalidateDeltaTokens(kTenant));
    m_emulator->clearRequestLog();

    const auto resync = sync->read(connection, kMessages);
    QVERIFY2(resync->status == ExecutionStatus::Succeeded, qPrintable(resync->errorMessage));
    const QList<RequestLogEntry> requests = m_emulator->requestLog();
    QCOMPARE(requests.first().status, 410);
    QVERIFY(requests.first().pathAndQuery.contains(QStringLiteral("deltatoken=")));
    QCOMPARE(requests.at(1).pathAndQuery, QStringLiteral("/v1.0/me/mailFolders/inbox/messages/delta"));
    QVERIFY2(m_fixture->eventText(resync->id).contains(QStringLiteral("no longer valid")),
             qPrintable(m_fixture->eventText(resync->id)));
    QCOMPARE(resync->recordCount, 39); // every live message again
    QCOMPARE(resync->pageCount, 1);
    QCOMPARE(m_fixture->idsWrittenBy(resync->id), liveIds(kMessages));
    const QJsonObject cursor = m_fixture->cursor(connection, kMessages);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const QString freshLink = cursor.value(QStringLiteral("deltaLink")).toString();
    QVERIFY(!freshLink.isEmpty());
    QVERIFY(freshLink != staleLink);

    // The new round's link works.
    m_emulator->clearRequestLog();
    const auto next = sync->read(connection, kMessages);
    QVERIFY2(next->status == ExecutionStatus::Succeeded, qPrintable(next->errorMessage));
    QCOMPARE(next->recordCount, 0);
    QCOMPARE(m_emulator->requestLog().first().status, 200);

    // A message deleted while the link was stale is not in the full round: the complete full read removes it.
    QVERIFY(!m_fixture->recordIds(connection, kMessages).contains(gone));
}

void TestGraphRead::rejectedAccessTokenIsRefreshedOnce()
{
    const SandboxAccountCredentials account = m_emulator->addMailbox(kTenant, 30, 64);
    // The stored expiry is an hour away, but Graph has already expired the token: the read gets 401.
    const qint64 connection = connectMailbox(account, QDateTime::currentDateTimeUtc().addSecs(3600));
    QVERIFY(m_emulator->expireAccessTokens(kTenant));
    SystemClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, kMessages);
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(read->recordCount, 30);
    QCOMPARE(m_fixture->recordIds(connection, kMessages), liveIds(kMessages));
    QCOMPARE(m_emulator->tokenRefreshCount(kTenant), 1);
    // The refresh went to the connection's tenant on the v2.0 endpoint.
    bool refreshed = false;
    for (const RequestLogEntry &entry : m_emulator->requestLog()) {
        if (entry.pathAndQuery == QLatin1Char('/') + mailbox().tenantId() + QStringLiteral("/oauth2/v2.0/token"))
            refreshed = entry.method == QLatin1String("POST") && entry.status == 200;
    }
    QVERIFY(refreshed);
    const auto stored = m_fixture->store().credentials().credential(connection);
    QVERIFY(stored.ok());
    QVERIFY(stored->expiresAt > QDateTime::currentDateTimeUtc().addSecs(3000)); // expires_in 3599
}

QTEST_GUILESS_MAIN(TestGraphRead)
#include "TestGraphRead.moc"
