// The console's --demo set-up: idempotent, all or nothing, and one demo per database at a time.
#include "DemoEnvironment.h"
#include "auth/CredentialVault.h"
#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "mapping/MappingService.h"
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteStore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

using namespace patchbay;

namespace {
const QString kSandbox = QStringLiteral(PATCHBAY_SANDBOX_PATH);
}

class TestDemoEnvironment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void setUpTwiceGivesTheSameState();
    void setUpThatFailsHalfWayLeavesNothingAndTheNextStartMakesItAll();
    void halfMadeSetUpOfAnOlderStartIsCompleted();
    void firstSyncAndWriteHappenOnlyUntilTheyFinished();
    void secondDemoOnTheSameDatabaseIsRefused();
    void sandboxThatCannotBeFoundIsNamedAndNothingIsMade();
    void emulatorsStopWithTheDemo();

private:
    // What the demo set up, in words that compare: tenants, connections and their settings, Initech's override.
    QStringList snapshot();
    std::optional<Connection> connectionOf(const QString &portal);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SqliteStore> m_store; // SQLite: the tests inject failures and write rows as older versions did
    std::unique_ptr<CredentialVault> m_vault;
    std::unique_ptr<IntegrationCatalog> m_integrations;
};

void TestDemoEnvironment::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = SqliteStore::open(m_dir->filePath(QStringLiteral("demo.db"))).value();
    m_vault = std::make_unique<CredentialVault>(CredentialVault::generateKey());
    m_integrations = std::make_unique<IntegrationCatalog>(IntegrationCatalog::builtIn(ProviderCatalog::builtIn()));
}

void TestDemoEnvironment::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

std::optional<Connection> TestDemoEnvironment::connectionOf(const QString &portal)
{
    for (const Connection &connection : m_store->tenants().connections().value()) {
        if (connection.config.value(QStringLiteral("sandboxPortal")).toString() == portal)
            return connection;
    }
    return std::nullopt;
}

QStringList TestDemoEnvironment::snapshot()
{
    QStringList lines;
    for (const Tenant &tenant : m_store->tenants().tenants().value())
        lines.append(QStringLiteral("tenant %1 %2 %3").arg(tenant.id).arg(tenant.name, tenant.displayName));
    for (const Connection &connection : m_store->tenants().connections().value()) {
        lines.append(QStringLiteral("connection %1 of %2: %3 %4 %5 %6 credential:%7")
                         .arg(connection.id)
                         .arg(connection.tenantId)
                         .arg(connection.displayName, connection.integration, connection.environment,
                              connection.config.value(QStringLiteral("sandboxPortal")).toString())
                         .arg(m_store->credentials().credential(connection.id).ok()));
        const auto history = m_store->mappings().mappingHistory(
            MappingLevel::Connection, QString::number(connection.id), QStringLiteral("crm-contacts"),
            QStringLiteral("contacts"), MappingDirection::Read);
        for (const MappingVersion &version : history.value())
            lines.append(
                QStringLiteral("override v%1 of %2: %3").arg(version.version).arg(connection.id).arg(version.reason));
    }
    return lines;
}

void TestDemoEnvironment::setUpTwiceGivesTheSameState()
{
    QStringList first;
    QList<qint64> firstToSync;
    {
        console::DemoEnvironment demo(kSandbox);
        const auto started = demo.start(*m_store, *m_vault, *m_integrations);
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().toString()));
        first = snapshot();
        firstToSync = demo.connectionsToSync();
    }
    QCOMPARE(first.filter(QStringLiteral("tenant ")).size(), 4);
    QCOMPARE(first.filter(QStringLiteral("connection ")).size(), 4);
    QCOMPARE(first.filter(QStringLiteral("override ")).size(), 1);
    QCOMPARE(firstToSync.size(), 4);

    console::DemoEnvironment again(kSandbox);
    QVERIFY(again.start(*m_store, *m_vault, *m_integrations).ok());
    QCOMPARE(snapshot(), first);
    // Nothing was synced in between: the first syncs and the demo write are still to come.
    QCOMPARE(again.connectionsToSync(), firstToSync);
    QVERIFY(again.needsDemoWrite());
}

void TestDemoEnvironment::setUpThatFailsHalfWayLeavesNothingAndTheNextStartMakesItAll()
{
    // As a start killed at 0.2 s: tenants and connections made, Initech's override not yet.
    m_store->setFailureHook([](const QString &sql) -> std::optional<Error> {
        if (sql.contains(QLatin1String("INSERT INTO mapping_versions")))
            return Error{QStringLiteral("test.injected"), QStringLiteral("killed")};
        return std::nullopt;
    });
    {
        console::DemoEnvironment demo(kSandbox);
        const auto started = demo.start(*m_store, *m_vault, *m_integrations);
        QVERIFY(!started.ok());
    }
    m_store->setFailureHook({});
    QCOMPARE(m_store->tenants().tenants()->size(), 0);
    QCOMPARE(m_store->tenants().connections()->size(), 0);

    console::DemoEnvironment demo(kSandbox);
    QVERIFY(demo.start(*m_store, *m_vault, *m_integrations).ok());
    QCOMPARE(m_store->tenants().tenants()->size(), 4);
    const auto initech = connectionOf(QStringLiteral("initech"));
    QVERIFY(initech);
    QVERIFY(m_store->mappings().currentMapping(MappingLevel::Connection, QString::number(initech->id),
                                               QStringLiteral("crm-contacts"), QStringLiteral("contacts"),
                                               MappingDirection::Read));
    QCOMPARE(demo.connectionsToSync().size(), 4);
    QVERIFY(demo.needsDemoWrite());
}

void TestDemoEnvironment::halfMadeSetUpOfAnOlderStartIsCompleted()
{
    {
        console::DemoEnvironment demo(kSandbox);
        QVERIFY(demo.start(*m_store, *m_vault, *m_integrations).ok());
    }
    // What an older Patchbay left when killed: Initech's connection without its integration and override.
    const auto initech = connectionOf(QStringLiteral("initech"));
    QVERIFY(initech);
    {
        auto db = SqliteDatabase::open(m_store->path()).value();
        QVERIFY(db->exec(QStringLiteral("DELETE FROM mapping_versions")).ok());
        QVERIFY(db->exec(QStringLiteral("UPDATE connections SET integration = NULL")).ok());
    }

    console::DemoEnvironment demo(kSandbox);
    QVERIFY(demo.start(*m_store, *m_vault, *m_integrations).ok());
    QCOMPARE(connectionOf(QStringLiteral("initech"))->integration, QStringLiteral("crm-contacts"));
    QCOMPARE(m_store->mappings()
                 .mappingHistory(MappingLevel::Connection, QString::number(initech->id), QStringLiteral("crm-contacts"),
                                 QStringLiteral("contacts"), MappingDirection::Read)
                 ->size(),
             1);
}

void TestDemoEnvironment::firstSyncAndWriteHappenOnlyUntilTheyFinished()
{
    {
        console::DemoEnvironment demo(kSandbox);
        QVERIFY(demo.start(*m_store, *m_vault, *m_integrations).ok());
    }
    const qint64 acme = connectionOf(QStringLiteral("acme"))->id;
    const qint64 globex = connectionOf(QStringLiteral("globex"))->id;
    // Acme read and wrote; Globex's first read was killed (left running, then closed as interrupted).
    for (const char *kind : {"read", "write"}) {
        const qint64 run =
            m_store->executions().startExecution(acme, QString::fromLatin1(kind), QStringLiteral("contacts")).value();
        QVERIFY(m_store->executions().finishExecution(run, ExecutionStatus::Succeeded, {}, std::nullopt).ok());
    }
    const qint64 killed = m_store->executions()
                              .startExecution(globex, QStringLiteral("read"), QStringLiteral("contacts"),
                                              {QStringLiteral("gone pid 1 start a"), QDateTime::currentDateTimeUtc()})
                              .value();
    QVERIFY(m_store->executions()
                .interruptAbandonedExecutions(QDateTime::currentDateTimeUtc().addSecs(1))
                ->contains(killed));

    console::DemoEnvironment demo(kSandbox);
    QVERIFY(demo.start(*m_store, *m_vault, *m_integrations).ok());
    QVERIFY(!demo.connectionsToSync().contains(acme));
    QVERIFY(demo.connectionsToSync().contains(globex));
    QCOMPARE(demo.connectionsToSync().size(), 3);
    QVERIFY(!demo.needsDemoWrite());
}

void TestDemoEnvironment::secondDemoOnTheSameDatabaseIsRefused()
{
    console::DemoEnvironment running(kSandbox);
    QVERIFY(running.start(*m_store, *m_vault, *m_integrations).ok());
    const QStringList before = snapshot();
    {
        console::DemoEnvironment second(kSandbox);
        const auto started = second.start(*m_store, *m_vault, *m_integrations);
        QVERIFY(!started.ok());
        QCOMPARE(started.error().code, QStringLiteral("demo.already_running"));
        QVERIFY2(started.error().message.contains(QStringLiteral("is running the demo on %1").arg(m_store->path())),
                 qPrintable(started.error().message));
    }
    // It changed nothing: the running demo's connections still point at its emulator, with its tokens.
    QCOMPARE(snapshot(), before);
    QCOMPARE(connectionOf(QStringLiteral("acme"))
                 ->config.value(QStringLiteral("originOverrides"))
                 .toObject()
                 .value(QStringLiteral("https://api.hubapi.com"))
                 .toString(),
             running.hubSpotUrl().toString(QUrl::StripTrailingSlash));
}

void TestDemoEnvironment::sandboxThatCannotBeFoundIsNamedAndNothingIsMade()
{
    const QString missing = m_dir->filePath(QStringLiteral("no/patchbay-sandbox"));
    console::DemoEnvironment demo(missing);
    const auto started = demo.start(*m_store, *m_vault, *m_integrations);
    QVERIFY(!started.ok());
    QCOMPARE(started.error().code, QStringLiteral("sandbox.not_found"));
    QVERIFY2(started.error().message.contains(missing), qPrintable(started.error().message));
    QCOMPARE(m_store->tenants().tenants()->size(), 0);
    // A file that is no sandbox program does not start as one.
    const QString notTheSandbox = m_dir->filePath(QStringLiteral("demo.db"));
    const auto wrong = console::DemoEnvironment(notTheSandbox).start(*m_store, *m_vault, *m_integrations);
    QVERIFY(!wrong.ok());
    QCOMPARE(m_store->tenants().tenants()->size(), 0);
}

void TestDemoEnvironment::emulatorsStopWithTheDemo()
{
    qint64 pid = 0;
    {
        console::DemoEnvironment demo(kSandbox);
        QVERIFY(demo.start(*m_store, *m_vault, *m_integrations).ok());
        pid = demo.sandboxProcessId();
        QVERIFY(pid > 0);
        QCOMPARE(::kill(static_cast<pid_t>(pid), 0), 0);
    }
    // Stopped and reaped: the process is gone.
    QCOMPARE(::kill(static_cast<pid_t>(pid), 0), -1);
}

QTEST_GUILESS_MAIN(TestDemoEnvironment)
#include "TestDemoEnvironment.moc"
