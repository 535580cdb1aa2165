// What every provider does the same way, over the table of providers (ProviderCases): a throttled read waits as the
// provider asks and loses nothing, a refused secret stops the connection until it gets a new one, and a revoked
// grant does too without touching what was read before.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

const QString kTenant = QStringLiteral("acme");

} // namespace

class TestProviderAccess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void throttledReadWaitsAndLosesNothing_data();
    void throttledReadWaitsAndLosesNothing();
    void refusedSecretNeedsANewOne_data();
    void refusedSecretNeedsANewOne();
    void revokedGrantNeedsReauthAndKeepsWhatWasRead_data();
    void revokedGrantNeedsReauthAndKeepsWhatWasRead();

private:
    // One row per provider of the table that keep is true for.
    static void addRows(const std::function<bool(const ProviderCase &)> &keep);
    // Starts the row's emulator with one tenant and connects to it with the given credential (the tenant's own
    // when secret is empty).
    qint64 connect(const ProviderCase &row, int records, const QString &secret = {});

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<AccountEmulator> m_emulator;
};

void TestProviderAccess::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
}

void TestProviderAccess::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

void TestProviderAccess::addRows(const std::function<bool(const ProviderCase &)> &keep)
{
    QTest::addColumn<QString>("provider");
    for (const ProviderCase &row : providerCases()) {
        if (keep(row))
            QTest::newRow(qPrintable(row.provider)) << row.provider;
    }
}

qint64 TestProviderAccess::connect(const ProviderCase &row, int records, const QString &secret)
{
    m_emulator = row.createEmulator();
    if (m_emulator->listen() == 0)
        return 0;
    const SandboxAccountCredentials tenant = m_emulator->addAccount(kTenant, records, 34);
    // Tokens far from expiry (Square's definition refreshes a day ahead): every request is the test's own.
    return m_fixture->connect(row.provider, row.config(*m_emulator, tenant),
                              credentialFor(row, tenant, QDateTime::currentDateTimeUtc().addDays(20), secret));
}

void TestProviderAccess::throttledReadWaitsAndLosesNothing_data()
{
    addRows([](const ProviderCase &) { return true; });
}

void TestProviderAccess::throttledReadWaitsAndLosesNothing()
{
    QFETCH(QString, provider);
    const ProviderCase &row = providerCase(provider);
    const qint64 connection = connect(row, row.records);
    QVERIFY(connection != 0);
    m_emulator->failNextRequests(1, row.retryAfterSeconds);
    FakeClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, row.object);
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    const QSet<QString> live = liveIds(*m_emulator, kTenant, row.table.isEmpty() ? row.object : row.table);
    QCOMPARE(read->recordCount, live.size());
    QCOMPARE(m_fixture->recordIds(connection, row.object), live);
    QCOMPARE(clock.sleeps().size(), 1);
    QVERIFY2(clock.sleeps().first() >= row.minWaitMs && clock.sleeps().first() <= row.maxWaitMs,
             qPrintable(QString::number(clock.sleeps().first())));
    // The refused page is asked for once more, and every page once.
    const QList<RequestLogEntry> requests = m_emulator->requestLog();
    QCOMPARE(requests.size(), read->pageCount + 1);
    QCOMPARE(requests.first().status, row.throttledStatus);
    QCOMPARE(requests.at(1).status, 200);
}

void TestProviderAccess::refusedSecretNeedsANewOne_data()
{
    addRows([](const ProviderCase &row) { return !row.refusedSecret.isEmpty(); });
}

void TestProviderAccess::refusedSecretNeedsANewOne()
{
    QFETCH(QString, provider);
    const ProviderCase &row = providerCase(provider);
    const qint64 connection = connect(row, 10, row.refusedSecret);
    QVERIFY(connection != 0);
    SystemClock clock;
    const auto failed = m_fixture->sync(clock)->read(connection, row.object);
    QCOMPARE(failed->status, ExecutionStatus::Failed);
    QCOMPARE(failed->errorCode, QStringLiteral("auth.revoked"));
    QVERIFY2(failed->errorMessage.contains(QStringLiteral("401")), qPrintable(failed->errorMessage));
    QVERIFY2(failed->errorMessage.contains(row.refusalWords), qPrintable(failed->errorMessage));
    QVERIFY(m_fixture->recordIds(connection, row.object).isEmpty());
    // A refused secret cannot be refreshed: the connection needs a new one, and the next read does not even try.
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    const qsizetype requests = m_emulator->requestLog().size();
    const auto next = m_fixture->sync(clock)->read(connection, row.object);
    QCOMPARE(next->errorCode, QStringLiteral("auth.needs_reauth"));
    QCOMPARE(m_emulator->requestLog().size(), requests);
}

void TestProviderAccess::revokedGrantNeedsReauthAndKeepsWhatWasRead_data()
{
    addRows([](const ProviderCase &row) { return row.oauth; });
}

void TestProviderAccess::revokedGrantNeedsReauthAndKeepsWhatWasRead()
{
    QFETCH(QString, provider);
    const ProviderCase &row = providerCase(provider);
    const qint64 connection = connect(row, 30);
    QVERIFY(connection != 0);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QVERIFY2(sync->read(connection, row.object)->status == ExecutionStatus::Succeeded, "backfill failed");
    const QSet<QString> stored = m_fixture->recordIds(connection, row.object);
    const QJsonObject cursor = m_fixture->cursor(connection, row.object);

    // The user revoked the app (or uninstalled it): the access token stops working, the refresh token is refused.
    QVERIFY(m_emulator->revokeRefreshToken(kTenant));
    QVERIFY(m_emulator->expireAccessTokens(kTenant));
    const auto failed = sync->read(connection, row.object);
    QCOMPARE(failed->status, ExecutionStatus::Failed);
    QCOMPARE(failed->errorCode, QStringLiteral("auth.revoked"));
    QVERIFY2(failed->errorMessage.contains(row.revokedGrantWords), qPrintable(failed->errorMessage));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    // Nothing read so far is lost, and the next read after re-authorisation starts where this one stopped.
    QCOMPARE(m_fixture->recordIds(connection, row.object), stored);
    QCOMPARE(m_fixture->cursor(connection, row.object), cursor);
}

QTEST_GUILESS_MAIN(TestProviderAccess)
#include "TestProviderAccess.moc"
