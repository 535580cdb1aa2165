#pragma once

#include "ops/OpsApi.h"

namespace patchbay {

// An OpsApi whose every call fails, as a dropped remote connection or a broken database would.
class FailingOps : public OpsApi
{
    Q_OBJECT
public:
    static inline const QString kMessage = QStringLiteral("The console database cannot be read: disk I/O error");

    using OpsApi::OpsApi;

    QFuture<Result<QList<Tenant>>> tenants() override { return failure<QList<Tenant>>(); }
    QFuture<Result<QList<ConnectionSummary>>> connections(std::optional<qint64>) override
    {
        return failure<QList<ConnectionSummary>>();
    }
    QFuture<Result<ConnectionSummary>> connection(qint64) override { return failure<ConnectionSummary>(); }
    QFuture<Result<QList<Execution>>> executions(qint64, int, std::optional<qint64>) override
    {
        return failure<QList<Execution>>();
    }
    QFuture<Result<Execution>> execution(qint64) override { return failure<Execution>(); }
    QFuture<Result<QList<ExecutionRow>>> findExecutions(const ExecutionFilter &) override
    {
        return failure<QList<ExecutionRow>>();
    }
    QFuture<Result<QList<Event>>> events(qint64) override { return failure<QList<Event>>(); }
    QFuture<Result<QList<Exchange>>> exchanges(qint64) override { return failure<QList<Exchange>>(); }
    QFuture<Result<EffectiveMapping>> mapping(qint64, const QString &, const QString &) override
    {
        return failure<EffectiveMapping>();
    }
    QFuture<Result<MappingVersion>> setMappingOverride(const QString &, const QString &, const QString &,
                                                       const QString &, const QString &, const MappingTree &,
                                                       const QString &, const QString &) override
    {
        return failure<MappingVersion>();
    }
    QFuture<Result<QList<MappingVersion>>> mappingHistory(const QString &, const QString &, const QString &,
                                                          const QString &, const QString &) override
    {
        return failure<QList<MappingVersion>>();
    }
    QFuture<Result<QList<MappingPreviewRecord>>> previewMapping(qint64, const QString &, const QString &,
                                                                const QJsonArray &,
                                                                const std::optional<MappingTree> &) override
    {
        return failure<QList<MappingPreviewRecord>>();
    }
    QFuture<Result<QList<MappingIssue>>> checkExpression(const QString &) override
    {
        return failure<QList<MappingIssue>>();
    }
    QFuture<Result<QList<FailedRecord>>> failedRecords(qint64, const QString &) override
    {
        return failure<QList<FailedRecord>>();
    }
    QFuture<Result<QList<FailedRecordDetail>>> executionFailedRecords(qint64) override
    {
        return failure<QList<FailedRecordDetail>>();
    }
    QFuture<Result<QList<FailedRecordDetail>>> connectionFailedRecords(qint64) override
    {
        return failure<QList<FailedRecordDetail>>();
    }
    QFuture<Result<HealthReport>> health(const HealthFilter &) override { return failure<HealthReport>(); }
    QFuture<Result<RefreshHistory>> refreshHistory(qint64) override { return failure<RefreshHistory>(); }
    QFuture<Result<QList<WriteItem>>> writeItems(qint64) override { return failure<QList<WriteItem>>(); }

    QFuture<Result<CommandStarted>> syncNow(qint64) override { return failure<CommandStarted>(); }
    QFuture<Result<CommandStarted>> refreshToken(qint64) override { return failure<CommandStarted>(); }
    QFuture<Result<CommandStarted>> remapFailedRecords(qint64) override { return failure<CommandStarted>(); }
    QFuture<Result<CommandStarted>> retryFailedWrites(qint64) override { return failure<CommandStarted>(); }
    QFuture<Result<CommandStarted>> replayExecution(qint64) override { return failure<CommandStarted>(); }
    QFuture<Result<QUrl>> beginReauthorization(qint64) override { return failure<QUrl>(); }
    // Pause / resume and full resync (connected users health).
    QFuture<Result<ConnectionSummary>> pauseConnection(qint64) override { return failure<ConnectionSummary>(); }
    QFuture<Result<ConnectionSummary>> resumeConnection(qint64) override { return failure<ConnectionSummary>(); }
    QFuture<Result<CommandStarted>> fullResync(qint64, std::optional<QDateTime>) override
    {
        return failure<CommandStarted>();
    }

    bool isBusy(qint64) const override { return false; }
    // Replay of webhook events and notification deliveries (issue 13 item 6)
    QFuture<Result<QList<WebhookEventRow>>> webhookEvents(const ReplayListFilter &) override
    {
        return failure<QList<WebhookEventRow>>();
    }
    QFuture<Result<QList<NotificationDeliveryRow>>> notificationDeliveries(const ReplayListFilter &) override
    {
        return failure<QList<NotificationDeliveryRow>>();
    }
    QFuture<Result<WebhookEventRow>> replayWebhookEvent(qint64) override { return failure<WebhookEventRow>(); }
    QFuture<Result<NotificationDeliveryRow>> replayNotificationDelivery(qint64) override
    {
        return failure<NotificationDeliveryRow>();
    }
    // Tokens (re-authorisation links).
    QFuture<Result<ReauthorizationLink>> createReauthorizationLink(qint64) override
    {
        return failure<ReauthorizationLink>();
    }

private:
    template <typename T>
    static QFuture<Result<T>> failure()
    {
        return readyAnswer<T>(makeError("store.io", kMessage));
    }
};

} // namespace patchbay
