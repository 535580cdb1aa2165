#include "DemoEnvironment.h"

#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "mapping/MappingService.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QDir>

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

DemoEnvironment::DemoEnvironment(const QString &sandboxProgram) : m_sandboxProgram(sandboxProgram) {}

DemoEnvironment::~DemoEnvironment() = default;

Result<void> DemoEnvironment::lockDatabase(const QString &databasePath)
{
    // A lock file beside the database, not a row in it: the lock of a killed process frees itself (its pid is
    // gone), and it is held for the whole life of the demo, not just the set-up.
    const QString lockPath = databasePath + QStringLiteral(".demo-lock");
    auto lock = std::make_unique<QLockFile>(lockPath);
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        qint64 pid = 0;
        QString host;
        QString application;
        lock->getLockInfo(&pid, &host, &application);
        return makeError(
            "demo.already_running",
            QStringLiteral("Another Patchbay Console (process %1 on %2) is running the demo on %3. "
                           "Close it first, or start this demo with another --database.")
                .arg(pid)
                .arg(host.isEmpty() ? QStringLiteral("this computer") : host, QDir::toNativeSeparators(databasePath)));
    }
    m_lock = std::move(lock);
    return {};
}

Result<void> DemoEnvironment::start(Store &store, const CredentialVault &vault,
                                    const IntegrationCatalog &integrations)
{
    if (auto locked = lockDatabase(store.path()); !locked)
        return locked;
    const auto program = sandbox::SandboxProcess::locate(m_sandboxProgram);
    if (!program)
        return program.error();
    if (auto started = m_sandbox.start(program.value(), {QStringLiteral("hubspot")}); !started)
        return started;
    if (auto made = store.inTransaction([&] { return setUp(store, vault, integrations); }); !made)
        return made;
    // What the demo shows comes from its first syncs and its write: whatever never finished happens now.
    m_connectionsToSync.clear();
    for (const DemoTenant &demo : kTenants) {
        const auto tenant = store.tenants().tenantByName(QString::fromLatin1(demo.name));
        auto connections =
            tenant ? store.tenants().connections(tenant->id) : Result<QList<Connection>>(QList<Connection>());
        if (!connections)
            return connections.error();
        for (const Connection &connection : connections.value()) {
            if (connection.config.value(QStringLiteral("sandboxPortal")).toString() != QLatin1String(demo.name))
                continue;
            auto synced = store.executions().hasFinishedExecution(connection.id, QStringLiteral("read"));
            if (!synced)
                return synced.error();
            if (!synced.value())
                m_connectionsToSync.append(connection.id);
        }
    }
    auto written = store.executions().hasFinishedExecution(m_acmeConnection, QStringLiteral("write"));
    if (!written)
        return written.error();
    m_needsDemoWrite = !written.value();
    return {};
}

Result<void> DemoEnvironment::setUp(Store &store, const CredentialVault &vault,
                                    const IntegrationCatalog &integrations)
{
    // Seeding touches only the emulator's data, before any connection can send it a request. Every step makes
    // its row the way the demo wants it, whether it was there, half-made by an older start, or missing.
    sandbox::SandboxConnector connector(store, vault);
    quint32 seed = 1;
    for (const DemoTenant &demo : kTenants) {
        const QString name = QString::fromLatin1(demo.name);
        qint64 tenantId = 0;
        if (auto existing = store.tenants().tenantByName(name)) {
            tenantId = existing->id;
        } else {
            auto created = store.tenants().createTenant(name, QString::fromLatin1(demo.displayName));
            if (!created)
                return created.error();
            tenantId = created.value();
        }
        qint64 connectionId = 0;
        auto connections = store.tenants().connections(tenantId);
        if (!connections)
            return connections.error();
        for (const Connection &connection : connections.value()) {
            if (connection.config.value(QStringLiteral("sandboxPortal")).toString() == name)
                connectionId = connection.id;
        }
        const bool expired =
            demo.trouble == DemoTenant::Trouble::ExpiredToken || demo.trouble == DemoTenant::Trouble::RevokedToken;
        const auto portal = seedPortal(name, demo.contacts, seed++, expired,
                                       demo.trouble == DemoTenant::Trouble::RevokedToken);
        if (!portal)
            return portal.error();
        const QDateTime expiresAt = QDateTime::currentDateTimeUtc().addSecs(expired ? -120 : portal->expiresIn);
        auto connected = connector.connect(tenantId, connectionId, QStringLiteral("hubspot"),
                                           QStringLiteral("HubSpot (%1)").arg(name), kHubSpotOrigin, hubSpotUrl(),
                                           portal.value(), expiresAt);
        if (!connected)
            return connected.error();
        connectionId = connected.value();
        if (demo.trouble == DemoTenant::Trouble::None)
            m_acmeConnection = connectionId;
        // The consent page too is the emulator's, so "Re-authorise" works in the demo (Umbrella's revoked grant).
        auto stored = store.tenants().connection(connectionId);
        if (!stored)
            return stored.error();
        QJsonObject config = stored->config;
        QJsonObject overrides = config.value(QStringLiteral("originOverrides")).toObject();
        overrides.insert(QStringLiteral("https://app.hubspot.com"), hubSpotUrl().toString(QUrl::StripTrailingSlash));
        config.insert(QStringLiteral("originOverrides"), overrides);
        if (auto saved = store.tenants().setConnectionConfig(connectionId, config); !saved)
            return saved.error();
        if (auto linked = store.tenants().setConnectionIntegration(connectionId, kIntegration, QStringLiteral("production"));
            !linked)
            return linked.error();
        if (demo.trouble == DemoTenant::Trouble::BrokenMapping &&
            !store.mappings().currentMapping(MappingLevel::Connection, QString::number(connectionId), kIntegration,
                                  QStringLiteral("contacts"), MappingDirection::Read)) {
            // A tenant-specific override that refuses one lifecycle stage: its records are kept as failed records.
            MappingService mappings(store, integrations);
            const MappingTree override{
                {QStringLiteral("stage"),
                 QStringLiteral("properties.lifecyclestage = 'lead' ? $error('Initech does not import leads') : "
                                "properties.lifecyclestage")}};
            if (auto saved =
                    mappings.setOverride(MappingLevel::Connection, QString::number(connectionId), kIntegration,
                                         QStringLiteral("contacts"), MappingDirection::Read, override,
                                         QStringLiteral("demo"), QStringLiteral("Initech's CRM rejects leads"));
                !saved)
                return saved.error();
        }
    }
    return {};
}

Result<sandbox::PortalCredentials> DemoEnvironment::seedPortal(const QString &name, int contacts, quint32 seed,
                                                              bool expireTokens, bool revokeRefreshToken) const
{
    const QString hubspot = QStringLiteral("hubspot");
    auto added = m_sandbox.control(hubspot, "POST", QStringLiteral("portals"),
                                   {{QStringLiteral("name"), name},
                                    {QStringLiteral("contacts"), contacts},
                                    {QStringLiteral("seed"), static_cast<qint64>(seed)}});
    if (!added)
        return added.error();
    const QString portal = QStringLiteral("portals/") + name;
    if (expireTokens) {
        if (auto expired = m_sandbox.control(hubspot, "POST", portal + QStringLiteral("/expire-access-tokens"));
            !expired)
            return expired.error();
    }
    if (revokeRefreshToken) {
        if (auto revoked = m_sandbox.control(hubspot, "POST", portal + QStringLiteral("/revoke-refresh-token"));
            !revoked)
            return revoked.error();
    }
    return sandbox::PortalCredentials::fromJson(added.value());
}

Result<Execution> DemoEnvironment::writeDemoRecords(SyncService &sync) const
{
    if (m_acmeConnection == 0)
        return makeError("demo.not_started", QStringLiteral("The demo has not been set up."));
    const auto contact = [](const char *name, const char *email, const char *company) {
        return QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                           {QStringLiteral("email"), QString::fromLatin1(email)},
                           {QStringLiteral("company"), QString::fromLatin1(company)}};
    };
    return sync.write(
        m_acmeConnection, QStringLiteral("contacts"),
        {{QStringLiteral("user-1001"), contact("Ada Lovelace", "ada@analytical.example", "Analytical Engines"), {}},
         {QStringLiteral("user-1002"), contact("Charles Babbage", "charles at difference", "Difference Ltd"), {}},
         {QStringLiteral("user-1003"), contact("Grace Hopper", "grace@compilers.example", "Compilers Inc"), {}}});
}

} // namespace patchbay::console
