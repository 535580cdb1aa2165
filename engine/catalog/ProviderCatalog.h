#pragma once

#include "DefinitionLoader.h"
#include "ProviderDefinition.h"
#include "core/Result.h"

#include <QMap>
#include <QStringList>

namespace patchbay {

// The provider definitions a process knows: the built-in ones (compiled in from resources/providers)
// plus any from an extra folder, which override built-ins of the same name.
class ProviderCatalog
{
public:
    static ProviderCatalog builtIn();
    void addDirectory(const QString &path, QList<DefinitionError> *errors);

    void add(const ProviderDefinition &definition) { m_definitions.insert(definition.name, definition); }
    const ProviderDefinition *find(const QString &name) const;
    Result<ProviderDefinition> get(const QString &name) const;
    QStringList names() const { return m_definitions.keys(); }

private:
    QMap<QString, ProviderDefinition> m_definitions;
};

} // namespace patchbay
