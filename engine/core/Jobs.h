#pragma once

// Work waiting to run: a read of one connection's object, queued by its schedule or on request, claimed by one
// worker at a time. Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QDateTime>
#include <QString>

namespace patchbay {

namespace JobKind {
inline const QString Scheduled = QStringLiteral("scheduled"); // the integration's schedule of the object
inline const QString Sync = QStringLiteral("sync");           // asked for now (sync now)
inline const QString Resync = QStringLiteral("resync");       // a full resync: the cursor is cleared first
} // namespace JobKind

namespace JobState {
inline const QString Queued = QStringLiteral("queued");   // waits for its due time and a free worker
inline const QString Running = QStringLiteral("running"); // claimed: its owner runs it while its lease lasts
inline const QString Done = QStringLiteral("done");
inline const QString Failed = QStringLiteral("failed"); // failed every attempt
} // namespace JobState

struct Job
{
    qint64 id = 0;
    qint64 tenantId = 0;
    qint64 connectionId = 0;
    QString object; // empty: every readable object of the connection's provider
    QString kind = JobKind::Sync;
    QString state = JobState::Queued;
    QDateTime dueAt;
    qint64 backfillSinceMs = 0; // where a first (or full) read starts; 0: the whole history
    int attempts = 0;           // claims so far
    QString lastErrorCode;
    QString lastError;
    qint64 executionId = 0;  // the execution of its latest attempt; 0: none yet
    QString owner;           // while running: the process that claimed it (ExecutionLeaseKeeper::processOwner)
    QDateTime leaseExpiresAt;
    QDateTime createdAt;
    QDateTime finishedAt;
};

} // namespace patchbay
