#pragma once

#include "core/Result.h"

#include <QString>

namespace patchbay {

// A time as a definition asks for it: iso8601, iso8601ms, epochSeconds, epochMillis, or a JSONata $fromMillis
// picture.
Result<QString> formatTimestamp(qint64 ms, const QString &format);

} // namespace patchbay
