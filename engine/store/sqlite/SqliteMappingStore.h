#pragma once

#include "store/MappingStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteMappingStore final : public MappingStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<MappingVersion> saveMappingVersion(const MappingVersion &version) override;
    std::optional<MappingVersion> currentMapping(const QString &level, const QString &scope, const QString &integration,
                                                 const QString &object, const QString &direction) override;
    Result<QList<MappingVersion>> mappingHistory(const QString &level, const QString &scope, const QString &integration,
                                                 const QString &object, const QString &direction) override;
};

} // namespace patchbay
