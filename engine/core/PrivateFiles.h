#pragma once

#include "core/Result.h"

#include <QString>

namespace patchbay {

// Files that hold customers' data or secrets (the database, its -wal and -shm, the key file) are the user's
// alone: created 0600 in folders Patchbay creates 0700, whatever the umask.
namespace PrivateFiles {

// Creates the folder and any missing parents with owner-only access; folders that exist are left as they are.
Result<void> makeDirectory(const QString &path);

// Creates the file empty with owner-only access when it does not exist. When it exists and others may read or
// write it, takes their access away (a database made by an older Patchbay); a file of another user is left alone.
Result<void> makeFile(const QString &path);

} // namespace PrivateFiles

} // namespace patchbay
