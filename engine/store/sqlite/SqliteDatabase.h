#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QVariant>

#include <functional>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace patchbay {

class SqliteDatabase;

// A prepared statement, owned by the database's cache; reset on destruction of the handle.
class SqliteStatement
{
public:
    SqliteStatement(SqliteDatabase *db, sqlite3_stmt *stmt) : m_db(db), m_stmt(stmt) {}
    SqliteStatement(SqliteStatement &&other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;
    ~SqliteStatement();

    // Parameters are 1-based (?1, ?2, ...). An invalid QVariant binds NULL; a QString always binds text (a null
    // QString binds ''), so an empty filter compares equal to ''.
    SqliteStatement &bind(int index, const QVariant &value);
    SqliteStatement &bind(int index, qint64 value);
    SqliteStatement &bind(int index, const QString &value);
    SqliteStatement &bind(int index, const QByteArray &blob);
    SqliteStatement &bind(int index, const QDateTime &time); // stored as ms since epoch, NULL when invalid

    // Steps once; true when a row is available. Errors are reported through error().
    bool next();
    Result<void> exec(); // steps to completion

    qint64 int64(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    QDateTime time(int column) const;
    bool isNull(int column) const;

    const std::optional<Error> &error() const { return m_error; }

private:
    SqliteDatabase *m_db;
    sqlite3_stmt *m_stmt;
    std::optional<Error> m_error;
};

// RAII wrapper over one sqlite3 connection: WAL, prepared statement cache, explicit transactions.
// One instance per thread; several instances may open the same file.
class SqliteDatabase
{
public:
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase &) = delete;
    SqliteDatabase &operator=(const SqliteDatabase &) = delete;

    static Result<std::unique_ptr<SqliteDatabase>> open(const QString &path);

    Result<void> exec(const QString &sql);
    SqliteStatement prepare(const QString &sql);
    qint64 lastInsertId() const;
    int changes() const;
    QString path() const { return m_path; }

    int userVersion();
    Result<void> setUserVersion(int version);

    // Transactions nest: the outermost is BEGIN IMMEDIATE (it takes the write lock at once, so it cannot fail
    // half-way on a lock), inner ones are savepoints, so a set-up that spans several store calls commits as one.
    Result<void> begin();
    Result<void> commit();
    void rollback();

    // Test hook: called before each statement executes; a returned Error makes that statement fail.
    using FailureHook = std::function<std::optional<Error>(const QString &sql)>;
    void setFailureHook(FailureHook hook) { m_failureHook = std::move(hook); }

    Error lastError(const char *code) const;

private:
    friend class SqliteStatement;
    SqliteDatabase(sqlite3 *db, QString path) : m_db(db), m_path(std::move(path)) {}
    std::optional<Error> injectedFailure(sqlite3_stmt *stmt) const;

    sqlite3 *m_db;
    QString m_path;
    QHash<QString, sqlite3_stmt *> m_cache;
    FailureHook m_failureHook;
    int m_depth = 0; // open transactions: 1 is the outermost
};

// Commits on commit(), rolls back when it goes out of scope without one.
class SqliteTransaction
{
public:
    explicit SqliteTransaction(SqliteDatabase &db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction &) = delete;
    SqliteTransaction &operator=(const SqliteTransaction &) = delete;

    const Result<void> &started() const { return m_started; }
    Result<void> commit();

private:
    SqliteDatabase &m_db;
    Result<void> m_started;
    bool m_done = false;
};

} // namespace patchbay
