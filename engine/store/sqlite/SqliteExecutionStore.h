#pragma once

#include "store/ExecutionStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteExecutionStore final : public ExecutionStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<qint64> startExecution(qint64 connectionId, const QString &kind, const QString &object,
                                  const ExecutionLease &lease) override;
    Result<void> renewExecutionLeases(const QString &owner, const QDateTime &until) override;
    Result<QList<qint64>> interruptAbandonedExecutions(const QDateTime &now) override;
    Result<void> updateExecutionCounts(qint64 executionId, const ExecutionCounts &counts) override;
    Result<void> finishExecution(qint64 executionId, const QString &status, const ExecutionCounts &counts,
                                 const std::optional<Error> &error) override;
    Result<Execution> execution(qint64 id) override;
    Result<bool> hasFinishedExecution(qint64 connectionId, const QString &kind) override;
    Result<QList<Execution>> executions(qint64 connectionId, int limit, std::optional<qint64> beforeId) override;
    Result<qint64> addEvent(const Event &event) override;
    Result<QList<Event>> events(qint64 executionId) override;
    Result<qint64> addExchange(const Exchange &exchange) override;
    Result<QList<Exchange>> exchanges(qint64 executionId) override;

private:
    Result<qint64> insertEvent(qint64 tenantId, const Event &event);
    // The execution's connection was last synced at `at`, ending as `status`.
    Result<void> markLastSync(qint64 executionId, const QDateTime &at, const QString &status);
};

} // namespace patchbay
