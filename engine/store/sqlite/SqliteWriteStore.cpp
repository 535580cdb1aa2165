#include "SqliteWriteStore.h"

namespace patchbay {

using namespace sqlite;

namespace {

const QString kWriteItemColumns = QStringLiteral(
    "id, execution_id, object, item_key, operation, provider_id, status, error_code, error_message, payload, sent, "
    "created_at");

WriteItem readWriteItem(SqliteRow &row)
{
    return WriteItem{row.int64(), row.int64(), row.text(), row.text(), row.text(), row.text(),
                     row.text(),  row.text(),  row.text(), row.utf8(), row.utf8(), row.time()};
}

} // namespace

Result<void> SqliteWriteStore::addWriteItems(qint64 connectionId, const QList<WriteItem> &items)
{
    auto tenant = tenantOfConnection(m_db, connectionId);
    if (!tenant)
        return tenant.error();
    const QDateTime at = now();
    return inTransaction(m_db, [&]() -> Result<void> {
        for (const WriteItem &item : items) {
            if (auto added = addWriteItem(*tenant, connectionId, item, at); !added)
                return added;
        }
        return {};
    });
}

Result<void> SqliteWriteStore::addWriteItem(qint64 tenantId, qint64 connectionId, const WriteItem &item,
                                            const QDateTime &at)
{
    if (auto result =
            run(m_db,
                QStringLiteral("INSERT INTO write_items (tenant_id, connection_id, execution_id, object, "
                               "item_key, operation, provider_id, status, error_code, error_message, "
                               "payload, sent, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
                tenantId, connectionId, item.executionId, item.object, item.key, item.operation,
                textOrNull(item.providerId), item.status, textOrNull(item.errorCode), textOrNull(item.errorMessage),
                QString::fromUtf8(item.payload), textOrNull(QString::fromUtf8(item.sent)), at);
        !result)
        return result;
    if (item.status != QLatin1String("succeeded") || item.providerId.isEmpty())
        return {};
    return run(m_db,
               QStringLiteral("INSERT INTO record_links (connection_id, object, item_key, provider_id, linked_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (connection_id, object, item_key) DO UPDATE SET "
                              "provider_id = excluded.provider_id, linked_at = excluded.linked_at"),
               connectionId, item.object, item.key, item.providerId, at);
}

Result<QList<WriteItem>> SqliteWriteStore::writeItems(qint64 executionId)
{
    return selectAll(
        m_db, QStringLiteral("SELECT %1 FROM write_items WHERE execution_id = ?1 ORDER BY id").arg(kWriteItemColumns),
        readWriteItem, executionId);
}

Result<QList<WriteItem>> SqliteWriteStore::failedWriteItems(qint64 connectionId, const QString &object)
{
    // The newest result per key; it is still failing when that result failed.
    return selectAll(
        m_db,
        QStringLiteral("SELECT %1 FROM write_items w WHERE connection_id = ?1 AND (?2 = '' OR object = ?2) "
                       "AND status = 'failed' AND id = (SELECT MAX(id) FROM write_items v "
                       "WHERE v.connection_id = w.connection_id AND v.object = w.object "
                       "AND v.item_key = w.item_key) ORDER BY id")
            .arg(kWriteItemColumns),
        readWriteItem, connectionId, object);
}

std::optional<QString> SqliteWriteStore::linkedProviderId(qint64 connectionId, const QString &object,
                                                          const QString &key)
{
    return ifFound(selectOne(
        m_db,
        QStringLiteral("SELECT provider_id FROM record_links WHERE connection_id = ?1 "
                       "AND object = ?2 AND item_key = ?3"),
        [](SqliteRow &row) { return row.text(); }, connectionId, object, key));
}

} // namespace patchbay
