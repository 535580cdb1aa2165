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
};

} // namespace patchbay
