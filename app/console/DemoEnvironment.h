#pragma once

#include "PortalCredentials.h"
#include "SandboxProcess.h"
#include "core/Executions.h"
#include "core/Result.h"

#include <QList>
#include <QLockFile>
#include <QUrl>

#include <memory>

namespace patchbay {
class CredentialVault;
class IntegrationCatalog;
class Store;
} // namespace patchbay

namespace patchbay {
class SyncService;
}

namespace patchbay::console {

// The console's --demo: starts the provider emulators (patchbay-sandbox, as a child process: the console carries no
// emulator) on loopback and points a handful of demo tenants' connections at them, so a new user sees real syncs
// without any provider account.
class DemoEnvironment
{
public:
    // sandboxProgram: the patchbay-sandbox to start; empty to look for it (SandboxProcess::locate).
    explicit DemoEnvironment(const QString &sandboxProgram = {});
    ~DemoEnvironment(); // stops the emulators

    // Starts the emulators and creates or re-points the demo tenants and connections, all in one transaction: a
    // start that is killed or fails leaves the database as it was, and the next one makes (or completes) the whole
    // set-up. Refused while another process runs the demo on the same database (its emulators hold the tokens the
    // connections point at), and when the sandbox program cannot be found or started. The emulators serve from
    // their own process, which stops with this object or when the console dies.
    Result<void> start(Store &store, const CredentialVault &vault, const IntegrationCatalog &integrations);

    // The product pushes a few contacts to Acme's HubSpot through the reverse mapping, one of them with an email
    // HubSpot refuses: a write execution with per-record results to look at. Once per database (needsDemoWrite).
    Result<Execution> writeDemoRecords(SyncService &sync) const;
    bool needsDemoWrite() const { return m_needsDemoWrite; }

    // Demo connections whose first sync never finished (a new database, or a demo killed before it synced).
    const QList<qint64> &connectionsToSync() const { return m_connectionsToSync; }
    QUrl hubSpotUrl() const { return m_sandbox.url(QStringLiteral("hubspot")); }
    qint64 sandboxProcessId() const { return m_sandbox.processId(); }

private:
    Result<void> lockDatabase(const QString &databasePath);
    Result<void> setUp(Store &store, const CredentialVault &vault, const IntegrationCatalog &integrations);
    // Adds (or re-seeds) one demo portal in the emulator and makes its trouble; returns its credentials.
    Result<sandbox::PortalCredentials> seedPortal(const QString &name, int contacts, quint32 seed, bool expireTokens,
                                                  bool revokeRefreshToken) const;

    QString m_sandboxProgram;
    sandbox::SandboxProcess m_sandbox;
    std::unique_ptr<QLockFile> m_lock; // held while this process runs the demo
    qint64 m_acmeConnection = 0;
    bool m_needsDemoWrite = false;
    QList<qint64> m_connectionsToSync;
};

} // namespace patchbay::console
