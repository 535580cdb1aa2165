#include "SqliteWebhookStore.h"

namespace patchbay {

using namespace sqlite;

namespace {

WebhookRejection readRejection(SqliteRow &row)
{
    return WebhookRejection{row.text(), row.text(),  row.int64(), row.time(), row.time(),
                            row.text(), row.int64(), row.int64(), row.text()};
}

} // namespace

bool SqliteWebhookStore::webhookEventSeen(qint64 connectionId, const QString &provider, const QString &eventId)
{
    return ifFound(selectOne(
                       m_db,
                       QStringLiteral("SELECT 1 FROM webhook_events WHERE connection_id = ?1 AND provider = ?2 "
                                      "AND event_id = ?3"),
                       [](SqliteRow &) { return true; }, connectionId, provider, eventId))
        .has_value();
}

Result<bool> SqliteWebhookStore::recordWebhookEvent(const QString &provider, const QString &eventId,
                                                    qint64 connectionId, qint64 executionId)
{
    return changed(m_db,
                   QStringLiteral("INSERT INTO webhook_events (provider, event_id, connection_id, execution_id, "
                                  "received_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                                  "ON CONFLICT (connection_id, provider, event_id) DO NOTHING"),
                   provider, eventId, connectionId, idOrNull(executionId), now());
}

Result<void> SqliteWebhookStore::recordWebhookRejection(const WebhookRejection &call)
{
    return inTransaction(m_db, [&]() -> Result<void> {
        if (auto result =
                run(m_db,
                    QStringLiteral("INSERT INTO webhook_rejections (provider, source, count, first_at, "
                                   "last_at, last_reason, last_connection_id, last_size, last_body_sha256) "
                                   "VALUES (?1, ?2, 1, ?3, ?3, ?4, ?5, ?6, ?7) "
                                   "ON CONFLICT (provider, source) DO UPDATE SET count = count + 1, "
                                   "last_at = excluded.last_at, last_reason = excluded.last_reason, "
                                   "last_connection_id = excluded.last_connection_id, "
                                   "last_size = excluded.last_size, "
                                   "last_body_sha256 = excluded.last_body_sha256"),
                    call.provider, call.source, call.lastAt.isValid() ? call.lastAt : now(), call.lastReason.left(500),
                    idOrNull(call.lastConnectionId), call.lastSize, call.lastBodySha256);
            !result)
            return result;
        return run(m_db,
                   QStringLiteral("DELETE FROM webhook_rejections WHERE (provider, source) NOT IN "
                                  "(SELECT provider, source FROM webhook_rejections ORDER BY last_at DESC LIMIT ?1)"),
                   qint64(kMaxRejectionSources));
    });
}

Result<QList<WebhookRejection>> SqliteWebhookStore::webhookRejections(const QString &provider)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT provider, source, count, first_at, last_at, last_reason, "
                                    "last_connection_id, last_size, last_body_sha256 FROM webhook_rejections "
                                    "WHERE (?1 = '' OR provider = ?1) ORDER BY last_at DESC"),
                     readRejection, provider);
}

} // namespace patchbay
