#pragma once

#include "core/Result.h"

#include <QString>

namespace patchbay {

class CredentialVault;
class Store;

// Proves at start that the master key is the one this database's credentials are sealed with, so a wrong key
// stops the program with a clear error instead of showing every token as valid and failing at the first sync.
// The database keeps a constant sealed with its key; one that predates the check gets it at the first open whose
// key opens all its credentials (or, without credentials, at the first open).
class MasterKeyCheck
{
public:
    // keySource names where the key came from (MasterKey::source), for the error.
    static Result<void> verify(Store &store, const CredentialVault &vault, const QString &keySource);
};

} // namespace patchbay
