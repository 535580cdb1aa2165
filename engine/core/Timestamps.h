#pragma once

#include <QString>

#include <optional>

namespace patchbay {

// Milliseconds since the epoch from the forms providers use for "updated at": ISO 8601 (with or without a
// colon in the offset, "2026-01-01T10:00:00.000+0000"), "2026-01-01 10:00:00" (UTC), epoch seconds or
// epoch milliseconds (told apart by size).
std::optional<qint64> parseTimestampMs(const QString &text);

} // namespace patchbay
