#pragma once

#include <QStringList>

// `patchbay dryrun --provider FILE|NAME --object NAME [--base-url URL] [--credentials FILE] [--since DATE]
// [--limit N] [--integration FILE --name INTEGRATION]`: runs one read against a provider without a database of
// record (a throw-away one), printing the records (mapped, when an integration is given) as JSON lines on stdout
// and the execution's events on stderr. Exit 0 when the read succeeded, 1 when it failed, 2 for bad arguments.
int runDryrunCommand(const QStringList &args);
