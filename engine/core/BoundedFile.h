#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace patchbay {

// The bytes of a regular file of at most maxBytes. Anything else is refused before it is read: a directory, a
// FIFO or device (/dev/zero, a pipe that never ends), a socket, or a file larger than the bound — so a mistyped
// path can neither hang a command nor fill the memory. Works for Qt resource paths (":/...") too.
Result<QByteArray> readBoundedFile(const QString &path, qint64 maxBytes);

// "4 MiB", "512 KiB", "100 bytes": a size as people read it in a message.
QString describeByteCount(qint64 bytes);

} // namespace patchbay
