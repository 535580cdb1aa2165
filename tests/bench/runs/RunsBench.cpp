// The console's Runs query across tenants at scale: ExecutionStore::findExecutions (what OpsApi::findExecutions runs
// on LocalOps' store thread) for each filter, its first page and a page far back, against the same SQL with the same
// values run bare by the sqlite3 shell on the same file:
//     runs_bench [EXECUTIONS] [EVENTS_PER_EXECUTION] [DATABASE]                 (default 1000000 1, a temp file)
// Then the health report's query (ExecutionStore::connectionActivity) over every connection.
// Seeding is one transaction of prepared inserts (SQLite's fastest way in), 200 tenants of 10 connections each.
// Each time is the best of several runs, so that a busy machine disturbs both sides alike: read the ratios.
#include "core/ExecutionQuery.h"
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteExecutionStore.h"
#include "store/sqlite/SqliteStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace patchbay;

namespace {

constexpr int kTenants = 200;
constexpr int kConnectionsPerTenant = 10;
constexpr int kRepeats = 5;

// splitmix64's finaliser: neighbouring inputs give unrelated outputs.
quint64 mixed(quint64 value)
{
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

bool fail(const QString &what)
{
    std::fprintf(stderr, "runs_bench: %s\n", qPrintable(what));
    return false;
}

// Tenants and connections through the store, then the executions and their events through one transaction.
bool seed(const QString &path, qint64 executions, int eventsPerExecution)
{
    auto store = SqliteStore::open(path);
    if (!store)
        return fail(store.error().toString());
    QList<std::pair<qint64, qint64>> connections; // (tenant, connection)
    for (int t = 0; t < kTenants; ++t) {
        auto tenant = store.value()->tenants().createTenant(QStringLiteral("tenant-%1").arg(t),
                                                            QStringLiteral("Tenant %1").arg(t));
        if (!tenant)
            return fail(tenant.error().toString());
        for (int c = 0; c < kConnectionsPerTenant; ++c) {
            Connection connection;
            connection.tenantId = tenant.value();
            connection.provider = c % 2 ? QStringLiteral("salesforce") : QStringLiteral("hubspot");
            connection.displayName = QStringLiteral("Tenant %1 CRM %2").arg(t).arg(c);
            auto id = store.value()->tenants().createConnection(connection);
            if (!id)
                return fail(id.error().toString());
            connections.append({tenant.value(), id.value()});
        }
    }
    auto opened = SqliteDatabase::open(path);
    if (!opened)
        return fail(opened.error().toString());
    SqliteDatabase &db = *opened.value();
    // The indexes of the two tables are dropped while the rows go in and made again after (sorting a million keys
    // once is far quicker than inserting them one by one), from their own definitions, so the schema stays the
    // migrations' own.
    QStringList indexes;
    {
        SqliteStatement list = db.prepare(QStringLiteral(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('executions', 'events') "
            "AND sql IS NOT NULL"));
        QStringList names;
        while (list.next()) {
            names.append(list.text(0));
            indexes.append(list.text(1));
        }
        for (const QString &name : std::as_const(names)) {
            if (auto dropped = db.exec(QStringLiteral("DROP INDEX ") + name); !dropped)
                return fail(dropped.error().toString());
        }
    }
    if (auto tuned = db.exec(QStringLiteral("PRAGMA cache_size = -262144")); !tuned) // 256 MiB
        return fail(tuned.error().toString());
    SqliteTransaction transaction(db);
    if (!transaction.started())
        return fail(transaction.started().error().toString());
    const qint64 start = QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    const QStringList kinds{QStringLiteral("read"), QStringLiteral("read"), QStringLiteral("read"),
                            QStringLiteral("write"), QStringLiteral("refresh"), QStringLiteral("webhook"),
                            QStringLiteral("read"), QStringLiteral("backfill")};
    for (qint64 i = 0; i < executions; ++i) {
        // A spread like a real one: mostly successes, a few failures, rarer partial failures and interruptions.
        // Connection, kind and outcome each from its own bits of a mixed hash, so that they do not go together.
        const quint64 hash = mixed(quint64(i));
        const auto [tenant, connection] = connections.at(int(hash % quint64(connections.size())));
        const QString &kind = kinds.at(int((hash >> 20) % quint64(kinds.size())));
        const int roll = int((hash >> 40) % 1000);
        const bool failed = roll < 60;
        const bool partial = roll >= 60 && roll < 80;
        const bool interrupted = roll >= 80 && roll < 90;
        const QString status = failed ? QStringLiteral("failed")
                                      : interrupted ? QStringLiteral("interrupted") : QStringLiteral("succeeded");
        const qint64 startedAt = start + i * 30000;
        SqliteStatement insert = db.prepare(QStringLiteral(
            "INSERT INTO executions (tenant_id, connection_id, kind, object, status, started_at, finished_at, "
            "record_count, page_count, request_count, failed_record_count, error_code, error_message) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
        insert.bind(1, tenant).bind(2, connection).bind(3, kind).bind(4, QStringLiteral("contacts"));
        insert.bind(5, status).bind(6, startedAt).bind(7, startedAt + 1500 + roll * 10);
        insert.bind(8, qint64(roll)).bind(9, qint64(1 + roll % 5)).bind(10, qint64(1 + roll % 7));
        insert.bind(11, qint64(partial ? 1 + roll % 200 : 0));
        insert.bind(12, failed ? QVariant(roll % 2 ? QStringLiteral("sync.provider_error")
                                                   : QStringLiteral("http.rate_limited"))
                               : QVariant());
        insert.bind(13, failed ? QVariant(roll % 2 ? QStringLiteral("HubSpot answered 502 twice")
                                                   : QStringLiteral("Daily API quota exceeded"))
                               : QVariant());
        if (auto done = insert.exec(); !done)
            return fail(done.error().toString());
        const qint64 executionId = db.lastInsertId();
        for (int e = 0; e < eventsPerExecution; ++e) {
            SqliteStatement event = db.prepare(QStringLiteral(
                "INSERT INTO events (tenant_id, execution_id, time, level, message) VALUES (?1, ?2, ?3, ?4, ?5)"));
            event.bind(1, tenant).bind(2, executionId).bind(3, startedAt + e * 100);
            event.bind(4, e + 1 == eventsPerExecution && failed ? QStringLiteral("error") : QStringLiteral("info"));
            event.bind(5, QStringLiteral("Committed page %1: %2 records").arg(e + 1).arg(roll));
            if (auto done = event.exec(); !done)
                return fail(done.error().toString());
        }
    }
    for (const QString &index : std::as_const(indexes)) {
        if (auto made = db.exec(index); !made)
            return fail(made.error().toString());
    }
    if (auto committed = transaction.commit(); !committed)
        return fail(committed.error().toString());
    return db.exec(QStringLiteral("ANALYZE")).ok();
}

// The statement with its values written in, as one would type it into the sqlite3 shell.
QString literalSql(const SqliteExecutionStore::Query &query)
{
    QString sql = query.sql;
    for (qsizetype i = query.values.size(); i >= 1; --i) { // ?10 before ?1
        const QVariant &value = query.values.at(i - 1);
        QString literal;
        if (value.typeId() == QMetaType::QString)
            literal = QLatin1Char('\'') + value.toString().replace(QLatin1String("'"), QLatin1String("''"))
                + QLatin1Char('\'');
        else if (value.typeId() == QMetaType::QDateTime)
            literal = QString::number(value.toDateTime().toMSecsSinceEpoch());
        else
            literal = QString::number(value.toLongLong());
        sql.replace(QStringLiteral("?%1").arg(i), literal);
    }
    return sql;
}

// The wall time of a sqlite3 shell process on the database running the script, in ms; -1 when it failed.
double shellMs(const QString &path, const QString &script)
{
    QProcess shell;
    QElapsedTimer timer;
    timer.start();
    shell.start(QStringLiteral("sqlite3"), {QStringLiteral("-readonly"), path});
    if (!shell.waitForStarted())
        return -1;
    shell.write(script.toUtf8());
    shell.closeWriteChannel();
    if (!shell.waitForFinished(600000) || shell.exitCode() != 0)
        return -1;
    return double(timer.nsecsElapsed()) / 1e6;
}

// The statement's time in the sqlite3 shell, in ms: the shell runs it `times` times (its rows to /dev/null), less
// what the shell takes to start and open the file, divided by the times; the best of three.
double bareMs(const QString &path, const QString &sql, int times)
{
    QString script = QStringLiteral(".output /dev/null\n");
    for (int i = 0; i < times; ++i)
        script += sql + QStringLiteral(";\n");
    double best = -1;
    for (int round = 0; round < 3; ++round) {
        const double idle = shellMs(path, QStringLiteral(".output /dev/null\nSELECT 1;\n"));
        const double busy = shellMs(path, script);
        if (idle < 0 || busy < 0)
            return -1;
        const double each = std::max(0.0, busy - idle) / times;
        best = best < 0 ? each : std::min(best, each);
    }
    return best;
}

// The best time of findExecutions, in ms, and the rows it gave.
std::pair<double, qsizetype> engineMs(ExecutionStore &executions, const ExecutionFilter &filter)
{
    double best = -1;
    qsizetype rows = -1;
    for (int i = 0; i < kRepeats; ++i) {
        QElapsedTimer timer;
        timer.start();
        auto found = executions.findExecutions(filter);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (!found)
            return {-1, 0};
        rows = found->size();
        best = best < 0 ? ms : std::min(best, ms);
    }
    return {best, rows};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 executions = argc > 1 ? std::atoll(argv[1]) : 1000000;
    const int eventsPerExecution = argc > 2 ? std::atoi(argv[2]) : 1;
    QTemporaryDir dir;
    const QString path = argc > 3 ? QString::fromLocal8Bit(argv[3]) : dir.filePath(QStringLiteral("runs.db"));
    if (!QFileInfo::exists(path)) {
        QElapsedTimer seeding;
        seeding.start();
        if (!seed(path, executions, eventsPerExecution))
            return 1;
        std::printf("seeded %lld executions, %lld events in %.1f s (%.0f MB)\n", static_cast<long long>(executions),
                    static_cast<long long>(executions * eventsPerExecution), double(seeding.elapsed()) / 1000,
                    double(QFileInfo(path).size()) / 1e6);
    }
    auto store = SqliteStore::open(path);
    if (!store) {
        fail(store.error().toString());
        return 1;
    }
    ExecutionStore &executionStore = store.value()->executions();
    const auto maxId = executionStore.findExecutions(ExecutionFilter{});
    if (!maxId || maxId->isEmpty()) {
        fail(QStringLiteral("the database has no executions"));
        return 1;
    }
    const qint64 newest = maxId->first().execution.id;

    struct Case
    {
        const char *name;
        ExecutionFilter filter;
    };
    QList<Case> cases;
    cases.append(Case{"all tenants", ExecutionFilter{}});
    ExecutionFilter tenant;
    tenant.tenantId = kTenants / 2;
    cases.append(Case{"one tenant", tenant});
    ExecutionFilter connection;
    connection.connectionId = kTenants * kConnectionsPerTenant / 3;
    cases.append(Case{"one connection", connection});
    ExecutionFilter writes;
    writes.kind = QStringLiteral("write");
    cases.append(Case{"kind=write", writes});
    ExecutionFilter failed;
    failed.outcome = ExecutionOutcome::Failed;
    cases.append(Case{"outcome=failed", failed});
    ExecutionFilter partial;
    partial.outcome = ExecutionOutcome::Partial;
    cases.append(Case{"outcome=partial", partial});
    ExecutionFilter tenantFailed = tenant;
    tenantFailed.outcome = ExecutionOutcome::Failed;
    cases.append(Case{"tenant+failed", tenantFailed});
    ExecutionFilter text;
    text.text = QStringLiteral("quota");
    cases.append(Case{"text=quota (walk)", text});

    std::printf("%-18s %-6s %6s %12s %12s %7s\n", "filter", "page", "rows", "engine ms", "sqlite3 ms", "ratio");
    for (const Case &each : std::as_const(cases)) {
        for (const bool far : {false, true}) {
            ExecutionFilter filter = each.filter;
            if (far)
                filter.beforeId = std::max<qint64>(2, newest / 100); // the oldest 1%: paging far back
            const auto [engine, rows] = engineMs(executionStore, filter);
            // Enough runs that the shell's start-up is small beside them.
            const int times = std::clamp(int(200 / std::max(engine, 0.01)), 5, 2000);
            const double bare = bareMs(path, literalSql(SqliteExecutionStore::findExecutionsQuery(filter)), times);
            std::printf("%-18s %-6s %6lld %12.3f %12.3f %7.2f\n", each.name, far ? "far" : "first",
                        static_cast<long long>(rows), engine, bare, bare > 0 ? engine / bare : 0.0);
        }
    }
    // The health report's query: every connection's last sync and its failures of the last 24 hours of the seeded
    // span, a few index searches per connection.
    const QDateTime lastDay = QDateTime::fromMSecsSinceEpoch(maxId->first().execution.startedAt.toMSecsSinceEpoch())
                                  .addDays(-1);
    double best = -1;
    qsizetype connections = 0;
    for (int i = 0; i < kRepeats; ++i) {
        QElapsedTimer timer;
        timer.start();
        auto activity = executionStore.connectionActivity(lastDay);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (!activity) {
            fail(activity.error().toString());
            return 1;
        }
        connections = activity->size();
        best = best < 0 ? ms : std::min(best, ms);
    }
    std::printf("health of %lld connections: %.1f ms (%.3f ms each)\n", static_cast<long long>(connections), best,
                connections ? best / double(connections) : 0.0);
    return 0;
}
