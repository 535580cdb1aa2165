#pragma once

#include "core/Result.h"

namespace patchbay {

class SqliteDatabase;

// Numbered schema migrations tracked in PRAGMA user_version. All pending ones run in one transaction that
// holds the write lock, so processes opening a new database at once do not race.
class Migrations
{
public:
    static int latestVersion();
    // Brings the database to the latest version (tests of an upgrade: to upTo); refuses a database written by a
    // newer program.
    static Result<void> apply(SqliteDatabase &db, int upTo = latestVersion());
};

} // namespace patchbay
