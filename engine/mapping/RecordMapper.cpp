#include "RecordMapper.h"

#include "MappingService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace patchbay {

namespace {

// Deeper records are mapped from their text, where the JSON reader's own limit (512 levels) and its error apply.
constexpr int kMaxDirectDepth = 256;
// Bounded, so records keyed by ids do not turn the cache into a second copy of them.
constexpr qsizetype kMaxCachedKeys = 4096;

// Builds the jsonata form of a parsed record, equal to what reading back its compact JSON text gives: that text
// holds each number in its shortest exact form and each object's keys in the object's own order. False when the
// record holds something whose text would read back differently or not at all (a string that is not valid UTF-16,
// a number that is not finite) or nests deeper than kMaxDirectDepth: such a record is mapped from its text.
class DirectInput
{
public:
    explicit DirectInput(QHash<QString, jsonata::Key> &keys) : m_keys(keys) {}

    bool convert(const QJsonValue &json, jsonata::Value &out, int depth)
    {
        switch (json.type()) {
        case QJsonValue::Null:
            out = jsonata::Value::null();
            return true;
        case QJsonValue::Bool:
            out = jsonata::Value::boolean(json.toBool());
            return true;
        case QJsonValue::Double: {
            const double number = json.toDouble();
            out = jsonata::Value::number(number);
            return std::isfinite(number);
        }
        case QJsonValue::String: {
            const QString text = json.toString();
            out = jsonata::Value::string(text.toStdString());
            return QStringView(text).isValidUtf16();
        }
        case QJsonValue::Array:
            return convertArray(json.toArray(), out, depth);
        case QJsonValue::Object:
            return convertObject(json.toObject(), out, depth);
        case QJsonValue::Undefined:
            break;
        }
        return false;
    }

    bool convertObject(const QJsonObject &object, jsonata::Value &out, int depth)
    {
        if (depth >= kMaxDirectDepth)
            return false;
        out = jsonata::Value::emptyObject(std::size_t(object.size()));
        jsonata::Object &members = out.mutableObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString name = it.key();
            auto key = m_keys.constFind(name);
            if (key == m_keys.cend()) {
                if (!QStringView(name).isValidUtf16())
                    return false;
                if (m_keys.size() >= kMaxCachedKeys)
                    m_keys.clear();
                key = m_keys.insert(name, jsonata::Key(name.toStdString()));
            }
            jsonata::Value member;
            if (!convert(it.value(), member, depth + 1))
                return false;
            members.set(*key, std::move(member));
        }
        return true;
    }

private:
    bool convertArray(const QJsonArray &array, jsonata::Value &out, int depth)
    {
        if (depth >= kMaxDirectDepth)
            return false;
        out = jsonata::Value::newArray(std::size_t(array.size()));
        jsonata::Array &items = out.mutableArray();
        for (const QJsonValue &item : array) {
            jsonata::Value converted;
            if (!convert(item, converted, depth + 1))
                return false;
            items.push(std::move(converted));
        }
        return true;
    }

    QHash<QString, jsonata::Key> &m_keys;
};

} // namespace

QJsonArray RecordMapper::issuesToJson(const QList<MappingIssue> &issues)
{
    QJsonArray array;
    for (const MappingIssue &issue : issues) {
        array.append(QJsonObject{{QStringLiteral("field"), issue.field},
                                 {QStringLiteral("code"), issue.code},
                                 {QStringLiteral("position"), issue.position},
                                 {QStringLiteral("message"), issue.message}});
    }
    return array;
}

void RecordMapper::map(const QString &recordId, const QString &updatedAt, const QByteArray &rawJson,
                       QList<StoredRecord> &rows, QList<FailedRecord> &failed) const
{
    if (!m_mapping) {
        rows.append(StoredRecord{recordId, rawJson, updatedAt});
        return;
    }
    auto input = jsonata::Value::fromJson(std::string_view(rawJson.constData(), std::size_t(rawJson.size())));
    if (!input) {
        FailedRecord failure;
        failure.object = m_object;
        failure.recordId = recordId;
        failure.updatedAt = updatedAt;
        failure.raw = rawJson;
        failure.errors = issuesToJson({{QString(), QString::fromStdString(input.error().code), input.error().position,
                                        QString::fromStdString(input.error().message)}});
        failed.append(failure);
        return;
    }
    mapInput(recordId, updatedAt, input.value(), [&rawJson] { return rawJson; }, rows, failed);
}

void RecordMapper::map(const QString &recordId, const QString &updatedAt, const QJsonObject &record,
                       QList<StoredRecord> &rows, QList<FailedRecord> &failed) const
{
    const auto rawJson = [&record] { return QJsonDocument(record).toJson(QJsonDocument::Compact); };
    jsonata::Value input;
    if (!m_mapping || !DirectInput(m_keys).convertObject(record, input, 0)) {
        map(recordId, updatedAt, rawJson(), rows, failed);
        return;
    }
    mapInput(recordId, updatedAt, input, rawJson, rows, failed);
}

void RecordMapper::mapInput(const QString &recordId, const QString &updatedAt, const jsonata::Value &input,
                            const std::function<QByteArray()> &rawJson, QList<StoredRecord> &rows,
                            QList<FailedRecord> &failed) const
{
    const CompiledMapping::Output output = m_mapping->evaluate(input, MappingService::tenantLimits());
    if (output.errors.isEmpty()) {
        const std::string mapped = output.value.toJson();
        rows.append(StoredRecord{recordId, QByteArray(mapped.data(), qsizetype(mapped.size())), updatedAt});
        return;
    }
    FailedRecord failure;
    failure.object = m_object;
    failure.recordId = recordId;
    failure.updatedAt = updatedAt;
    failure.raw = rawJson();
    failure.errors = issuesToJson(output.errors);
    failed.append(failure);
}

} // namespace patchbay
