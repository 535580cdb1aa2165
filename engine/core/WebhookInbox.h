#pragma once

// Provider webhook calls kept in the store between their acknowledgement and their application.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include "core/Exchange.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace patchbay {

enum class WebhookInboxState { Pending, Applied, Failed };

inline QString webhookInboxStateName(WebhookInboxState state)
{
    switch (state) {
    case WebhookInboxState::Pending: return QStringLiteral("pending");
    case WebhookInboxState::Applied: return QStringLiteral("applied");
    case WebhookInboxState::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("pending");
}

// One verified webhook call, stored as it came (its body, and the headers its events' expressions may read) so that
// it can be applied after the provider was answered, and again after a restart.
struct WebhookInboxEntry
{
    qint64 id = 0;
    qint64 tenantId = 0;
    qint64 connectionId = 0;
    QString provider;
    // What makes a redelivery of the same call recognisable: the events' ids, else a hash of the body.
    QString dedupeKey;
    QDateTime receivedAt;
    QString url; // the URL the provider called (its query may matter to the events' expressions)
    QString source;
    HeaderList headers; // without credentials (Authorization, cookies)
    QByteArray body;
    WebhookInboxState state = WebhookInboxState::Pending;
    int attempts = 0;          // applications started so far
    QDateTime nextAttemptAt;   // a pending entry is not applied before
    QString lastError;         // why the last attempt failed (the final reason of a failed entry)
    qint64 executionId = 0;    // the execution of the last attempt, 0 when none started
    QDateTime finishedAt;      // when it was applied or given up
    // A replay (WebhookStore::replayWebhook): the entry it copies, whose events it applies again even though they
    // were applied before. 0: a call as the provider sent it.
    qint64 replayOf = 0;
};

// Where an entry went when it was stored.
struct WebhookEnqueued
{
    qint64 id = 0;
    bool duplicate = false; // the same call (by its dedupe key) was stored before: id is that entry's
};

} // namespace patchbay
