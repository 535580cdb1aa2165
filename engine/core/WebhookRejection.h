#pragma once

// Refused provider webhook calls, summed up per source.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QDateTime>
#include <QString>

namespace patchbay {

// Refused webhook calls from one source address to one provider, summed up: never a body, only its size and hash.
struct WebhookRejection
{
    QString provider;
    QString source; // the caller's address
    qint64 count = 0;
    QDateTime firstAt;
    QDateTime lastAt;
    QString lastReason;
    qint64 lastConnectionId = 0; // 0: the call reached no connection
    qint64 lastSize = 0;         // bytes of the last refused body
    QString lastBodySha256;
};

} // namespace patchbay
