#pragma once

#include "IntegrationLoader.h"
#include "core/Result.h"

#include <QMap>

namespace patchbay {

class ProviderCatalog;

// The integrations a process knows: the built-in manifests (resources/integrations) plus extra files.
class IntegrationCatalog
{
public:
    static IntegrationCatalog builtIn(const ProviderCatalog &providers);
    void addFile(const QString &path, const ProviderCatalog &providers, QList<DefinitionError> *errors);
    void add(const IntegrationDefinition &integration) { m_integrations.insert(integration.name, integration); }

    const IntegrationDefinition *find(const QString &name) const;
    Result<IntegrationDefinition> get(const QString &name) const;
    QStringList names() const { return m_integrations.keys(); }

private:
    QMap<QString, IntegrationDefinition> m_integrations;
};

} // namespace patchbay
