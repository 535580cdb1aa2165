#pragma once

#include "core/Result.h"
#include "core/WebhookInbox.h"
#include "core/WebhookRejection.h"

#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// Provider webhooks: the verified calls waiting to be applied (the inbox), the events applied, and a bounded summary of
// the calls refused.
class WebhookStore
{
public:
    virtual ~WebhookStore() = default;

    // Whether an event was applied to the connection before; recordWebhookEvent marks it once it is (true when it was
    // new). Event ids are scoped to the connection: another tenant's event with the same id is its own.
    virtual bool webhookEventSeen(qint64 connectionId, const QString &provider, const QString &eventId) = 0;
    virtual Result<bool> recordWebhookEvent(const QString &provider, const QString &eventId, qint64 connectionId,
                                            qint64 executionId) = 0;

    // Refused webhook calls: one summary row per (provider, source), its count incremented; count is ignored in call,
    // and a call without lastAt happened now. Only the most recently seen sources are kept (kMaxRejectionSources), so
    // forgeries cannot grow the database.
    static constexpr int kMaxRejectionSources = 1000;
    virtual Result<void> recordWebhookRejection(const WebhookRejection &call) = 0;
    // Most recently seen first; an empty provider means every provider.
    virtual Result<QList<WebhookRejection>> webhookRejections(const QString &provider = {}) = 0;

    // The inbox. enqueueWebhook stores a verified call as pending (its tenant is its connection's; receivedAt and
    // nextAttemptAt default to now), unless a call with the same (connection, provider, dedupeKey) is stored already:
    // then nothing changes and the answer names that entry as a duplicate.
    virtual Result<WebhookEnqueued> enqueueWebhook(const WebhookInboxEntry &entry) = 0;
    // Claims up to limit pending entries that are due (nextAttemptAt passed, no live claim), counting an attempt on
    // each, oldest first and at most one per connection, and only the oldest pending entry of its connection, so that
    // a connection's calls apply in the order they came. A claim lasts until claimedUntil: an entry whose claimer
    // died is claimed again after that.
    virtual Result<QList<WebhookInboxEntry>> claimWebhooks(int limit, const QDateTime &claimedUntil) = 0;
    // Ends the claim of an entry: applied, failed for good (error: the reason), or pending again (error: why this
    // attempt failed) to be retried at retryAt. executionId (0: none) is the attempt's execution.
    virtual Result<void> finishWebhook(qint64 id, WebhookInboxState state, const QString &error, qint64 executionId,
                                       const QDateTime &retryAt = {}) = 0;
    // Entries newest first, of one state (all when nullopt), of one tenant (all when nullopt), without their bodies
    // and headers; webhookInboxEntry gives one whole.
    virtual Result<QList<WebhookInboxEntry>> webhookInbox(std::optional<WebhookInboxState> state,
                                                          std::optional<qint64> tenantId, int limit) = 0;
    // One connection's entries, newest first, as webhookInbox lists them.
    virtual Result<QList<WebhookInboxEntry>> connectionWebhookInbox(qint64 connectionId, int limit) = 0;
    virtual Result<WebhookInboxEntry> webhookInboxEntry(qint64 id) = 0;
    // Queues entry id again as a new pending entry of its own (received now, due now, replayOf id, the same call),
    // to be applied like any other; answers the new entry without its body and headers. store.not_found when there
    // is no such entry; webhook.pending when it is still pending (it will be applied anyway: nothing is queued).
    virtual Result<WebhookInboxEntry> replayWebhook(qint64 id) = 0;

    // How many entries are pending (the queue's depth).
    virtual Result<qint64> pendingWebhookCount() = 0;
};

} // namespace patchbay
