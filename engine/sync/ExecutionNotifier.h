#pragma once

#include <QObject>
#include <QString>

namespace patchbay {

// Tells listeners about every execution a SyncService runs, whoever started it (the ops API, patchbayd's scheduler,
// a provider's webhook, the product API): patchbayd's live updates listen here. The ExecutionJournal of each
// execution emits them, on the thread that runs the execution, so a receiver on another thread gets them queued.
// Anything else that changes a connection (created, deleted, paused) may emit connectionChanged too.
class ExecutionNotifier : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    // The execution's row exists and it is running.
    void executionStarted(qint64 tenantId, qint64 connectionId, qint64 executionId);
    // It recorded an event.
    void executionProgressed(qint64 tenantId, qint64 connectionId, qint64 executionId);
    // It ended; message is its error message when it failed.
    void executionFinished(qint64 tenantId, qint64 connectionId, qint64 executionId, bool succeeded,
                           const QString &message);
    // The connection's row may have changed (its status, last sync, token).
    void connectionChanged(qint64 tenantId, qint64 connectionId);

    // For counting (patchbayd's /metrics; receivers connect directly and must be thread-safe):
    // an execution ended with its final status and counts;
    void executionCounted(const QString &kind, const QString &status, qint64 records, qint64 failedRecords);
    // a provider call was held waitMs for a rate limit (reason: provider_rate_limited, provider_window, request_budget);
    void rateLimitWaited(const QString &reason, qint64 waitMs);
    // an access-token refresh failed with this error code.
    void tokenRefreshFailed(const QString &code);
};

} // namespace patchbay
