#include "RecordFeedJson.h"

#include <QJsonDocument>
#include <QSet>

namespace patchbay::RecordFeedJson {

namespace {

// The version of the cursor's form, first in what the base64 encodes.
const QByteArray kCursorTag = QByteArrayLiteral("feed2:");
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

QString encodeCursor(const FeedCursor &cursor)
{
    const QByteArray text = kCursorTag + QByteArray::number(cursor.connectionId) + ':'
                            + QByteArray::number(cursor.sequence) + ':' + cursor.object.toUtf8();
    return QString::fromLatin1(text.toBase64(kBase64));
}

std::optional<FeedCursor> decodeCursor(const QString &cursor)
{
    const auto decoded =
        QByteArray::fromBase64Encoding(cursor.toLatin1(), kBase64 | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !decoded.decoded.startsWith(kCursorTag))
        return std::nullopt;
    // connection:sequence:object; the object last, as it is the only part that is not a number.
    const QByteArray text = decoded.decoded.mid(kCursorTag.size());
    const qsizetype first = text.indexOf(':');
    const qsizetype second = first < 0 ? -1 : text.indexOf(':', first + 1);
    if (second < 0)
        return std::nullopt;
    bool connectionOk = false;
    bool sequenceOk = false;
    FeedCursor position;
    position.connectionId = text.left(first).toLongLong(&connectionOk);
    position.sequence = text.mid(first + 1, second - first - 1).toLongLong(&sequenceOk);
    position.object = QString::fromUtf8(text.mid(second + 1));
    // Only the form encodeCursor writes: no sign, no leading zeros, no spaces.
    if (!connectionOk || !sequenceOk || position.connectionId <= 0 || position.sequence < 0 || position.object.isEmpty()
        || encodeCursor(position) != cursor)
        return std::nullopt;
    return position;
}

QJsonObject page(const RecordChangePage &page, const FeedCursor &after)
{
    QJsonArray changes;
    for (const RecordChange &entry : page.changes)
        changes.append(change(entry));
    FeedCursor next = after;
    if (!page.changes.isEmpty())
        next.sequence = page.changes.last().sequence;
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
