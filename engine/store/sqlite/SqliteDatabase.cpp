#include "SqliteDatabase.h"

#include "core/Logging.h"
#include "core/PrivateFiles.h"

#include <QDir>
#include <QFileInfo>
#include <QTimeZone>

#include <tuple>

#include <sqlite3.h>

namespace patchbay {

namespace {

// How long a statement waits for another process's write lock (a migration, a page commit) before it fails.
constexpr int kBusyTimeoutMs = 10000;
constexpr int kBusyRetryMs = 10;

bool isBusy(int code)
{
    return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
}

} // namespace

SqliteStatement::~SqliteStatement()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
}

SqliteStatement &SqliteStatement::bind(int index, const QVariant &value)
{
    if (!m_stmt)
        return *this;
    if (value.isNull()) {
        sqlite3_bind_null(m_stmt, index);
        return *this;
    }
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::Bool: return bind(index, value.toLongLong());
    case QMetaType::QByteArray: return bind(index, value.toByteArray());
    case QMetaType::QDateTime: return bind(index, value.toDateTime());
    default: return bind(index, value.toString());
    }
}

SqliteStatement &SqliteStatement::bind(int index, qint64 value)
{
    if (m_stmt)
        sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, const QString &value)
{
    if (!m_stmt)
        return *this;
    // A QString is text, null or not: QString() and "" are the same value to every caller (a filter left empty, an
    // optional field not given), and SQL NULL would make "?2 = ''" false. NULL is asked for with QVariant().
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, const QByteArray &blob)
{
    if (!m_stmt)
        return *this;
    if (blob.isNull())
        sqlite3_bind_null(m_stmt, index);
    else
        sqlite3_bind_blob(m_stmt, index, blob.constData(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, const QDateTime &time)
{
    if (!m_stmt)
        return *this;
    if (time.isValid())
        sqlite3_bind_int64(m_stmt, index, time.toMSecsSinceEpoch());
    else
        sqlite3_bind_null(m_stmt, index);
    return *this;
}

bool SqliteStatement::next()
{
    if (!m_stmt || m_error)
        return false;
    if (auto failure = m_db->injectedFailure(m_stmt)) {
        m_error = failure;
        return false;
    }
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        m_error = m_db->lastError("store.query_failed");
    return false;
}

Result<void> SqliteStatement::exec()
{
    if (!m_stmt)
        return m_error ? *m_error : m_db->lastError("store.prepare_failed");
    while (next()) {
    }
    if (m_error)
        return *m_error;
    return {};
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

QString SqliteStatement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!data)
        return {};
    return QString::fromUtf8(data, sqlite3_column_bytes(m_stmt, column));
}

QByteArray SqliteStatement::blob(int column) const
{
    const void *data = sqlite3_column_blob(m_stmt, column);
    if (!data)
        return {};
    return QByteArray(static_cast<const char *>(data), sqlite3_column_bytes(m_stmt, column));
}

QDateTime SqliteStatement::time(int column) const
{
    if (isNull(column))
        return {};
    return QDateTime::fromMSecsSinceEpoch(int64(column), Qt::UTC);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

SqliteDatabase::~SqliteDatabase()
{
    for (sqlite3_stmt *stmt : std::as_const(m_cache))
        sqlite3_finalize(stmt);
    sqlite3_close_v2(m_db);
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const QString &path)
{
    // It holds customers' records and full HTTP bodies: owner-only from the first byte. SQLite gives the -wal and
    // -shm files the database file's mode, so creating that one 0600 makes all three private.
    if (auto folder = PrivateFiles::makeDirectory(QFileInfo(path).absolutePath()); !folder)
        return folder.error();
    if (auto file = PrivateFiles::makeFile(path); !file)
        return file.error();
    for (const char *suffix : {"-wal", "-shm"}) {
        if (QFileInfo::exists(path + QLatin1String(suffix)))
            std::ignore = PrivateFiles::makeFile(path + QLatin1String(suffix));
    }
    sqlite3 *handle = nullptr;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &handle,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const QString reason = handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : QStringLiteral("out of memory");
        sqlite3_close_v2(handle);
        return makeError("store.open_failed",
                         QStringLiteral("Cannot open database %1: %2. Check that the folder exists and is writable.")
                             .arg(path, reason));
    }
    std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(handle, path));
    sqlite3_busy_timeout(handle, kBusyTimeoutMs);
    sqlite3_extended_result_codes(handle, 1);
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
        auto result = db->exec(QString::fromLatin1(pragma));
        // Switching a new database to WAL needs it to itself, and SQLite answers "locked" at once instead of
        // waiting while another process opening it does the same: wait here, as the busy timeout would.
        for (int waited = 0; !result && isBusy(sqlite3_extended_errcode(handle)) && waited < kBusyTimeoutMs;
             waited += kBusyRetryMs) {
            sqlite3_sleep(kBusyRetryMs);
            result = db->exec(QString::fromLatin1(pragma));
        }
        if (!result) {
            // SQLite reads the file only now: this is where a file that is no database shows.
            if ((sqlite3_extended_errcode(handle) & 0xff) == SQLITE_NOTADB) {
                return makeError("store.not_a_database",
                                 QStringLiteral("%1 is not a Patchbay database (SQLite says: %2). Check the "
                                                "--database path, or move that file away to start a new database.")
                                     .arg(QDir::toNativeSeparators(path), result.error().message));
            }
            return makeError("store.open_failed", QStringLiteral("Cannot open database %1: %2")
                                                      .arg(QDir::toNativeSeparators(path), result.error().message));
        }
    }
    return db;
}

Result<void> SqliteDatabase::exec(const QString &sql)
{
    if (m_failureHook) {
        if (auto failure = m_failureHook(sql))
            return *failure;
    }
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        Error error = makeError("store.exec_failed", QString::fromUtf8(message ? message : sqlite3_errstr(rc)));
        sqlite3_free(message);
        return error;
    }
    return {};
}

SqliteStatement SqliteDatabase::prepare(const QString &sql)
{
    auto it = m_cache.constFind(sql);
    if (it != m_cache.constEnd())
        return SqliteStatement(this, it.value());
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sql.toUtf8().constData(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        qCWarning(lcStore) << "prepare failed:" << sqlite3_errmsg(m_db) << sql;
        return SqliteStatement(this, nullptr);
    }
    m_cache.insert(sql, stmt);
    return SqliteStatement(this, stmt);
}

qint64 SqliteDatabase::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int SqliteDatabase::changes() const
{
    return sqlite3_changes(m_db);
}

int SqliteDatabase::userVersion()
{
    auto stmt = prepare(QStringLiteral("PRAGMA user_version"));
    return stmt.next() ? static_cast<int>(stmt.int64(0)) : 0;
}

Result<void> SqliteDatabase::setUserVersion(int version)
{
    return exec(QStringLiteral("PRAGMA user_version = %1").arg(version));
}

Result<void> SqliteDatabase::begin()
{
    // SQLite ends a transaction by itself on some errors (a full disk, an I/O error): nothing is open any more.
    if (m_depth > 0 && sqlite3_get_autocommit(m_db))
        m_depth = 0;
    auto result =
        exec(m_depth == 0 ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("SAVEPOINT nested%1").arg(m_depth));
    if (result)
        ++m_depth;
    return result;
}

Result<void> SqliteDatabase::commit()
{
    if (m_depth == 0)
        return makeError("store.no_transaction", QStringLiteral("Commit without a transaction."));
    auto result = exec(m_depth == 1 ? QStringLiteral("COMMIT") : QStringLiteral("RELEASE nested%1").arg(m_depth - 1));
    if (result)
        --m_depth;
    return result;
}

void SqliteDatabase::rollback()
{
    if (m_depth == 0)
        return;
    --m_depth;
    if (m_depth == 0) {
        if (!sqlite3_get_autocommit(m_db))
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return;
    }
    // The inner part is undone; the outer transaction goes on and decides.
    const QByteArray name = "nested" + QByteArray::number(m_depth);
    sqlite3_exec(m_db, ("ROLLBACK TO " + name).constData(), nullptr, nullptr, nullptr);
    sqlite3_exec(m_db, ("RELEASE " + name).constData(), nullptr, nullptr, nullptr);
}

Error SqliteDatabase::lastError(const char *code) const
{
    return makeError(code, QString::fromUtf8(sqlite3_errmsg(m_db)));
}

std::optional<Error> SqliteDatabase::injectedFailure(sqlite3_stmt *stmt) const
{
    if (!m_failureHook)
        return std::nullopt;
    return m_failureHook(QString::fromUtf8(sqlite3_sql(stmt)));
}

SqliteTransaction::SqliteTransaction(SqliteDatabase &db) : m_db(db), m_started(db.begin()) {}

SqliteTransaction::~SqliteTransaction()
{
    if (!m_done && m_started.ok())
        m_db.rollback();
}

Result<void> SqliteTransaction::commit()
{
    if (!m_started.ok())
        return m_started.error();
    m_done = true;
    auto result = m_db.commit();
    if (!result)
        m_db.rollback();
    return result;
}

} // namespace patchbay
