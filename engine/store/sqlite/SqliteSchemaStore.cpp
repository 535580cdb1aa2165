#include "SqliteSchemaStore.h"

namespace patchbay {

using namespace sqlite;

Result<void> SqliteSchemaStore::saveSchema(qint64 connectionId, const QString &object, const QList<SchemaField> &fields,
                                           qint64 executionId)
{
    QJsonArray array;
    for (const SchemaField &field : fields) {
        array.append(QJsonObject{{QStringLiteral("name"), field.name},
                                 {QStringLiteral("label"), field.label},
                                 {QStringLiteral("type"), field.type},
                                 {QStringLiteral("custom"), field.custom}});
    }
    return run(m_db,
               QStringLiteral("INSERT INTO object_schemas (connection_id, object, fields, execution_id, discovered_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (connection_id, object) DO UPDATE SET "
                              "fields = excluded.fields, execution_id = excluded.execution_id, "
                              "discovered_at = excluded.discovered_at"),
               connectionId, object, array, executionId, now());
}

Result<QList<SchemaField>> SqliteSchemaStore::schema(qint64 connectionId, const QString &object)
{
    auto stored = selectOne(
        m_db, QStringLiteral("SELECT fields FROM object_schemas WHERE connection_id = ?1 AND object = ?2"),
        [](SqliteRow &row) { return row.array(); }, connectionId, object);
    if (!stored)
        return stored.error();
    QList<SchemaField> fields;
    for (const QJsonValue &value : stored->value_or(QJsonArray())) {
        const QJsonObject field = value.toObject();
        fields.append(SchemaField{
            field.value(QStringLiteral("name")).toString(), field.value(QStringLiteral("label")).toString(),
            field.value(QStringLiteral("type")).toString(), field.value(QStringLiteral("custom")).toBool()});
    }
    return fields;
}

} // namespace patchbay
