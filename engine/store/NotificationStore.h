#pragma once

#include "core/Executions.h"
#include "core/MappingVersion.h"
#include "core/Notifications.h"
#include "core/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// Notifications to the product: the delivery log (one row per event and endpoint, with its attempts), and what the
// notifier reads to find events in what the rest of the store already records (connections, finished executions,
// the record change log, mapping versions, webhook events), with the marks of how far it has read.
class NotificationStore
{
public:
    virtual ~NotificationStore() = default;

    // --- the delivery log

    // Queues a delivery (id, attempts and last* ignored; createdAt, when invalid, is now). An event is queued once per
    // endpoint: when the endpoint already has this eventId (and this is no replay), nothing is added and the answer
    // is 0.
    virtual Result<qint64> addDelivery(const NotificationDelivery &delivery) = 0;
    // store.not_found when there is none.
    virtual Result<NotificationDelivery> delivery(qint64 id) = 0;
    // Newest first (by id), at most filter.limit.
    virtual Result<QList<NotificationDelivery>> deliveries(const DeliveryFilter &filter) = 0;
    // Takes up to limit pending deliveries due at now (oldest due first) for sending, moving their next attempt to
    // leaseUntil so that no other sender takes them meanwhile; a sender that dies leaves them due again then.
    virtual Result<QList<NotificationDelivery>> claimDueDeliveries(const QDateTime &now, const QDateTime &leaseUntil,
                                                                   int limit) = 0;
    // One attempt made now: attempts + 1, its status and error, and the state and next attempt it leaves.
    virtual Result<void> recordAttempt(qint64 id, const DeliveryAttempt &attempt) = 0;
    virtual Result<qint64> pendingDeliveryCount() = 0;

    // --- what events are found in

    // A position the notifier has read up to, by name; nullopt before the first scan.
    virtual std::optional<qint64> notificationMark(const QString &name) = 0;
    virtual Result<void> setNotificationMark(const QString &name, qint64 value) = 0;

    // Every connection with the state the notifier last told the product about.
    struct ConnectionWatch
    {
        qint64 connectionId = 0;
        qint64 tenantId = 0;
        QString provider;
        QString status;
        QString statusMessage;
        std::optional<QString> notifiedStatus; // nullopt: never seen (a new connection)
        QDateTime silentSince;                 // valid: its webhooks were reported silent then, and still are
        // When the provider's last webhook call for it was accepted (stored in the inbox, whether or not it applied
        // since; replays not counted); invalid: it never received one.
        QDateTime lastWebhookAt;
    };
    virtual Result<QList<ConnectionWatch>> watchedConnections() = 0;
    virtual Result<void> setNotifiedStatus(qint64 connectionId, const QString &status) = 0;
    virtual Result<void> setWebhooksSilentSince(qint64 connectionId, const QDateTime &since) = 0;

    // Executions of these kinds that finished with status at or after `since`, oldest first, at most limit.
    virtual Result<QList<Execution>> finishedExecutions(const QStringList &kinds, const QString &status,
                                                        const QDateTime &since, int limit) = 0;

    // The record change log summed up per connection and object, for the changes with a sequence in
    // (afterSequence, upToSequence].
    struct ChangeSummary
    {
        qint64 tenantId = 0;
        qint64 connectionId = 0;
        QString object;
        qint64 created = 0;
        qint64 updated = 0;
        qint64 deleted = 0;
        qint64 firstSequence = 0;
        qint64 lastSequence = 0;
        qint64 byReads = 0; // how many of them a read or backfill made (not a webhook)
    };
    virtual Result<QList<ChangeSummary>> changeSummaries(qint64 afterSequence, qint64 upToSequence) = 0;
    virtual Result<qint64> lastChangeSequence() = 0;

    // Mapping versions saved after the one with id afterId, oldest first, at most limit.
    virtual Result<QList<MappingVersion>> mappingVersionsAfter(qint64 afterId, int limit) = 0;
    virtual Result<qint64> lastMappingVersionId() = 0;
};

} // namespace patchbay
