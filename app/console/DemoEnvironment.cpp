#include "DemoEnvironment.h"

#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "hubspot/HubSpotEmulator.h"
#include "mapping/MappingService.h"
#include "store/SqliteStore.h"
#include "sync/SyncService.h"

namespace patchbay::console {

namespace {

struct DemoTenant
{
    const char *name;
    const char *displayName;
    int contacts;
    enum class Trouble { None, ExpiredToken, RevokedToken, BrokenMapping } trouble;
};

constexpr DemoTenant kTenants[] = {
    {"acme", "Acme Corporation", 2400, DemoTenant::Trouble::None},
    {"globex", "Globex", 1200, DemoTenant::Trouble::ExpiredToken},
    {"initech", "Initech", 650, DemoTenant::Trouble::BrokenMapping},
    {"umbrella", "Umbrella Health", 300, DemoTenant::Trouble::RevokedToken},
};

const QString kHubSpotOrigin = QStringLiteral("https://api.hubapi.com");
const QString kIntegration = QStringLiteral("crm-contacts");

} // namespace

DemoEnvironment::DemoEnvironment() : m_hubspot(new sandbox::HubSpotEmulator)
{
    m_thread.setObjectName(QStringLiteral("demo-emulators"));
    QObject::connect(&m_thread, &QThread::finished, m_hubspot, &QObject::deleteLater);
}

DemoEnvironment::~DemoEnvironment()
{
    if (m_thread.isRunning()) {
        m_thread.quit();
        m_thread.wait();
    } else {
        delete m_hubspot;
    }
}

QUrl DemoEnvironment::hubSpotUrl() const
{
    return m_hubspot->baseUrl();
}

Result<void> DemoEnvironment::start(SqliteStore &store, const CredentialVault &vault,
                                    const IntegrationCatalog &integrations)
{
    // The emulator serves from its own thread, so it must listen there.
    m_hubspot->moveToThread(&m_thread);
    m_thread.start();
    quint16 port = 0;
    QMetaObject::invokeMethod(m_hubspot, [this, &port] { port = m_hubspot->listen(); }, Qt::BlockingQueuedConnection);
    if (port == 0)
        return makeError("demo.listen_failed", QStringLiteral("Cannot start the HubSpot emulator on 127.0.0.1."));
    // Seeding below touches only the emulator's data, before any connection can send it a request.
    sandbox::SandboxConnector connector(store, vault);
    quint32 seed = 1;
    for (const DemoTenant &demo : kTenants) {
        const QString name = QString::fromLatin1(demo.name);
        qint64 tenantId = 0;
        if (auto existing = store.tenantByName(name)) {
            tenantId = existing->id;
        } else {
            auto created = store.createTenant(name, QString::fromLatin1(demo.displayName));
            if (!created)
                return created.error();
            tenantId = created.value();
        }
        qint64 connectionId = 0;
        auto connections = store.connections(tenantId);
        if (!connections)
            return connections.error();
        for (const Connection &connection : connections.value()) {
            if (connection.config.value(QStringLiteral("sandboxPortal")).toString() == name)
                connectionId = connection.id;
        }
        const sandbox::PortalCredentials portal = m_hubspot->addPortal(name, demo.contacts, seed++);
        QDateTime expiresAt = QDateTime::currentDateTimeUtc().addSecs(portal.expiresIn);
        if (demo.trouble == DemoTenant::Trouble::ExpiredToken || demo.trouble == DemoTenant::Trouble::RevokedToken) {
            m_hubspot->expireAccessTokens(name);
            expiresAt = QDateTime::currentDateTimeUtc().addSecs(-120);
        }
        if (demo.trouble == DemoTenant::Trouble::RevokedToken)
            m_hubspot->revokeRefreshToken(name);
        const bool isNew = connectionId == 0;
        auto connected = connector.connect(tenantId, connectionId, QStringLiteral("hubspot"),
                                           QStringLiteral("HubSpot (%1)").arg(name), kHubSpotOrigin,
                                           m_hubspot->baseUrl(), portal, expiresAt);
        if (!connected)
            return connected.error();
        // The consent page too is the emulator's, so "Re-authorise" works in the demo (Umbrella's revoked grant).
        if (auto stored = store.connection(connected.value())) {
            QJsonObject config = stored->config;
            QJsonObject overrides = config.value(QStringLiteral("originOverrides")).toObject();
            overrides.insert(QStringLiteral("https://app.hubspot.com"),
                             m_hubspot->baseUrl().toString(QUrl::StripTrailingSlash));
            config.insert(QStringLiteral("originOverrides"), overrides);
            if (auto saved = store.setConnectionConfig(connected.value(), config); !saved)
                return saved.error();
        }
        if (!isNew)
            continue;
        m_newConnections.append(connected.value());
        if (auto linked = store.setConnectionIntegration(connected.value(), kIntegration, QStringLiteral("production"));
            !linked)
            return linked.error();
        if (demo.trouble == DemoTenant::Trouble::BrokenMapping) {
            // A tenant-specific override that refuses one lifecycle stage: its records are kept as failed records.
            MappingService mappings(store, integrations);
            const MappingTree override{
                {QStringLiteral("stage"),
                 QStringLiteral("properties.lifecyclestage = 'lead' ? $error('Initech does not import leads') : "
                                "properties.lifecyclestage")}};
            if (auto saved = mappings.setOverride(MappingLevel::Connection, QString::number(connected.value()),
                                                  kIntegration, QStringLiteral("contacts"), MappingDirection::Read,
                                                  override, QStringLiteral("demo"),
                                                  QStringLiteral("Initech's CRM rejects leads"));
                !saved)
                return saved.error();
        }
    }
    return {};
}

Result<Execution> DemoEnvironment::writeDemoRecords(SyncService &sync) const
{
    if (m_newConnections.isEmpty())
        return makeError("demo.no_connection", QStringLiteral("The demo connections exist already"));
    const auto contact = [](const char *name, const char *email, const char *company) {
        return QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                           {QStringLiteral("email"), QString::fromLatin1(email)},
                           {QStringLiteral("company"), QString::fromLatin1(company)}};
    };
    return sync.write(m_newConnections.first(), QStringLiteral("contacts"),
                      {{QStringLiteral("user-1001"), contact("Ada Lovelace", "ada@analytical.example", "Analytical Engines"), {}},
                       {QStringLiteral("user-1002"), contact("Charles Babbage", "charles at difference", "Difference Ltd"), {}},
                       {QStringLiteral("user-1003"), contact("Grace Hopper", "grace@compilers.example", "Compilers Inc"), {}}});
}

} // namespace patchbay::console
