#pragma once

#include "store/RecordStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteRecordStore final : public RecordStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    std::optional<QString> cursor(qint64 connectionId, const QString &object) override;
    Result<void> clearCursor(qint64 connectionId, const QString &object) override;
    Result<void> commitPage(qint64 connectionId, const QString &object, qint64 executionId,
                            const QList<StoredRecord> &records, const std::optional<QString> &cursorValue,
                            const QList<FailedRecord> &failed, const QStringList &deletedIds,
                            const std::optional<QDateTime> &removeUnseenSince) override;
    Result<QList<FailedRecord>> failedRecords(qint64 connectionId, const QString &object, bool openOnly) override;
    Result<QList<FailedRecord>> failedRecordsOf(qint64 executionId) override;
    qint64 recordCount(qint64 connectionId, const QString &object) override;
    std::optional<StoredRecord> record(qint64 connectionId, const QString &object, const QString &recordId) override;
    Result<QList<StoredRecord>> storedRecords(qint64 connectionId, const QString &object, qint64 writtenBy,
                                              qint64 limit) override;
    Result<RecordChangePage> changes(qint64 connectionId, const QString &object, qint64 afterSequence,
                                     qint64 limit) override;
    Result<QList<RecordChange>> recordHistory(qint64 connectionId, const QString &object,
                                              const QString &recordId) override;
    Result<qint64> compactChanges(const QDateTime &before) override;

private:
    struct Page;
    Result<void> writePage(const Page &page);
    Result<void> storeRecord(const Page &page, const StoredRecord &record);
    // data is the mapped record after the change, as text; NULL (an invalid QVariant) for a deletion.
    Result<void> logChange(const Page &page, const QString &recordId, const QString &change, const QVariant &data);
    Result<void> removeUnseen(const Page &page);

};

} // namespace patchbay
