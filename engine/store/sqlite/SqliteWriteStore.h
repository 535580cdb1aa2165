#pragma once

#include "store/WriteStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteWriteStore final : public WriteStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<void> addWriteItems(qint64 connectionId, const QList<WriteItem> &items) override;
    Result<QList<WriteItem>> writeItems(qint64 executionId) override;
    Result<QList<WriteItem>> failedWriteItems(qint64 connectionId, const QString &object) override;
    std::optional<QString> linkedProviderId(qint64 connectionId, const QString &object, const QString &key) override;

private:
    Result<void> addWriteItem(qint64 tenantId, qint64 connectionId, const WriteItem &item, const QDateTime &at);
};

} // namespace patchbay
