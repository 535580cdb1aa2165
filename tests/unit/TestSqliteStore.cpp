#include "StoreFactory.h"
#include "store/sqlite/Migrations.h"
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteExecutionStore.h"
#include "store/sqlite/SqliteStore.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <thread>

using namespace patchbay;
using namespace patchbay::test;

// What only the SQLite store has: its file, its migrations, several processes on one file. The store's contract is
// TestStore's, run against every implementation.
class TestSqliteStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void freshDatabaseIsMigratedToLatest();
    void newerDatabaseIsRefused();
    void nullStringBindsAsEmptyText();
    void databaseFilesAreForTheOwnerOnly();
    void existingDatabaseFilesAreMadePrivate();
    void fileThatIsNoDatabaseIsNamed();
    void newDatabaseOpenedByManyProcessesAtOnceMigratesOnce();
    void newDatabaseOpenedByManyThreadsAtOnceMigratesOnce();
    void runsFromBeforeLeasesAreInterrupted();
    void webhookEventsOfAnOlderDatabaseMigrate();
    void recordsOfAnOlderDatabaseEnterTheChangeLog();
    void changeFeedPagesAreIndexRangeScans();
    void executionPagesSeekAnIndexForEachFilter();
    void metricsGaugesAndWebhookSilenceReadIndexes();

private:
    std::unique_ptr<SqliteStore> openStore();
    // A connection of its own on the store's file, for what only SQLite has: versions, pragmas, raw rows.
    std::unique_ptr<SqliteDatabase> openDatabase();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestSqliteStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("patchbay.db"));
}

std::unique_ptr<SqliteStore> TestSqliteStore::openStore()
{
    return openedOrNull(SqliteStore::open(m_path));
}

std::unique_ptr<SqliteDatabase> TestSqliteStore::openDatabase()
{
    return openedOrNull(SqliteDatabase::open(m_path));
}

void TestSqliteStore::freshDatabaseIsMigratedToLatest()
{
    auto store = openStore();
    QVERIFY(store);
    auto db = openDatabase();
    QVERIFY(db);
    QCOMPARE(db->userVersion(), Migrations::latestVersion());
    for (const char *table : {"tenants", "connections", "credentials", "executions", "events", "exchanges",
                              "cursors", "records"}) {
        auto stmt = db->prepare(QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' AND "
                                               "name = ?1"));
        stmt.bind(1, QString::fromLatin1(table));
        QVERIFY2(stmt.next(), table);
    }
    auto mode = db->prepare(QStringLiteral("PRAGMA journal_mode"));
    QVERIFY(mode.next());
    QCOMPARE(mode.text(0), QStringLiteral("wal"));
}

void TestSqliteStore::newerDatabaseIsRefused()
{
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(openDatabase()->setUserVersion(Migrations::latestVersion() + 1).ok());
    }
    auto store = SqliteStore::open(m_path);
    QVERIFY(!store.ok());
    QCOMPARE(store.error().code, QStringLiteral("store.newer_schema"));
    QVERIFY(store.error().message.contains(QStringLiteral("Upgrade Patchbay")));
}

void TestSqliteStore::nullStringBindsAsEmptyText()
{
    auto db = openDatabase();
    QVERIFY(db);
    auto stmt = db->prepare(QStringLiteral("SELECT ?1 = '', ?1 IS NULL, ?2 IS NULL"));
    stmt.bind(1, QString()).bind(2, QVariant());
    QVERIFY(stmt.next());
    QCOMPARE(stmt.int64(0), 1);
    QCOMPARE(stmt.int64(1), 0);
    QCOMPARE(stmt.int64(2), 1); // NULL is asked for explicitly
}

namespace {

QFile::Permissions modeOf(const QString &path)
{
    return QFileInfo(path).permissions() &
           (QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::WriteGroup |
            QFile::ExeGroup | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther);
}

constexpr QFile::Permissions kOwnerReadWrite = QFile::ReadOwner | QFile::WriteOwner;

} // namespace

void TestSqliteStore::databaseFilesAreForTheOwnerOnly()
{
    // A folder Patchbay makes for the database, with a parent of its own, as the console's data folder is.
    const QString path = m_dir->filePath(QStringLiteral("data/patchbay/patchbay.db"));
    auto opened = SqliteStore::open(path);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
    auto store = std::move(opened).value();
    addAcmeConnection(*store); // a write: the -wal and -shm files exist while the store is open

    for (const QString &file : {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        QVERIFY2(QFileInfo::exists(file), qPrintable(file));
        QCOMPARE(modeOf(file), kOwnerReadWrite);
    }
    for (const QString &folder :
         {m_dir->filePath(QStringLiteral("data")), m_dir->filePath(QStringLiteral("data/patchbay"))})
        QCOMPARE(modeOf(folder), kOwnerReadWrite | QFile::ExeOwner);
}

void TestSqliteStore::existingDatabaseFilesAreMadePrivate()
{
    {
        auto store = openStore();
        QVERIFY(store);
        addAcmeConnection(*store);
    }
    // As an older Patchbay left it: readable by everyone.
    QVERIFY(QFile::setPermissions(m_path, kOwnerReadWrite | QFile::ReadGroup | QFile::ReadOther));
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(store->tenants().createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).ok());
    for (const QString &file : {m_path, m_path + QStringLiteral("-wal"), m_path + QStringLiteral("-shm")})
        QCOMPARE(modeOf(file), kOwnerReadWrite);
}

void TestSqliteStore::fileThatIsNoDatabaseIsNamed()
{
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();
    auto store = SqliteStore::open(m_path);
    QVERIFY(!store.ok());
    QCOMPARE(store.error().code, QStringLiteral("store.not_a_database"));
    QVERIFY2(store.error().message.contains(QDir::toNativeSeparators(m_path)), qPrintable(store.error().message));
}

void TestSqliteStore::newDatabaseOpenedByManyProcessesAtOnceMigratesOnce()
{
    // Before: about one start in five failed with "Migration 1 failed: table tenants already exists".
    constexpr int kRounds = 12;
    constexpr int kProcesses = 6;
    for (int round = 0; round < kRounds; ++round) {
        const QString path = m_dir->filePath(QStringLiteral("race-%1.db").arg(round));
        std::vector<std::unique_ptr<QProcess>> processes;
        for (int i = 0; i < kProcesses; ++i) {
            processes.push_back(std::make_unique<QProcess>());
            processes.back()->start(QStringLiteral(PATCHBAY_TEST_PROBE_PATH), {QStringLiteral("open"), path});
        }
        for (const auto &process : processes) {
            QVERIFY(process->waitForFinished(60000));
            QVERIFY2(
                process->exitStatus() == QProcess::NormalExit && process->exitCode() == 0,
                qPrintable(
                    QStringLiteral("round %1: %2").arg(round).arg(QString::fromUtf8(process->readAllStandardError()))));
        }
        auto store = SqliteStore::open(path);
        QVERIFY(store.ok());
        QCOMPARE(SqliteDatabase::open(path).value()->userVersion(), Migrations::latestVersion());
    }
}

void TestSqliteStore::newDatabaseOpenedByManyThreadsAtOnceMigratesOnce()
{
    constexpr int kRounds = 20;
    constexpr int kThreads = 6;
    for (int round = 0; round < kRounds; ++round) {
        const QString path = m_dir->filePath(QStringLiteral("threads-%1.db").arg(round));
        std::vector<QString> errors(kThreads);
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&path, &errors, i] {
                auto store = SqliteStore::open(path);
                if (!store)
                    errors[static_cast<size_t>(i)] = store.error().toString();
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        for (const QString &error : errors)
            QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(SqliteStore::open(path).ok());
        QCOMPARE(SqliteDatabase::open(path).value()->userVersion(), Migrations::latestVersion());
    }
}

void TestSqliteStore::runsFromBeforeLeasesAreInterrupted()
{
    // A database of version 5 with a run left running by a killed older Patchbay, which had no leases.
    {
        auto db = SqliteDatabase::open(m_path).value();
        QVERIFY(Migrations::apply(*db, 5).ok());
        QCOMPARE(db->userVersion(), 5);
        QVERIFY(db->exec(QStringLiteral(
                             "INSERT INTO tenants (id, name, display_name, created_at) VALUES (1, 'acme', 'Acme', 0);"
                             "INSERT INTO connections (id, tenant_id, provider, display_name, created_at) "
                             "VALUES (1, 1, 'hubspot', 'Acme HubSpot', 0);"
                             "INSERT INTO executions (id, tenant_id, connection_id, kind, status, started_at) "
                             "VALUES (1, 1, 1, 'read', 'running', 0);"))
                    .ok());
    }
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(store->executions().interruptAbandonedExecutions(QDateTime::currentDateTimeUtc()).value(),
             QList<qint64>{1});
    QCOMPARE(store->executions().execution(1)->status, ExecutionStatus::Interrupted);
}

void TestSqliteStore::webhookEventsOfAnOlderDatabaseMigrate()
{
    // The schema before webhook events were kept per connection (migration 7 changed that).
    constexpr int kBeforePerConnectionEvents = 6;
    {
        auto db = SqliteDatabase::open(m_path);
        QVERIFY(db.ok());
        QVERIFY(Migrations::apply(*db.value(), kBeforePerConnectionEvents).ok());
        QCOMPARE(db.value()->userVersion(), kBeforePerConnectionEvents);
        QVERIFY(db.value()
                    ->exec(QStringLiteral(
                        "INSERT INTO tenants (id, name, display_name, created_at) VALUES (1, 'acme', 'Acme', 0);"
                        "INSERT INTO connections (id, tenant_id, provider, display_name, created_at) VALUES (7, 1, "
                        "'hubspot', 'A', 0);"
                        "INSERT INTO connections (id, tenant_id, provider, display_name, created_at) VALUES (8, 1, "
                        "'hubspot', 'B', 0);"
                        "INSERT INTO webhook_events (provider, event_id, connection_id, execution_id, received_at) "
                        "VALUES ('hubspot', 'evt-1', 7, NULL, 0);"))
                    .ok());
    }
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(openDatabase()->userVersion(), Migrations::latestVersion());
    QVERIFY(store->webhooks().webhookEventSeen(7, QStringLiteral("hubspot"), QStringLiteral("evt-1")));
    QVERIFY(!store->webhooks().webhookEventSeen(8, QStringLiteral("hubspot"), QStringLiteral("evt-1")));
    QCOMPARE(store->webhooks().recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), 8, 0).value(),
             true);
}

void TestSqliteStore::recordsOfAnOlderDatabaseEnterTheChangeLog()
{
    // The schema before the change log (branch feed's migration).
    constexpr int kBeforeChangeLog = 11;
    {
        auto db = openDatabase();
        QVERIFY(db);
        QVERIFY(Migrations::apply(*db, kBeforeChangeLog).ok());
        QVERIFY(db->exec(QStringLiteral(
                             "INSERT INTO tenants (id, name, display_name, created_at) VALUES (1, 'acme', 'Acme', 0);"
                             "INSERT INTO connections (id, tenant_id, provider, display_name, created_at) "
                             "VALUES (1, 1, 'hubspot', 'Acme HubSpot', 0);"
                             "INSERT INTO records (connection_id, tenant_id, object, record_id, data, execution_id, "
                             "stored_at) VALUES (1, 1, 'contacts', 'b', '{\"v\":2}', 4, 2000);"
                             "INSERT INTO records (connection_id, tenant_id, object, record_id, data, execution_id, "
                             "stored_at) VALUES (1, 1, 'contacts', 'a', '{\"v\":1}', 3, 1000);"))
                    .ok());
    }
    auto store = openStore();
    QVERIFY(store);
    const QList<RecordChange> changes = store->records().changes(1, QStringLiteral("contacts"), 0, 10)->changes;
    QCOMPARE(changes.size(), 2);
    QCOMPARE(changes.at(0).recordId, QStringLiteral("a"));
    QCOMPARE(changes.at(0).change, RecordChangeKind::Created);
    QCOMPARE(changes.at(0).data, QByteArray("{\"v\":1}"));
    QCOMPARE(changes.at(0).executionId, 3);
    QCOMPARE(changes.at(0).changedAt, QDateTime::fromMSecsSinceEpoch(1000, Qt::UTC));
    QCOMPARE(changes.at(1).recordId, QStringLiteral("b"));
}

namespace {

// The steps of SQLite's plan for query, as EXPLAIN QUERY PLAN describes them.
QStringList queryPlan(SqliteDatabase &db, const QString &query)
{
    SqliteStatement stmt = db.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + query);
    QStringList steps;
    while (stmt.next())
        steps.append(stmt.text(3));
    return steps;
}

} // namespace

void TestSqliteStore::changeFeedPagesAreIndexRangeScans()
{
    auto store = openStore();
    QVERIFY(store);
    auto db = openDatabase();
    QVERIFY(db);
    // The shapes of RecordStore::changes and recordHistory: each must search an index from the position on, never
    // scan the table nor sort.
    const auto plan = [&](const QString &query) { return queryPlan(*db, query); };
    QCOMPARE(plan(QStringLiteral("SELECT sequence, change, data FROM record_changes WHERE connection_id = ?1 AND "
                                 "object = ?2 AND sequence > ?3 ORDER BY sequence LIMIT ?4")),
             QStringList{QStringLiteral("SEARCH record_changes USING INDEX record_changes_feed (connection_id=? AND "
                                        "object=? AND rowid>?)")});
    QCOMPARE(plan(QStringLiteral("SELECT sequence, change, data FROM record_changes WHERE connection_id = ?1 AND "
                                 "object = ?2 AND record_id = ?3 ORDER BY sequence")),
             QStringList{QStringLiteral("SEARCH record_changes USING INDEX record_changes_history (connection_id=? "
                                        "AND object=? AND record_id=?)")});
}

void TestSqliteStore::metricsGaugesAndWebhookSilenceReadIndexes()
{
    auto store = openStore();
    QVERIFY(store);
    auto db = openDatabase();
    QVERIFY(db);
    const auto plan = [&](const QString &query) { return queryPlan(*db, query); };
    // A step that reads a whole table rather than an index ("SCAN jobs"; "SCAN x USING ... INDEX" reads an index).
    const auto scansATable = [](const QStringList &steps) {
        return std::any_of(steps.begin(), steps.end(), [](const QString &step) {
            return step.startsWith(QLatin1String("SCAN ")) && !step.contains(QLatin1String("INDEX"));
        });
    };
    // The queue depths /metrics reads at each scrape (JobStore::queuedJobCount, WebhookStore::pendingWebhookCount,
    // NotificationStore::pendingDeliveryCount): counted from an index, never a scan of the table.
    for (const auto &[query, index] :
         {std::pair{QStringLiteral("SELECT COUNT(*) FROM jobs WHERE state = 'queued'"), QStringLiteral("jobs_claimable")},
          std::pair{QStringLiteral("SELECT COUNT(*) FROM webhook_inbox WHERE state = 'pending'"),
                    QStringLiteral("webhook_inbox_pending")},
          std::pair{QStringLiteral("SELECT COUNT(*) FROM notification_deliveries WHERE state = 'pending'"),
                    QStringLiteral("notification_deliveries_due")}}) {
        const QStringList steps = plan(query);
        QVERIFY2(steps.join(' ').contains(QStringLiteral("INDEX ") + index) && !scansATable(steps),
                 qPrintable(query + QStringLiteral(": ") + steps.join(QLatin1String(" | "))));
    }
    // A connection's last webhook arrival (NotificationStore::watchedConnections): one seek per connection.
    const QString arrival =
        plan(QStringLiteral("SELECT c.id, (SELECT MAX(received_at) FROM webhook_inbox w WHERE w.connection_id = c.id "
                            "AND w.replay_of IS NULL) FROM connections c"))
            .join(QLatin1String(" | "));
    QVERIFY2(arrival.contains(QStringLiteral("SEARCH w USING ")) &&
                 arrival.contains(QStringLiteral("INDEX webhook_inbox_arrivals (connection_id=?)")),
             qPrintable(arrival));
}

void TestSqliteStore::executionPagesSeekAnIndexForEachFilter()
{
    auto store = openStore();
    QVERIFY(store);
    auto db = openDatabase();
    QVERIFY(db);
    // A page far back must cost what the first costs: the executions are walked from the keyset position along an
    // index in id order (never a sort of everything that matches), and the connection and tenant of each row are
    // looked up by primary key.
    const auto plan = [&](ExecutionFilter filter) {
        filter.beforeId = 1000;
        const auto query = SqliteExecutionStore::findExecutionsQuery(filter);
        SqliteStatement stmt = db->prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + query.sql);
        for (int i = 0; i < query.values.size(); ++i)
            stmt.bind(i + 1, query.values.at(i));
        QStringList steps;
        while (stmt.next())
            steps.append(stmt.text(3));
        return steps;
    };
    const auto seeks = [](const QStringList &steps, const QString &access) {
        if (steps.isEmpty() || steps.first() != QStringLiteral("SEARCH e USING ") + access)
            return false;
        for (const QString &step : steps) {
            if (step.contains(QLatin1String("TEMP B-TREE")) || step.startsWith(QLatin1String("SCAN")))
                return false;
        }
        // and its latest replay ("Replayed by #456") is one seek too
        return steps.contains(QStringLiteral("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"))
            && steps.contains(QStringLiteral("SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"))
            && std::any_of(steps.begin(), steps.end(), [](const QString &step) {
                   return step.startsWith(QLatin1String("SEARCH r USING "))
                       && step.endsWith(QLatin1String("INDEX executions_replays (replay_of=?)"));
               });
    };
    ExecutionFilter filter;
    QStringList steps = plan(filter);
    QVERIFY2(seeks(steps, QStringLiteral("INTEGER PRIMARY KEY (rowid<?)")), qPrintable(steps.join(u'\n')));
    filter.text = QStringLiteral("quota"); // a filter on the rows walked, not a different walk
    steps = plan(filter);
    QVERIFY2(seeks(steps, QStringLiteral("INTEGER PRIMARY KEY (rowid<?)")), qPrintable(steps.join(u'\n')));
    filter = {};
    filter.tenantId = 1;
    steps = plan(filter);
    QVERIFY2(seeks(steps, QStringLiteral("INDEX executions_by_tenant (tenant_id=? AND rowid<?)")),
             qPrintable(steps.join(u'\n')));
    filter = {};
    filter.connectionId = 1;
    steps = plan(filter);
    QVERIFY2(seeks(steps, QStringLiteral("INDEX executions_by_connection (connection_id=? AND id<?)")),
             qPrintable(steps.join(u'\n')));
    filter = {};
    filter.kind = QStringLiteral("write");
    steps = plan(filter);
    QVERIFY2(seeks(steps, QStringLiteral("INDEX executions_by_kind (kind=? AND rowid<?)")),
             qPrintable(steps.join(u'\n')));
    filter = {};
    filter.outcome = ExecutionOutcome::Failed;
    steps = plan(filter);
    QVERIFY2(seeks(steps, QStringLiteral("INDEX executions_by_status (status=? AND rowid<?)")),
             qPrintable(steps.join(u'\n')));
    filter.outcome = ExecutionOutcome::Partial;
    steps = plan(filter);
    QVERIFY2(seeks(steps, QStringLiteral("INDEX executions_partial (status=? AND rowid<?)")),
             qPrintable(steps.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestSqliteStore)
#include "TestSqliteStore.moc"
