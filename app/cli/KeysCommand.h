#pragma once

#include <QStringList>

// `patchbay keys create|list|revoke`: patchbayd's API keys, in its database.
//   keys create [--database FILE] --role admin|product|support|viewer [--tenant NAME|ID] [--name TEXT]
//       prints the new key alone on standard output (once: only its hash is kept), what it is on standard error
//   keys list [--database FILE]      one line per key: id, prefix, role, tenant, name, created, last used, state
//   keys revoke [--database FILE] ID
// 'args' are the arguments after "keys". Creating and revoking write an audit entry. Exit status: 0 done, 1 the
// database or the key was not found or could not be changed, 2 bad usage.
int runKeysCommand(const QStringList &args);
