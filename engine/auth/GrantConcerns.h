#pragma once

#include "Credential.h"
#include "catalog/ProviderDefinition.h"

#include <QStringList>

namespace patchbay {

// What an authorization granted less of than the definition needs, one sentence each, for the execution's events
// and the connection's status message: no refresh token for an access token that expires (many servers drop
// offline access unless asked with prompt=consent), and the requested scopes missing from the granted scope.
QStringList grantConcerns(const ProviderDefinition &definition, const Credential &granted);

} // namespace patchbay
