#pragma once

#include "core/Executions.h"
#include "core/Exchange.h"

#include <QJsonObject>
#include <QString>

namespace patchbay {

// Where the HTTP layer reports what it did: each request as an Exchange, each decision as an Event.
class RequestObserver
{
public:
    virtual ~RequestObserver() = default;
    virtual void recordExchange(const Exchange &exchange) = 0;
    virtual void recordEvent(const QString &level, const QString &message, const QJsonObject &context = {}) = 0;
    // A call is about to be held for a rate limit (reason: provider_rate_limited, provider_window, request_budget), for
    // counting; the event saying why is recorded apart.
    virtual void rateLimitWaited(const QString &reason, qint64 waitMs)
    {
        Q_UNUSED(reason);
        Q_UNUSED(waitMs);
    }
    // An access-token refresh failed with this error code, for counting.
    virtual void tokenRefreshFailed(const QString &code) { Q_UNUSED(code); }
};

} // namespace patchbay
