#include "SqliteDatabase.h"

#include <QLoggingCategory>
#include <QTimeZone>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcStore, "patchbay.store")

namespace patchbay {

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
    if (value.isNull()) {
        sqlite3_bind_null(m_stmt, index);
        return *this;
    }
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
    sqlite3_busy_timeout(handle, 5000);
    sqlite3_extended_result_codes(handle, 1);
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
        if (auto result = db->exec(QString::fromLatin1(pragma)); !result)
            return result.error();
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
    return exec(QStringLiteral("BEGIN IMMEDIATE"));
}

Result<void> SqliteDatabase::commit()
{
    return exec(QStringLiteral("COMMIT"));
}

void SqliteDatabase::rollback()
{
    if (!sqlite3_get_autocommit(m_db))
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
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
