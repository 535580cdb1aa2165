#pragma once

// What ran and what it said: executions (read, write, webhook, refresh, ...), their counts and events.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace patchbay {

namespace ExecutionStatus {
inline const QString Running = QStringLiteral("running");
inline const QString Succeeded = QStringLiteral("succeeded");
inline const QString Failed = QStringLiteral("failed");
// Its process stopped (killed, crashed, power lost) before it finished; a later run goes on from the cursor.
inline const QString Interrupted = QStringLiteral("interrupted");
} // namespace ExecutionStatus

// Who runs an execution: a process (ExecutionLeaseKeeper::processOwner) that renews expiresAt while it lives. A
// running execution whose lease ran out has lost its process.
struct ExecutionLease
{
    QString owner; // empty: no lease, the execution is never taken for abandoned
    QDateTime expiresAt;
};

struct Execution
{
    qint64 id = 0;
    qint64 tenantId = 0;
    qint64 connectionId = 0;
    QString kind; // read, backfill, write, webhook, refresh, delivery, replay
    QString object;
    QString status = ExecutionStatus::Running;
    QDateTime startedAt;
    QDateTime finishedAt;
    qint64 recordCount = 0;
    qint64 failedRecordCount = 0;
    qint64 pageCount = 0;
    qint64 requestCount = 0;
    QString errorCode;
    QString errorMessage;

    bool operator==(const Execution &) const = default;
};

struct ExecutionCounts
{
    qint64 records = 0;
    qint64 pages = 0;
    qint64 requests = 0;
    qint64 failedRecords = 0; // kept raw because their mapping failed
};

namespace EventLevel {
inline const QString Debug = QStringLiteral("debug");
inline const QString Info = QStringLiteral("info");
inline const QString Warning = QStringLiteral("warning");
inline const QString Error = QStringLiteral("error");
} // namespace EventLevel

struct Event
{
    qint64 id = 0;
    qint64 executionId = 0;
    QDateTime time;
    QString level = EventLevel::Info;
    QString message;
    QJsonObject context;

    bool operator==(const Event &) const = default;
};

} // namespace patchbay
