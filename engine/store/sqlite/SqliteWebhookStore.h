#pragma once

#include "store/WebhookStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteWebhookStore final : public WebhookStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    bool webhookEventSeen(qint64 connectionId, const QString &provider, const QString &eventId) override;
    Result<bool> recordWebhookEvent(const QString &provider, const QString &eventId, qint64 connectionId,
                                    qint64 executionId) override;
    Result<void> recordWebhookRejection(const WebhookRejection &call) override;
    Result<QList<WebhookRejection>> webhookRejections(const QString &provider) override;
    Result<WebhookEnqueued> enqueueWebhook(const WebhookInboxEntry &entry) override;
    Result<QList<WebhookInboxEntry>> claimWebhooks(int limit, const QDateTime &claimedUntil) override;
    Result<void> finishWebhook(qint64 id, WebhookInboxState state, const QString &error, qint64 executionId,
                               const QDateTime &retryAt) override;
    Result<QList<WebhookInboxEntry>> webhookInbox(std::optional<WebhookInboxState> state,
                                                  std::optional<qint64> tenantId, int limit) override;
    Result<QList<WebhookInboxEntry>> connectionWebhookInbox(qint64 connectionId, int limit) override;
    Result<WebhookInboxEntry> webhookInboxEntry(qint64 id) override;
    Result<WebhookInboxEntry> replayWebhook(qint64 id) override;

    Result<qint64> pendingWebhookCount() override;
};

} // namespace patchbay
