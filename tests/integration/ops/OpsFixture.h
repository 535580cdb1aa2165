#pragma once

#include "core/SecretBytes.h"

#include <QTemporaryDir>

#include <memory>

namespace patchbay {

class LocalOps;
class Store;
class SyncService;
namespace sandbox {
class HubSpotEmulator;
}

// Two tenants (acme, globex), each with a HubSpot connection (acme's with the crm-contacts integration) to the sandbox's emulator on loopback, in a SQLite
// file of a temporary folder; the SyncService and LocalOps a server would run on it. For the ops routes' and live
// updates' tests.
class OpsFixture
{
public:
    OpsFixture();
    ~OpsFixture();

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    QString databasePath() const;
    Store &store() { return *m_store; }
    std::shared_ptr<SyncService> sync() const { return m_sync; }
    LocalOps &ops() { return *m_ops; }
    // The HubSpot emulator both connections talk to; its portals are named after the tenants.
    sandbox::HubSpotEmulator &emulator() { return *m_emulator; }

    qint64 acme = 0;
    qint64 globex = 0;
    qint64 acmeConnection = 0;
    qint64 globexConnection = 0;

private:
    QTemporaryDir m_dir;
    SecretBytes m_key;
    std::unique_ptr<sandbox::HubSpotEmulator> m_emulator;
    std::unique_ptr<Store> m_store;
    std::shared_ptr<SyncService> m_sync;
    std::unique_ptr<LocalOps> m_ops;
    QString m_error;
};

} // namespace patchbay
