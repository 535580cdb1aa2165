#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace patchbay {

// application/x-www-form-urlencoded from a JSON object, nesting as most form APIs read it (Stripe, Twilio):
// {"a": {"b": 1}, "c": [x, y]} -> a[b]=1&c[0]=x&c[1]=y. null sends an empty value (which those APIs read as
// "unset"); booleans are true/false.
QByteArray encodeForm(const QJsonValue &value);

} // namespace patchbay
