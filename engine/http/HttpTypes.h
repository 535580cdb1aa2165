#pragma once

#include "store/StoreTypes.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QUrl>

namespace patchbay {

// Headers as a JSON object with lower-case names (a repeated header keeps its last value), for the
// definitions' JSONata ($headers).
QJsonObject headersToJson(const HeaderList &headers);

struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    HeaderList headers;
    QByteArray body;

    void setHeader(const QByteArray &name, const QByteArray &value);
};

struct HttpResponse
{
    int status = 0; // 0: no response (see transportError)
    HeaderList headers;
    QByteArray body;
    QString transportError;
    QDateTime startedAt;
    qint64 durationMs = 0;

    QByteArray header(const QByteArray &name) const; // case-insensitive
    bool isSuccess() const { return status >= 200 && status < 300; }
};

} // namespace patchbay
