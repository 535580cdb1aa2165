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
};

} // namespace patchbay
