#include "OpsFixture.h"

#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "ops/LocalOps.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QTest>

namespace patchbay {

using namespace sandbox;

OpsFixture::OpsFixture() : m_key(CredentialVault::generateKey()), m_emulator(std::make_unique<HubSpotEmulator>())
{
    if (m_emulator->listen() == 0) {
        m_error = QStringLiteral("the emulator cannot listen");
        return;
    }
    auto store = SqliteStore::open(databasePath());
    if (!store) {
        m_error = store.error().toString();
        return;
    }
    m_store = std::move(store).value();
    CredentialVault vault(m_key);
    auto connectTenant = [&](const QString &name, const QString &displayName, qint64 &tenant, qint64 &connection) {
        auto created = m_store->tenants().createTenant(name, displayName);
        if (!created)
            return created.error().toString();
        tenant = created.value();
        const PortalCredentials portal = m_emulator->addPortal(name, 30, 7);
        auto connected = SandboxConnector(*m_store, vault)
                             .connect(tenant, 0, QStringLiteral("hubspot"), displayName + QStringLiteral(" HubSpot"),
                                      QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), portal,
                                      QDateTime::currentDateTimeUtc().addSecs(1800));
        if (!connected)
            return connected.error().toString();
        connection = connected.value();
        return QString();
    };
    m_error = connectTenant(QStringLiteral("acme"), QStringLiteral("Acme"), acme, acmeConnection);
    if (m_error.isEmpty())
        m_error = connectTenant(QStringLiteral("globex"), QStringLiteral("Globex"), globex, globexConnection);
    if (!m_error.isEmpty())
        return;
    // acme's records are mapped by the built-in crm-contacts integration; globex's stay raw.
    if (auto set = m_store->tenants().setConnectionIntegration(acmeConnection, QStringLiteral("crm-contacts"),
                                                               QStringLiteral("production"));
        !set) {
        m_error = set.error().toString();
        return;
    }
    m_sync = std::make_shared<SyncService>(databasePath(), m_key, ProviderCatalog::builtIn(), SystemClock::instance());
    auto opsStore = SqliteStore::open(databasePath());
    if (!opsStore) {
        m_error = opsStore.error().toString();
        return;
    }
    m_ops = std::make_unique<LocalOps>(std::move(opsStore).value(), m_sync, SystemClock::instance());
}

OpsFixture::~OpsFixture()
{
    // Background work talks to the emulator, which this thread serves: wait with its events served.
    if (m_ops)
        (void)QTest::qWaitFor([this] { return !m_ops->hasRunningWork(); }, 30000);
}

QString OpsFixture::databasePath() const
{
    return m_dir.filePath(QStringLiteral("patchbay.db"));
}

} // namespace patchbay
