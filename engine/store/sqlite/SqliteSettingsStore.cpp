#include "SqliteSettingsStore.h"

namespace patchbay {

using namespace sqlite;

std::optional<QByteArray> SqliteSettingsStore::setting(const QString &name)
{
    return ifFound(selectOne(
        m_db, QStringLiteral("SELECT value FROM store_settings WHERE name = ?1"),
        [](SqliteRow &row) { return row.blob(); }, name));
}

Result<bool> SqliteSettingsStore::addSetting(const QString &name, const QByteArray &value)
{
    return changed(m_db,
                   QStringLiteral("INSERT INTO store_settings (name, value) VALUES (?1, ?2) "
                                  "ON CONFLICT (name) DO NOTHING"),
                   name, value);
}

} // namespace patchbay
