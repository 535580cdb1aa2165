#pragma once

#include "core/MappingVersion.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// Mapping overrides, versioned: saving never replaces a version, it adds the next one.
class MappingStore
{
public:
    virtual ~MappingStore() = default;

    // Returns the version as saved: its number and creation time filled in.
    virtual Result<MappingVersion> saveMappingVersion(const MappingVersion &version) = 0;
    virtual std::optional<MappingVersion> currentMapping(const QString &level, const QString &scope,
                                                         const QString &integration, const QString &object,
                                                         const QString &direction) = 0;
    // Newest first.
    virtual Result<QList<MappingVersion>> mappingHistory(const QString &level, const QString &scope,
                                                         const QString &integration, const QString &object,
                                                         const QString &direction) = 0;
};

} // namespace patchbay
