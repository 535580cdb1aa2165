#pragma once

#include "core/Exchange.h"

#include <QString>

namespace patchbay {

// A curl command line that repeats a recorded exchange's request: its method, URL, request headers as the exchange
// keeps them (already redacted when recorded, so a redacted secret stays "[redacted]" and nothing is added) and the
// body with --data-raw when there is one. Every argument is single-quoted for a POSIX shell.
QString curlCommand(const Exchange &exchange);

// text single-quoted for a POSIX shell: a quote inside becomes '\'' so nothing in it is expanded or ends the word.
QString shellQuoted(const QString &text);

} // namespace patchbay
