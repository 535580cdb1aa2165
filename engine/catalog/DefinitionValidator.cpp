#include "DefinitionValidator.h"

#include "DefinitionLoader.h"
#include "IntegrationLoader.h"
#include "YamlDocument.h"

#include <QMap>

namespace patchbay {

QList<ValidatedFile> DefinitionValidator::validateFiles(const QStringList &files, ProviderCatalog providers)
{
    QList<ValidatedFile> results;
    QMap<qsizetype, QByteArray> manifests; // index in results -> text, checked once every definition is known
    for (const QString &file : files) {
        ValidatedFile checked;
        checked.file = file;
        const auto text = YamlDocument::readFile(file, &checked.errors);
        if (text && IntegrationLoader::isManifest(*text)) {
            checked.kind = ValidatedFile::Kind::IntegrationManifest;
            manifests.insert(results.size(), *text);
        } else if (text) {
            DefinitionLoadResult loaded = DefinitionLoader::loadText(*text, file);
            checked.errors = loaded.errors;
            if (loaded.definition) {
                providers.add(*loaded.definition);
                checked.provider = std::move(loaded.definition);
            }
        }
        results.append(checked);
    }
    for (auto it = manifests.cbegin(); it != manifests.cend(); ++it) {
        ValidatedFile &checked = results[it.key()];
        IntegrationLoadResult loaded = IntegrationLoader::loadText(it.value(), checked.file, providers);
        checked.errors = loaded.errors;
        checked.integrations = loaded.integrations;
    }
    return results;
}

} // namespace patchbay
