#pragma once

#include "server/DaemonConfig.h"

namespace patchbay {

// Installs patchbayd's log output on stderr: messages at level and above (the patchbay.* categories are turned on
// down to that level), as text ("2026-12-07T14:00:00.000Z info default: message") or, for Json, one JSON object
// per line: {"time","level","category","message"}.
void installDaemonLogging(QtMsgType level, DaemonConfig::LogFormat format);

// One log line as installDaemonLogging writes it (without the newline); for the tests.
QByteArray formatLogLine(QtMsgType type, const char *category, const QString &message, DaemonConfig::LogFormat format);

} // namespace patchbay
