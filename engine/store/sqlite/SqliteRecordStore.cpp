#include "SqliteRecordStore.h"

namespace patchbay {

using namespace sqlite;

namespace {

StoredRecord readRecord(SqliteRow &row)
{
    return StoredRecord{row.text(), row.utf8(), row.text()};
}

FailedRecord readFailedRecord(SqliteRow &row)
{
    return FailedRecord{row.int64(), row.int64(), row.text(), row.text(), row.text(),
                        row.utf8(),  row.array(), row.time(), row.time()};
}

} // namespace

// One commitPage call, with the tenant and the time every row it writes carries.
struct SqliteRecordStore::Page
{
    qint64 tenantId;
    qint64 connectionId;
    const QString &object;
    qint64 executionId;
    const QList<StoredRecord> &records;
    const std::optional<QString> &cursorValue;
    const QList<FailedRecord> &failed;
    const QStringList &deletedIds;
    const std::optional<QDateTime> &removeUnseenSince;
    QDateTime now;
};

std::optional<QString> SqliteRecordStore::cursor(qint64 connectionId, const QString &object)
{
    return ifFound(selectOne(
        m_db, QStringLiteral("SELECT value FROM cursors WHERE connection_id = ?1 AND object = ?2"),
        [](SqliteRow &row) { return row.text(); }, connectionId, object));
}

Result<void> SqliteRecordStore::clearCursor(qint64 connectionId, const QString &object)
{
    return run(m_db, QStringLiteral("DELETE FROM cursors WHERE connection_id = ?1 AND object = ?2"), connectionId,
               object);
}

Result<void> SqliteRecordStore::commitPage(qint64 connectionId, const QString &object, qint64 executionId,
                                           const QList<StoredRecord> &records,
                                           const std::optional<QString> &cursorValue, const QList<FailedRecord> &failed,
                                           const QStringList &deletedIds,
                                           const std::optional<QDateTime> &removeUnseenSince)
{
    auto tenant = tenantOfConnection(m_db, connectionId);
    if (!tenant)
        return tenant.error();
    const Page page{*tenant,     connectionId, object,     executionId,       records,
                    cursorValue, failed,       deletedIds, removeUnseenSince, now()};
    return inTransaction(m_db, [&] { return writePage(page); });
}

Result<void> SqliteRecordStore::writePage(const Page &page)
{
    // A record that arrives mapped, or deleted, closes its open failure.
    const auto resolveFailure = [&](const QString &recordId) {
        return run(
            m_db,
            QStringLiteral("UPDATE failed_records SET resolved_at = ?4, resolved_execution_id = ?5 "
                           "WHERE connection_id = ?1 AND object = ?2 AND record_id = ?3 AND resolved_at IS NULL"),
            page.connectionId, page.object, recordId, page.now, page.executionId);
    };
    for (const StoredRecord &record : page.records) {
        if (auto result = run(m_db,
                              QStringLiteral("INSERT INTO records (connection_id, tenant_id, object, record_id, data, "
                                             "updated_at, execution_id, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                             "?8) ON CONFLICT (connection_id, object, record_id) DO UPDATE SET "
                                             "data = excluded.data, updated_at = excluded.updated_at, "
                                             "execution_id = excluded.execution_id, stored_at = excluded.stored_at"),
                              page.connectionId, page.tenantId, page.object, record.recordId,
                              QString::fromUtf8(record.data), textOrNull(record.updatedAt), page.executionId, page.now);
            !result)
            return result;
        if (auto result = resolveFailure(record.recordId); !result)
            return result;
    }
    for (const FailedRecord &record : page.failed) {
        if (auto result = run(m_db,
                              QStringLiteral("INSERT INTO failed_records (tenant_id, connection_id, execution_id, "
                                             "object, record_id, raw, errors, created_at, updated_at) "
                                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                                             "ON CONFLICT (connection_id, object, record_id) WHERE resolved_at IS NULL "
                                             "DO UPDATE SET execution_id = excluded.execution_id, raw = excluded.raw, "
                                             "errors = excluded.errors, created_at = excluded.created_at, "
                                             "updated_at = excluded.updated_at"),
                              page.tenantId, page.connectionId, page.executionId, page.object, record.recordId,
                              QString::fromUtf8(record.raw), record.errors, page.now, textOrNull(record.updatedAt));
            !result)
            return result;
    }
    for (const QString &id : page.deletedIds) {
        // The provider reported the record deleted: it leaves the record store, and so does an open failure.
        if (auto result = run(m_db,
                              QStringLiteral("DELETE FROM records WHERE connection_id = ?1 AND object = ?2 "
                                             "AND record_id = ?3"),
                              page.connectionId, page.object, id);
            !result)
            return result;
        if (auto result = resolveFailure(id); !result)
            return result;
    }
    if (page.removeUnseenSince) {
        // A record kept raw as a failure was seen too: its last good version stays.
        if (auto result = run(m_db,
                              QStringLiteral("DELETE FROM records WHERE connection_id = ?1 AND object = ?2 "
                                             "AND stored_at < ?3 AND record_id NOT IN (SELECT record_id FROM "
                                             "failed_records WHERE connection_id = ?1 AND object = ?2 "
                                             "AND resolved_at IS NULL)"),
                              page.connectionId, page.object, *page.removeUnseenSince);
            !result)
            return result;
    }
    if (!page.cursorValue)
        return {};
    return run(m_db,
               QStringLiteral("INSERT INTO cursors (connection_id, tenant_id, object, value, updated_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (connection_id, object) DO UPDATE SET "
                              "value = excluded.value, updated_at = excluded.updated_at"),
               page.connectionId, page.tenantId, page.object, *page.cursorValue, page.now);
}

Result<QList<FailedRecord>> SqliteRecordStore::failedRecords(qint64 connectionId, const QString &object, bool openOnly)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT id, execution_id, object, record_id, updated_at, raw, errors, created_at, "
                                    "resolved_at FROM failed_records WHERE connection_id = ?1 "
                                    "AND (?2 = '' OR object = ?2) AND (?3 = 0 OR resolved_at IS NULL) ORDER BY id"),
                     readFailedRecord, connectionId, object, qint64(openOnly));
}

qint64 SqliteRecordStore::recordCount(qint64 connectionId, const QString &object)
{
    return ifFound(selectOne(
                       m_db, QStringLiteral("SELECT COUNT(*) FROM records WHERE connection_id = ?1 AND object = ?2"),
                       [](SqliteRow &row) { return row.int64(); }, connectionId, object))
        .value_or(0);
}

std::optional<StoredRecord> SqliteRecordStore::record(qint64 connectionId, const QString &object,
                                                      const QString &recordId)
{
    return ifFound(selectOne(m_db,
                             QStringLiteral("SELECT record_id, data, updated_at FROM records WHERE connection_id = ?1 "
                                            "AND object = ?2 AND record_id = ?3"),
                             readRecord, connectionId, object, recordId));
}

Result<QList<StoredRecord>> SqliteRecordStore::storedRecords(qint64 connectionId, const QString &object,
                                                             qint64 writtenBy, qint64 limit)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT record_id, data, updated_at FROM records WHERE connection_id = ?1 "
                                    "AND object = ?2 AND (?3 = 0 OR execution_id = ?3) ORDER BY stored_at, record_id "
                                    "LIMIT ?4"),
                     readRecord, connectionId, object, writtenBy, limit > 0 ? limit : qint64(-1));
}

} // namespace patchbay
