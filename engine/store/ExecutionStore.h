#pragma once

#include "core/Exchange.h"
#include "core/ExecutionQuery.h"
#include "core/Executions.h"
#include "core/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// Executions (units of work), their event log and HTTP exchanges, and the leases that tell a live run from one whose
// process died.
class ExecutionStore
{
public:
    virtual ~ExecutionStore() = default;

    // A running execution, started now. With a lease, its owner must renew it (renewExecutionLeases) or the run is
    // taken for abandoned once it runs out; without one it never is.
    virtual Result<qint64> startExecution(qint64 connectionId, const QString &kind, const QString &object,
                                          const ExecutionLease &lease = {}) = 0;
    // The owner is alive: its running executions' leases last until `until`.
    virtual Result<void> renewExecutionLeases(const QString &owner, const QDateTime &until) = 0;
    // Closes the running executions whose owner's lease ran out before `now` as interrupted, each with an event
    // saying so, in one transaction; returns their ids. A live owner's executions are left alone.
    virtual Result<QList<qint64>> interruptAbandonedExecutions(const QDateTime &now) = 0;
    virtual Result<void> updateExecutionCounts(qint64 executionId, const ExecutionCounts &counts) = 0;
    // Finishes it now, and marks its connection's last sync with the status.
    virtual Result<void> finishExecution(qint64 executionId, const QString &status, const ExecutionCounts &counts,
                                         const std::optional<Error> &error) = 0;
    // Fails with store.not_found when there is no such execution.
    virtual Result<Execution> execution(qint64 id) = 0;
    // Whether the connection ever finished (succeeded or failed, not interrupted) an execution of this kind.
    virtual Result<bool> hasFinishedExecution(qint64 connectionId, const QString &kind) = 0;
    // Newest first; pass the last seen id as beforeId for the next page (keyset paging).
    virtual Result<QList<Execution>> executions(qint64 connectionId, int limit,
                                                std::optional<qint64> beforeId = {}) = 0;
    // Executions of every tenant (or those the filter names), newest first, with the names the Runs view shows.
    // Each condition but the text and the times seeks an index, so that a page far back costs what the first costs.
    virtual Result<QList<ExecutionRow>> findExecutions(const ExecutionFilter &filter) = 0;
    // Each connection (of one tenant, or all) with its last sync and the number of its executions that failed since
    // failuresSince; a few index searches per connection, never a scan of the executions.
    virtual Result<QList<ConnectionActivity>> connectionActivity(const QDateTime &failuresSince,
                                                                 std::optional<qint64> tenantId = std::nullopt) = 0;
    // The connection's last `limit` token operations and its consecutive failures.
    virtual Result<TokenHistory> tokenHistory(qint64 connectionId, int limit) = 0;
    // Links a replay to the execution it replays (ExecutionRow::replayOf).
    virtual Result<void> setReplayOf(qint64 executionId, qint64 originalId) = 0;

    // An event without a time happens now. Both lists are in the order they were added.
    virtual Result<qint64> addEvent(const Event &event) = 0;
    virtual Result<QList<Event>> events(qint64 executionId) = 0;
    virtual Result<qint64> addExchange(const Exchange &exchange) = 0;
    virtual Result<QList<Exchange>> exchanges(qint64 executionId) = 0;
};

} // namespace patchbay
