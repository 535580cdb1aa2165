#pragma once

#include "http/RequestObserver.h"
#include "core/Executions.h"
#include "core/Exchange.h"
#include "core/Result.h"

#include <functional>

namespace patchbay {

class Clock;
class ExecutionNotifier;
class Store;
struct Connection;

// The log of one execution: writes its Events and Exchanges to the store as they happen and keeps
// its counts. A listener may watch events live (the console's progress).
class ExecutionJournal : public RequestObserver
{
public:
    using EventListener = std::function<void(const Event &)>;

    // Events are dated by the clock.
    ExecutionJournal(Store &store, qint64 executionId, Clock &clock, EventListener listener = {});

    // Reports this execution to notifier from now on (started at once; each event; the end), for connection's tenant.
    // Without a notifier nothing is reported.
    void announceTo(ExecutionNotifier *notifier, const Connection &connection);

    qint64 executionId() const { return m_executionId; }
    ExecutionCounts &counts() { return m_counts; }

    void recordExchange(const Exchange &exchange) override;
    void recordEvent(const QString &level, const QString &message, const QJsonObject &context = {}) override;
    void rateLimitWaited(const QString &reason, qint64 waitMs) override;
    void tokenRefreshFailed(const QString &code) override;
    void saveCounts();

    Result<Execution> succeed(const QString &summary);
    Result<Execution> fail(const Error &error);
    // Stopped on request (a shutdown): closed as interrupted; what it committed stays and the next run goes on.
    Result<Execution> interrupt(const Error &error);

private:
    Result<Execution> close(const QString &status, const QString &level, const Error &error);
    Result<Execution> finished(Result<Execution> execution);

    Store &m_store;
    qint64 m_executionId;
    Clock &m_clock;
    EventListener m_listener;
    ExecutionCounts m_counts;
    ExecutionNotifier *m_notifier = nullptr;
    qint64 m_tenantId = 0;
    qint64 m_connectionId = 0;
};

} // namespace patchbay
