// The Salesforce definition against the Salesforce emulator: instance_url captured from the token response,
// nextRecordsUrl paging, SystemModstamp incremental reads with deletions from queryAll.
#include "FakeClock.h"
#include "ProviderReadFixture.h"
#include "core/Timestamps.h"
#include "salesforce/SalesforceEmulator.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestSalesforceRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental();
    void revokedRefreshTokenNeedsReauth();
    void requestLimitIsBackedOffButPermissionErrorsAreNot();

private:
    qint64 connectOrg(const SalesforceOrgCredentials &org, const QDateTime &expiresAt);

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<SalesforceEmulator> m_emulator;
};

void TestSalesforceRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<SalesforceEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestSalesforceRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestSalesforceRead::connectOrg(const SalesforceOrgCredentials &org, const QDateTime &expiresAt)
{
    const QString emulator = m_emulator->baseUrl().toString(QUrl::StripTrailingSlash);
    // No instance_url yet: the first token refresh captures it, as after a real authorisation.
    const QJsonObject config{{QStringLiteral("originOverrides"),
                              QJsonObject{{QStringLiteral("https://login.salesforce.com"), emulator}}}};
    return m_fixture->connect(QStringLiteral("salesforce"), config,
                              ProviderReadFixture::oauth(org.clientId, org.clientSecret, org.accessToken,
                                                         org.refreshToken, expiresAt));
}

void TestSalesforceRead::backfillThenIncremental()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 4321, 3);
    const qint64 connection = connectOrg(org, QDateTime::currentDateTimeUtc().addSecs(-10));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, QStringLiteral("contacts"));
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 4321);
    QCOMPARE(backfill->pageCount, 3); // 2,000 per batch
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("contacts")).size(), 4321);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    // The token response's instance_url became the connection's; the tokens are not in the config.
    const Connection stored = m_fixture->store().tenants().connection(connection).value();
    QCOMPARE(stored.config.value(QStringLiteral("instance_url")).toString(), org.instanceUrl);
    QVERIFY(!QJsonDocument(stored.config).toJson().contains(org.refreshToken.toUtf8()));
    const QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("contacts"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QVERIFY(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble() > 0);

    // The lookback re-reads what changed in the last 60 s before the newest change seen.
    const qint64 newest = static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble());
    QSet<QString> inLookback;
    for (const StoredRecord &record :
         m_fixture->store().records().storedRecords(connection, QStringLiteral("contacts")).value()) {
        if (parseTimestampMs(record.updatedAt).value_or(0) > newest - 60000)
            inLookback.insert(record.recordId);
    }
    QVERIFY(!inLookback.isEmpty());

    // Changes since: 7 edited, 2 deleted. The incremental pass asks with SystemModstamp > since.
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("Contact"), 7);
    const QStringList ids = m_fixture->recordIds(connection, QStringLiteral("contacts")).values();
    QStringList deleted;
    for (const QString &id : ids) {
        if (!touched.contains(id) && !inLookback.contains(id) && deleted.size() < 2
            && m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("Contact"), id))
            deleted.append(id);
    }
    QCOMPARE(deleted.size(), 2);
    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, QStringLiteral("contacts"));
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QSet<QString> expected(touched.begin(), touched.end());
    expected.unite(inLookback);
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(incremental->pageCount, 1);
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.contains(QStringLiteral("SystemModstamp")));
    const QSet<QString> after = m_fixture->recordIds(connection, QStringLiteral("contacts"));
    QCOMPARE(after.size(), 4321 - 2);
    for (const QString &id : deleted)
        QVERIFY(!after.contains(id));
    QVERIFY(m_fixture->eventText(incremental->id).contains(QStringLiteral("2 deleted")));
}

void TestSalesforceRead::revokedRefreshTokenNeedsReauth()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 50, 1);
    const qint64 connection = connectOrg(org, QDateTime::currentDateTimeUtc().addSecs(-10));
    m_emulator->revokeRefreshToken(QStringLiteral("acme"));
    SystemClock clock;
    const auto failed = m_fixture->sync(clock)->read(connection, QStringLiteral("contacts"));
    QCOMPARE(failed->status, ExecutionStatus::Failed);
    QCOMPARE(failed->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
}

void TestSalesforceRead::requestLimitIsBackedOffButPermissionErrorsAreNot()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 300, 4);
    // Expired, so that the first refresh captures the instance URL, as after a real authorisation.
    const qint64 connection = connectOrg(org, QDateTime::currentDateTimeUtc().addSecs(-10));
    // REQUEST_LIMIT_EXCEEDED is a 403 without Retry-After: backed off (full jitter under the first 1 s step).
    m_emulator->failNextRequests(1, 0);
    FakeClock clock;
    auto sync = m_fixture->sync(clock);
    const auto read = sync->read(connection, QStringLiteral("contacts"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(read->recordCount, 300);
    QCOMPARE(clock.sleeps().size(), 1);
    QVERIFY(clock.sleeps().first() <= 1000);
    QVERIFY(m_fixture->eventText(read->id).contains(QStringLiteral("HTTP 403: rate limited")));

    // A 403 that is a permission error is not retried: it fails at once with Salesforce's words.
    m_emulator->failNextRequestsWithStatus(
        1, 403, {},
        R"([{"message":"You do not have access to the Contact object","errorCode":"INSUFFICIENT_ACCESS"}])");
    const auto refused = sync->read(connection, QStringLiteral("accounts"));
    QCOMPARE(refused->status, ExecutionStatus::Failed);
    QVERIFY2(refused->errorMessage.contains(QStringLiteral("INSUFFICIENT_ACCESS")), qPrintable(refused->errorMessage));
    QCOMPARE(clock.sleeps().size(), 1);
}

QTEST_GUILESS_MAIN(TestSalesforceRead)
#include "TestSalesforceRead.moc"
