#pragma once

#include "DefinitionError.h"
#include "IntegrationDefinition.h"

#include <QList>

namespace patchbay {

class ProviderCatalog;

struct IntegrationLoadResult
{
    QList<IntegrationDefinition> integrations; // empty when there are errors
    QList<DefinitionError> errors;

    bool ok() const { return errors.isEmpty(); }
};

// Reads an integration manifest (integrations: [...]) and validates it: providers and objects must exist in
// the catalog, and every mapping expression must compile — each problem reported with file:line:col.
class IntegrationLoader
{
public:
    static IntegrationLoadResult loadFile(const QString &path, const ProviderCatalog &providers);
    static IntegrationLoadResult loadText(const QByteArray &yaml, const QString &fileName,
                                          const ProviderCatalog &providers);
    // Whether a YAML text is an integration manifest (a mapping with 'integrations') rather than a provider
    // definition, so one command can check either.
    static bool isManifest(const QByteArray &yaml);
};

} // namespace patchbay
