#include "SqliteRecordStore.h"

#include <algorithm>

namespace patchbay {

using namespace sqlite;

namespace {

StoredRecord readRecord(SqliteRow &row)
{
    return StoredRecord{row.text(), row.utf8(), row.text()};
}

RecordChange readRecordChange(SqliteRow &row)
{
    return RecordChange{row.int64(), row.text(), row.int64(), row.text(), row.text(),
                        row.int64(), row.time(), row.utf8()};
}

// The columns readRecordChange reads, in its order.
const QString recordChangeColumns = QStringLiteral(
    "SELECT sequence, change, connection_id, object, record_id, execution_id, changed_at, data FROM record_changes ");

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
        if (auto result = storeRecord(page, record); !result)
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
        const auto deleted = changed(m_db,
                                     QStringLiteral("DELETE FROM records WHERE connection_id = ?1 AND object = ?2 "
                                                    "AND record_id = ?3"),
                                     page.connectionId, page.object, id);
        if (!deleted)
            return deleted.error();
        if (*deleted) {
            if (auto result = logChange(page, id, RecordChangeKind::Deleted, QVariant()); !result)
                return result;
        }
        if (auto result = resolveFailure(id); !result)
            return result;
    }
    if (page.removeUnseenSince) {
        if (auto result = removeUnseen(page); !result)
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

Result<void> SqliteRecordStore::storeRecord(const Page &page, const StoredRecord &record)
{
    const QString data = QString::fromUtf8(record.data);
    // Whether the record is stored already, and with the same content: one look-up by the primary key.
    const auto same = selectOne(m_db,
                                QStringLiteral("SELECT data = ?4 FROM records WHERE connection_id = ?1 AND object = ?2 "
                                               "AND record_id = ?3"),
                                [](SqliteRow &row) { return row.boolean(); }, page.connectionId, page.object,
                                record.recordId, data);
    if (!same)
        return same.error();
    // An unchanged record is stored again all the same: its stored_at says the pass saw it (removeUnseenSince).
    if (auto result = run(m_db,
                          QStringLiteral("INSERT INTO records (connection_id, tenant_id, object, record_id, data, "
                                         "updated_at, execution_id, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                         "?8) ON CONFLICT (connection_id, object, record_id) DO UPDATE SET "
                                         "data = excluded.data, updated_at = excluded.updated_at, "
                                         "execution_id = excluded.execution_id, stored_at = excluded.stored_at"),
                          page.connectionId, page.tenantId, page.object, record.recordId, data,
                          textOrNull(record.updatedAt), page.executionId, page.now);
        !result)
        return result;
    if (!same->has_value())
        return logChange(page, record.recordId, RecordChangeKind::Created, data);
    if (!**same)
        return logChange(page, record.recordId, RecordChangeKind::Updated, data);
    return {};
}

Result<void> SqliteRecordStore::logChange(const Page &page, const QString &recordId, const QString &change,
                                          const QVariant &data)
{
    return run(m_db,
               QStringLiteral("INSERT INTO record_changes (tenant_id, connection_id, object, record_id, change, "
                              "execution_id, changed_at, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
               page.tenantId, page.connectionId, page.object, recordId, change, idOrNull(page.executionId), page.now,
               data);
}

Result<void> SqliteRecordStore::removeUnseen(const Page &page)
{
    // The object's records a complete full pass did not store; one kept raw as a failure was seen too, and its last
    // good version stays.
    static const QString unseen = QStringLiteral(
        "FROM records WHERE connection_id = ?1 AND object = ?2 AND stored_at < ?3 AND record_id NOT IN (SELECT "
        "record_id FROM failed_records WHERE connection_id = ?1 AND object = ?2 AND resolved_at IS NULL)");
    if (auto result = run(m_db,
                          QStringLiteral("INSERT INTO record_changes (tenant_id, connection_id, object, record_id, "
                                         "change, execution_id, changed_at, data) SELECT tenant_id, connection_id, "
                                         "object, record_id, ?4, ?5, ?6, NULL ") +
                              unseen + QStringLiteral(" ORDER BY record_id"),
                          page.connectionId, page.object, *page.removeUnseenSince, RecordChangeKind::Deleted,
                          idOrNull(page.executionId), page.now);
        !result)
        return result;
    return run(m_db, QStringLiteral("DELETE ") + unseen, page.connectionId, page.object, *page.removeUnseenSince);
}

Result<QList<FailedRecord>> SqliteRecordStore::failedRecords(qint64 connectionId, const QString &object, bool openOnly)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT id, execution_id, object, record_id, updated_at, raw, errors, created_at, "
                                    "resolved_at FROM failed_records WHERE connection_id = ?1 "
                                    "AND (?2 = '' OR object = ?2) AND (?3 = 0 OR resolved_at IS NULL) ORDER BY id"),
                     readFailedRecord, connectionId, object, qint64(openOnly));
}

Result<QList<FailedRecord>> SqliteRecordStore::failedRecordsOf(qint64 executionId)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT id, execution_id, object, record_id, updated_at, raw, errors, created_at, "
                                    "resolved_at FROM failed_records WHERE execution_id = ?1 ORDER BY id"),
                     readFailedRecord, executionId);
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

Result<RecordChangePage> SqliteRecordStore::changes(qint64 connectionId, const QString &object, qint64 afterSequence,
                                                   qint64 limit)
{
    limit = std::max<qint64>(limit, 1);
    // One more than asked tells whether more follow.
    auto rows = selectAll(m_db,
                          recordChangeColumns + QStringLiteral("WHERE connection_id = ?1 AND object = ?2 AND "
                                                               "sequence > ?3 ORDER BY sequence LIMIT ?4"),
                          readRecordChange, connectionId, object, afterSequence, limit + 1);
    if (!rows)
        return rows.error();
    RecordChangePage page{std::move(rows).value(), false};
    if (page.changes.size() > limit) {
        page.changes.removeLast();
        page.hasMore = true;
    }
    return page;
}

Result<QList<RecordChange>> SqliteRecordStore::recordHistory(qint64 connectionId, const QString &object,
                                                             const QString &recordId)
{
    return selectAll(m_db,
                     recordChangeColumns + QStringLiteral("WHERE connection_id = ?1 AND object = ?2 AND "
                                                          "record_id = ?3 ORDER BY sequence"),
                     readRecordChange, connectionId, object, recordId);
}

Result<qint64> SqliteRecordStore::compactChanges(const QDateTime &before)
{
    if (auto result = run(m_db,
                          QStringLiteral("DELETE FROM record_changes WHERE changed_at < ?1 AND EXISTS (SELECT 1 FROM "
                                         "record_changes later WHERE later.connection_id = record_changes.connection_id "
                                         "AND later.object = record_changes.object AND later.record_id = "
                                         "record_changes.record_id AND later.sequence > record_changes.sequence)"),
                          before);
        !result)
        return result.error();
    return qint64(m_db.changes());
}

} // namespace patchbay
