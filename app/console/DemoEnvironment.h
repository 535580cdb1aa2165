#pragma once

#include "core/Result.h"
#include "store/StoreTypes.h"

#include <QList>
#include <QThread>
#include <QUrl>

#include <memory>

namespace patchbay {
class CredentialVault;
class IntegrationCatalog;
class SqliteStore;
namespace sandbox {
class HubSpotEmulator;
}
} // namespace patchbay

namespace patchbay {
class SyncService;
}

namespace patchbay::console {

// The console's --demo: starts the built-in provider emulators on loopback and points a handful of
// demo tenants' connections at them, so a new user sees real syncs without any provider account.
class DemoEnvironment
{
public:
    DemoEnvironment();
    ~DemoEnvironment();

    // Starts the emulators and creates or re-points the demo tenants and connections. The emulators then
    // serve from a thread of their own, so syncs never wait on the UI thread (nor the UI on them).
    Result<void> start(SqliteStore &store, const CredentialVault &vault, const IntegrationCatalog &integrations);

    // The product pushes a few contacts to Acme's HubSpot through the reverse mapping, one of them with an email
    // HubSpot refuses: a write execution with per-record results to look at. Runs once, after a new start.
    Result<Execution> writeDemoRecords(SyncService &sync) const;

    // Connections created by this start (their first sync has not run yet).
    const QList<qint64> &newConnections() const { return m_newConnections; }
    QUrl hubSpotUrl() const;

private:
    sandbox::HubSpotEmulator *m_hubspot; // lives in m_thread once started; deleted when it finishes
    QThread m_thread;
    QList<qint64> m_newConnections;
};

} // namespace patchbay::console
