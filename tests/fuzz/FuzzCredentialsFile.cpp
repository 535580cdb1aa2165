#include "CredentialsFile.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

// Parses arbitrary bytes as the --credentials file of `patchbay dryrun`, through the checks CredentialsFile::read
// runs once the file is read: every input must end in a credential or in an error that names the problem.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // read() refuses anything larger before parsing.
    if (size > static_cast<std::size_t>(CredentialsFile::kMaxBytes))
        return 0;
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const patchbay::Result<CredentialsFile> file = CredentialsFile::parse(bytes, QStringLiteral("credentials.json"));
    if (!file)
        (void)file.error().message;
    return 0;
}
