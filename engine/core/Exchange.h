#pragma once

// Recorded HTTP: what went to a provider and what came back.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

namespace patchbay {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// One recorded HTTP request/response, already redacted when it reaches the store.
struct Exchange
{
    qint64 id = 0;
    qint64 executionId = 0;
    QDateTime startedAt;
    qint64 durationMs = 0;
    QString method;
    QString url;
    HeaderList requestHeaders;
    QByteArray requestBody;
    int status = 0; // 0 when no response arrived
    HeaderList responseHeaders;
    QByteArray responseBody;
    QString error; // transport error, if any

    bool operator==(const Exchange &) const = default;
};

} // namespace patchbay
