// HubSpot's two windows (per second and per 10 seconds) against the emulator enforcing them on a clock it shares with
// the engine: the shipped definition reads many pages without one 429, the engine says why it waited, and without
// its budgets and holds the same read is refused.
#include "ManualClock.h"
#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "hubspot/HubSpotEmulator.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;

namespace {

enum Limits : int {
    TenSecondBudget = 1,
    SecondlyBudget = 2,
    SecondlyWindow = 4,
    TenSecondWindow = 8,
    Shipped = TenSecondBudget | SecondlyBudget | SecondlyWindow | TenSecondWindow,
};

// The shipped definition, keeping only the budgets and windows named (in the order hubspot.yaml lists them).
ProviderDefinition hubspotWith(int limits, bool windowsPerPortal = true)
{
    ProviderDefinition definition = *ProviderCatalog::builtIn().find(QStringLiteral("hubspot"));
    RateLimitSpec &spec = definition.rateLimit;
    [&] {
        QCOMPARE(spec.budgets.size(), 2);
        QCOMPARE(spec.windows.size(), 2);
    }();
    if (!(limits & SecondlyBudget))
        spec.budgets.removeAt(1);
    if (!(limits & TenSecondBudget))
        spec.budgets.removeAt(0);
    if (!(limits & TenSecondWindow))
        spec.windows.removeAt(1);
    if (!(limits & SecondlyWindow))
        spec.windows.removeAt(0);
    if (!windowsPerPortal) {
        for (RemainingWindow &window : spec.windows)
            window.key.clear();
    }
    return definition;
}

int refusals(const QList<RequestLogEntry> &log, const QString &pathPrefix = QStringLiteral("/crm/"))
{
    return static_cast<int>(std::count_if(log.begin(), log.end(), [&](const RequestLogEntry &entry) {
        return entry.status == 429 && entry.pathAndQuery.startsWith(pathPrefix);
    }));
}

bool anyEventContains(const QList<Event> &events, const QString &text)
{
    return std::any_of(events.begin(), events.end(), [&](const Event &event) { return event.message.contains(text); });
}

} // namespace

class TestHubSpotRateLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void shippedDefinitionReadsManyPagesWithoutA429();
    void everyDeclaredWindowIsKept_data();
    void everyDeclaredWindowIsKept();
    void spentWindowHoldsTheNextCallOfThePortal_data();
    void spentWindowHoldsTheNextCallOfThePortal();
    void holdsAndBudgetsBelongToTheirDatabase();

private:
    qint64 connectPortal(const PortalCredentials &portal);
    SyncService makeService(const ProviderDefinition &definition);

    std::unique_ptr<test::ManualClock> m_clock;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dbPath;
    SecretBytes m_key;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    std::unique_ptr<Store> m_store;
    qint64 m_tenant = 0;
};

void TestHubSpotRateLimits::init()
{
    // Budgets and holds belong to the database (holdsAndBudgetsBelongToTheirDatabase), so each test's fresh database
    // starts with none spent or held.
    m_clock = std::make_unique<test::ManualClock>(QDateTime::currentDateTimeUtc());
    m_dir = std::make_unique<QTemporaryDir>();
    m_dbPath = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_key = CredentialVault::generateKey();
    m_emulator = std::make_unique<HubSpotEmulator>();
    m_emulator->setClock(m_clock.get());
    m_emulator->setRateLimitsEnforced(true);
    QVERIFY(m_emulator->listen() != 0);
    m_store = SqliteStore::open(m_dbPath).value();
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme Corp")).value();
}

void TestHubSpotRateLimits::cleanup()
{
    m_store.reset();
    m_emulator.reset();
    m_dir.reset();
    m_clock.reset();
}

qint64 TestHubSpotRateLimits::connectPortal(const PortalCredentials &portal)
{
    CredentialVault vault(m_key);
    return SandboxConnector(*m_store, vault)
        .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                 QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), portal, m_clock->now().addSecs(1800))
        .value();
}

SyncService TestHubSpotRateLimits::makeService(const ProviderDefinition &definition)
{
    ProviderCatalog catalog = ProviderCatalog::builtIn();
    catalog.add(definition);
    return SyncService(m_dbPath, m_key, std::move(catalog), *m_clock);
}

void TestHubSpotRateLimits::shippedDefinitionReadsManyPagesWithoutA429()
{
    // 300 pages: thirty times the secondly limit and three times the 10-second one.
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 30000, 3);
    const qint64 connection = connectPortal(portal);
    SyncService sync = makeService(*ProviderCatalog::builtIn().find(QStringLiteral("hubspot")));

    const auto execution = sync.read(connection, QStringLiteral("contacts"));
    QVERIFY(execution.ok());
    QVERIFY2(execution->status == ExecutionStatus::Succeeded, qPrintable(execution->errorMessage));
    QCOMPARE(execution->recordCount, 30000);
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 300);
    QCOMPARE(refusals(log), 0);
    // The portal never saw more than its limits in any window of its own clock.
    for (const RequestLogEntry &entry : log) {
        const auto within = [&](qint64 windowMs) {
            return std::count_if(log.begin(), log.end(), [&](const RequestLogEntry &other) {
                const qint64 after = entry.received.msecsTo(other.received);
                return after >= 0 && after < windowMs;
            });
        };
        QVERIFY(within(1000) <= HubSpotRateLimiter::kSecondlyMax);
        QVERIFY(within(10000) <= HubSpotRateLimiter::kIntervalMax);
    }
    // The engine waited, on the shared clock, and said why.
    QVERIFY(m_clock->slept() >= std::chrono::seconds(29));
    const QList<Event> events = m_store->executions().events(execution->id).value();
    QVERIFY(anyEventContains(events, QStringLiteral("Waiting for the request budget of HubSpot account %1 "
                                                    "(9 requests per 1 s")
                                         .arg(portal.hubId)));
}

void TestHubSpotRateLimits::everyDeclaredWindowIsKept_data()
{
    QTest::addColumn<int>("limits");
    QTest::addColumn<int>("perSecond"); // the emulated portal's secondly limit (its 10-second limit is 100)
    QTest::addColumn<bool>("refused");
    QTest::addColumn<QString>("explained"); // an Event of the read, when it was not refused

    QTest::newRow("shipped") << int(Shipped) << 10 << false << QStringLiteral("Waiting for the request budget");
    QTest::newRow("both budgets") << int(TenSecondBudget | SecondlyBudget) << 10 << false
                                  << QStringLiteral("(9 requests per 1 s");
    QTest::newRow("10-second budget alone") << int(TenSecondBudget) << 10 << true << QString();
    QTest::newRow("both windows") << int(SecondlyWindow | TenSecondWindow) << 10 << false
                                  << QStringLiteral("the provider reported X-HubSpot-RateLimit-Secondly-Remaining: 0");
    QTest::newRow("both windows, 19 a second")
        << int(SecondlyWindow | TenSecondWindow) << 19 << false
        << QStringLiteral("for 10 s: the provider reported X-HubSpot-RateLimit-Remaining: 0");
    QTest::newRow("secondly window alone, 19 a second") << int(SecondlyWindow) << 19 << true << QString();
    QTest::newRow("nothing declared") << 0 << 10 << true << QString();
}

void TestHubSpotRateLimits::everyDeclaredWindowIsKept()
{
    QFETCH(int, limits);
    QFETCH(int, perSecond);
    QFETCH(bool, refused);
    QFETCH(QString, explained);
    m_emulator->setRateLimits(perSecond, HubSpotRateLimiter::kIntervalMax);
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 11000, 4);
    const qint64 connection = connectPortal(portal);
    SyncService sync = makeService(hubspotWith(limits));

    const auto execution = sync.read(connection, QStringLiteral("contacts"));
    QVERIFY(execution.ok());
    const int refusedCalls = refusals(m_emulator->requestLog());
    if (refused) {
        // What the definition leaves undeclared, the portal refuses: the other rows prove the declared windows.
        QVERIFY(refusedCalls > 0);
        return;
    }
    QVERIFY2(execution->status == ExecutionStatus::Succeeded, qPrintable(execution->errorMessage));
    QCOMPARE(execution->recordCount, 11000);
    QCOMPARE(refusedCalls, 0);
    QVERIFY2(anyEventContains(m_store->executions().events(execution->id).value(), explained), qPrintable(explained));
}

void TestHubSpotRateLimits::spentWindowHoldsTheNextCallOfThePortal_data()
{
    QTest::addColumn<bool>("perPortal");
    QTest::newRow("held for the portal") << true;
    QTest::newRow("held for one connection") << false;
}

void TestHubSpotRateLimits::spentWindowHoldsTheNextCallOfThePortal()
{
    // Two connections of one portal, governed by HubSpot's remaining headers only. The first reads 10 pages: its
    // last answer says the secondly window is spent. The second connection's first call must wait for that window.
    QFETCH(bool, perPortal);
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 1000, 5);
    const qint64 first = connectPortal(portal);
    const qint64 second = connectPortal(portal);
    SyncService sync = makeService(hubspotWith(SecondlyWindow | TenSecondWindow, perPortal));

    const auto firstRead = sync.read(first, QStringLiteral("contacts"));
    QCOMPARE(firstRead->status, ExecutionStatus::Succeeded);
    QCOMPARE(m_emulator->requestLog().size(), 10);
    QCOMPARE(refusals(m_emulator->requestLog()), 0);

    m_emulator->clearRequestLog();
    const auto secondRead = sync.read(second, QStringLiteral("contacts"));
    QCOMPARE(secondRead->status, ExecutionStatus::Succeeded);
    const QList<Event> events = m_store->executions().events(secondRead->id).value();
    const QString held = QStringLiteral("Holding calls to HubSpot account %1 for 1 s: the provider reported "
                                        "X-HubSpot-RateLimit-Secondly-Remaining: 0")
                             .arg(portal.hubId);
    if (perPortal) {
        QVERIFY(anyEventContains(events, held));
        QCOMPARE(refusals(m_emulator->requestLog()), 0);
    } else {
        // A hold kept per connection lets the other connection of the portal run into the limit.
        QVERIFY(!anyEventContains(events, held));
        QVERIFY(refusals(m_emulator->requestLog()) > 0);
    }
}

void TestHubSpotRateLimits::holdsAndBudgetsBelongToTheirDatabase()
{
    // A database's connections run on one clock, and connection ids mean something only within it: what one
    // database's reads spent or were told is gone must not hold a connection of another database in the process
    // (times of one clock are meaningless on another; a test's fake clock once stalled the next test's real one).
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 1000, 5);
    const qint64 first = connectPortal(portal);
    SyncService sync = makeService(hubspotWith(SecondlyWindow | TenSecondWindow, true));
    QCOMPARE(sync.read(first, QStringLiteral("contacts"))->status, ExecutionStatus::Succeeded);

    QTemporaryDir otherDir;
    const QString otherPath = otherDir.filePath(QStringLiteral("other.db"));
    std::unique_ptr<SqliteStore> other = SqliteStore::open(otherPath).value();
    CredentialVault vault(m_key);
    const qint64 tenant = other->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme Corp")).value();
    const qint64 second =
        SandboxConnector(*other, vault)
            .connect(tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                     QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), portal, m_clock->now().addSecs(1800))
            .value();
    // The secondly window the first read spent is still closed on the shared clock; the other database's read is
    // not held by it (it may meet the portal's own 429, which it waits out).
    ProviderCatalog catalog = ProviderCatalog::builtIn();
    catalog.add(hubspotWith(SecondlyWindow | TenSecondWindow, true));
    SyncService otherSync(otherPath, m_key, std::move(catalog), *m_clock);
    const auto read = otherSync.read(second, QStringLiteral("contacts"));
    QCOMPARE(read->status, ExecutionStatus::Succeeded);
    QVERIFY(!anyEventContains(other->executions().events(read->id).value(),
                              QStringLiteral("Holding calls to HubSpot account")));
}

QTEST_GUILESS_MAIN(TestHubSpotRateLimits)
#include "TestHubSpotRateLimits.moc"
