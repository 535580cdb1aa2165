#include "ProviderCatalog.h"

#include "core/Logging.h"

#include <QDir>

namespace patchbay {

ProviderCatalog ProviderCatalog::builtIn()
{
    ProviderCatalog catalog;
    QList<DefinitionError> errors;
    catalog.addDirectory(QStringLiteral(":/patchbay/providers"), &errors);
    for (const DefinitionError &error : std::as_const(errors))
        qCCritical(lcCatalog).noquote() << "built-in definition is invalid:" << error.toString();
    return catalog;
}

void ProviderCatalog::addDirectory(const QString &path, QList<DefinitionError> *errors)
{
    const QDir dir(path);
    const QStringList files = dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        DefinitionLoadResult loaded = DefinitionLoader::loadFile(dir.filePath(file));
        if (loaded.ok())
            m_definitions.insert(loaded.definition->name, *loaded.definition);
        else if (errors)
            errors->append(loaded.errors);
    }
}

const ProviderDefinition *ProviderCatalog::find(const QString &name) const
{
    auto it = m_definitions.constFind(name);
    return it == m_definitions.constEnd() ? nullptr : &it.value();
}

Result<ProviderDefinition> ProviderCatalog::get(const QString &name) const
{
    if (const ProviderDefinition *definition = find(name))
        return *definition;
    return makeError("catalog.unknown_provider",
                     QStringLiteral("No provider definition named '%1'. Known providers: %2.")
                         .arg(name, names().join(QStringLiteral(", "))));
}

} // namespace patchbay
