#include "store/Migrations.h"
#include "store/SqliteDatabase.h"
#include "store/SqliteStore.h"

#include <QTemporaryDir>
#include <QVariant>
#include <QtTest>

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
    // The schema before webhook events were kept per connection (migration 6 changed that).
    constexpr int kBeforePerConnectionEvents = 5;
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
