#include "RecordFeedJson.h"

#include <QJsonDocument>
#include <QSet>

namespace patchbay::RecordFeedJson {

namespace {

// The version of the cursor's form, first in what the base64 encodes.
const QByteArray kCursorTag = QByteArrayLiteral("feed1:");
constexpr auto kBase64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

QJsonValue idOrNull(qint64 id)
{
    return id > 0 ? QJsonValue(id) : QJsonValue(QJsonValue::Null);
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonObject errorObject(const QString &code, const QString &message)
{
    return {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
}

QJsonObject change(const RecordChange &change)
{
    QJsonObject entry{{QStringLiteral("sequence"), change.sequence},
                      {QStringLiteral("change"), change.change},
                      {QStringLiteral("id"), change.recordId},
                      {QStringLiteral("changedAt"), timeOrNull(change.changedAt)},
                      {QStringLiteral("executionId"), idOrNull(change.executionId)}};
    if (change.change != RecordChangeKind::Deleted)
        entry.insert(QStringLiteral("record"), QJsonDocument::fromJson(change.data).object());
    return entry;
}

Error fieldError(const char *code, int index, const QString &field, const QString &problem)
{
    return makeError(code, QStringLiteral("records[%1]%2 %3").arg(index).arg(field, problem));
}

} // namespace

QString encodeCursor(qint64 sequence)
{
    return QString::fromLatin1((kCursorTag + QByteArray::number(sequence)).toBase64(kBase64));
}

std::optional<qint64> decodeCursor(const QString &cursor)
{
    const auto decoded =
        QByteArray::fromBase64Encoding(cursor.toLatin1(), kBase64 | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !decoded.decoded.startsWith(kCursorTag))
        return std::nullopt;
    const QByteArray digits = decoded.decoded.mid(kCursorTag.size());
    bool ok = false;
    const qint64 sequence = digits.toLongLong(&ok);
    // Only the form encodeCursor writes: no sign, no leading zeros, no spaces.
    if (!ok || sequence < 0 || digits != QByteArray::number(sequence) || encodeCursor(sequence) != cursor)
        return std::nullopt;
    return sequence;
}

QJsonObject page(const RecordChangePage &page, qint64 afterSequence)
{
    QJsonArray changes;
    for (const RecordChange &entry : page.changes)
        changes.append(change(entry));
    const qint64 next = page.changes.isEmpty() ? afterSequence : page.changes.last().sequence;
    return {{QStringLiteral("changes"), changes},
            {QStringLiteral("nextCursor"), encodeCursor(next)},
            {QStringLiteral("hasMore"), page.hasMore}};
}

QJsonObject execution(const Execution &execution)
{
    QJsonObject json{{QStringLiteral("id"), execution.id},
                     {QStringLiteral("connectionId"), execution.connectionId},
                     {QStringLiteral("kind"), execution.kind},
                     {QStringLiteral("object"), execution.object},
                     {QStringLiteral("status"), execution.status},
                     {QStringLiteral("startedAt"), timeOrNull(execution.startedAt)},
                     {QStringLiteral("finishedAt"), timeOrNull(execution.finishedAt)},
                     {QStringLiteral("recordCount"), execution.recordCount},
                     {QStringLiteral("failedRecordCount"), execution.failedRecordCount}};
    if (!execution.errorCode.isEmpty())
        json.insert(QStringLiteral("error"), errorObject(execution.errorCode, execution.errorMessage));
    return json;
}

QJsonObject writeItem(const WriteItem &item)
{
    QJsonObject json{{QStringLiteral("key"), item.key},
                     {QStringLiteral("operation"), item.operation},
                     {QStringLiteral("status"), item.status},
                     {QStringLiteral("providerId"), textOrNull(item.providerId)}};
    if (item.status != QLatin1String("succeeded"))
        json.insert(QStringLiteral("error"), errorObject(item.errorCode, item.errorMessage));
    return json;
}

QJsonObject writeResult(const Execution &execution, const QList<WriteItem> &items)
{
    QJsonArray results;
    for (const WriteItem &item : items)
        results.append(writeItem(item));
    return {{QStringLiteral("execution"), RecordFeedJson::execution(execution)}, {QStringLiteral("items"), results}};
}

Result<QList<WriteInput>> writeInputs(const QJsonArray &records, int maxRecords)
{
    if (records.isEmpty())
        return makeError("request.bad_field", QStringLiteral("records is empty: give at least one record to write"));
    if (records.size() > maxRecords) {
        return makeError("request.too_many_records",
                         QStringLiteral("records holds %1 records; one request writes at most %2: send the rest in "
                                        "another request")
                             .arg(records.size())
                             .arg(maxRecords));
    }
    QList<WriteInput> inputs;
    QSet<QString> keys;
    for (int i = 0; i < records.size(); ++i) {
        if (!records.at(i).isObject())
            return fieldError("request.bad_field", i, QString(), QStringLiteral("must be an object"));
        const QJsonObject item = records.at(i).toObject();
        for (auto it = item.begin(); it != item.end(); ++it) {
            static const QStringList known{QStringLiteral("key"), QStringLiteral("record"),
                                           QStringLiteral("providerId")};
            if (!known.contains(it.key())) {
                return fieldError("request.unknown_field", i, QLatin1Char('.') + it.key(),
                                  QStringLiteral("is not a field of a record to write (key, record, providerId)"));
            }
        }
        if (!item.contains(QLatin1String("key")) || !item.contains(QLatin1String("record"))) {
            return fieldError("request.missing_field", i,
                              item.contains(QLatin1String("key")) ? QStringLiteral(".record") : QStringLiteral(".key"),
                              QStringLiteral("is missing"));
        }
        const QJsonValue key = item.value(QLatin1String("key"));
        if (!key.isString() || key.toString().isEmpty())
            return fieldError("request.bad_field", i, QStringLiteral(".key"),
                              QStringLiteral("must be a non-empty string"));
        if (keys.contains(key.toString()))
            return fieldError("request.bad_field", i, QStringLiteral(".key"),
                              QStringLiteral("names a key given before"));
        keys.insert(key.toString());
        if (!item.value(QLatin1String("record")).isObject())
            return fieldError("request.bad_field", i, QStringLiteral(".record"), QStringLiteral("must be an object"));
        const QJsonValue providerId = item.value(QLatin1String("providerId"));
        if (!providerId.isUndefined() && !providerId.isString())
            return fieldError("request.bad_field", i, QStringLiteral(".providerId"),
                              QStringLiteral("must be a string"));
        inputs.append({key.toString(), item.value(QLatin1String("record")).toObject(), providerId.toString()});
    }
    return inputs;
}

} // namespace patchbay::RecordFeedJson
