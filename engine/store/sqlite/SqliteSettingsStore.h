#pragma once

#include "store/SettingsStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteSettingsStore final : public SettingsStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    std::optional<QByteArray> setting(const QString &name) override;
    Result<bool> addSetting(const QString &name, const QByteArray &value) override;
};

} // namespace patchbay
