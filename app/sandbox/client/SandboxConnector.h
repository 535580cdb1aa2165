#pragma once

#include "core/Result.h"
#include "PortalCredentials.h"

#include <QDateTime>
#include <QUrl>

namespace patchbay {
class CredentialVault;
class Store;
} // namespace patchbay

namespace patchbay::sandbox {

// Points a connection of the store at an emulator portal: stores the portal's tokens (sealed) and
// rewrites the provider's real origin to the emulator's, as a connection's config allows for any
// provider. Used by the console's demo and by the engine's integration tests.
class SandboxConnector
{
public:
    SandboxConnector(Store &store, const CredentialVault &vault) : m_store(store), m_vault(vault) {}

    // Creates the connection when connectionId is 0; returns its id.
    Result<qint64> connect(qint64 tenantId, qint64 connectionId, const QString &provider, const QString &displayName,
                           const QString &providerOrigin, const QUrl &emulatorUrl, const PortalCredentials &portal,
                           const QDateTime &expiresAt);

private:
    Store &m_store;
    const CredentialVault &m_vault;
};

} // namespace patchbay::sandbox
