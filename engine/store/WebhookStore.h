#pragma once

#include "core/Result.h"
#include "core/WebhookRejection.h"

#include <QList>
#include <QString>

namespace patchbay {

// Provider webhooks: the events applied, and a bounded summary of the calls refused.
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
};

} // namespace patchbay
