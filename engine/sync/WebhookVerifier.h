#pragma once

#include "catalog/ProviderDefinition.h"
#include "jsonata/Expression.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonParseError>
#include <QJsonValue>
#include <QString>

#include <optional>

// The checks an incoming webhook call must pass before its events are read, driven by the definition's webhooks
// section. WebhookReceipt calls verify(); tests/fuzz/webhook_fuzz_verify feeds it hostile calls.
namespace patchbay {

struct WebhookCall;

namespace webhook {

// Evaluates a definition expression; undefined (or a failure, told in *failure) gives an undefined QJsonValue.
QJsonValue evaluate(const QString &text, const QJsonValue &input, const jsonata::Bindings &bindings,
                    QString *failure = nullptr);
// JSONata's truthiness for the values a definition's conditions give.
bool truthy(const QJsonValue &value);
// The call's body as JSON: an object or an array, else undefined (and *error says why).
QJsonValue callJson(const QByteArray &body, QJsonParseError *error);
// The bindings a call's expressions see: $body, $json, $method, $url, $headers, $query.
jsonata::Bindings callBindings(const WebhookCall &call, const QJsonValue &json);
// Checks the call's timestamp, signature (every candidate, in constant time) and the definition's check against the
// connection's secret; returns why the call is refused, or nothing.
std::optional<QString> verify(const WebhookSpec &spec, const QJsonValue &json, jsonata::Bindings bindings,
                              const QByteArray &secret, const QDateTime &now);

} // namespace webhook
} // namespace patchbay
