#pragma once

#include "store/JobStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteJobStore final : public JobStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<qint64> addJob(const Job &job) override;
    Result<std::optional<qint64>> addScheduledJob(qint64 connectionId, const QString &object, const QDateTime &dueAt,
                                                  qint64 backfillSinceMs) override;
    Result<std::optional<Job>> lastScheduledJob(qint64 connectionId, const QString &object) override;
    Result<int> removeUnscheduledJobs(qint64 connectionId, const QStringList &scheduledObjects) override;
    Result<std::optional<Job>> claimJob(const ExecutionLease &lease, const QDateTime &now) override;
    Result<void> renewJobLeases(const QString &owner, const QDateTime &until) override;
    Result<void> setJobExecution(qint64 jobId, qint64 executionId) override;
    Result<bool> finishJob(qint64 jobId, const QString &owner, const QString &state, const std::optional<Error> &error,
                           const QDateTime &dueAt) override;
    Result<Job> job(qint64 id) override;
    Result<QList<Job>> jobs(qint64 connectionId, int limit) override;
    Result<void> setIntegrationPaused(const QString &integration, bool paused) override;
    Result<QStringList> pausedIntegrations() override;
    Result<qint64> queuedJobCount() override;
};

} // namespace patchbay
