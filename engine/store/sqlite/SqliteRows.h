#pragma once

// What every SQLite concern of the store shares: binding values to ?1, ?2, ... in order, reading a row's columns left
// to right into the engine's types, and the statements' usual shapes (run, insert, select all, select one).

#include "core/Clock.h"
#include "core/Exchange.h"
#include "core/Executions.h"
#include "core/MappingVersion.h"
#include "core/Tenancy.h"
#include "core/Result.h"
#include "store/sqlite/SqliteDatabase.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include <optional>
#include <type_traits>

namespace patchbay::sqlite {

QString toJson(const QJsonObject &object);
QString toJson(const QJsonArray &array);
QString toJson(const HeaderList &headers);

// For nullable text columns: an empty value is stored as NULL ("not known").
QVariant textOrNull(const QString &text);
// For nullable id columns: 0 (none) is stored as NULL.
QVariant idOrNull(qint64 id);

Error notFound(const char *what, qint64 id);

// Reads one row's columns in order, so a row reader names no column number. Readers select the columns in the order of
// their type's fields and brace-initialise it: braced initialisers are evaluated left to right.
class SqliteRow
{
public:
    explicit SqliteRow(const SqliteStatement &stmt) : m_stmt(stmt) {}

    qint64 int64() { return m_stmt.int64(m_column++); } // NULL reads as 0
    int integer() { return static_cast<int>(int64()); }
    bool boolean() { return int64() != 0; }
    QString text() { return m_stmt.text(m_column++); }
    QByteArray utf8() { return text().toUtf8(); } // a text column holding JSON, as bytes
    QByteArray blob() { return m_stmt.blob(m_column++); }
    QDateTime time() { return m_stmt.time(m_column++); }
    QJsonObject object();
    QJsonArray array();
    HeaderList headers();

private:
    const SqliteStatement &m_stmt;
    int m_column = 0;
};

inline void bindValue(SqliteStatement &stmt, int index, const QJsonObject &object)
{
    stmt.bind(index, toJson(object));
}
inline void bindValue(SqliteStatement &stmt, int index, const QJsonArray &array)
{
    stmt.bind(index, toJson(array));
}
inline void bindValue(SqliteStatement &stmt, int index, const HeaderList &headers)
{
    stmt.bind(index, toJson(headers));
}
inline void bindValue(SqliteStatement &stmt, int index, const std::optional<qint64> &value)
{
    stmt.bind(index, value ? QVariant(*value) : QVariant());
}
template <typename T> void bindValue(SqliteStatement &stmt, int index, const T &value)
{
    stmt.bind(index, value);
}

// Prepares sql with values bound to ?1, ?2, ... in order.
template <typename... Values> SqliteStatement prepare(SqliteDatabase &db, const QString &sql, const Values &...values)
{
    SqliteStatement stmt = db.prepare(sql);
    int index = 0;
    (bindValue(stmt, ++index, values), ...);
    return stmt;
}

template <typename... Values> Result<void> run(SqliteDatabase &db, const QString &sql, const Values &...values)
{
    return prepare(db, sql, values...).exec();
}

// The new row's id.
template <typename... Values> Result<qint64> insert(SqliteDatabase &db, const QString &sql, const Values &...values)
{
    if (auto result = run(db, sql, values...); !result)
        return result.error();
    return db.lastInsertId();
}

// Whether the statement changed a row.
template <typename... Values> Result<bool> changed(SqliteDatabase &db, const QString &sql, const Values &...values)
{
    if (auto result = run(db, sql, values...); !result)
        return result.error();
    return db.changes() > 0;
}

template <typename Read> using RowType = std::invoke_result_t<Read, SqliteRow &>;

// Every row of a prepared statement, each through read(SqliteRow &).
template <typename Read> Result<QList<RowType<Read>>> readAll(SqliteStatement &stmt, Read read)
{
    QList<RowType<Read>> rows;
    while (stmt.next()) {
        SqliteRow row(stmt);
        rows.append(read(row));
    }
    if (stmt.error())
        return *stmt.error();
    return rows;
}

// Every row, each through read(SqliteRow &). The statement is reset before this returns, so it holds no snapshot.
template <typename Read, typename... Values>
Result<QList<RowType<Read>>> selectAll(SqliteDatabase &db, const QString &sql, Read read, const Values &...values)
{
    SqliteStatement stmt = prepare(db, sql, values...);
    return readAll(stmt, read);
}

// The same with values known only at run time (a statement whose conditions depend on a filter).
template <typename Read>
Result<QList<RowType<Read>>> selectAllOf(SqliteDatabase &db, const QString &sql, Read read, const QVariantList &values)
{
    SqliteStatement stmt = db.prepare(sql);
    for (qsizetype i = 0; i < values.size(); ++i)
        stmt.bind(int(i) + 1, values.at(i));
    return readAll(stmt, read);
}

// The first row, if there is one.
template <typename Read, typename... Values>
Result<std::optional<RowType<Read>>> selectOne(SqliteDatabase &db, const QString &sql, Read read,
                                               const Values &...values)
{
    SqliteStatement stmt = prepare(db, sql, values...);
    if (!stmt.next()) {
        if (stmt.error())
            return *stmt.error();
        return std::optional<RowType<Read>>();
    }
    SqliteRow row(stmt);
    return std::optional<RowType<Read>>(read(row));
}

// A row that must be there: its absence is the error given.
template <typename T> Result<T> required(Result<std::optional<T>> row, const Error &missing)
{
    if (!row)
        return row.error();
    if (!row.value())
        return missing;
    return std::move(*row.value());
}

// A row that may be missing, where a failed read counts as missing too.
template <typename T> std::optional<T> ifFound(Result<std::optional<T>> row)
{
    return row ? std::move(row.value()) : std::nullopt;
}

// Runs work (returning a Result) in a transaction, committed when it succeeds and rolled back when it fails.
template <typename Work> std::invoke_result_t<Work> inTransaction(SqliteDatabase &db, Work work)
{
    SqliteTransaction transaction(db);
    if (!transaction.started())
        return transaction.started().error();
    auto result = work();
    if (!result)
        return result;
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return result;
}

// The columns of a connection, an execution and a mapping version, and their readers, for every concern that lists them.
// (Inline, so that other files' constants built from them are initialised after them.)
inline const QString kExecutionColumns = QStringLiteral(
    "id, tenant_id, connection_id, kind, object, status, started_at, finished_at, record_count, failed_record_count, "
    "page_count, request_count, error_code, error_message");
Execution readExecution(SqliteRow &row);
inline const QString kConnectionColumns =
    QStringLiteral("id, tenant_id, provider, display_name, config, status, status_message, created_at, last_sync_at, "
                   "last_sync_status, integration, environment");
Connection readConnection(SqliteRow &row);
inline const QString kMappingVersionColumns =
    QStringLiteral("id, level, scope, integration, object, direction, version, overrides, author, reason, created_at");
MappingVersion readMappingVersion(SqliteRow &row);

// The tenant a connection or an execution belongs to, which every row that names one carries too.
Result<qint64> tenantOfConnection(SqliteDatabase &db, qint64 connectionId);
Result<qint64> tenantOfExecution(SqliteDatabase &db, qint64 executionId);

// A concern of the SQLite store: the shared connection and the store's clock.
class SqliteConcern
{
public:
    SqliteConcern(SqliteDatabase &db, const Clock &clock) : m_db(db), m_clock(clock) {}

protected:
    QDateTime now() const { return m_clock.now(); }

    SqliteDatabase &m_db;

private:
    const Clock &m_clock;
};

} // namespace patchbay::sqlite
