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
    Result<QList<ExecutionRow>> findExecutions(const ExecutionFilter &filter) override;
    Result<QList<ConnectionActivity>> connectionActivity(const QDateTime &failuresSince,
                                                         std::optional<qint64> tenantId) override;
    Result<TokenHistory> tokenHistory(qint64 connectionId, int limit) override;
    Result<void> setReplayOf(qint64 executionId, qint64 originalId) override;

    // The statement findExecutions runs for the filter and its values for ?1, ?2, ...: for checking its plan.
    struct Query
    {
        QString sql;
        QVariantList values;
    };
    static Query findExecutionsQuery(const ExecutionFilter &filter);
    Result<qint64> addEvent(const Event &event) override;
    Result<QList<Event>> events(qint64 executionId) override;
    Result<qint64> addExchange(const Exchange &exchange) override;
    Result<QList<Exchange>> exchanges(qint64 executionId) override;

private:
    // Runs a statement selecting kRowColumns (then nothing else) and reads the rows.
    Result<QList<ExecutionRow>> selectRows(const QString &sql, const QVariantList &values);
    Result<qint64> insertEvent(qint64 tenantId, const Event &event);
    // The execution's connection was last synced at `at`, ending as `status`.
    Result<void> markLastSync(qint64 executionId, const QDateTime &at, const QString &status);
};

} // namespace patchbay
