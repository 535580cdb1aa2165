#include "store/Migrations.h"
#include "store/SqliteDatabase.h"
#include "store/SqliteStore.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace patchbay;

class TestSqliteStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void freshDatabaseIsMigratedToLatest();
    void reopeningKeepsData();
    void newerDatabaseIsRefused();
    void failedPageCommitChangesNothing();
    void commitPageUpsertsAndAdvancesCursor();
    void executionsPageNewestFirst();
    void emptyObjectFilterFindsEveryFailedWrite();
    void nullStringBindsAsEmptyText();
    void databaseFilesAreForTheOwnerOnly();
    void existingDatabaseFilesAreMadePrivate();
    void fileThatIsNoDatabaseIsNamed();
    void newDatabaseOpenedByManyProcessesAtOnceMigratesOnce();
    void newDatabaseOpenedByManyThreadsAtOnceMigratesOnce();
    void nestedTransactionRollsBackOnlyItsPart();
    void runOfADeadOwnerIsInterruptedWithAnEvent();
    void runsOfALiveOwnerAreKept();
    void renewedLeaseKeepsARunAlive();
    void runsFromBeforeLeasesAreInterrupted();
    void webhookEventsAreKeptPerConnection();
    void webhookEventsOfAnOlderDatabaseMigrate();
    void webhookRejectionsAreCountedPerSource();

private:
    std::unique_ptr<SqliteStore> openStore();
    qint64 makeConnection(SqliteStore &store);

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
    auto store = SqliteStore::open(m_path);
    if (!store) {
        qWarning() << store.error().toString();
        return nullptr;
    }
    return std::move(store).value();
}

qint64 TestSqliteStore::makeConnection(SqliteStore &store)
{
    const qint64 tenant = store.createTenant(QStringLiteral("acme"), QStringLiteral("Acme Corp")).value();
    Connection connection;
    connection.tenantId = tenant;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = QStringLiteral("Acme HubSpot");
    return store.createConnection(connection).value();
}

void TestSqliteStore::freshDatabaseIsMigratedToLatest()
{
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(store->database().userVersion(), Migrations::latestVersion());
    for (const char *table : {"tenants", "connections", "credentials", "executions", "events", "exchanges",
                              "cursors", "records"}) {
        auto stmt = store->database().prepare(QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' AND "
                                                             "name = ?1"));
        stmt.bind(1, QString::fromLatin1(table));
        QVERIFY2(stmt.next(), table);
    }
    auto mode = store->database().prepare(QStringLiteral("PRAGMA journal_mode"));
    QVERIFY(mode.next());
    QCOMPARE(mode.text(0), QStringLiteral("wal"));
}

void TestSqliteStore::reopeningKeepsData()
{
    {
        auto store = openStore();
        QVERIFY(store);
        makeConnection(*store);
    }
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(store->tenants()->size(), 1);
    QCOMPARE(store->connections()->first().displayName, QStringLiteral("Acme HubSpot"));
}

void TestSqliteStore::newerDatabaseIsRefused()
{
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->database().setUserVersion(Migrations::latestVersion() + 1).ok());
    }
    auto store = SqliteStore::open(m_path);
    QVERIFY(!store.ok());
    QCOMPARE(store.error().code, QStringLiteral("store.newer_schema"));
    QVERIFY(store.error().message.contains(QStringLiteral("Upgrade Patchbay")));
}

void TestSqliteStore::failedPageCommitChangesNothing()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = makeConnection(*store);
    const qint64 execution = store->startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts")).value();
    QVERIFY(store->commitPage(connection, QStringLiteral("contacts"), execution,
                              {{QStringLiteral("1"), "{\"id\":\"1\"}", {}}}, QStringLiteral("{\"after\":\"1\"}"))
                .ok());

    // The cursor write fails after the records were written: the whole page must roll back.
    store->database().setFailureHook([](const QString &sql) -> std::optional<Error> {
        if (sql.contains(QLatin1String("INSERT INTO cursors")))
            return Error{QStringLiteral("test.injected"), QStringLiteral("disk full")};
        return std::nullopt;
    });
    const auto result = store->commitPage(connection, QStringLiteral("contacts"), execution,
                                          {{QStringLiteral("2"), "{\"id\":\"2\"}", {}},
                                           {QStringLiteral("3"), "{\"id\":\"3\"}", {}}},
                                          QStringLiteral("{\"after\":\"3\"}"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("test.injected"));
    store->database().setFailureHook({});
    QCOMPARE(store->recordCount(connection, QStringLiteral("contacts")), 1);
    QCOMPARE(*store->cursor(connection, QStringLiteral("contacts")), QStringLiteral("{\"after\":\"1\"}"));
}

void TestSqliteStore::commitPageUpsertsAndAdvancesCursor()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = makeConnection(*store);
    const qint64 execution = store->startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts")).value();
    QVERIFY(store->commitPage(connection, QStringLiteral("contacts"), execution,
                              {{QStringLiteral("1"), "{\"v\":1}", {}}, {QStringLiteral("2"), "{\"v\":1}", {}}},
                              QStringLiteral("a"))
                .ok());
    QVERIFY(store->commitPage(connection, QStringLiteral("contacts"), execution,
                              {{QStringLiteral("2"), "{\"v\":2}", {}}}, QStringLiteral("b"))
                .ok());
    QCOMPARE(store->recordCount(connection, QStringLiteral("contacts")), 2);
    QCOMPARE(store->record(connection, QStringLiteral("contacts"), QStringLiteral("2"))->data, QByteArray("{\"v\":2}"));
    QCOMPARE(*store->cursor(connection, QStringLiteral("contacts")), QStringLiteral("b"));
}

void TestSqliteStore::executionsPageNewestFirst()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = makeConnection(*store);
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(store->startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts")).value());
    QVERIFY(store->finishExecution(ids.last(), ExecutionStatus::Failed, {3, 1, 2},
                                   Error{QStringLiteral("x"), QStringLiteral("boom")})
                .ok());
    const auto first = store->executions(connection, 3).value();
    QCOMPARE(first.size(), 3);
    QCOMPARE(first.first().id, ids.last());
    QCOMPARE(first.first().status, ExecutionStatus::Failed);
    QCOMPARE(first.first().errorMessage, QStringLiteral("boom"));
    QCOMPARE(first.first().recordCount, 3);
    const auto second = store->executions(connection, 3, first.last().id).value();
    QCOMPARE(second.size(), 2);
    QCOMPARE(second.last().id, ids.first());
    QCOMPARE(store->connection(connection)->lastSyncStatus, ExecutionStatus::Failed);
}

void TestSqliteStore::emptyObjectFilterFindsEveryFailedWrite()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = makeConnection(*store);
    const qint64 execution =
        store->startExecution(connection, QStringLiteral("write"), QStringLiteral("contacts")).value();
    WriteItem refused;
    refused.executionId = execution;
    refused.object = QStringLiteral("contacts");
    refused.key = QStringLiteral("user-1002");
    refused.operation = QStringLiteral("create");
    refused.status = QStringLiteral("failed");
    refused.errorCode = QStringLiteral("http.400");
    refused.payload = "{}";
    QVERIFY(store->addWriteItems(connection, {refused}).ok());

    // "Write failed records again" names no object: QString(), as the console passes it.
    const auto all = store->failedWriteItems(connection, QString());
    QVERIFY(all.ok());
    QCOMPARE(all->size(), 1);
    QCOMPARE(all->first().key, QStringLiteral("user-1002"));
    QCOMPARE(store->failedWriteItems(connection, QStringLiteral(""))->size(), 1);
    QCOMPARE(store->failedWriteItems(connection, QStringLiteral("contacts"))->size(), 1);
    QCOMPARE(store->failedWriteItems(connection, QStringLiteral("companies"))->size(), 0);
}

void TestSqliteStore::nullStringBindsAsEmptyText()
{
    auto store = openStore();
    QVERIFY(store);
    auto stmt = store->database().prepare(QStringLiteral("SELECT ?1 = '', ?1 IS NULL, ?2 IS NULL"));
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
    makeConnection(*store); // a write: the -wal and -shm files exist while the store is open

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
        makeConnection(*store);
    }
    // As an older Patchbay left it: readable by everyone.
    QVERIFY(QFile::setPermissions(m_path, kOwnerReadWrite | QFile::ReadGroup | QFile::ReadOther));
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(store->createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).ok());
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
        QCOMPARE(store.value()->database().userVersion(), Migrations::latestVersion());
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
        QCOMPARE(SqliteStore::open(path).value()->database().userVersion(), Migrations::latestVersion());
    }
}

void TestSqliteStore::nestedTransactionRollsBackOnlyItsPart()
{
    auto store = openStore();
    QVERIFY(store);
    SqliteTransaction outer(store->database());
    QVERIFY(outer.started().ok());
    QVERIFY(store->createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).ok());
    {
        SqliteTransaction inner(store->database());
        QVERIFY(inner.started().ok());
        QVERIFY(store->createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).ok());
    } // not committed: only globex goes
    {
        SqliteTransaction inner(store->database());
        QVERIFY(store->createTenant(QStringLiteral("initech"), QStringLiteral("Initech")).ok());
        QVERIFY(inner.commit().ok());
    }
    QVERIFY(outer.commit().ok());
    QStringList names;
    for (const Tenant &tenant : store->tenants().value())
        names.append(tenant.name);
    QCOMPARE(names, QStringList({QStringLiteral("acme"), QStringLiteral("initech")}));
}

void TestSqliteStore::runOfADeadOwnerIsInterruptedWithAnEvent()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = makeConnection(*store);
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    const ExecutionLease lease{QStringLiteral("worker-7 pid 4242 start 1f"), now.addSecs(90)};
    const qint64 execution =
        store->startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts"), lease).value();
    QVERIFY(store
                ->commitPage(connection, QStringLiteral("contacts"), execution,
                             {{QStringLiteral("1"), "{\"id\":\"1\"}", {}}}, QStringLiteral("{\"after\":\"1\"}"))
                .ok());

    // Its process was killed: the lease is never renewed, and a sweep after it ran out closes the run.
    QCOMPARE(store->interruptAbandonedExecutions(now.addSecs(60)).value(), QList<qint64>());
    QCOMPARE(store->execution(execution)->status, ExecutionStatus::Running);
    QCOMPARE(store->interruptAbandonedExecutions(now.addSecs(91)).value(), QList<qint64>{execution});

    const Execution closed = store->execution(execution).value();
    QCOMPARE(closed.status, ExecutionStatus::Interrupted);
    QCOMPARE(closed.errorCode, QStringLiteral("sync.interrupted"));
    QCOMPARE(closed.finishedAt, now.addSecs(91));
    const QList<Event> events = store->events(execution).value();
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.last().level, EventLevel::Error);
    QVERIFY2(events.last().message.contains(QStringLiteral("worker-7 pid 4242")), qPrintable(events.last().message));
    QVERIFY(events.last().message.contains(QStringLiteral("stored cursor")));
    QCOMPARE(store->connection(connection)->lastSyncStatus, ExecutionStatus::Interrupted);
    // What it stored stays, and the next run starts from there.
    QCOMPARE(*store->cursor(connection, QStringLiteral("contacts")), QStringLiteral("{\"after\":\"1\"}"));
    QCOMPARE(store->recordCount(connection, QStringLiteral("contacts")), 1);
    // Once.
    QCOMPARE(store->interruptAbandonedExecutions(now.addSecs(500)).value(), QList<qint64>());
    QCOMPARE(store->events(execution)->size(), events.size());
}

void TestSqliteStore::runsOfALiveOwnerAreKept()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = makeConnection(*store);
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    const qint64 dead = store
                            ->startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts"),
                                             {QStringLiteral("gone pid 1 start a"), now.addSecs(-1)})
                            .value();
    const qint64 live = store
                            ->startExecution(connection, QStringLiteral("read"), QStringLiteral("companies"),
                                             {QStringLiteral("other pid 2 start b"), now.addSecs(30)})
                            .value();
    // No lease (a run written by hand, as the demo data does): never taken for abandoned.
    const qint64 unowned = store->startExecution(connection, QStringLiteral("read"), QStringLiteral("deals")).value();

    QCOMPARE(store->interruptAbandonedExecutions(now).value(), QList<qint64>{dead});
    QCOMPARE(store->execution(live)->status, ExecutionStatus::Running);
    QCOMPARE(store->events(live)->size(), 0);
    QCOMPARE(store->execution(unowned)->status, ExecutionStatus::Running);
}

void TestSqliteStore::renewedLeaseKeepsARunAlive()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = makeConnection(*store);
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    const QString owner = QStringLiteral("me pid 3 start c");
    const qint64 execution =
        store->startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts"), {owner, now.addSecs(90)})
            .value();
    QVERIFY(store->renewExecutionLeases(owner, now.addSecs(180)).ok());
    QVERIFY(store->interruptAbandonedExecutions(now.addSecs(120))->isEmpty());
    // Another owner's renewal is not this run's.
    QVERIFY(store->renewExecutionLeases(QStringLiteral("someone else"), now.addSecs(900)).ok());
    QCOMPARE(store->interruptAbandonedExecutions(now.addSecs(181)).value(), QList<qint64>{execution});
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
    QCOMPARE(store->interruptAbandonedExecutions(QDateTime::currentDateTimeUtc()).value(), QList<qint64>{1});
    QCOMPARE(store->execution(1)->status, ExecutionStatus::Interrupted);
}

void TestSqliteStore::webhookEventsAreKeptPerConnection()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 first = makeConnection(*store);
    Connection other;
    other.tenantId = store->createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).value();
    other.provider = QStringLiteral("hubspot");
    other.displayName = QStringLiteral("Globex HubSpot");
    const qint64 second = store->createConnection(other).value();

    QCOMPARE(store->recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), first, 0).value(), true);
    QVERIFY(store->webhookEventSeen(first, QStringLiteral("hubspot"), QStringLiteral("evt-1")));
    // Another tenant's event with the same id is its own.
    QVERIFY(!store->webhookEventSeen(second, QStringLiteral("hubspot"), QStringLiteral("evt-1")));
    QCOMPARE(store->recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), second, 0).value(), true);
    QCOMPARE(store->recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), first, 0).value(), false);
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
    QCOMPARE(store->database().userVersion(), Migrations::latestVersion());
    QVERIFY(store->webhookEventSeen(7, QStringLiteral("hubspot"), QStringLiteral("evt-1")));
    QVERIFY(!store->webhookEventSeen(8, QStringLiteral("hubspot"), QStringLiteral("evt-1")));
    QCOMPARE(store->recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), 8, 0).value(), true);
}

void TestSqliteStore::webhookRejectionsAreCountedPerSource()
{
    auto store = openStore();
    QVERIFY(store);
    WebhookRejection call;
    call.provider = QStringLiteral("github");
    call.source = QStringLiteral("203.0.113.9");
    call.lastReason = QStringLiteral("its signature does not match");
    call.lastSize = 1024;
    call.lastBodySha256 = QStringLiteral("ab");
    for (int i = 0; i < 3; ++i)
        QVERIFY(store->recordWebhookRejection(call).ok());
    call.source = QStringLiteral("198.51.100.4");
    QVERIFY(store->recordWebhookRejection(call).ok());
    const QList<WebhookRejection> rows = store->webhookRejections(QStringLiteral("github")).value();
    QCOMPARE(rows.size(), 2);
    QMap<QString, qint64> counts;
    for (const WebhookRejection &row : rows)
        counts.insert(row.source, row.count);
    QCOMPARE(counts.value(QStringLiteral("203.0.113.9")), 3);
    QCOMPARE(counts.value(QStringLiteral("198.51.100.4")), 1);
}

QTEST_GUILESS_MAIN(TestSqliteStore)
#include "TestSqliteStore.moc"
