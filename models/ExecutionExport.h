#pragma once

#include "core/Exchange.h"
#include "core/Executions.h"
#include "core/Result.h"

#include <QByteArray>
#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace patchbay {

class OpsApi;

// An execution written out for a ticket or a browser: its events as JSON lines, its HTTP exchanges as a HAR 1.2
// file (the format browsers' developer tools open). Exchanges are written as the store keeps them, that is already
// redacted: nothing here sees a secret to hide.
namespace ExecutionExport {

// One event per line, each the JSON object the ops API answers for it, in the order given.
QByteArray eventsAsJsonLines(const QList<Event> &events);

// A HAR 1.2 log with one entry per exchange. What the engine does not record is written the way HAR says unknown
// is written (-1 for sizes of headers, an empty HTTP version); the whole duration counts as "wait". An exchange
// that got no response has status 0 and the transport error as the response's comment.
QJsonObject exchangesAsHar(const Execution &execution, const QList<Exchange> &exchanges);

// Asks the ops API for the execution, its events and its exchanges and writes both files (each written whole or not
// at all); the answer says what failed: the ops API's error, or "export.write_failed" naming the file.
QFuture<Result<void>> exportExecution(OpsApi *ops, qint64 executionId, const QString &eventsPath,
                                      const QString &harPath);

} // namespace ExecutionExport

} // namespace patchbay
