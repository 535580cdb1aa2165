#pragma once

#include "ProviderDefinition.h"

#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

struct DefinitionError
{
    QString file;
    int line = 0;   // 1-based
    int column = 0; // 1-based
    QString message;

    QString toString() const;
};

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
