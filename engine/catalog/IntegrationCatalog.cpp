#include "IntegrationCatalog.h"

#include "core/Logging.h"

#include <QDir>

namespace patchbay {

IntegrationCatalog IntegrationCatalog::builtIn(const ProviderCatalog &providers)
{
    IntegrationCatalog catalog;
    const QDir dir(QStringLiteral(":/patchbay/integrations"));
    QList<DefinitionError> errors;
    for (const QString &file : dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name))
        catalog.addFile(dir.filePath(file), providers, &errors);
    for (const DefinitionError &error : std::as_const(errors))
        qCCritical(lcCatalog).noquote() << "built-in integration manifest is invalid:" << error.toString();
    return catalog;
}

void IntegrationCatalog::addFile(const QString &path, const ProviderCatalog &providers, QList<DefinitionError> *errors)
{
    const IntegrationLoadResult loaded = IntegrationLoader::loadFile(path, providers);
    for (const IntegrationDefinition &integration : loaded.integrations)
        add(integration);
    if (errors)
        errors->append(loaded.errors);
}

const IntegrationDefinition *IntegrationCatalog::find(const QString &name) const
{
    auto it = m_integrations.constFind(name);
    return it == m_integrations.constEnd() ? nullptr : &it.value();
}

Result<IntegrationDefinition> IntegrationCatalog::get(const QString &name) const
{
    if (const IntegrationDefinition *integration = find(name))
        return *integration;
    return makeError("catalog.unknown_integration", QStringLiteral("No integration named '%1'. Known integrations: %2.")
                                                        .arg(name, names().join(QStringLiteral(", "))));
}

} // namespace patchbay
