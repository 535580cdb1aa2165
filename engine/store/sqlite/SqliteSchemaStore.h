#pragma once

#include "store/SchemaStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteSchemaStore final : public SchemaStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<void> saveSchema(qint64 connectionId, const QString &object, const QList<SchemaField> &fields,
                            qint64 executionId) override;
    Result<QList<SchemaField>> schema(qint64 connectionId, const QString &object) override;
};

} // namespace patchbay
