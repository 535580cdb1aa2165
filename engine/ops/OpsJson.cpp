#include "OpsJson.h"

#include "core/TokenState.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QMetaType>
#include <QStringList>
#include <QVariant>

#include <cmath>
#include <concepts>
#include <limits>
#include <optional>
#include <type_traits>

namespace patchbay::OpsJson {

namespace {

// ---- decoding: a reader that keeps the path to the member it reads and the first problem found

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

class Reader
{
public:
    // Names one step of the path for as long as it lives.
    class Step
    {
    public:
        Step(Reader &reader, QString step) : m_reader(reader) { m_reader.m_path.append(std::move(step)); }
        ~Step() { m_reader.m_path.removeLast(); }
        Step(const Step &) = delete;
        Step &operator=(const Step &) = delete;

    private:
        Reader &m_reader;
    };

    bool fail(const QString &problem)
    {
        if (m_problem.isEmpty()) {
            QString where = m_path.join(QString());
            if (where.startsWith(QLatin1Char('.')))
                where.remove(0, 1);
            m_problem = (where.isEmpty() ? QStringLiteral("the value") : where) + QStringLiteral(": ") + problem;
        }
        return false;
    }
    bool expected(const QString &what, const QJsonValue &got)
    {
        return fail(QStringLiteral("expected %1, got %2").arg(what, typeName(got)));
    }
    Error error() const { return makeError("json.invalid", m_problem); }

private:
    QStringList m_path;
    QString m_problem;
};

bool read(Reader &reader, const QJsonValue &json, QString &out)
{
    if (!json.isString())
        return reader.expected(QStringLiteral("a string"), json);
    out = json.toString();
    return true;
}

bool read(Reader &reader, const QJsonValue &json, bool &out)
{
    if (!json.isBool())
        return reader.expected(QStringLiteral("a boolean"), json);
    out = json.toBool();
    return true;
}

// Integers arrive as JSON integers (exact in 64 bits); a double is taken only when it is a whole number that a
// double holds exactly, as a JavaScript client may send one.
bool read(Reader &reader, const QJsonValue &json, qint64 &out)
{
    const QVariant variant = json.toVariant();
    if (variant.typeId() == QMetaType::LongLong) {
        out = variant.toLongLong();
        return true;
    }
    constexpr double kExactLimit = 9007199254740992.0; // 2^53
    if (json.isDouble()) {
        const double number = json.toDouble();
        if (std::trunc(number) == number && std::abs(number) <= kExactLimit) {
            out = static_cast<qint64>(number);
            return true;
        }
    }
    return reader.expected(QStringLiteral("an integer"), json);
}

bool read(Reader &reader, const QJsonValue &json, int &out)
{
    qint64 wide = 0;
    if (!read(reader, json, wide))
        return false;
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
        return reader.fail(QStringLiteral("%1 is out of range for a 32-bit integer").arg(wide));
    out = static_cast<int>(wide);
    return true;
}

bool read(Reader &reader, const QJsonValue &json, QDateTime &out)
{
    if (json.isNull() || json.isUndefined()) {
        out = QDateTime();
        return true;
    }
    const QString problem = QStringLiteral("a time in UTC like \"2026-01-01T10:00:00.000Z\" or null");
    if (!json.isString())
        return reader.expected(problem, json);
    const QDateTime time = QDateTime::fromString(json.toString(), Qt::ISODateWithMs);
    // A time without a zone would be read in this machine's zone: refused rather than guessed.
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime)
        return reader.fail(QStringLiteral("expected %1, got \"%2\"").arg(problem, json.toString()));
    out = time.toUTC();
    return true;
}

bool read(Reader &reader, const QJsonValue &json, QJsonObject &out)
{
    if (!json.isObject())
        return reader.expected(QStringLiteral("an object"), json);
    out = json.toObject();
    return true;
}

bool read(Reader &reader, const QJsonValue &json, QJsonArray &out)
{
    if (!json.isArray())
        return reader.expected(QStringLiteral("an array"), json);
    out = json.toArray();
    return true;
}

bool read(Reader &, const QJsonValue &json, QJsonValue &out)
{
    out = json;
    return true;
}

bool read(Reader &reader, const QJsonValue &json, QMap<QString, QString> &out)
{
    QJsonObject object;
    if (!read(reader, json, object))
        return false;
    out.clear();
    for (auto it = object.begin(); it != object.end(); ++it) {
        Reader::Step step(reader, QLatin1Char('.') + it.key());
        QString value;
        if (!read(reader, it.value(), value))
            return false;
        out.insert(it.key(), value);
    }
    return true;
}

bool readLatin1(Reader &reader, const QJsonValue &json, QByteArray &out)
{
    QString text;
    if (!read(reader, json, text))
        return false;
    for (QChar c : text) {
        if (c.unicode() > 0xff)
            return reader.fail(QStringLiteral("expected Latin-1 text, got the character U+%1")
                                   .arg(c.unicode(), 4, 16, QLatin1Char('0')));
    }
    out = text.toLatin1();
    return true;
}

bool read(Reader &reader, const QJsonValue &json, HeaderList &out)
{
    QJsonArray array;
    if (!read(reader, json, array))
        return false;
    out.clear();
    for (qsizetype i = 0; i < array.size(); ++i) {
        Reader::Step step(reader, QStringLiteral("[%1]").arg(i));
        const QJsonArray pair = array.at(i).toArray();
        if (!array.at(i).isArray() || pair.size() != 2)
            return reader.expected(QStringLiteral("a [name, value] pair"), array.at(i));
        QByteArray name;
        QByteArray value;
        if (!readLatin1(reader, pair.at(0), name) || !readLatin1(reader, pair.at(1), value))
            return false;
        out.append({name, value});
    }
    return true;
}

bool read(Reader &reader, const QJsonValue &json, TokenState &out)
{
    QString name;
    if (!read(reader, json, name))
        return false;
    for (TokenState state : {TokenState::Valid, TokenState::Expiring, TokenState::Expired, TokenState::NeedsReauth,
                             TokenState::Unknown}) {
        if (tokenStateName(state) == name) {
            out = state;
            return true;
        }
    }
    return reader.fail(QStringLiteral("\"%1\" is not a token state").arg(name));
}

bool read(Reader &reader, const QJsonValue &json, LiveUpdate::Kind &out)
{
    QString name;
    if (!read(reader, json, name))
        return false;
    for (LiveUpdate::Kind kind : {LiveUpdate::Kind::ExecutionStarted, LiveUpdate::Kind::ExecutionProgressed,
                                  LiveUpdate::Kind::ExecutionFinished, LiveUpdate::Kind::ConnectionChanged}) {
        if (liveUpdateTypeName(kind) == name) {
            out = kind;
            return true;
        }
    }
    return reader.fail(QStringLiteral("\"%1\" is not a live update type").arg(name));
}

// ---- leaf values, written

QJsonValue toJson(const QString &text)
{
    return text;
}

QJsonValue toJson(qint64 number)
{
    return number;
}

QJsonValue toJson(int number)
{
    return number;
}

QJsonValue toJson(bool value)
{
    return value;
}

QJsonValue toJson(const QDateTime &time)
{
    if (!time.isValid())
        return QJsonValue::Null;
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue toJson(const QJsonValue &value)
{
    return value;
}

QJsonValue toJson(const QJsonObject &object)
{
    return object;
}

QJsonValue toJson(const QJsonArray &array)
{
    return array;
}

QJsonValue toJson(const QMap<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.begin(); it != map.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QJsonValue toJson(const HeaderList &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return array;
}

QJsonValue toJson(TokenState state)
{
    return tokenStateName(state);
}

QJsonValue toJson(LiveUpdate::Kind kind)
{
    return liveUpdateTypeName(kind);
}

// ---- each type's members, named once for both directions: visit(name, member) for every member,
// visit.bytes(name, member) for bytes. Written members keep this order.

template <typename T, typename Type>
concept Is = std::same_as<std::remove_const_t<T>, Type>;

template <typename Visit, Is<Tenant> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("name", v.name) && visit("displayName", v.displayName)
        && visit("createdAt", v.createdAt);
}

template <typename Visit, Is<Connection> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("tenantId", v.tenantId) && visit("provider", v.provider)
        && visit("displayName", v.displayName) && visit("config", v.config) && visit("status", v.status)
        && visit("statusMessage", v.statusMessage) && visit("createdAt", v.createdAt)
        && visit("lastSyncAt", v.lastSyncAt) && visit("lastSyncStatus", v.lastSyncStatus)
        && visit("integration", v.integration) && visit("environment", v.environment);
}

template <typename Visit, Is<ConnectionSummary> T>
bool members(Visit &visit, T &v)
{
    return visit("connection", v.connection) && visit("tenantDisplayName", v.tenantDisplayName)
        && visit("tokenState", v.tokenState) && visit("tokenExpiresAt", v.tokenExpiresAt);
}

template <typename Visit, Is<Execution> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("tenantId", v.tenantId) && visit("connectionId", v.connectionId)
        && visit("kind", v.kind) && visit("object", v.object) && visit("status", v.status)
        && visit("startedAt", v.startedAt) && visit("finishedAt", v.finishedAt) && visit("recordCount", v.recordCount)
        && visit("failedRecordCount", v.failedRecordCount) && visit("pageCount", v.pageCount)
        && visit("requestCount", v.requestCount) && visit("errorCode", v.errorCode)
        && visit("errorMessage", v.errorMessage);
}

template <typename Visit, Is<Event> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("executionId", v.executionId) && visit("time", v.time)
        && visit("level", v.level) && visit("message", v.message) && visit("context", v.context);
}

template <typename Visit, Is<Exchange> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("executionId", v.executionId) && visit("startedAt", v.startedAt)
        && visit("durationMs", v.durationMs) && visit("method", v.method) && visit("url", v.url)
        && visit("requestHeaders", v.requestHeaders) && visit.bytes("requestBody", v.requestBody)
        && visit("status", v.status) && visit("responseHeaders", v.responseHeaders)
        && visit.bytes("responseBody", v.responseBody) && visit("error", v.error);
}

template <typename Visit, Is<EffectiveMapping> T>
bool members(Visit &visit, T &v)
{
    return visit("integration", v.integration) && visit("tree", v.tree) && visit("origin", v.origin)
        && visit("environmentVersion", v.environmentVersion) && visit("connectionVersion", v.connectionVersion);
}

template <typename Visit, Is<MappingVersion> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("level", v.level) && visit("scope", v.scope)
        && visit("integration", v.integration) && visit("object", v.object) && visit("direction", v.direction)
        && visit("version", v.version) && visit("overrides", v.overrides) && visit("author", v.author)
        && visit("reason", v.reason) && visit("createdAt", v.createdAt);
}

template <typename Visit, Is<MappingIssue> T>
bool members(Visit &visit, T &v)
{
    return visit("field", v.field) && visit("code", v.code) && visit("position", v.position)
        && visit("message", v.message);
}

template <typename Visit, Is<MappingPreviewField> T>
bool members(Visit &visit, T &v)
{
    return visit("field", v.field) && visit("expression", v.expression) && visit("value", v.value)
        && visit("error", v.error);
}

template <typename Visit, Is<MappingPreviewRecord> T>
bool members(Visit &visit, T &v)
{
    return visit("recordId", v.recordId) && visit("fields", v.fields) && visit("output", v.output);
}

template <typename Visit, Is<FailedRecord> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("executionId", v.executionId) && visit("object", v.object)
        && visit("recordId", v.recordId) && visit("updatedAt", v.updatedAt) && visit.bytes("raw", v.raw)
        && visit("errors", v.errors) && visit("createdAt", v.createdAt) && visit("resolvedAt", v.resolvedAt);
}

template <typename Visit, Is<WriteItem> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("executionId", v.executionId) && visit("object", v.object)
        && visit("key", v.key) && visit("operation", v.operation) && visit("providerId", v.providerId)
        && visit("status", v.status) && visit("errorCode", v.errorCode) && visit("errorMessage", v.errorMessage)
        && visit.bytes("payload", v.payload) && visit.bytes("sent", v.sent) && visit("createdAt", v.createdAt);
}

template <typename Visit, Is<CommandStarted> T>
bool members(Visit &visit, T &v)
{
    return visit("connectionId", v.connectionId) && visit("executionId", v.executionId);
}

template <typename Visit, Is<LiveUpdate> T>
bool members(Visit &visit, T &v)
{
    return visit("type", v.kind) && visit("tenantId", v.tenantId) && visit("connectionId", v.connectionId)
        && visit("executionId", v.executionId) && visit("succeeded", v.succeeded) && visit("message", v.message);
}

template <typename Visit, Is<ExecutionRow> T>
bool members(Visit &visit, T &v)
{
    return visit("execution", v.execution) && visit("outcome", v.outcome) && visit("tenantName", v.tenantName)
        && visit("connectionName", v.connectionName) && visit("provider", v.provider)
        && visit("durationMs", v.durationMs) && visit("recordsRead", v.recordsRead)
        && visit("recordsWritten", v.recordsWritten) && visit("recordsFailed", v.recordsFailed)
        && visit("replayOf", v.replayOf) && visit("replayedBy", v.replayedBy) && visit("message", v.message);
}

template <typename Visit, Is<FailedRecordDetail> T>
bool members(Visit &visit, T &v)
{
    return visit("record", v.record) && visit("connectionId", v.connectionId) && visit("label", v.label);
}

template <typename Visit, Is<ConnectionHealthRow> T>
bool members(Visit &visit, T &v)
{
    return visit("connectionId", v.connectionId) && visit("tenantId", v.tenantId)
        && visit("tenantName", v.tenantName) && visit("connectionName", v.connectionName)
        && visit("provider", v.provider) && visit("health", v.health) && visit("reason", v.reason)
        && visit("failedRunsLast24h", v.failedRunsLast24h) && visit("lastSyncAt", v.lastSyncAt)
        && visit("lastSyncOutcome", v.lastSyncOutcome) && visit("lastSyncExecutionId", v.lastSyncExecutionId)
        && visit("lastSyncFailedRecords", v.lastSyncFailedRecords);
}

template <typename Visit, Is<TenantHealthRow> T>
bool members(Visit &visit, T &v)
{
    return visit("tenantId", v.tenantId) && visit("tenantName", v.tenantName) && visit("health", v.health)
        && visit("connections", v.connections) && visit("healthy", v.healthy) && visit("paused", v.paused)
        && visit("degraded", v.degraded) && visit("needsReauth", v.needsReauth) && visit("failing", v.failing)
        && visit("failedRunsLast24h", v.failedRunsLast24h);
}

template <typename Visit, Is<HealthReport> T>
bool members(Visit &visit, T &v)
{
    return visit("connections", v.connections) && visit("tenants", v.tenants);
}

template <typename Visit, Is<RefreshHistory> T>
bool members(Visit &visit, T &v)
{
    return visit("connectionId", v.connectionId) && visit("operations", v.operations)
        && visit("consecutiveFailures", v.consecutiveFailures) && visit("scopes", v.scopes)
        && visit("accessTokenExpiresAt", v.accessTokenExpiresAt) && visit("refreshedAt", v.refreshedAt)
        && visit("tokenState", v.tokenState);
}

// Replay of webhook events and notification deliveries (issue 13 item 6)
template <typename Visit, Is<WebhookEventRow> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("tenantId", v.tenantId) && visit("connectionId", v.connectionId)
        && visit("provider", v.provider) && visit("source", v.source) && visit("receivedAt", v.receivedAt)
        && visit("state", v.state) && visit("attempts", v.attempts) && visit("error", v.error)
        && visit("executionId", v.executionId) && visit("finishedAt", v.finishedAt) && visit("replayOf", v.replayOf);
}

template <typename Visit, Is<NotificationDeliveryRow> T>
bool members(Visit &visit, T &v)
{
    return visit("id", v.id) && visit("deliveryId", v.deliveryId) && visit("eventId", v.eventId)
        && visit("type", v.type) && visit("endpoint", v.endpoint) && visit("tenantId", v.tenantId)
        && visit("connectionId", v.connectionId) && visit("state", v.state) && visit("attempts", v.attempts)
        && visit("lastStatus", v.lastStatus) && visit("error", v.error) && visit("createdAt", v.createdAt)
        && visit("lastAttemptAt", v.lastAttemptAt) && visit("replayOf", v.replayOf);
}

template <typename Visit, Is<ReauthorizationLink> T>
bool members(Visit &visit, T &v)
{
    return visit("connectionId", v.connectionId) && visit("url", v.url) && visit("expiresAt", v.expiresAt);
}

template <typename Visit, Is<Error> T>
bool members(Visit &visit, T &v)
{
    return visit("code", v.code) && visit("message", v.message);
}

// A visitor that only says which types members() describes.
struct Probe
{
    template <typename Member>
    bool operator()(const char *, Member &)
    {
        return true;
    }
    bool bytes(const char *, const QByteArray &) { return true; }
};

template <typename T>
concept Described = requires(Probe &probe, T &value) { members(probe, value); };

// ---- writing

template <Described T>
QJsonValue toJson(const T &value);
template <typename T>
QJsonValue toJson(const QList<T> &items);
template <typename T>
QJsonValue toJson(const std::optional<T> &value);

// Writes every member; one whose value is undefined (an absent optional, an undefined JSON value) is left out.
class Writer
{
public:
    template <typename Member>
    bool operator()(const char *name, const Member &member)
    {
        const QJsonValue value = toJson(member);
        if (!value.isUndefined())
            object.insert(QLatin1String(name), value);
        return true;
    }

    bool bytes(const char *name, const QByteArray &bytes)
    {
        const QString text = QString::fromUtf8(bytes);
        if (text.toUtf8() == bytes)
            return (*this)(name, text);
        object.insert(QLatin1String(name), QString::fromLatin1(bytes.toBase64()));
        object.insert(QLatin1String(name) + QLatin1String("Encoding"), QStringLiteral("base64"));
        return true;
    }

    QJsonObject object;
};

template <Described T>
QJsonObject write(const T &value)
{
    Writer writer;
    members(writer, value);
    return writer.object;
}

template <Described T>
QJsonValue toJson(const T &value)
{
    return write(value);
}

template <typename T>
QJsonValue toJson(const QList<T> &items)
{
    QJsonArray array;
    for (const T &item : items)
        array.append(toJson(item));
    return array;
}

template <typename T>
QJsonValue toJson(const std::optional<T> &value)
{
    return value ? toJson(*value) : QJsonValue(QJsonValue::Undefined);
}

// ---- reading

template <Described T>
bool read(Reader &reader, const QJsonValue &json, T &out);
template <typename T>
bool read(Reader &reader, const QJsonValue &json, QList<T> &out);
template <typename T>
bool read(Reader &reader, const QJsonValue &json, std::optional<T> &out);

// Members that may be left out read as their empty value (an unset time, an undefined value, no optional); every
// other member must be present.
template <typename T>
struct MayBeAbsent : std::bool_constant<std::is_same_v<T, QDateTime> || std::is_same_v<T, QJsonValue>>
{};
template <typename T>
struct MayBeAbsent<std::optional<T>> : std::true_type
{};

// Reads the members of one object, naming each in the reader's path.
class ObjectReader
{
public:
    ObjectReader(Reader &reader, const QJsonObject &object) : m_reader(reader), m_object(object) {}

    template <typename Member>
    bool operator()(const char *name, Member &member)
    {
        Reader::Step step(m_reader, QLatin1Char('.') + QLatin1String(name));
        const QJsonValue json = m_object.value(QLatin1String(name));
        if constexpr (!MayBeAbsent<Member>::value) {
            if (json.isUndefined())
                return m_reader.fail(QStringLiteral("missing"));
        }
        return read(m_reader, json, member);
    }

    bool bytes(const char *name, QByteArray &out)
    {
        QString text;
        if (!(*this)(name, text))
            return false;
        const QString encodingKey = QLatin1String(name) + QLatin1String("Encoding");
        const QJsonValue encoding = m_object.value(encodingKey);
        if (encoding.isUndefined() || encoding.toString() == QLatin1String("utf-8")) {
            out = text.toUtf8();
            return true;
        }
        if (encoding.toString() != QLatin1String("base64")) {
            Reader::Step step(m_reader, QLatin1Char('.') + encodingKey);
            return m_reader.expected(QStringLiteral("\"base64\" or \"utf-8\""), encoding);
        }
        auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            Reader::Step step(m_reader, QLatin1Char('.') + QLatin1String(name));
            return m_reader.fail(QStringLiteral("not valid base64"));
        }
        out = *decoded;
        return true;
    }

private:
    Reader &m_reader;
    const QJsonObject &m_object;
};

template <Described T>
bool read(Reader &reader, const QJsonValue &json, T &out)
{
    QJsonObject object;
    if (!read(reader, json, object))
        return false;
    ObjectReader visit(reader, object);
    return members(visit, out);
}

template <typename T>
bool read(Reader &reader, const QJsonValue &json, QList<T> &out)
{
    QJsonArray array;
    if (!read(reader, json, array))
        return false;
    out.clear();
    out.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        Reader::Step step(reader, QStringLiteral("[%1]").arg(i));
        T item;
        if (!read(reader, array.at(i), item))
            return false;
        out.append(std::move(item));
    }
    return true;
}

// Absent or null: none.
template <typename T>
bool read(Reader &reader, const QJsonValue &json, std::optional<T> &out)
{
    out.reset();
    if (json.isUndefined() || json.isNull())
        return true;
    T value;
    if (!read(reader, json, value))
        return false;
    out = std::move(value);
    return true;
}

// A URL to open: an object so that it can grow, and checked, since a client opens it in a browser.
bool read(Reader &reader, const QJsonValue &json, QUrl &out)
{
    QJsonObject object;
    QString text;
    if (!read(reader, json, object) || !ObjectReader(reader, object)("url", text))
        return false;
    out = QUrl(text, QUrl::StrictMode);
    if (!out.isValid()) {
        Reader::Step step(reader, QStringLiteral(".url"));
        return reader.fail(QStringLiteral("not a valid URL"));
    }
    return true;
}

} // namespace

template <typename T>
Result<T> decode(const QJsonValue &json)
{
    Reader reader;
    T value;
    if (!read(reader, json, value))
        return reader.error();
    return value;
}

template <typename T>
Result<T> parse(const QByteArray &text)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return makeError("json.malformed", QStringLiteral("Not JSON: %1 at offset %2")
                                               .arg(parseError.errorString())
                                               .arg(parseError.offset));
    }
    return decode<T>(document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object()));
}

QString liveUpdateTypeName(LiveUpdate::Kind kind)
{
    switch (kind) {
    case LiveUpdate::Kind::ExecutionStarted: return QStringLiteral("executionStarted");
    case LiveUpdate::Kind::ExecutionProgressed: return QStringLiteral("executionProgressed");
    case LiveUpdate::Kind::ExecutionFinished: return QStringLiteral("executionFinished");
    case LiveUpdate::Kind::ConnectionChanged: break;
    }
    return QStringLiteral("connectionChanged");
}

QJsonObject encode(const QUrl &url)
{
    return {{QStringLiteral("url"), url.toString(QUrl::FullyEncoded)}};
}

QJsonObject encode(const Error &error)
{
    return write(error);
}

QJsonObject errorBody(const Error &error)
{
    return {{QStringLiteral("error"), encode(error)}};
}

std::optional<Error> decodeErrorBody(const QJsonValue &body)
{
    Reader reader;
    QJsonObject object;
    Error error;
    if (!read(reader, body, object) || !ObjectReader(reader, object)("error", error))
        return std::nullopt;
    return error;
}

// Every type that crosses OpsApi: its encoding, and its decoding alone and as a list.
#define PATCHBAY_OPS_JSON_DECODE(T)                                                                                   \
    template Result<T> decode<T>(const QJsonValue &);                                                                 \
    template Result<QList<T>> decode<QList<T>>(const QJsonValue &);                                                   \
    template Result<T> parse<T>(const QByteArray &);                                                                  \
    template Result<QList<T>> parse<QList<T>>(const QByteArray &);
#define PATCHBAY_OPS_JSON_TYPE(T)                                                                                     \
    QJsonObject encode(const T &value)                                                                                \
    {                                                                                                                 \
        return write(value);                                                                                          \
    }                                                                                                                 \
    PATCHBAY_OPS_JSON_DECODE(T)
PATCHBAY_OPS_JSON_TYPE(Tenant)
PATCHBAY_OPS_JSON_TYPE(Connection)
PATCHBAY_OPS_JSON_TYPE(ConnectionSummary)
PATCHBAY_OPS_JSON_TYPE(Execution)
PATCHBAY_OPS_JSON_TYPE(Event)
PATCHBAY_OPS_JSON_TYPE(Exchange)
PATCHBAY_OPS_JSON_TYPE(EffectiveMapping)
PATCHBAY_OPS_JSON_TYPE(MappingVersion)
PATCHBAY_OPS_JSON_TYPE(MappingIssue)
PATCHBAY_OPS_JSON_TYPE(MappingPreviewField)
PATCHBAY_OPS_JSON_TYPE(MappingPreviewRecord)
PATCHBAY_OPS_JSON_TYPE(FailedRecord)
PATCHBAY_OPS_JSON_TYPE(WriteItem)
PATCHBAY_OPS_JSON_TYPE(CommandStarted)
PATCHBAY_OPS_JSON_TYPE(LiveUpdate)
PATCHBAY_OPS_JSON_TYPE(ExecutionRow)
PATCHBAY_OPS_JSON_TYPE(FailedRecordDetail)
PATCHBAY_OPS_JSON_TYPE(ConnectionHealthRow)
PATCHBAY_OPS_JSON_TYPE(TenantHealthRow)
PATCHBAY_OPS_JSON_TYPE(HealthReport)
PATCHBAY_OPS_JSON_TYPE(RefreshHistory)
PATCHBAY_OPS_JSON_TYPE(WebhookEventRow)
PATCHBAY_OPS_JSON_TYPE(NotificationDeliveryRow)
PATCHBAY_OPS_JSON_TYPE(ReauthorizationLink)
PATCHBAY_OPS_JSON_DECODE(QUrl)
#undef PATCHBAY_OPS_JSON_TYPE
#undef PATCHBAY_OPS_JSON_DECODE

} // namespace patchbay::OpsJson
