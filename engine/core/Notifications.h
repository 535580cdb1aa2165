#pragma once

// Notifications to the product: what happened (an event of a kind, with its JSON payload) and each attempt to
// deliver it to one of the product's endpoints. Plain types of the engine's vocabulary (engine/core): no engine
// includes.

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay {

// The event types a product receives, as they appear in the payload's "type" and the Patchbay-Event-Type header.
namespace NotificationType {
inline const QString ConnectionCreated = QStringLiteral("connection.created");
inline const QString ConnectionNeedsReauth = QStringLiteral("connection.needs_reauth");
inline const QString ConnectionRecovered = QStringLiteral("connection.recovered");
inline const QString SyncFailed = QStringLiteral("sync.failed");
inline const QString RecordsChanged = QStringLiteral("records.changed");
inline const QString MappingChanged = QStringLiteral("mapping.changed");
inline const QString WebhooksSilent = QStringLiteral("webhooks.silent");
inline QStringList all()
{
    return {ConnectionCreated, ConnectionNeedsReauth, ConnectionRecovered, SyncFailed,
            RecordsChanged,    MappingChanged,        WebhooksSilent};
}
} // namespace NotificationType

// Where a delivery stands: pending (to be sent at nextAttemptAt), delivered (the endpoint answered 2xx), failed
// (every attempt failed; only a replay sends it again).
namespace DeliveryState {
inline const QString Pending = QStringLiteral("pending");
inline const QString Delivered = QStringLiteral("delivered");
inline const QString Failed = QStringLiteral("failed");
} // namespace DeliveryState

// One event for one endpoint. The payload is the exact body sent (signed as is); it never holds a secret.
struct NotificationDelivery
{
    qint64 id = 0;
    QString deliveryId;      // unique per delivery (a replay has its own): the Patchbay-Delivery header
    QString eventId;         // the same for every endpoint and replay of the event: the payload's "id"
    QString eventType;       // NotificationType
    QString endpoint;        // the configured endpoint's name
    QString url;             // where it is sent (the endpoint's URL when it was queued)
    std::optional<qint64> tenantId;     // none: an event of every tenant (an environment-level mapping change)
    std::optional<qint64> connectionId;
    QByteArray payload;
    QString state = DeliveryState::Pending;
    int attempts = 0;
    int lastStatus = 0;      // the endpoint's last HTTP status; 0: none (not tried, or no answer)
    QString lastError;       // why the last attempt failed, in words; empty once delivered
    QDateTime createdAt;
    QDateTime lastAttemptAt; // invalid: not tried yet
    QDateTime nextAttemptAt; // when a pending delivery is due
    std::optional<qint64> replayOf; // the delivery this one replays
};

// The outcome of one attempt (NotificationStore::recordAttempt): the state it leaves the delivery in, and when a
// pending one is tried next.
struct DeliveryAttempt
{
    int status = 0;
    QString error;
    QString state = DeliveryState::Pending;
    QDateTime nextAttemptAt;
};

// Which deliveries to list: every filter set must match; newest first; page on with beforeId = the last id.
struct DeliveryFilter
{
    std::optional<qint64> tenantId;
    std::optional<qint64> connectionId;
    QString state;
    QString eventType;
    QString endpoint;
    std::optional<qint64> beforeId;
    int limit = 50;
};

} // namespace patchbay
