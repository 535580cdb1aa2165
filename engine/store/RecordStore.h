#pragma once

#include "core/Records.h"
#include "core/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay {

// Sync state: each object's cursor, the records stored, their change log, and the records that failed to map.
//
// The change log: every change of a stored record is logged in the transaction that makes it, with a sequence
// number that increases with every change in the database. A record stored for the first time is "created"; stored
// again with different mapped content "updated" (the same content again logs nothing); removed "deleted" (the
// provider's deletions through commitPage's deletedIds, and removeUnseenSince's sweep). A change becomes visible only
// after every change with a smaller sequence is (SQLite has one writer at a time; another backend must keep this),
// so a reader that pages with the last sequence it saw misses nothing and sees nothing twice. Deleting a connection or
// a tenant deletes its log with it.
class RecordStore
{
public:
    virtual ~RecordStore() = default;

    virtual std::optional<QString> cursor(qint64 connectionId, const QString &object) = 0;
    // The next read of the object starts from the beginning.
    virtual Result<void> clearCursor(qint64 connectionId, const QString &object) = 0;

    // commitPage writes the mapped records (logging each change, see above) and the failed ones and advances the cursor, all in one transaction; a
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
    // The records whose mapping failed in one execution (resolved since or not), in the order they failed.
    virtual Result<QList<FailedRecord>> failedRecordsOf(qint64 executionId) = 0;

    virtual qint64 recordCount(qint64 connectionId, const QString &object) = 0;
    virtual std::optional<StoredRecord> record(qint64 connectionId, const QString &object, const QString &recordId) = 0;
    // The object's records in the order they were stored (then by id); with writtenBy only those that execution
    // stored last, and with a limit at most that many.
    virtual Result<QList<StoredRecord>> storedRecords(qint64 connectionId, const QString &object, qint64 writtenBy = 0,
                                                      qint64 limit = 0) = 0;

    // The object's changes after the sequence afterSequence (0: from the first), oldest first, at most limit (>= 1)
    // of them. Paging with the last sequence of a page never misses nor repeats a change, however many are made
    // between pages.
    virtual Result<RecordChangePage> changes(qint64 connectionId, const QString &object, qint64 afterSequence,
                                             qint64 limit) = 0;
    // Every change of one record still in the log, oldest first.
    virtual Result<QList<RecordChange>> recordHistory(qint64 connectionId, const QString &object,
                                                      const QString &recordId) = 0;
    // Retention: removes the changes made before `before` that a later change of the same record supersedes, and
    // answers how many. A record's latest change (its current state, or its deletion) always stays, so a reader that
    // pages on from any sequence still ends with every record as stored, deletions included; it only no longer sees
    // the intermediate versions (and may see a record's first entry as "updated"). History older than `before`
    // keeps the latest version only.
    virtual Result<qint64> compactChanges(const QDateTime &before) = 0;
};

} // namespace patchbay
