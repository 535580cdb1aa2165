#pragma once

#include "DefinitionError.h"
#include "IntegrationDefinition.h"
#include "ProviderCatalog.h"
#include "ProviderDefinition.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace patchbay {

// One file as `patchbay validate` found it: a provider definition or an integration manifest, and its problems.
struct ValidatedFile
{
    enum class Kind { ProviderDefinition, IntegrationManifest };

    QString file;
    Kind kind = Kind::ProviderDefinition;
    QList<DefinitionError> errors;
    std::optional<ProviderDefinition> provider; // a definition without errors
    QList<IntegrationDefinition> integrations;  // a manifest without errors

    bool ok() const { return errors.isEmpty(); }
};

// Checks provider definitions and integration manifests given together. Each file is recognised by its content
// (a manifest is a mapping with 'integrations'); manifests are checked against the known providers plus every
// definition among the files, so a new provider and the manifest that uses it are checked in one run.
class DefinitionValidator
{
public:
    static QList<ValidatedFile> validateFiles(const QStringList &files, ProviderCatalog providers);
};

} // namespace patchbay
