#include "ExecutionJournal.h"

#include "ExecutionNotifier.h"
#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Tenancy.h"
#include "store/sqlite/SqliteStore.h"

namespace patchbay {

ExecutionJournal::ExecutionJournal(Store &store, qint64 executionId, Clock &clock, EventListener listener)
    : m_store(store), m_executionId(executionId), m_clock(clock), m_listener(std::move(listener))
{
}

void ExecutionJournal::announceTo(ExecutionNotifier *notifier, const Connection &connection)
{
    m_notifier = notifier;
    m_tenantId = connection.tenantId;
    m_connectionId = connection.id;
    if (m_notifier)
        Q_EMIT m_notifier->executionStarted(m_tenantId, m_connectionId, m_executionId);
}

void ExecutionJournal::recordExchange(const Exchange &exchange)
{
    Exchange row = exchange;
    row.executionId = m_executionId;
    ++m_counts.requests;
    if (auto result = m_store.executions().addExchange(row); !result)
        qCWarning(lcSync) << "could not record an exchange:" << result.error().toString();
}

void ExecutionJournal::recordEvent(const QString &level, const QString &message, const QJsonObject &context)
{
    Event event;
    event.executionId = m_executionId;
    event.time = m_clock.now();
    event.level = level;
    event.message = message;
    event.context = context;
    auto id = m_store.executions().addEvent(event);
    if (!id) {
        qCWarning(lcSync) << "could not record an event:" << id.error().toString();
        return;
    }
    event.id = id.value();
    if (m_listener)
        m_listener(event);
    if (m_notifier)
        Q_EMIT m_notifier->executionProgressed(m_tenantId, m_connectionId, m_executionId);
}

void ExecutionJournal::rateLimitWaited(const QString &reason, qint64 waitMs)
{
    if (m_notifier)
        Q_EMIT m_notifier->rateLimitWaited(reason, waitMs);
}

void ExecutionJournal::tokenRefreshFailed(const QString &code)
{
    if (m_notifier)
        Q_EMIT m_notifier->tokenRefreshFailed(code);
}

void ExecutionJournal::saveCounts()
{
    if (auto result = m_store.executions().updateExecutionCounts(m_executionId, m_counts); !result)
        qCWarning(lcSync) << "could not save execution counts:" << result.error().toString();
}

Result<Execution> ExecutionJournal::succeed(const QString &summary)
{
    recordEvent(EventLevel::Info, summary);
    if (auto result = m_store.executions().finishExecution(m_executionId, ExecutionStatus::Succeeded, m_counts, std::nullopt);
        !result)
        return finished(result.error());
    return finished(m_store.executions().execution(m_executionId));
}

Result<Execution> ExecutionJournal::fail(const Error &error)
{
    return close(ExecutionStatus::Failed, EventLevel::Error, error);
}

Result<Execution> ExecutionJournal::interrupt(const Error &error)
{
    return close(ExecutionStatus::Interrupted, EventLevel::Warning, error);
}

Result<Execution> ExecutionJournal::close(const QString &status, const QString &level, const Error &error)
{
    recordEvent(level, error.message, {{QStringLiteral("code"), error.code}});
    if (auto result = m_store.executions().finishExecution(m_executionId, status, m_counts, error); !result)
        return finished(result.error());
    return finished(m_store.executions().execution(m_executionId));
}

Result<Execution> ExecutionJournal::finished(Result<Execution> execution)
{
    if (!m_notifier)
        return execution;
    if (execution) {
        Q_EMIT m_notifier->executionCounted(execution->kind, execution->status, execution->recordCount,
                                            execution->failedRecordCount);
        Q_EMIT m_notifier->executionFinished(m_tenantId, m_connectionId, m_executionId,
                                             execution->status == ExecutionStatus::Succeeded,
                                             execution->errorMessage);
    } else {
        Q_EMIT m_notifier->executionFinished(m_tenantId, m_connectionId, m_executionId, false,
                                             execution.error().message);
    }
    // The end of an execution is when a connection's status and last sync change.
    Q_EMIT m_notifier->connectionChanged(m_tenantId, m_connectionId);
    return execution;
}

} // namespace patchbay
