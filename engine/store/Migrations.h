#pragma once

#include "core/Result.h"

namespace patchbay {

class SqliteDatabase;

// Numbered schema migrations tracked in PRAGMA user_version. Each runs in its own transaction.
class Migrations
{
public:
    static int latestVersion();
    // Brings the database to the latest version; refuses a database written by a newer program.
    static Result<void> apply(SqliteDatabase &db);
    // Brings the database up to targetVersion only: lets a test build a database as an older Patchbay left it.
    static Result<void> apply(SqliteDatabase &db, int targetVersion);
};

} // namespace patchbay
