#pragma once

#include "store/NotificationStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteNotificationStore final : public NotificationStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<qint64> addDelivery(const NotificationDelivery &delivery) override;
    Result<NotificationDelivery> delivery(qint64 id) override;
    Result<QList<NotificationDelivery>> deliveries(const DeliveryFilter &filter) override;
    Result<QList<NotificationDelivery>> claimDueDeliveries(const QDateTime &now, const QDateTime &leaseUntil,
                                                           int limit) override;
    Result<void> recordAttempt(qint64 id, const DeliveryAttempt &attempt) override;
    Result<qint64> pendingDeliveryCount() override;

    std::optional<qint64> notificationMark(const QString &name) override;
    Result<void> setNotificationMark(const QString &name, qint64 value) override;
    Result<QList<ConnectionWatch>> watchedConnections() override;
    Result<void> setNotifiedStatus(qint64 connectionId, const QString &status) override;
    Result<void> setWebhooksSilentSince(qint64 connectionId, const QDateTime &since) override;
    Result<QList<Execution>> finishedExecutions(const QStringList &kinds, const QString &status,
                                                const QDateTime &since, int limit) override;
    Result<QList<ChangeSummary>> changeSummaries(qint64 afterSequence, qint64 upToSequence) override;
    Result<qint64> lastChangeSequence() override;
    Result<QList<MappingVersion>> mappingVersionsAfter(qint64 afterId, int limit) override;
    Result<qint64> lastMappingVersionId() override;
};

} // namespace patchbay
