#include "SqliteRows.h"

#include <QJsonDocument>

namespace patchbay::sqlite {

QString toJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString toJson(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QString toJson(const HeaderList &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromUtf8(value)});
    return toJson(array);
}

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QVariant idOrNull(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant();
}

Error notFound(const char *what, qint64 id)
{
    return makeError("store.not_found", QStringLiteral("No %1 with id %2.").arg(QLatin1String(what)).arg(id));
}

Execution readExecution(SqliteRow &row)
{
    return Execution{row.int64(), row.int64(), row.int64(), row.text(),  row.text(),  row.text(), row.time(),
                     row.time(),  row.int64(), row.int64(), row.int64(), row.int64(), row.text(), row.text()};
}

Connection readConnection(SqliteRow &row)
{
    return Connection{row.int64(), row.int64(), row.text(), row.text(), row.object(), row.text(),
                      row.text(),  row.time(),  row.time(), row.text(), row.text(),   row.text()};
}

MappingVersion readMappingVersion(SqliteRow &row)
{
    return MappingVersion{row.int64(),   row.text(),   row.text(), row.text(), row.text(), row.text(),
                          row.integer(), row.object(), row.text(), row.text(), row.time()};
}

QJsonObject SqliteRow::object()
{
    return QJsonDocument::fromJson(utf8()).object();
}

QJsonArray SqliteRow::array()
{
    return QJsonDocument::fromJson(utf8()).array();
}

HeaderList SqliteRow::headers()
{
    HeaderList headers;
    for (const QJsonValue &pair : array()) {
        const QJsonArray nameValue = pair.toArray();
        headers.append({nameValue.at(0).toString().toLatin1(), nameValue.at(1).toString().toUtf8()});
    }
    return headers;
}

namespace {

Result<qint64> tenantOf(SqliteDatabase &db, const QString &sql, const char *what, qint64 id)
{
    return required(selectOne(
                        db, sql, [](SqliteRow &row) { return row.int64(); }, id),
                    notFound(what, id));
}

} // namespace

Result<qint64> tenantOfConnection(SqliteDatabase &db, qint64 connectionId)
{
    return tenantOf(db, QStringLiteral("SELECT tenant_id FROM connections WHERE id = ?1"), "connection", connectionId);
}

Result<qint64> tenantOfExecution(SqliteDatabase &db, qint64 executionId)
{
    return tenantOf(db, QStringLiteral("SELECT tenant_id FROM executions WHERE id = ?1"), "execution", executionId);
}

} // namespace patchbay::sqlite
