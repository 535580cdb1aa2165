#pragma once

#include "core/Records.h"
#include "core/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay {

// Sync state: each object's cursor, the records stored, and the records that failed to map.
class RecordStore
{
public:
    virtual ~RecordStore() = default;

    virtual std::optional<QString> cursor(qint64 connectionId, const QString &object) = 0;
    // The next read of the object starts from the beginning.
    virtual Result<void> clearCursor(qint64 connectionId, const QString &object) = 0;

    // commitPage writes the mapped records and the failed ones and advances the cursor, all in one transaction; a
    // record that maps now resolves its earlier failure. Without a cursor value the cursor stays where it is (a
    // re-map of failed records). With removeUnseenSince (the end of a complete full pass), the object's records not
    // stored since then are removed: the provider no longer has them.
    virtual Result<void> commitPage(qint64 connectionId, const QString &object, qint64 executionId,
                                    const QList<StoredRecord> &records, const std::optional<QString> &cursorValue,
                                    const QList<FailedRecord> &failed = {}, const QStringList &deletedIds = {},
                                    const std::optional<QDateTime> &removeUnseenSince = std::nullopt) = 0;
    // An empty object means every object; openOnly leaves out the failures resolved since.
    virtual Result<QList<FailedRecord>> failedRecords(qint64 connectionId, const QString &object,
                                                      bool openOnly = true) = 0;

    virtual qint64 recordCount(qint64 connectionId, const QString &object) = 0;
    virtual std::optional<StoredRecord> record(qint64 connectionId, const QString &object, const QString &recordId) = 0;
    // The object's records in the order they were stored (then by id); with writtenBy only those that execution
    // stored last, and with a limit at most that many.
    virtual Result<QList<StoredRecord>> storedRecords(qint64 connectionId, const QString &object, qint64 writtenBy = 0,
                                                      qint64 limit = 0) = 0;
};

} // namespace patchbay
