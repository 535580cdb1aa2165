#include "SqliteWebhookStore.h"

#include <QUuid>

namespace patchbay {

using namespace sqlite;

namespace {

WebhookRejection readRejection(SqliteRow &row)
{
    return WebhookRejection{row.text(), row.text(),  row.int64(), row.time(), row.time(),
                            row.text(), row.int64(), row.int64(), row.text()};
}

const QString kInboxSummaryColumns = QStringLiteral(
    "id, tenant_id, connection_id, provider, dedupe_key, received_at, url, source, state, attempts, next_attempt_at, "
    "last_error, execution_id, finished_at, replay_of");

WebhookInboxState inboxState(const QString &name)
{
    if (name == QLatin1String("applied"))
        return WebhookInboxState::Applied;
    if (name == QLatin1String("failed"))
        return WebhookInboxState::Failed;
    return WebhookInboxState::Pending;
}

WebhookInboxEntry readInboxSummary(SqliteRow &row)
{
    WebhookInboxEntry entry;
    entry.id = row.int64();
    entry.tenantId = row.int64();
    entry.connectionId = row.int64();
    entry.provider = row.text();
    entry.dedupeKey = row.text();
    entry.receivedAt = row.time();
    entry.url = row.text();
    entry.source = row.text();
    entry.state = inboxState(row.text());
    entry.attempts = row.integer();
    entry.nextAttemptAt = row.time();
    entry.lastError = row.text();
    entry.executionId = row.int64();
    entry.finishedAt = row.time();
    entry.replayOf = row.int64();
    return entry;
}

// A whole entry: the summary's columns, then headers and body.
WebhookInboxEntry readInboxEntry(SqliteRow &row)
{
    WebhookInboxEntry entry = readInboxSummary(row);
    entry.headers = row.headers();
    entry.body = row.blob();
    return entry;
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

Result<WebhookEnqueued> SqliteWebhookStore::enqueueWebhook(const WebhookInboxEntry &entry)
{
    return inTransaction(m_db, [&]() -> Result<WebhookEnqueued> {
        auto existing = selectOne(m_db,
                                  QStringLiteral("SELECT id FROM webhook_inbox WHERE connection_id = ?1 AND provider = ?2 "
                                                 "AND dedupe_key = ?3"),
                                  [](SqliteRow &row) { return row.int64(); }, entry.connectionId, entry.provider,
                                  entry.dedupeKey);
        if (!existing)
            return existing.error();
        if (existing->has_value())
            return WebhookEnqueued{existing->value(), true};
        auto tenant = tenantOfConnection(m_db, entry.connectionId);
        if (!tenant)
            return tenant.error();
        const QDateTime receivedAt = entry.receivedAt.isValid() ? entry.receivedAt : now();
        auto id = insert(m_db,
                         QStringLiteral("INSERT INTO webhook_inbox (tenant_id, connection_id, provider, dedupe_key, "
                                        "received_at, url, source, headers, body, state, attempts, next_attempt_at) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', 0, ?10)"),
                         tenant.value(), entry.connectionId, entry.provider, entry.dedupeKey, receivedAt, entry.url,
                         entry.source, entry.headers, entry.body,
                         entry.nextAttemptAt.isValid() ? entry.nextAttemptAt : receivedAt);
        if (!id)
            return id.error();
        return WebhookEnqueued{id.value(), false};
    });
}

Result<QList<WebhookInboxEntry>> SqliteWebhookStore::claimWebhooks(int limit, const QDateTime &claimedUntil)
{
    return inTransaction(m_db, [&]() -> Result<QList<WebhookInboxEntry>> {
        const QDateTime at = now();
        // The oldest pending entry of each connection, when it is due and nobody holds it.
        auto claimed = selectAll(
            m_db,
            QStringLiteral("SELECT %1, headers, body FROM webhook_inbox AS entry WHERE state = 'pending' "
                           "AND id = (SELECT MIN(id) FROM webhook_inbox WHERE state = 'pending' "
                           "AND connection_id = entry.connection_id) "
                           "AND next_attempt_at <= ?1 AND (claimed_until IS NULL OR claimed_until <= ?1) "
                           "ORDER BY id LIMIT ?2")
                .arg(kInboxSummaryColumns),
            readInboxEntry, at, qint64(limit));
        if (!claimed)
            return claimed;
        for (WebhookInboxEntry &entry : claimed.value()) {
            if (auto result = run(m_db,
                                  QStringLiteral("UPDATE webhook_inbox SET claimed_until = ?2, attempts = attempts + 1 "
                                                 "WHERE id = ?1"),
                                  entry.id, claimedUntil);
                !result)
                return result.error();
            ++entry.attempts;
        }
        return claimed;
    });
}

Result<void> SqliteWebhookStore::finishWebhook(qint64 id, WebhookInboxState state, const QString &error,
                                               qint64 executionId, const QDateTime &retryAt)
{
    const bool pending = state == WebhookInboxState::Pending;
    auto updated = changed(m_db,
                           QStringLiteral("UPDATE webhook_inbox SET state = ?2, last_error = ?3, "
                                          "execution_id = COALESCE(?4, execution_id), claimed_until = NULL, "
                                          "next_attempt_at = COALESCE(?5, next_attempt_at), finished_at = ?6 "
                                          "WHERE id = ?1"),
                           id, webhookInboxStateName(state), textOrNull(error.left(2000)), idOrNull(executionId),
                           pending && retryAt.isValid() ? QVariant(retryAt.toMSecsSinceEpoch()) : QVariant(),
                           pending ? QDateTime() : now());
    if (!updated)
        return updated.error();
    if (!updated.value())
        return notFound("webhook inbox entry", id);
    return {};
}

Result<QList<WebhookInboxEntry>> SqliteWebhookStore::webhookInbox(std::optional<WebhookInboxState> state,
                                                                  std::optional<qint64> tenantId, int limit)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM webhook_inbox WHERE (?1 = '' OR state = ?1) "
                                    "AND (?2 IS NULL OR tenant_id = ?2) ORDER BY id DESC LIMIT ?3")
                         .arg(kInboxSummaryColumns),
                     readInboxSummary, state ? webhookInboxStateName(*state) : QString(), tenantId, qint64(limit));
}

Result<QList<WebhookInboxEntry>> SqliteWebhookStore::connectionWebhookInbox(qint64 connectionId, int limit)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM webhook_inbox WHERE connection_id = ?1 ORDER BY id DESC LIMIT ?2")
                         .arg(kInboxSummaryColumns),
                     readInboxSummary, connectionId, qint64(limit));
}

Result<WebhookInboxEntry> SqliteWebhookStore::webhookInboxEntry(qint64 id)
{
    return required(selectOne(m_db,
                              QStringLiteral("SELECT %1, headers, body FROM webhook_inbox WHERE id = ?1")
                                  .arg(kInboxSummaryColumns),
                              readInboxEntry, id),
                    notFound("webhook inbox entry", id));
}

Result<WebhookInboxEntry> SqliteWebhookStore::replayWebhook(qint64 id)
{
    return inTransaction(m_db, [&]() -> Result<WebhookInboxEntry> {
        auto original = webhookInboxEntry(id);
        if (!original)
            return original.error();
        if (original->state == WebhookInboxState::Pending) {
            return makeError("webhook.pending", QStringLiteral("Webhook event %1 is still pending: it will be applied "
                                                               "(or retried) without a replay.")
                                                    .arg(id));
        }
        // A dedupe key of its own: the replay must not be taken for the provider redelivering the original.
        const QString dedupeKey =
            QStringLiteral("replay:%1:%2").arg(id).arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        auto replay = insert(m_db,
                             QStringLiteral("INSERT INTO webhook_inbox (tenant_id, connection_id, provider, dedupe_key, "
                                            "received_at, url, source, headers, body, state, attempts, "
                                            "next_attempt_at, replay_of) "
                                            "SELECT tenant_id, connection_id, provider, ?2, ?3, url, source, headers, "
                                            "body, 'pending', 0, ?3, id FROM webhook_inbox WHERE id = ?1"),
                             id, dedupeKey, now());
        if (!replay)
            return replay.error();
        return required(selectOne(m_db,
                                  QStringLiteral("SELECT %1 FROM webhook_inbox WHERE id = ?1").arg(kInboxSummaryColumns),
                                  readInboxSummary, replay.value()),
                        notFound("webhook inbox entry", replay.value()));
    });
}

Result<qint64> SqliteWebhookStore::pendingWebhookCount()
{
    return required(selectOne(m_db, QStringLiteral("SELECT COUNT(*) FROM webhook_inbox WHERE state = 'pending'"),
                              [](SqliteRow &row) { return row.int64(); }),
                    notFound("webhook inbox count", 0));
}

} // namespace patchbay
