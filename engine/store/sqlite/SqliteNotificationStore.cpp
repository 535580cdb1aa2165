#include "SqliteNotificationStore.h"

#include <QJsonArray>

namespace patchbay {

using namespace sqlite;

namespace {

const QString kDeliveryColumns = QStringLiteral(
    "id, delivery_id, event_id, event_type, endpoint, url, tenant_id, connection_id, payload, state, attempts, "
    "last_status, last_error, created_at, last_attempt_at, next_attempt_at, replay_of");

std::optional<qint64> optionalId(qint64 id)
{
    return id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

NotificationDelivery readDelivery(SqliteRow &row)
{
    NotificationDelivery delivery;
    delivery.id = row.int64();
    delivery.deliveryId = row.text();
    delivery.eventId = row.text();
    delivery.eventType = row.text();
    delivery.endpoint = row.text();
    delivery.url = row.text();
    delivery.tenantId = optionalId(row.int64());
    delivery.connectionId = optionalId(row.int64());
    delivery.payload = row.blob();
    delivery.state = row.text();
    delivery.attempts = row.integer();
    delivery.lastStatus = row.integer();
    delivery.lastError = row.text();
    delivery.createdAt = row.time();
    delivery.lastAttemptAt = row.time();
    delivery.nextAttemptAt = row.time();
    delivery.replayOf = optionalId(row.int64());
    return delivery;
}

// A NULL time column reads as 0 ms; those are "not set".
QDateTime validOrNull(const QDateTime &time)
{
    return time.isValid() && time.toMSecsSinceEpoch() > 0 ? time : QDateTime();
}

QVariant timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(time) : QVariant();
}

} // namespace

Result<qint64> SqliteNotificationStore::addDelivery(const NotificationDelivery &delivery)
{
    auto added = insert(
        m_db,
        QStringLiteral("INSERT OR IGNORE INTO notification_deliveries (delivery_id, event_id, event_type, endpoint, "
                       "url, tenant_id, connection_id, payload, state, created_at, next_attempt_at, replay_of) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        delivery.deliveryId, delivery.eventId, delivery.eventType, delivery.endpoint, delivery.url, delivery.tenantId,
        delivery.connectionId, delivery.payload, delivery.state,
        delivery.createdAt.isValid() ? delivery.createdAt : now(), timeOrNull(delivery.nextAttemptAt),
        delivery.replayOf);
    if (!added)
        return added.error();
    return m_db.changes() > 0 ? added.value() : 0;
}

Result<NotificationDelivery> SqliteNotificationStore::delivery(qint64 id)
{
    auto found = required(selectOne(m_db,
                                    QStringLiteral("SELECT %1 FROM notification_deliveries WHERE id = ?1")
                                        .arg(kDeliveryColumns),
                                    readDelivery, id),
                          notFound("delivery", id));
    if (found) {
        found.value().lastAttemptAt = validOrNull(found.value().lastAttemptAt);
        found.value().nextAttemptAt = validOrNull(found.value().nextAttemptAt);
    }
    return found;
}

Result<QList<NotificationDelivery>> SqliteNotificationStore::deliveries(const DeliveryFilter &filter)
{
    auto rows = selectAll(
        m_db,
        QStringLiteral("SELECT %1 FROM notification_deliveries WHERE (?1 IS NULL OR tenant_id = ?1) "
                       "AND (?2 IS NULL OR connection_id = ?2) AND (?3 = '' OR state = ?3) "
                       "AND (?4 = '' OR event_type = ?4) AND (?5 = '' OR endpoint = ?5) AND (?6 IS NULL OR id < ?6) "
                       "ORDER BY id DESC LIMIT ?7")
            .arg(kDeliveryColumns),
        readDelivery, filter.tenantId, filter.connectionId, filter.state, filter.eventType, filter.endpoint,
        filter.beforeId, qint64(filter.limit));
    if (rows) {
        for (NotificationDelivery &delivery : rows.value()) {
            delivery.lastAttemptAt = validOrNull(delivery.lastAttemptAt);
            delivery.nextAttemptAt = validOrNull(delivery.nextAttemptAt);
        }
    }
    return rows;
}

Result<QList<NotificationDelivery>> SqliteNotificationStore::claimDueDeliveries(const QDateTime &now,
                                                                                const QDateTime &leaseUntil, int limit)
{
    return inTransaction(m_db, [&]() -> Result<QList<NotificationDelivery>> {
        auto due = selectAll(m_db,
                             QStringLiteral("SELECT %1 FROM notification_deliveries WHERE state = 'pending' "
                                            "AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2")
                                 .arg(kDeliveryColumns),
                             readDelivery, now, qint64(limit));
        if (!due)
            return due;
        for (const NotificationDelivery &delivery : due.value()) {
            if (auto moved = run(m_db,
                                 QStringLiteral("UPDATE notification_deliveries SET next_attempt_at = ?2 WHERE id = ?1"),
                                 delivery.id, leaseUntil);
                !moved)
                return moved.error();
        }
        return due;
    });
}

Result<void> SqliteNotificationStore::recordAttempt(qint64 id, const DeliveryAttempt &attempt)
{
    auto updated = changed(m_db,
                           QStringLiteral("UPDATE notification_deliveries SET attempts = attempts + 1, last_status = ?2, "
                                          "last_error = ?3, last_attempt_at = ?4, state = ?5, next_attempt_at = ?6 "
                                          "WHERE id = ?1"),
                           id, attempt.status, textOrNull(attempt.error), now(), attempt.state,
                           attempt.state == DeliveryState::Pending ? timeOrNull(attempt.nextAttemptAt) : QVariant());
    if (!updated)
        return updated.error();
    if (!updated.value())
        return notFound("delivery", id);
    return {};
}

Result<qint64> SqliteNotificationStore::pendingDeliveryCount()
{
    return required(selectOne(m_db, QStringLiteral("SELECT COUNT(*) FROM notification_deliveries WHERE state = 'pending'"),
                              [](SqliteRow &row) { return row.int64(); }),
                    makeError("store.failed", QStringLiteral("No count.")));
}

std::optional<qint64> SqliteNotificationStore::notificationMark(const QString &name)
{
    return ifFound(selectOne(
        m_db, QStringLiteral("SELECT value FROM notification_marks WHERE name = ?1"),
        [](SqliteRow &row) { return row.int64(); }, name));
}

Result<void> SqliteNotificationStore::setNotificationMark(const QString &name, qint64 value)
{
    return run(m_db,
               QStringLiteral("INSERT INTO notification_marks (name, value) VALUES (?1, ?2) "
                              "ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
               name, value);
}

Result<QList<NotificationStore::ConnectionWatch>> SqliteNotificationStore::watchedConnections()
{
    return selectAll(
        m_db,
        QStringLiteral("SELECT c.id, c.tenant_id, c.provider, c.status, c.status_message, n.notified_status, "
                       "n.webhooks_silent_since, (SELECT MAX(received_at) FROM webhook_inbox w "
                       "WHERE w.connection_id = c.id AND w.replay_of IS NULL) FROM connections c "
                       "LEFT JOIN notification_connections n ON n.connection_id = c.id ORDER BY c.id"),
        [](SqliteRow &row) {
            ConnectionWatch watch;
            watch.connectionId = row.int64();
            watch.tenantId = row.int64();
            watch.provider = row.text();
            watch.status = row.text();
            watch.statusMessage = row.text();
            const QString notified = row.text();
            if (!notified.isEmpty())
                watch.notifiedStatus = notified;
            watch.silentSince = validOrNull(row.time());
            watch.lastWebhookAt = validOrNull(row.time());
            return watch;
        });
}

Result<void> SqliteNotificationStore::setNotifiedStatus(qint64 connectionId, const QString &status)
{
    return run(m_db,
               QStringLiteral("INSERT INTO notification_connections (connection_id, notified_status) VALUES (?1, ?2) "
                              "ON CONFLICT (connection_id) DO UPDATE SET notified_status = excluded.notified_status"),
               connectionId, status);
}

Result<void> SqliteNotificationStore::setWebhooksSilentSince(qint64 connectionId, const QDateTime &since)
{
    return run(m_db,
               QStringLiteral("UPDATE notification_connections SET webhooks_silent_since = ?2 WHERE connection_id = ?1"),
               connectionId, timeOrNull(since));
}

Result<QList<Execution>> SqliteNotificationStore::finishedExecutions(const QStringList &kinds, const QString &status,
                                                                     const QDateTime &since, int limit)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM executions WHERE finished_at >= ?1 AND status = ?2 "
                                    "AND kind IN (SELECT value FROM json_each(?3)) ORDER BY finished_at, id LIMIT ?4")
                         .arg(kExecutionColumns),
                     readExecution, since, status, QJsonArray::fromStringList(kinds), qint64(limit));
}

Result<QList<NotificationStore::ChangeSummary>> SqliteNotificationStore::changeSummaries(qint64 afterSequence,
                                                                                        qint64 upToSequence)
{
    return selectAll(
        m_db,
        QStringLiteral("SELECT c.tenant_id, c.connection_id, c.object, SUM(c.change = 'created'), "
                       "SUM(c.change = 'updated'), SUM(c.change = 'deleted'), MIN(c.sequence), MAX(c.sequence), "
                       "SUM(e.kind IN ('read', 'backfill')) FROM record_changes c "
                       "LEFT JOIN executions e ON e.id = c.execution_id WHERE c.sequence > ?1 AND c.sequence <= ?2 "
                       "GROUP BY c.connection_id, c.object ORDER BY MIN(c.sequence)"),
        [](SqliteRow &row) {
            return ChangeSummary{row.int64(), row.int64(), row.text(),  row.int64(), row.int64(),
                                 row.int64(), row.int64(), row.int64(), row.int64()};
        },
        afterSequence, upToSequence);
}

Result<qint64> SqliteNotificationStore::lastChangeSequence()
{
    return required(selectOne(m_db, QStringLiteral("SELECT COALESCE(MAX(sequence), 0) FROM record_changes"),
                              [](SqliteRow &row) { return row.int64(); }),
                    makeError("store.failed", QStringLiteral("No sequence.")));
}

Result<QList<MappingVersion>> SqliteNotificationStore::mappingVersionsAfter(qint64 afterId, int limit)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM mapping_versions WHERE id > ?1 ORDER BY id LIMIT ?2")
                         .arg(kMappingVersionColumns),
                     readMappingVersion, afterId, qint64(limit));
}

Result<qint64> SqliteNotificationStore::lastMappingVersionId()
{
    return required(selectOne(m_db, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM mapping_versions"),
                              [](SqliteRow &row) { return row.int64(); }),
                    makeError("store.failed", QStringLiteral("No mapping version.")));
}

} // namespace patchbay
