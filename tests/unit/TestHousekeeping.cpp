#include "ManualClock.h"
#include "scheduler/Housekeeping.h"
#include "store/sqlite/SqliteStore.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

// What patchbayd tidies on its own, against a real SQLite database with a manual clock: the change log past its
// retention, and the connections that abandoned connect sessions left waiting for an authorisation that cannot come.
class TestHousekeeping : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void changesPastTheRetentionKeepOnlyEachRecordsLatest();
    void abandonedSessionsTakeTheirNeverAuthorisedConnections();

private:
    qint64 addConnection(const QString &status);
    // An opened connect session of connection, completed when asked.
    void addOpenedSession(const QString &id, qint64 connection, bool completed);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    qint64 m_tenant = 0;
};

namespace {

const QDateTime kStart = QDateTime::fromString(QStringLiteral("2026-03-02T10:00:00Z"), Qt::ISODate);
const QString kContacts = QStringLiteral("contacts");

} // namespace

void TestHousekeeping::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_clock = std::make_unique<ManualClock>(kStart);
    m_store = SqliteStore::open(m_dir->filePath(QStringLiteral("patchbay.db")), *m_clock).value();
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
}

void TestHousekeeping::cleanup()
{
    m_store.reset();
    m_clock.reset();
    m_dir.reset();
}

qint64 TestHousekeeping::addConnection(const QString &status)
{
    Connection connection;
    connection.tenantId = m_tenant;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = status;
    const qint64 id = m_store->tenants().createConnection(connection).value();
    (void)m_store->tenants().setConnectionStatus(id, status, QString());
    return id;
}

void TestHousekeeping::addOpenedSession(const QString &id, qint64 connection, bool completed)
{
    ConnectSession session;
    session.id = id;
    session.tenantId = m_tenant;
    session.provider = QStringLiteral("hubspot");
    session.expiresAt = m_clock->now().addSecs(900);
    QVERIFY(m_store->credentials().addConnectSession(session).ok());
    QVERIFY(m_store->credentials().openConnectSession(id).value());
    QVERIFY(m_store->credentials().setConnectSessionAuthorization(id, connection, id + QStringLiteral("-state")).ok());
    if (completed)
        QVERIFY(m_store->credentials().completeConnectSession(id).ok());
}

void TestHousekeeping::changesPastTheRetentionKeepOnlyEachRecordsLatest()
{
    const qint64 connection = addConnection(ConnectionStatus::Active);
    const auto store = [&](int version) {
        const qint64 execution =
            m_store->executions().startExecution(connection, QStringLiteral("read"), kContacts).value();
        const QByteArray data = QByteArrayLiteral("{\"v\":") + QByteArray::number(version) + '}';
        QVERIFY(m_store->records()
                    .commitPage(connection, kContacts, execution, {{QStringLiteral("1"), data, {}}}, std::nullopt)
                    .ok());
    };
    store(1);
    m_clock->advance(std::chrono::hours(24));
    store(2);
    m_clock->advance(std::chrono::hours(24));
    store(3);
    HousekeepingOptions options;
    options.changeRetentionDays = 3;
    Housekeeping housekeeping(*m_store, *m_clock, options);

    // Within the retention, every version stays.
    QCOMPARE(housekeeping.runOnce()->compactedChanges, 0);
    QCOMPARE(m_store->records().recordHistory(connection, kContacts, QStringLiteral("1"))->size(), 3);
    // Three days and a minute after the first version, it is past the retention; a month later the second is too,
    // and the latest stays however old it gets.
    m_clock->advance(std::chrono::hours(24) + std::chrono::minutes(1));
    QCOMPARE(housekeeping.runOnce()->compactedChanges, 1);
    m_clock->advance(std::chrono::hours(24 * 30));
    QCOMPARE(housekeeping.runOnce()->compactedChanges, 1);
    const auto history = m_store->records().recordHistory(connection, kContacts, QStringLiteral("1"));
    QCOMPARE(history->size(), 1);
    QCOMPARE(history->first().data, QByteArray("{\"v\":3}"));
    QCOMPARE(housekeeping.runOnce()->compactedChanges, 0);
}

void TestHousekeeping::abandonedSessionsTakeTheirNeverAuthorisedConnections()
{
    const qint64 waiting = addConnection(ConnectionStatus::NeedsReauth); // the customer never came back
    const qint64 authorised = addConnection(ConnectionStatus::Active);   // the callback completed it
    const qint64 revoked = addConnection(ConnectionStatus::NeedsReauth); // completed once, lost its token later
    const qint64 recent = addConnection(ConnectionStatus::NeedsReauth);  // still on the provider's consent page
    addOpenedSession(QStringLiteral("waiting"), waiting, false);
    addOpenedSession(QStringLiteral("authorised"), authorised, true);
    addOpenedSession(QStringLiteral("revoked"), revoked, true);
    addOpenedSession(QStringLiteral("refused"), 9999, false); // the callback removed its connection already
    m_clock->advance(std::chrono::minutes(10));
    addOpenedSession(QStringLiteral("recent"), recent, false);
    m_clock->advance(std::chrono::minutes(6));

    Housekeeping housekeeping(*m_store, *m_clock);
    const auto report = housekeeping.runOnce();
    QVERIFY(report);
    QCOMPARE(report->removedSessions, 2);
    QCOMPARE(report->removedConnections, 1);
    QCOMPARE(m_store->tenants().connection(waiting).error().code, QStringLiteral("store.not_found"));
    for (const qint64 kept : {authorised, revoked, recent})
        QVERIFY(m_store->tenants().connection(kept));
    // Who removed what, and why, is in the audit log.
    const QList<AuditEntry> audit = m_store->audit().auditEntries({}).value();
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().action, QStringLiteral("connection.delete"));
    QCOMPARE(audit.first().target, QStringLiteral("connection:%1").arg(waiting));
    QCOMPARE(audit.first().tenantId, m_tenant);
    QCOMPARE(audit.first().role, QStringLiteral("system"));
    QCOMPARE(audit.first().before.toObject().value(QStringLiteral("connectSession")).toString(),
             QStringLiteral("waiting"));

    // The one still on the consent page is abandoned in its turn; then nothing is left to do.
    m_clock->advance(std::chrono::minutes(10));
    QCOMPARE(housekeeping.runOnce()->removedConnections, 1);
    QCOMPARE(m_store->tenants().connection(recent).error().code, QStringLiteral("store.not_found"));
    QCOMPARE(housekeeping.runOnce()->removedSessions, 0);
    QCOMPARE(m_store->tenants().connections(m_tenant)->size(), 2);
}

QTEST_GUILESS_MAIN(TestHousekeeping)
#include "TestHousekeeping.moc"
