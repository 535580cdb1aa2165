#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace patchbay {

// Settings of the database itself (the master key's check value), by name.
class SettingsStore
{
public:
    virtual ~SettingsStore() = default;

    virtual std::optional<QByteArray> setting(const QString &name) = 0;
    // Stores the value unless the name has one already (another process was first); true when it was stored.
    virtual Result<bool> addSetting(const QString &name, const QByteArray &value) = 0;
};

} // namespace patchbay
