#include "ServerFixture.h"

#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "store/Store.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QFile>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

namespace patchbay::test {

ServerFixture::ServerFixture()
    : m_emulator(std::make_unique<sandbox::HubSpotEmulator>()), m_daemon(std::make_unique<DaemonProcess>()),
      m_providers(ProviderCatalog::builtIn()), m_integrations(IntegrationCatalog::builtIn(m_providers))
{
    if (m_emulator->listen() == 0) {
        m_error = QStringLiteral("the emulator cannot listen");
        return;
    }
    m_portal = m_emulator->addPortal(QStringLiteral("server-fixture"), 25, 6);
    const QString emulator = m_emulator->baseUrl().toString(QUrl::StripTrailingSlash);
    m_daemon->addProviderApp(QStringLiteral("hubspot"), m_portal.clientId, m_portal.clientSecret.toUtf8(),
                             {{QStringLiteral("https://api.hubapi.com"), emulator},
                              {QStringLiteral("https://app.hubspot.com"), emulator}});
    setSchedule({});
    // The engine of this process knows the same integration.
    const QString path = m_dir.filePath(QStringLiteral("integration.yaml"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(manifest()) <= 0) {
        m_error = QStringLiteral("cannot write %1").arg(path);
        return;
    }
    file.close();
    QList<DefinitionError> errors;
    m_integrations.addFile(path, m_providers, &errors);
    if (!errors.isEmpty())
        m_error = errors.first().toString();
}

ServerFixture::~ServerFixture()
{
    if (m_daemon->isRunning())
        m_daemon->stop();
}

QByteArray ServerFixture::manifest(const QByteArray &schedule)
{
    return R"(integrations:
  - name: contract-contacts
    provider: hubspot
    read:
      objects:
        - object: contacts
          destination: records
)" + (schedule.isEmpty() ? QByteArray() : "          schedule: " + schedule + '\n') +
           R"(          mapping:
            id: id
            email: $lowercase(properties.email)
            name: $trim(properties.firstname & " " & properties.lastname)
            phone: $number(properties.phone)
)";
}

void ServerFixture::setSchedule(const QByteArray &schedule)
{
    m_daemon->addIntegration(QStringLiteral("contract.yaml"), manifest(schedule));
}

std::shared_ptr<SyncService> ServerFixture::syncService(const QString &databasePath) const
{
    auto sync = std::make_shared<SyncService>(databasePath, m_daemon->masterKey(), m_providers,
                                              SystemClock::instance());
    sync->setIntegrations(m_integrations);
    return sync;
}

bool ServerFixture::seed()
{
    if (!m_error.isEmpty())
        return false;
    // The read talks to the emulator, which this thread serves: run it aside.
    QFuture<QString> seeded = QtConcurrent::run([this] { return seedDatabase(); });
    if (!QTest::qWaitFor([&] { return seeded.isFinished(); }, 60000))
        m_error = QStringLiteral("seeding did not finish");
    else
        m_error = seeded.result();
    return m_error.isEmpty();
}

QUrl ServerFixture::emulatorUrl() const
{
    return m_emulator->baseUrl();
}

QString ServerFixture::seedDatabase()
{
    auto opened = SqliteStore::open(m_daemon->databasePath());
    if (!opened)
        return opened.error().toString();
    std::unique_ptr<Store> store = std::move(opened).value();
    CredentialVault vault(m_daemon->masterKey());
    auto connect = [&](const QString &name, qint64 &tenant, qint64 &connection) {
        auto created = store->tenants().createTenant(name, name.toUpper());
        if (!created)
            return created.error().toString();
        tenant = created.value();
        auto connected = sandbox::SandboxConnector(*store, vault)
                             .connect(tenant, 0, QStringLiteral("hubspot"), name + QStringLiteral(" HubSpot"),
                                      QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), m_portal,
                                      QDateTime::currentDateTimeUtc().addSecs(3600));
        if (!connected)
            return connected.error().toString();
        connection = connected.value();
        return QString();
    };
    QString failed = connect(QStringLiteral("acme"), acme, acmeConnection);
    if (failed.isEmpty())
        failed = connect(QStringLiteral("globex"), globex, globexConnection);
    if (!failed.isEmpty())
        return failed;
    if (auto set = store->tenants().setConnectionIntegration(acmeConnection, kIntegration, QStringLiteral("production"));
        !set)
        return set.error().toString();
    auto read = syncService(m_daemon->databasePath())->read(acmeConnection);
    if (!read)
        return read.error().toString();
    seededExecution = read->id;
    return QString();
}

bool ServerFixture::start()
{
    if (!m_daemon->start()) {
        m_error = m_daemon->lastError();
        return false;
    }
    m_daemon->setSetting(QStringLiteral("listen"), QStringLiteral("127.0.0.1:%1").arg(m_daemon->baseUrl().port()));
    return true;
}

QString ServerFixture::addKey(const QString &name, ApiRole role, std::optional<qint64> tenantId)
{
    auto store = SqliteStore::open(m_daemon->databasePath());
    if (!store)
        return QString();
    auto created = store.value()->apiKeys().createApiKey(name, role, tenantId);
    return created ? created->secret : QString();
}

} // namespace patchbay::test
