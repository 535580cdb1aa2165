#pragma once

#include "OpsTypes.h"
#include "core/Exchange.h"
#include "core/Executions.h"
#include "core/Mapping.h"
#include "core/MappingVersion.h"
#include "core/Records.h"
#include "core/Result.h"
#include "core/Tenancy.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QUrl>

#include <optional>

// The JSON form of everything that crosses OpsApi: what the server's /api/v1/ops routes answer and a remote
// implementation reads back. Decoding what encoding wrote gives a value equal to the original (operator==), so both
// implementations of OpsApi answer alike.
//
// The form, once for all types (resources/openapi/ describes each):
// - every field is a member named as in the C++ type, always written;
// - ids and counts are JSON integers, exact over the whole 64-bit range (never written as doubles);
// - times are strings in UTC with milliseconds ("2026-01-01T10:00:00.000Z"), null when unset;
// - bytes (bodies, payloads) are a string holding them as UTF-8 when they are valid UTF-8; otherwise the string is
//   their base64 and a sibling member "<name>Encoding": "base64" says so;
// - HTTP headers are arrays of [name, value] pairs of Latin-1 strings, in order;
// - a JSON value that can be undefined (a preview's value or output) is left out when it is;
// - an absent optional (a preview field's error) is left out.
// Exchanges are encoded as the store holds them, which is already redacted: nothing here adds a secret.
//
// Decoding takes untrusted JSON: a member of the wrong type, a missing member, a malformed time or base64 refuses
// the whole value with Error "json.invalid" whose message names the member ("[2].startedAt: expected a time ...").
// Members the type does not know are ignored, so an older reader accepts a newer writer's answers.
namespace patchbay::OpsJson {

QJsonObject encode(const Tenant &tenant);
QJsonObject encode(const Connection &connection);
QJsonObject encode(const ConnectionSummary &summary);
QJsonObject encode(const Execution &execution);
QJsonObject encode(const Event &event);
QJsonObject encode(const Exchange &exchange);
QJsonObject encode(const EffectiveMapping &mapping);
QJsonObject encode(const MappingVersion &version);
QJsonObject encode(const MappingIssue &issue);
QJsonObject encode(const MappingPreviewField &field);
QJsonObject encode(const MappingPreviewRecord &record);
QJsonObject encode(const FailedRecord &record);
QJsonObject encode(const WriteItem &item);
QJsonObject encode(const CommandStarted &started);
QJsonObject encode(const LiveUpdate &update);
QJsonObject encode(const ExecutionRow &row);
QJsonObject encode(const FailedRecordDetail &detail);
QJsonObject encode(const ConnectionHealthRow &row);
QJsonObject encode(const TenantHealthRow &row);
QJsonObject encode(const HealthReport &report);
QJsonObject encode(const RefreshHistory &history);
// Replay of webhook events and notification deliveries (issue 13 item 6)
QJsonObject encode(const WebhookEventRow &row);
QJsonObject encode(const NotificationDeliveryRow &row);
QJsonObject encode(const ReauthorizationLink &link);
// A URL to open (beginReauthorization's answer): {"url": "..."}.
QJsonObject encode(const QUrl &url);
// An error's own members {"code", "message"}; errorBody wraps them as every error answer does.
QJsonObject encode(const Error &error);
QJsonObject errorBody(const Error &error);

template <typename T>
QJsonArray encode(const QList<T> &items)
{
    QJsonArray array;
    for (const T &item : items)
        array.append(encode(item));
    return array;
}

// The value (one of the types above but Error, or a QList of one) that json holds, or Error "json.invalid".
template <typename T>
Result<T> decode(const QJsonValue &json);

// The same from JSON text; text that is not JSON is Error "json.malformed".
template <typename T>
Result<T> parse(const QByteArray &text);

// The error an error answer carries ({"error": {"code", "message"}}); nullopt when body is not one.
std::optional<Error> decodeErrorBody(const QJsonValue &body);

// The name a live update carries in its "type" member: "executionStarted", "executionProgressed",
// "executionFinished", "connectionChanged".
QString liveUpdateTypeName(LiveUpdate::Kind kind);

} // namespace patchbay::OpsJson
