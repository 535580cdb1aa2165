#pragma once

#include "OpsApi.h"

#include <QPointer>

namespace patchbay {

// An OpsApi that forwards every call to another one, which can be swapped while it is in use: the console's models
// and widgets hold this, so that moving between this computer's engine and a server changes what they talk to
// without rebuilding the window. Signals of the current target are re-emitted as its own; the previous target's
// are no longer heard once swapped (an answer already asked of it still arrives, to whoever asked).
//
// Each method is one line over the target; a new OpsApi method gets its line here too.
class SwitchableOps : public OpsApi
{
    Q_OBJECT
public:
    explicit SwitchableOps(OpsApi *target, QObject *parent = nullptr);

    OpsApi *target() const { return m_target; }
    // Forwards to target from now on (not owned; it must outlive its use here) and says so with targetChanged.
    void setTarget(OpsApi *target);

    QFuture<Result<QList<Tenant>>> tenants() override { return m_target->tenants(); }
    QFuture<Result<QList<ConnectionSummary>>> connections(std::optional<qint64> tenantId = std::nullopt) override
    {
        return m_target->connections(tenantId);
    }
    QFuture<Result<ConnectionSummary>> connection(qint64 connectionId) override
    {
        return m_target->connection(connectionId);
    }
    QFuture<Result<QList<Execution>>> executions(qint64 connectionId, int limit,
                                                 std::optional<qint64> beforeId = std::nullopt) override
    {
        return m_target->executions(connectionId, limit, beforeId);
    }
    QFuture<Result<Execution>> execution(qint64 executionId) override { return m_target->execution(executionId); }
    QFuture<Result<QList<Event>>> events(qint64 executionId) override { return m_target->events(executionId); }
    QFuture<Result<QList<Exchange>>> exchanges(qint64 executionId) override
    {
        return m_target->exchanges(executionId);
    }
    QFuture<Result<EffectiveMapping>> mapping(qint64 connectionId, const QString &object,
                                              const QString &direction) override
    {
        return m_target->mapping(connectionId, object, direction);
    }
    QFuture<Result<MappingVersion>> setMappingOverride(const QString &level, const QString &scope,
                                                       const QString &integration, const QString &object,
                                                       const QString &direction, const MappingTree &overrides,
                                                       const QString &author, const QString &reason) override
    {
        return m_target->setMappingOverride(level, scope, integration, object, direction, overrides, author, reason);
    }
    QFuture<Result<QList<MappingVersion>>> mappingHistory(const QString &level, const QString &scope,
                                                          const QString &integration, const QString &object,
                                                          const QString &direction) override
    {
        return m_target->mappingHistory(level, scope, integration, object, direction);
    }
    QFuture<Result<QList<MappingPreviewRecord>>>
    previewMapping(qint64 connectionId, const QString &object, const QString &direction, const QJsonArray &samples,
                   const std::optional<MappingTree> &candidateConnectionOverride = std::nullopt) override
    {
        return m_target->previewMapping(connectionId, object, direction, samples, candidateConnectionOverride);
    }
    QFuture<Result<QList<MappingIssue>>> checkExpression(const QString &expression) override
    {
        return m_target->checkExpression(expression);
    }
    QFuture<Result<QList<FailedRecord>>> failedRecords(qint64 connectionId, const QString &object = {}) override
    {
        return m_target->failedRecords(connectionId, object);
    }
    QFuture<Result<QList<WriteItem>>> writeItems(qint64 executionId) override
    {
        return m_target->writeItems(executionId);
    }
    QFuture<Result<CommandStarted>> syncNow(qint64 connectionId) override { return m_target->syncNow(connectionId); }
    QFuture<Result<CommandStarted>> refreshToken(qint64 connectionId) override
    {
        return m_target->refreshToken(connectionId);
    }
    QFuture<Result<CommandStarted>> remapFailedRecords(qint64 connectionId) override
    {
        return m_target->remapFailedRecords(connectionId);
    }
    QFuture<Result<CommandStarted>> retryFailedWrites(qint64 connectionId) override
    {
        return m_target->retryFailedWrites(connectionId);
    }
    QFuture<Result<QUrl>> beginReauthorization(qint64 connectionId) override
    {
        return m_target->beginReauthorization(connectionId);
    }
    // Tokens (re-authorisation links).
    QFuture<Result<ReauthorizationLink>> createReauthorizationLink(qint64 connectionId) override
    {
        return m_target->createReauthorizationLink(connectionId);
    }
    QFuture<Result<QList<ExecutionRow>>> findExecutions(const ExecutionFilter &filter) override
    {
        return m_target->findExecutions(filter);
    }
    QFuture<Result<QList<FailedRecordDetail>>> executionFailedRecords(qint64 executionId) override
    {
        return m_target->executionFailedRecords(executionId);
    }
    QFuture<Result<QList<FailedRecordDetail>>> connectionFailedRecords(qint64 connectionId) override
    {
        return m_target->connectionFailedRecords(connectionId);
    }
    QFuture<Result<HealthReport>> health(const HealthFilter &filter) override { return m_target->health(filter); }
    QFuture<Result<RefreshHistory>> refreshHistory(qint64 connectionId) override
    {
        return m_target->refreshHistory(connectionId);
    }
    QFuture<Result<CommandStarted>> replayExecution(qint64 executionId) override
    {
        return m_target->replayExecution(executionId);
    }

    // Pause / resume and full resync (connected users health).
    QFuture<Result<ConnectionSummary>> pauseConnection(qint64 connectionId) override
    {
        return m_target->pauseConnection(connectionId);
    }
    QFuture<Result<ConnectionSummary>> resumeConnection(qint64 connectionId) override
    {
        return m_target->resumeConnection(connectionId);
    }
    QFuture<Result<CommandStarted>> fullResync(qint64 connectionId, std::optional<QDateTime> since) override
    {
        return m_target->fullResync(connectionId, since);
    }

    bool isBusy(qint64 connectionId) const override { return m_target->isBusy(connectionId); }

    // --- Replay of webhook events and notification deliveries (issue 13 item 6)
    QFuture<Result<QList<WebhookEventRow>>> webhookEvents(const ReplayListFilter &filter) override
    {
        return m_target->webhookEvents(filter);
    }
    QFuture<Result<QList<NotificationDeliveryRow>>> notificationDeliveries(const ReplayListFilter &filter) override
    {
        return m_target->notificationDeliveries(filter);
    }
    QFuture<Result<WebhookEventRow>> replayWebhookEvent(qint64 id) override { return m_target->replayWebhookEvent(id); }
    QFuture<Result<NotificationDeliveryRow>> replayNotificationDelivery(qint64 id) override
    {
        return m_target->replayNotificationDelivery(id);
    }

Q_SIGNALS:
    // The target changed: everything shown came from the previous one and should be asked again.
    void targetChanged();

private:
    QPointer<OpsApi> m_target;
};

} // namespace patchbay
