#pragma once

#include "core/Executions.h"
#include "core/Records.h"
#include "core/Result.h"
#include "sync/WriteExecution.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace patchbay {

// The records change feed and writes as patchbayd's product API shows them: the feed's opaque cursor, the JSON of a
// page of changes, of an execution and of a write's per-record results, and the records of a write request.
namespace RecordFeedJson {

// A position in one feed: the feed's connection and object, and the last sequence seen there. It is bound to its
// feed so that a cursor of one object (or connection), passed for another, is refused rather than silently skipping
// or repeating the other's changes.
struct FeedCursor
{
    qint64 connectionId = 0;
    QString object;
    qint64 sequence = 0;

    bool sameFeed(const FeedCursor &other) const
    {
        return connectionId == other.connectionId && object == other.object;
    }
};

// A cursor is opaque to clients (a tagged text in base64url), so its form can change without breaking them.
QString encodeCursor(const FeedCursor &cursor);
// The position of a cursor encodeCursor made; nullopt for anything else.
std::optional<FeedCursor> decodeCursor(const QString &cursor);

// {changes: [{sequence, change, id, record (absent for a deletion), changedAt, executionId}], nextCursor, hasMore}.
// nextCursor continues the same feed after the page's last change, or from `after` again when the page is empty.
QJsonObject page(const RecordChangePage &page, const FeedCursor &after);
QJsonObject execution(const Execution &execution);
// {key, operation, status, providerId, error: {code, message} when it failed}.
QJsonObject writeItem(const WriteItem &item);
// {execution, items: [writeItem...]}: what a write answers when it finished.
QJsonObject writeResult(const Execution &execution, const QList<WriteItem> &items);

// The records of a write request's "records" array: each {"key": "...", "record": {...}, "providerId": "..."}
// (providerId optional), 1 to maxRecords of them, each key once. Refusals are request.bad_field (naming the
// element, as records[2].key), request.unknown_field, request.missing_field and request.too_many_records.
Result<QList<WriteInput>> writeInputs(const QJsonArray &records, int maxRecords);

} // namespace RecordFeedJson

} // namespace patchbay
