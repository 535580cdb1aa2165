#include "SqliteMappingStore.h"

namespace patchbay {

using namespace sqlite;

namespace {

// The versions of one override, newest first.
const QString kVersionsOf = QStringLiteral("SELECT ") + kMappingVersionColumns + QStringLiteral(
    " FROM mapping_versions WHERE level = ?1 AND scope = ?2 AND integration = ?3 AND object = ?4 AND direction = ?5 "
    "ORDER BY version DESC");

} // namespace

Result<MappingVersion> SqliteMappingStore::saveMappingVersion(const MappingVersion &version)
{
    std::optional<qint64> tenant;
    if (version.level == MappingLevel::Connection) {
        auto owner = tenantOfConnection(m_db, version.scope.toLongLong());
        if (!owner)
            return owner.error();
        tenant = owner.value();
    }
    return inTransaction(m_db, [&]() -> Result<MappingVersion> {
        auto last = required(selectOne(
                                 m_db,
                                 QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM mapping_versions "
                                                "WHERE level = ?1 AND scope = ?2 AND integration = ?3 "
                                                "AND object = ?4 AND direction = ?5"),
                                 [](SqliteRow &row) { return row.integer(); }, version.level, version.scope,
                                 version.integration, version.object, version.direction),
                             makeError("store.query_failed", QStringLiteral("no version row")));
        if (!last)
            return last.error();
        MappingVersion saved = version;
        saved.version = *last + 1;
        saved.createdAt = now();
        auto id = insert(m_db,
                         QStringLiteral("INSERT INTO mapping_versions (tenant_id, level, scope, integration, object, "
                                        "direction, version, overrides, author, reason, created_at) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
                         tenant, saved.level, saved.scope, saved.integration, saved.object, saved.direction,
                         qint64(saved.version), saved.overrides, saved.author, saved.reason, saved.createdAt);
        if (!id)
            return id.error();
        saved.id = *id;
        return saved;
    });
}

std::optional<MappingVersion> SqliteMappingStore::currentMapping(const QString &level, const QString &scope,
                                                                 const QString &integration, const QString &object,
                                                                 const QString &direction)
{
    return ifFound(selectOne(m_db, kVersionsOf + QStringLiteral(" LIMIT 1"), readMappingVersion, level, scope,
                             integration, object, direction));
}

Result<QList<MappingVersion>> SqliteMappingStore::mappingHistory(const QString &level, const QString &scope,
                                                                 const QString &integration, const QString &object,
                                                                 const QString &direction)
{
    return selectAll(m_db, kVersionsOf, readMappingVersion, level, scope, integration, object, direction);
}

} // namespace patchbay
