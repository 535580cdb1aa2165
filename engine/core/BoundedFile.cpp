#include "BoundedFile.h"

#include <QFile>
#include <QFileInfo>

namespace patchbay {

QString describeByteCount(qint64 bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
    if (bytes >= 1024 && bytes % 1024 == 0)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}

Result<QByteArray> readBoundedFile(const QString &path, qint64 maxBytes)
{
    const QFileInfo info(path);
    if (!info.exists())
        return makeError("file.missing", QStringLiteral("cannot be read: there is no such file; check the path"));
    if (info.isDir())
        return makeError("file.directory", QStringLiteral("is a directory; name a file in it"));
    // Checked before opening: opening a FIFO blocks until a writer comes, and a device never ends.
    if (!info.isFile()) {
        return makeError("file.not_regular", QStringLiteral("is not a regular file (a pipe, device or socket); save "
                                                            "the content to a file and name that"));
    }
    if (info.size() > maxBytes) {
        return makeError("file.too_large", QStringLiteral("is %1, more than the %2 allowed; is this the right file?")
                                               .arg(describeByteCount(info.size()), describeByteCount(maxBytes)));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("file.unreadable", QStringLiteral("cannot be read: %1").arg(file.errorString()));
    // Read one byte past the bound: a file that grew after the check is still refused, never read whole.
    QByteArray bytes = file.read(maxBytes + 1);
    if (bytes.size() > maxBytes) {
        return makeError(
            "file.too_large",
            QStringLiteral("is more than the %1 allowed; is this the right file?").arg(describeByteCount(maxBytes)));
    }
    if (file.error() != QFileDevice::NoError)
        return makeError("file.unreadable", QStringLiteral("cannot be read: %1").arg(file.errorString()));
    return bytes;
}

} // namespace patchbay
