#pragma once

#include "OpsApi.h"

#include <QHash>
#include <QSet>
#include <QThreadPool>

#include <memory>

namespace patchbay {

class AuthorizationRedirect;
struct ReadOptions;
class Clock;
class Store;
class SyncService;
class WebhookInboxWorker;

// OpsApi in-process. Nothing runs on the caller's thread: queries run one after another on a worker thread that
// owns the given store connection (SqliteStore is not thread-safe); syncs, refreshes and authorisations run on a
// worker pool with store connections of their own. Answers and signals arrive on the owner's thread.
class LocalOps : public OpsApi
{
    Q_OBJECT
public:
    LocalOps(std::unique_ptr<Store> store, std::shared_ptr<SyncService> sync, Clock &clock,
             QObject *parent = nullptr);
    ~LocalOps() override;

    QFuture<Result<QList<Tenant>>> tenants() override;
    QFuture<Result<QList<ConnectionSummary>>> connections(std::optional<qint64> tenantId = std::nullopt) override;
    QFuture<Result<ConnectionSummary>> connection(qint64 connectionId) override;
    QFuture<Result<QList<Execution>>> executions(qint64 connectionId, int limit,
                                                 std::optional<qint64> beforeId = std::nullopt) override;
    QFuture<Result<Execution>> execution(qint64 executionId) override;
    QFuture<Result<QList<ExecutionRow>>> findExecutions(const ExecutionFilter &filter) override;
    QFuture<Result<QList<Event>>> events(qint64 executionId) override;
    QFuture<Result<QList<Exchange>>> exchanges(qint64 executionId) override;

    QFuture<Result<EffectiveMapping>> mapping(qint64 connectionId, const QString &object,
                                              const QString &direction) override;
    QFuture<Result<MappingVersion>> setMappingOverride(const QString &level, const QString &scope,
                                                       const QString &integration, const QString &object,
                                                       const QString &direction, const MappingTree &overrides,
                                                       const QString &author, const QString &reason) override;
    QFuture<Result<QList<MappingVersion>>> mappingHistory(const QString &level, const QString &scope,
                                                          const QString &integration, const QString &object,
                                                          const QString &direction) override;
    QFuture<Result<QList<MappingPreviewRecord>>>
    previewMapping(qint64 connectionId, const QString &object, const QString &direction, const QJsonArray &samples,
                   const std::optional<MappingTree> &candidateConnectionOverride = std::nullopt) override;
    QFuture<Result<QList<MappingIssue>>> checkExpression(const QString &expression) override;
    QFuture<Result<QList<FailedRecord>>> failedRecords(qint64 connectionId, const QString &object = {}) override;
    QFuture<Result<QList<FailedRecordDetail>>> executionFailedRecords(qint64 executionId) override;
    QFuture<Result<QList<FailedRecordDetail>>> connectionFailedRecords(qint64 connectionId) override;
    QFuture<Result<HealthReport>> health(const HealthFilter &filter) override;
    QFuture<Result<RefreshHistory>> refreshHistory(qint64 connectionId) override;
    QFuture<Result<QList<WriteItem>>> writeItems(qint64 executionId) override;

    QFuture<Result<CommandStarted>> syncNow(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> refreshToken(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> remapFailedRecords(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> retryFailedWrites(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> replayExecution(qint64 executionId) override;
    QFuture<Result<QUrl>> beginReauthorization(qint64 connectionId) override;
    // Pause / resume and full resync (connected users health).
    QFuture<Result<ConnectionSummary>> pauseConnection(qint64 connectionId) override;
    QFuture<Result<ConnectionSummary>> resumeConnection(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> fullResync(qint64 connectionId, std::optional<QDateTime> since = std::nullopt) override;
    // fullResync's check of since, shared with the server's route (which queues the resync instead): catalog.bad_since
    // for an invalid time or one after now.
    static Result<void> checkResyncSince(const std::optional<QDateTime> &since, const QDateTime &now);

    bool isBusy(qint64 connectionId) const override { return m_busy.contains(connectionId); }
    // Tokens (re-authorisation links): refused in-process ("ops.needs_server"); patchbayd answers its route itself.
    QFuture<Result<ReauthorizationLink>> createReauthorizationLink(qint64 connectionId) override;

    // --- Replay of webhook events and notification deliveries (issue 13 item 6)
    QFuture<Result<QList<WebhookEventRow>>> webhookEvents(const ReplayListFilter &filter) override;
    QFuture<Result<QList<NotificationDeliveryRow>>> notificationDeliveries(const ReplayListFilter &filter) override;
    QFuture<Result<WebhookEventRow>> replayWebhookEvent(qint64 id) override;
    QFuture<Result<NotificationDeliveryRow>> replayNotificationDelivery(qint64 id) override;
    // patchbayd's: its inbox worker applies replayed webhook calls (woken when one is queued), and its notifier sends
    // replayed deliveries. Without them (the console's own engine), a replayed webhook call is applied by a worker
    // of this object's own, and a delivery is not replayed.
    void setServerWorkers(WebhookInboxWorker *webhookInbox, bool sendsNotifications);

    // Where providers send the browser back after an authorisation; a LoopbackRedirect unless replaced (before
    // the first beginReauthorization).
    void setAuthorizationRedirect(std::unique_ptr<AuthorizationRedirect> redirect);

    // Blocks until background work is done (tests). Work that reports to this thread needs its events served:
    // on an event-driven thread, poll hasRunningWork() while processing events instead.
    void waitForIdle();
    bool hasRunningWork() const
    {
        return m_pool.activeThreadCount() > 0 || m_storePool.activeThreadCount() > 0 || !m_busy.isEmpty();
    }

private:
    template <typename Work>
    auto withStore(Work work);
    template <typename Work>
    QFuture<Result<CommandStarted>> runInBackground(qint64 connectionId, Work work);
    QFuture<Result<ConnectionSummary>> changePause(qint64 connectionId, bool pause);
    // A read of every object started with the options check answers, or check's refusal.
    QFuture<Result<CommandStarted>> startChecked(QFuture<Result<ReadOptions>> check, qint64 connectionId);
    Result<ConnectionSummary> summaryOf(Store &store, qint64 connectionId);
    ConnectionSummary summarize(Store &store, const Connection &connection, const QString &tenantName);
    bool completeAuthorization(const QString &state, const QString &code, const QString &issuer);

    std::unique_ptr<Store> m_store; // used on m_storePool's one thread only
    std::shared_ptr<SyncService> m_sync;
    Clock &m_clock;
    QThreadPool m_storePool;
    QThreadPool m_pool;
    QSet<qint64> m_busy;
    std::unique_ptr<AuthorizationRedirect> m_redirect;
    QHash<QString, qint64> m_pendingStates; // state -> connection
    WebhookInboxWorker *m_webhookInbox = nullptr;            // the server's, or m_ownWebhookInbox
    std::unique_ptr<WebhookInboxWorker> m_ownWebhookInbox;   // made at the first replay when there is no server's
    bool m_sendsNotifications = false;
};

} // namespace patchbay
