#include "catalog/DefinitionLoader.h"
#include "catalog/IntegrationLoader.h"
#include "catalog/ProviderCatalog.h"
#include "catalog/YamlDocument.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace patchbay;

namespace {
// Manifests are checked against the providers a process ships with, so a fuzzed manifest that names one of them
// reaches the object and mapping checks.
const ProviderCatalog &providers()
{
    static const ProviderCatalog catalog = ProviderCatalog::builtIn();
    return catalog;
}
} // namespace

// Loads arbitrary bytes as a provider definition and as an integration manifest, through the in-memory entry points
// the file loaders call after YamlDocument::readFile: every input must end in a result or in errors.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // readFile refuses anything larger before the text reaches a loader.
    if (size > static_cast<std::size_t>(YamlDocument::kMaxFileBytes))
        return 0;
    const QByteArray yaml = QByteArray::fromRawData(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const QString fileName = QStringLiteral("fuzz.yaml");

    const DefinitionLoadResult definition = DefinitionLoader::loadText(yaml, fileName);
    for (const DefinitionError &error : definition.errors)
        (void)error.toString();

    const IntegrationLoadResult manifest = IntegrationLoader::loadText(yaml, fileName, providers());
    for (const DefinitionError &error : manifest.errors)
        (void)error.toString();
    return 0;
}
