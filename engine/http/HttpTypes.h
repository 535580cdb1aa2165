#pragma once

#include "core/Result.h"
#include "core/Exchange.h"

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
    // A larger answer is cut off and is no answer (status 0, transportError says so); 0: no limit.
    qint64 maxResponseBytes = 0;

    void setHeader(const QByteArray &name, const QByteArray &value);
    // Refuses a header whose name is not an HTTP token or whose value holds a control character (a CR or LF
    // would start a header of its own). The error names the header, never its value.
    Result<void> checkHeaders() const;
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
