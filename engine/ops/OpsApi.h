#pragma once

#include "OpsTypes.h"
#include "core/Executions.h"
#include "core/Exchange.h"
#include "core/Mapping.h"
#include "core/MappingVersion.h"
#include "core/Records.h"
#include "core/Result.h"
#include "core/Tenancy.h"

#include <QFuture>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QUrl>

#include <optional>

namespace patchbay {

// Everything the console does, behind one interface: LocalOps calls the engine in-process on worker threads (and
// serves patchbayd's /api/v1/ops); RemoteOps (engine/ops/remote/) speaks that API over HTTP. Only plain types cross
// it (engine/core and OpsTypes.h), so both implementations answer alike: tests/contract proves it for every method,
// one row each (a new method needs its row there, and its line in RemoteOps and SwitchableOps).
//
// Every call returns at once with a future; the answer is a Result with the same error code and message either
// way. Take it with .then(receiver, ...) so that it is delivered on the receiver's thread, and not at all once the
// receiver is gone. Answers to calls made from one thread arrive in the order of the calls.
//
// Commands (sync, token refresh, re-mapping, write retry, re-authorisation) answer once the work is accepted and
// started; executionStarted / executionProgressed / executionFinished / connectionChanged report it from there.
class OpsApi : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QFuture<Result<QList<Tenant>>> tenants() = 0;
    virtual QFuture<Result<QList<ConnectionSummary>>> connections(std::optional<qint64> tenantId = std::nullopt) = 0;
    virtual QFuture<Result<ConnectionSummary>> connection(qint64 connectionId) = 0;
    // The most a page of a list may hold.
    static constexpr int kMaxPageSize = 1000;

    // Newest first; keyset paging with the last seen id. limit from 1 to kMaxPageSize, else "ops.bad_limit".
    virtual QFuture<Result<QList<Execution>>> executions(qint64 connectionId, int limit,
                                                         std::optional<qint64> beforeId = std::nullopt) = 0;
    virtual QFuture<Result<Execution>> execution(qint64 executionId) = 0;
    // Executions across tenants (the Runs view), filtered; newest first, keyset paging with filter.beforeId.
    // Refused with "ops.bad_filter" for an outcome that is none of ExecutionOutcome's, "ops.bad_limit" for a limit
    // outside 1..1000.
    virtual QFuture<Result<QList<ExecutionRow>>> findExecutions(const ExecutionFilter &filter) = 0;
    virtual QFuture<Result<QList<Event>>> events(qint64 executionId) = 0;
    virtual QFuture<Result<QList<Exchange>>> exchanges(qint64 executionId) = 0;

    // Field mappings. Overrides need who and why; a broken one is refused and nothing changes.
    virtual QFuture<Result<EffectiveMapping>> mapping(qint64 connectionId, const QString &object,
                                                      const QString &direction) = 0;
    virtual QFuture<Result<MappingVersion>> setMappingOverride(const QString &level, const QString &scope,
                                                               const QString &integration, const QString &object,
                                                               const QString &direction, const MappingTree &overrides,
                                                               const QString &author, const QString &reason) = 0;
    virtual QFuture<Result<QList<MappingVersion>>> mappingHistory(const QString &level, const QString &scope,
                                                                  const QString &integration, const QString &object,
                                                                  const QString &direction) = 0;
    virtual QFuture<Result<QList<MappingPreviewRecord>>>
    previewMapping(qint64 connectionId, const QString &object, const QString &direction, const QJsonArray &samples,
                   const std::optional<MappingTree> &candidateConnectionOverride = std::nullopt) = 0;
    // Parses one JSONata expression with the engine's own parser (as a mapping field would be): its problems, none
    // when it compiles. For an editor checking an expression as it is typed.
    virtual QFuture<Result<QList<MappingIssue>>> checkExpression(const QString &expression) = 0;
    virtual QFuture<Result<QList<FailedRecord>>> failedRecords(qint64 connectionId, const QString &object = {}) = 0;
    // The records whose mapping failed in one execution (resolved since or not), or those of a connection still
    // failing, each with a label; in the order they failed. An execution that does not exist is store.not_found.
    virtual QFuture<Result<QList<FailedRecordDetail>>> executionFailedRecords(qint64 executionId) = 0;
    virtual QFuture<Result<QList<FailedRecordDetail>>> connectionFailedRecords(qint64 connectionId) = 0;
    // Every connection's health and each tenant's roll-up (the worst of its connections).
    virtual QFuture<Result<HealthReport>> health(const HealthFilter &filter) = 0;
    // The connection's last 100 token operations, consecutive failures, scopes and token expiry.
    virtual QFuture<Result<RefreshHistory>> refreshHistory(qint64 connectionId) = 0;
    // The per-record results of a write execution, in the order they were written.
    virtual QFuture<Result<QList<WriteItem>>> writeItems(qint64 executionId) = 0;

    // Refused with "ops.busy" while the connection runs another execution (one at a time keeps its records and
    // cursor in order), and with "connection.paused" for a paused connection.
    virtual QFuture<Result<CommandStarted>> syncNow(qint64 connectionId) = 0;
    virtual QFuture<Result<CommandStarted>> refreshToken(qint64 connectionId) = 0;
    virtual QFuture<Result<CommandStarted>> remapFailedRecords(qint64 connectionId) = 0;
    // Writes again the records whose latest write failed, in the background.
    virtual QFuture<Result<CommandStarted>> retryFailedWrites(qint64 connectionId) = 0;
    // Runs a failed (or partly failed, or interrupted) read or write again as a new execution whose replayOf names
    // it: a read reads its object again from the cursor, a write writes again the records whose write failed
    // in that execution and have not been written since (not the connection's other failures).
    // Refused with "ops.nothing_to_replay" for an execution that succeeded whole, is running, or is of another
    // kind (token operations, webhooks, schema discovery, proxied calls).
    virtual QFuture<Result<CommandStarted>> replayExecution(qint64 executionId) = 0;
    // Starts authorising the connection again (a revoked grant, new scopes): the URL to open in a browser. When
    // the provider sends the browser back, the code is exchanged in the background (an "authorize" execution);
    // once it succeeded, a sync of the connection starts.
    virtual QFuture<Result<QUrl>> beginReauthorization(qint64 connectionId) = 0;

    // Pause / resume and full resync (connected users health).
    // A paused connection is not read, on schedule or on request (Sync now and Full resync are refused with
    // "connection.paused"), until it is resumed. Both answer the connection as it now is. Pausing one that needs
    // re-authorisation is "connection.not_active"; resuming one that is not paused "connection.not_paused" (an active
    // one is answered as it is); store.not_found for a connection that does not exist.
    virtual QFuture<Result<ConnectionSummary>> pauseConnection(qint64 connectionId) = 0;
    virtual QFuture<Result<ConnectionSummary>> resumeConnection(qint64 connectionId) = 0;
    // Reads every object of the connection again from the start of its history, or from since: the cursors start
    // over; records already stored are updated, nothing is deleted. In-process the read starts at once (as syncNow,
    // "ops.busy" while another runs); on a server it is queued with the scheduler (it shows in /jobs) and the answer's
    // executionId is 0 until it runs. Refused with "connection.paused", "connection.needs_reauth", and
    // "catalog.bad_since" for a since that is invalid or after now.
    virtual QFuture<Result<CommandStarted>> fullResync(qint64 connectionId,
                                                       std::optional<QDateTime> since = std::nullopt) = 0;

    // Whether a command's execution is running for the connection, as the signals so far told: answered at once,
    // from what this object already knows.
    virtual bool isBusy(qint64 connectionId) const = 0;

    // --- Replay of webhook events and notification deliveries (issue 13 item 6)
    // The provider webhook calls kept in the inbox, newest first. "ops.bad_limit" for a limit outside 1..1000.
    virtual QFuture<Result<QList<WebhookEventRow>>> webhookEvents(const ReplayListFilter &filter) = 0;
    // The notification deliveries to the product, newest first. "ops.bad_limit" as above.
    virtual QFuture<Result<QList<NotificationDeliveryRow>>> notificationDeliveries(const ReplayListFilter &filter) = 0;
    // Queues the webhook call again as an entry of its own (replayOf id, answered pending) whose events are applied
    // again, those applied before too: by patchbayd's inbox worker, or embedded in the background through the same
    // worker. "webhook.pending" while the original is still pending (it will be applied anyway), store.not_found.
    virtual QFuture<Result<WebhookEventRow>> replayWebhookEvent(qint64 id) = 0;
    // Queues the delivery again as a new delivery (its own delivery id, due now, replayOf id). Embedded, where no
    // notifier sends anything, refused with "notify.not_here"; store.not_found.
    virtual QFuture<Result<NotificationDeliveryRow>> replayNotificationDelivery(qint64 id) = 0;
    // Tokens (re-authorisation links).
    // A link the connection's customer opens to authorise it again (the same connection: its history kept, active
    // again once authorised, then synced). Only a server can give one, since the provider must send the customer's
    // browser back to a public address: in-process it is refused with "ops.needs_server" (after store.not_found for
    // a connection that does not exist); "connect.not_oauth" / "connect.no_app" when the server cannot authorise
    // the connection's provider in a browser.
    virtual QFuture<Result<ReauthorizationLink>> createReauthorizationLink(qint64 connectionId) = 0;

Q_SIGNALS:
    void executionStarted(qint64 connectionId);
    void executionProgressed(qint64 connectionId, qint64 executionId);
    void executionFinished(qint64 connectionId, qint64 executionId, bool succeeded, const QString &message);
    void connectionChanged(qint64 connectionId);
};

// A future already holding its answer: for implementations that know it without asking anyone.
template <typename T>
QFuture<Result<T>> readyAnswer(Result<T> answer)
{
    return QtFuture::makeReadyFuture(std::move(answer));
}

} // namespace patchbay
