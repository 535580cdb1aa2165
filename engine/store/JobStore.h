#pragma once

#include "core/Executions.h"
#include "core/Jobs.h"
#include "core/Result.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

#include <optional>

namespace patchbay {

// The scheduler's queue: jobs as rows, so that a restarted process (or several processes sharing the database) goes
// on where the last one stopped; and which integrations are paused.
class JobStore
{
public:
    virtual ~JobStore() = default;

    // Queues a job (its connection, object, kind, due time and backfill start); returns its id.
    virtual Result<qint64> addJob(const Job &job) = 0;
    // Queues the next scheduled run of a connection's object, unless one is queued or running already (then
    // nullopt): a schedule never stacks runs up.
    virtual Result<std::optional<qint64>> addScheduledJob(qint64 connectionId, const QString &object,
                                                          const QDateTime &dueAt, qint64 backfillSinceMs) = 0;
    // The newest scheduled job of a connection's object, in any state: where its schedule goes on from.
    virtual Result<std::optional<Job>> lastScheduledJob(qint64 connectionId, const QString &object) = 0;
    // Removes the connection's queued scheduled jobs of objects not in scheduledObjects (their schedule is gone from
    // the manifest, or the connection's integration is); running ones finish. Returns how many were removed.
    virtual Result<int> removeUnscheduledJobs(qint64 connectionId, const QStringList &scheduledObjects) = 0;

    // Claims the job to run next, atomically: the earliest due one that is queued (or running with a lease that ran
    // out before now: its process died), whose connection is active, whose integration is not paused and which has
    // no other job running under a live lease. The job becomes running under the lease, its attempts counted. Two
    // claimers, in this process or another, never get the same job. nullopt: nothing to run now.
    virtual Result<std::optional<Job>> claimJob(const ExecutionLease &lease, const QDateTime &now) = 0;
    // The owner is alive: its running jobs' leases last until `until`.
    virtual Result<void> renewJobLeases(const QString &owner, const QDateTime &until) = 0;
    // The execution the running job's attempt runs as.
    virtual Result<void> setJobExecution(qint64 jobId, qint64 executionId) = 0;
    // Ends the owner's running job: done, failed (with the error), or queued again at dueAt (a retry after a failure,
    // or stopped by a shutdown, with the error saying why). False when the owner no longer holds it (its lease ran
    // out and another claimer took it): then nothing changes.
    virtual Result<bool> finishJob(qint64 jobId, const QString &owner, const QString &state,
                                   const std::optional<Error> &error, const QDateTime &dueAt = {}) = 0;

    // Fails with store.not_found when there is no such job.
    virtual Result<Job> job(qint64 id) = 0;
    // A connection's jobs, newest first.
    virtual Result<QList<Job>> jobs(qint64 connectionId, int limit) = 0;
    // How many jobs are queued, due or not (the queue's depth), from an index.
    virtual Result<qint64> queuedJobCount() = 0;

    // A paused integration's connections are not read (on schedule or on request) until it is resumed.
    virtual Result<void> setIntegrationPaused(const QString &integration, bool paused) = 0;
    virtual Result<QStringList> pausedIntegrations() = 0;
};

} // namespace patchbay
