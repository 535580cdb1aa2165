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
    qint64 recordCount(qint64 connectionId, const QString &object) override;
    std::optional<StoredRecord> record(qint64 connectionId, const QString &object, const QString &recordId) override;
    Result<QList<StoredRecord>> storedRecords(qint64 connectionId, const QString &object, qint64 writtenBy,
                                              qint64 limit) override;

private:
    struct Page;
    Result<void> writePage(const Page &page);
};

} // namespace patchbay
