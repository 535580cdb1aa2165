#pragma once

#include "DaemonProcess.h"
#include "PortalCredentials.h"
#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "core/Access.h"

#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace patchbay {
class SyncService;
namespace sandbox {
class HubSpotEmulator;
}
} // namespace patchbay

namespace patchbay::test {

// A real patchbayd with contents to look at, for tests of its clients (RemoteOps, the console's remote mode): a
// HubSpot emulator in this process, two tenants (acme, globex) with a connection each to a portal of it, acme's
// mapped by the "contract-contacts" integration (contacts read without a schedule unless setSchedule), and one read
// of acme's contacts done, so there are executions, events, exchanges and failed records.
//
//     ServerFixture server;
//     QVERIFY2(server.seed(), qPrintable(server.error()));
//     QFile::copy(server.daemon().databasePath(), localCopy);   // the same contents for an in-process engine
//     QVERIFY2(server.start(), qPrintable(server.error()));      // then the port stays the same across restarts
class ServerFixture
{
public:
    ServerFixture();
    ~ServerFixture();

    // Seeds the daemon's database (before start): false with error() when that failed.
    bool seed();
    // Starts patchbayd, and pins its port so that a restart listens where clients look.
    bool start();
    QString error() const { return m_error; }

    DaemonProcess &daemon() { return *m_daemon; }
    QUrl baseUrl() const { return m_daemon->baseUrl(); }
    const sandbox::PortalCredentials &portal() const { return m_portal; }
    // Where the HubSpot emulator listens (the provider's authorize page, for a browser in a test).
    QUrl emulatorUrl() const;

    // The integration's manifest, with a read schedule ("{ every: 2s }") or none; setSchedule writes it for the
    // daemon's next start.
    static QByteArray manifest(const QByteArray &schedule = {});
    void setSchedule(const QByteArray &schedule);
    // A SyncService on databasePath that knows the same providers and integrations as the daemon.
    std::shared_ptr<SyncService> syncService(const QString &databasePath) const;
    // An API key made directly in the daemon's database (the CLI makes only the admin key).
    QString addKey(const QString &name, ApiRole role, std::optional<qint64> tenantId = std::nullopt);

    static inline const QString kIntegration = QStringLiteral("contract-contacts");
    static inline const QString kAdminName = QStringLiteral("e2e admin"); // DaemonProcess's admin key

    qint64 acme = 0;
    qint64 globex = 0;
    qint64 acmeConnection = 0;
    qint64 globexConnection = 0;
    qint64 seededExecution = 0;

private:
    QString seedDatabase();

    QTemporaryDir m_dir;
    std::unique_ptr<sandbox::HubSpotEmulator> m_emulator;
    sandbox::PortalCredentials m_portal;
    std::unique_ptr<DaemonProcess> m_daemon;
    ProviderCatalog m_providers;
    IntegrationCatalog m_integrations;
    QString m_error;
};

} // namespace patchbay::test
