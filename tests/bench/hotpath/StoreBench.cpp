// What the change log costs a read: RecordStore::commitPage per page of 100 mapped records, against what a page cost
// before the log (its statements replayed on a database of the same schema), in the same process:
//     hotpath_store_bench [PAGES]                                                           (default 200)
// Three passes over the same records: the first read (every record created and logged), a re-read of unchanged
// records (nothing logged) and a read of changed ones (every record updated and logged). Pages of the store and of
// the reference alternate, so a busy machine slows both alike: read the ratios.
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteStore.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace patchbay;

namespace {

constexpr int kPageSize = 100;

using Timer = std::chrono::steady_clock;

// A mapped contact as the crm-contacts mapping makes it, about 150 bytes.
QList<StoredRecord> pageOf(int page, int version)
{
    QList<StoredRecord> records;
    for (int i = 0; i < kPageSize; ++i) {
        const QString id = QString::number(page * kPageSize + i);
        const QString data = QStringLiteral("{\"id\":\"%1\",\"email\":\"person%1@example.com\",\"name\":\"Person %1 "
                                            "Example\",\"company\":\"Example Ltd\",\"score\":%2}")
                                 .arg(id)
                                 .arg(version);
        records.append(StoredRecord{id, data.toUtf8(), QStringLiteral("2026-03-01T12:00:00Z")});
    }
    return records;
}

// commitPage's statements before the change log: upsert each record and resolve its failure, then the cursor.
bool commitWithoutLog(SqliteDatabase &db, const QList<StoredRecord> &records, qint64 executionId, qint64 now)
{
    SqliteTransaction transaction(db);
    if (!transaction.started())
        return false;
    for (const StoredRecord &record : records) {
        SqliteStatement upsert = db.prepare(QStringLiteral(
            "INSERT INTO records (connection_id, tenant_id, object, record_id, data, updated_at, execution_id, "
            "stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (connection_id, object, record_id) DO "
            "UPDATE SET data = excluded.data, updated_at = excluded.updated_at, execution_id = excluded.execution_id, "
            "stored_at = excluded.stored_at"));
        upsert.bind(1, qint64(1)).bind(2, qint64(1)).bind(3, QStringLiteral("contacts")).bind(4, record.recordId);
        upsert.bind(5, QString::fromUtf8(record.data)).bind(6, record.updatedAt).bind(7, executionId).bind(8, now);
        if (!upsert.exec())
            return false;
        SqliteStatement resolve = db.prepare(QStringLiteral(
            "UPDATE failed_records SET resolved_at = ?4, resolved_execution_id = ?5 WHERE connection_id = ?1 AND "
            "object = ?2 AND record_id = ?3 AND resolved_at IS NULL"));
        resolve.bind(1, qint64(1)).bind(2, QStringLiteral("contacts")).bind(3, record.recordId).bind(4, now);
        if (!resolve.bind(5, executionId).exec())
            return false;
    }
    SqliteStatement cursor = db.prepare(QStringLiteral(
        "INSERT INTO cursors (connection_id, tenant_id, object, value, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON "
        "CONFLICT (connection_id, object) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"));
    cursor.bind(1, qint64(1)).bind(2, qint64(1)).bind(3, QStringLiteral("contacts")).bind(4, QStringLiteral("c"));
    if (!cursor.bind(5, now).exec())
        return false;
    return transaction.commit().ok();
}

// A store with tenant 1, connection 1 and execution 1, as the reference's rows name them.
std::unique_ptr<SqliteStore> openStore(const QString &path)
{
    auto store = SqliteStore::open(path);
    if (!store)
        return nullptr;
    Connection connection;
    connection.tenantId = store.value()->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = QStringLiteral("Acme HubSpot");
    const qint64 connectionId = store.value()->tenants().createConnection(connection).value();
    if (!store.value()->executions().startExecution(connectionId, QStringLiteral("read"), QStringLiteral("contacts")))
        return nullptr;
    return std::move(store).value();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int pages = argc > 1 ? std::atoi(argv[1]) : 200;
    QTemporaryDir dir;
    auto store = openStore(dir.filePath(QStringLiteral("logged.db")));
    auto referenceStore = openStore(dir.filePath(QStringLiteral("reference.db")));
    if (pages <= 0 || !store || !referenceStore) {
        std::fprintf(stderr, "usage: hotpath_store_bench [PAGES]; the stores must open in a temporary folder\n");
        return 2;
    }
    auto reference = SqliteDatabase::open(referenceStore->path());
    if (!reference)
        return 2;

    std::printf("%-10s %8s %16s %16s %7s\n", "pass", "records", "commitPage us/rec", "before log us/rec", "ratio");
    const struct
    {
        const char *name;
        int version;
    } passes[] = {{"created", 1}, {"unchanged", 1}, {"updated", 2}};
    for (const auto &pass : passes) {
        Timer::duration logged{};
        Timer::duration bare{};
        for (int page = 0; page < pages; ++page) {
            const QList<StoredRecord> records = pageOf(page, pass.version);
            const auto start = Timer::now();
            if (!commitWithoutLog(*reference.value(), records, 1, QDateTime::currentMSecsSinceEpoch()))
                return 1;
            const auto middle = Timer::now();
            if (!store->records().commitPage(1, QStringLiteral("contacts"), 1, records, QStringLiteral("c")))
                return 1;
            bare += middle - start;
            logged += Timer::now() - middle;
        }
        const double count = double(pages) * kPageSize;
        const double loggedUs = std::chrono::duration<double, std::micro>(logged).count() / count;
        const double bareUs = std::chrono::duration<double, std::micro>(bare).count() / count;
        std::printf("%-10s %8.0f %16.2f %16.2f %6.2fx\n", pass.name, count, loggedUs, bareUs, loggedUs / bareUs);
    }
    return 0;
}
