#pragma once

#include "core/Result.h"
#include "core/Executions.h"

#include <QList>
#include <QLockFile>
#include <QThread>
#include <QUrl>

#include <memory>

namespace patchbay {
class CredentialVault;
class IntegrationCatalog;
class Store;
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

    // Starts the emulators and creates or re-points the demo tenants and connections, all in one transaction: a
    // start that is killed or fails leaves the database as it was, and the next one makes (or completes) the whole
    // set-up. Refused while another process runs the demo on the same database (its emulators hold the tokens the
    // connections point at). The emulators then serve from a thread of their own, so syncs never wait on the UI
    // thread (nor the UI on them).
    Result<void> start(Store &store, const CredentialVault &vault, const IntegrationCatalog &integrations);

    // The product pushes a few contacts to Acme's HubSpot through the reverse mapping, one of them with an email
    // HubSpot refuses: a write execution with per-record results to look at. Once per database (needsDemoWrite).
    Result<Execution> writeDemoRecords(SyncService &sync) const;
    bool needsDemoWrite() const { return m_needsDemoWrite; }

    // Demo connections whose first sync never finished (a new database, or a demo killed before it synced).
    const QList<qint64> &connectionsToSync() const { return m_connectionsToSync; }
    QUrl hubSpotUrl() const;

private:
    Result<void> lockDatabase(const QString &databasePath);
    Result<void> setUp(Store &store, const CredentialVault &vault, const IntegrationCatalog &integrations);

    sandbox::HubSpotEmulator *m_hubspot; // lives in m_thread once started; deleted when it finishes
    QThread m_thread;
    std::unique_ptr<QLockFile> m_lock; // held while this process runs the demo
    qint64 m_acmeConnection = 0;
    bool m_needsDemoWrite = false;
    QList<qint64> m_connectionsToSync;
};

} // namespace patchbay::console
