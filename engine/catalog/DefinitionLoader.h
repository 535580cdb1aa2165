#pragma once

#include "DefinitionError.h"
#include "ProviderDefinition.h"

#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

struct DefinitionLoadResult
{
    std::optional<ProviderDefinition> definition; // set only when there are no errors
    QList<DefinitionError> errors;

    bool ok() const { return definition.has_value(); }
};

// Reads a provider definition from YAML and validates it, reporting every problem with file:line:col.
class DefinitionLoader
{
public:
    static DefinitionLoadResult loadFile(const QString &path);
    static DefinitionLoadResult loadText(const QByteArray &yaml, const QString &fileName);
};

} // namespace patchbay
