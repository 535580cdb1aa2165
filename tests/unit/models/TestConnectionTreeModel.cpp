#include "ConnectionTreeModel.h"
#include "ConnectionFilterProxyModel.h"
#include "AllAnswered.h"
#include "DemoDatabase.h"
#include "DisplayFormat.h"
#include "FailingOps.h"

#include "ops/LocalOps.h"
#include "store/Store.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QFont>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace patchbay;

class TestConnectionTreeModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void listsTenantsWithTheirConnections();
    void tokenColumnShowsStateWithColour_data();
    void tokenColumnShowsStateWithColour();
    void lastSyncShowsRelativeTimeAndStatus();
    void interruptedLastSyncIsColoured();
    void reloadUpdatesChangedRowsInPlace();
    void reloadShowsNewConnections();
    void reloadConnectionUpdatesItsRow();
    void healthColumnShowsHealthReasonAndFailedRuns();
    void tenantRollsUpTheWorstHealthWithCounts();
    void lastSyncTellsPartialFailureAndIgnoresTokenOperations();
    void recursiveFilterKeepsParentsOfMatches();
    void healthAndProviderFiltersCombineWithText();
    void queryErrorIsReported();

private:
    QModelIndex connectionIndex(qint64 connectionId, int column);

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<ConnectionTreeModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestConnectionTreeModel::init()
{
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_ops = m_demo->createOps();
    QVERIFY(m_ops);
    m_model = std::make_unique<ConnectionTreeModel>(m_ops.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->reload();
    QVERIFY(loaded(*m_model));
}

void TestConnectionTreeModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_ops.reset();
    m_demo.reset();
}

QModelIndex TestConnectionTreeModel::connectionIndex(qint64 connectionId, int column)
{
    return m_model->indexOfConnection(connectionId, column);
}

void TestConnectionTreeModel::listsTenantsWithTheirConnections()
{
    QCOMPARE(m_model->rowCount(), 2);
    const QModelIndex acme = m_model->index(0, ConnectionTreeModel::NameColumn);
    QCOMPARE(acme.data().toString(), QStringLiteral("Acme Corporation"));
    QCOMPARE(acme.data(ConnectionTreeModel::TenantIdRole).toLongLong(), m_ids.acme);
    QCOMPARE(acme.data(ConnectionTreeModel::ConnectionIdRole).toLongLong(), 0);
    QCOMPARE(m_model->rowCount(acme), 2);
    QVERIFY(acme.data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(acme.data(Qt::ToolTipRole).toString().endsWith(QStringLiteral("2 connections")));

    const QModelIndex hubspot = m_model->index(0, ConnectionTreeModel::NameColumn, acme);
    QCOMPARE(hubspot.data().toString(), QStringLiteral("Acme HubSpot"));
    QCOMPARE(hubspot.data(ConnectionTreeModel::ConnectionIdRole).toLongLong(), m_ids.acmeHubspot);
    QCOMPARE(hubspot.data(ConnectionTreeModel::TenantIdRole).toLongLong(), m_ids.acme);
    QCOMPARE(hubspot.siblingAtColumn(ConnectionTreeModel::ProviderColumn).data().toString(), QStringLiteral("hubspot"));
    QCOMPARE(hubspot.parent(), acme);

    const QModelIndex globex = m_model->index(1, 0);
    QCOMPARE(m_model->rowCount(globex), 1);
    QCOMPARE(m_model->index(0, ConnectionTreeModel::StatusColumn, globex).data().toString(),
             QStringLiteral("Needs re-auth"));
    QVERIFY(m_model->index(0, ConnectionTreeModel::StatusColumn, globex)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("re-auth link")));
}

void TestConnectionTreeModel::tokenColumnShowsStateWithColour_data()
{
    QTest::addColumn<QString>("connection");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("state");
    QTest::newRow("valid") << "acmeHubspot"
                           << "valid" << int(TokenState::Valid);
    QTest::newRow("expiring") << "acmeSandbox"
                              << "expiring" << int(TokenState::Expiring);
    QTest::newRow("needs re-auth") << "globexCrm"
                                   << "needs re-auth" << int(TokenState::NeedsReauth);
}

void TestConnectionTreeModel::tokenColumnShowsStateWithColour()
{
    QFETCH(QString, connection);
    QFETCH(QString, text);
    QFETCH(int, state);
    const qint64 id = connection == QLatin1String("acmeHubspot")   ? m_ids.acmeHubspot
                      : connection == QLatin1String("acmeSandbox") ? m_ids.acmeSandbox
                                                                   : m_ids.globexCrm;
    const QModelIndex token = connectionIndex(id, ConnectionTreeModel::TokenColumn);
    QCOMPARE(token.data().toString(), text);
    QCOMPARE(token.data(ConnectionTreeModel::TokenStateRole).toInt(), state);
    const QColor expected = DisplayFormat::tokenStateColor(TokenState(state));
    QCOMPARE(token.data(Qt::ForegroundRole).value<QColor>(), expected);
    QCOMPARE(token.data(Qt::DecorationRole).value<QColor>(), expected);
    QVERIFY(!token.data(Qt::ToolTipRole).toString().isEmpty());
}

void TestConnectionTreeModel::lastSyncShowsRelativeTimeAndStatus()
{
    // The demo's last finished execution of Acme HubSpot is a backfill that failed 6 minutes ago.
    const QModelIndex lastSync = connectionIndex(m_ids.acmeHubspot, ConnectionTreeModel::LastSyncColumn);
    QCOMPARE(lastSync.data().toString(), QStringLiteral("6 min ago \u00b7 failed"));
    QCOMPARE(lastSync.data(Qt::ForegroundRole).value<QColor>(),
             DisplayFormat::executionStatusColor(QStringLiteral("failed")));
    QCOMPARE(connectionIndex(m_ids.acmeSandbox, ConnectionTreeModel::LastSyncColumn).data().toString(),
             QStringLiteral("never"));
}

void TestConnectionTreeModel::interruptedLastSyncIsColoured()
{
    m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                         ExecutionStatus::Interrupted, {}, 0, 100);
    m_model->reload();
    QVERIFY(loaded(*m_model));
    const QModelIndex lastSync = connectionIndex(m_ids.acmeSandbox, ConnectionTreeModel::LastSyncColumn);
    QVERIFY2(lastSync.data().toString().endsWith(QStringLiteral("\u00b7 interrupted")),
             qPrintable(lastSync.data().toString()));
    QCOMPARE(lastSync.data(Qt::ForegroundRole).value<QColor>(),
             DisplayFormat::executionStatusColor(ExecutionStatus::Interrupted));
}

void TestConnectionTreeModel::reloadUpdatesChangedRowsInPlace()
{
    const QPersistentModelIndex sandbox = connectionIndex(m_ids.acmeSandbox, ConnectionTreeModel::NameColumn);
    QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy changes(m_model.get(), &QAbstractItemModel::dataChanged);

    m_model->reload();
    QVERIFY(loaded(*m_model));
    QCOMPARE(changes.count(), 0); // nothing changed, nothing repainted

    QVERIFY(m_demo->store().tenants().setConnectionStatus(m_ids.acmeSandbox, ConnectionStatus::NeedsReauth,
                                                          QStringLiteral("revoked")));
    m_model->reload();
    QVERIFY(loaded(*m_model));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(changes.count(), 2); // the connection, and its tenant's roll-up (now the worst is needs re-auth)
    QCOMPARE(changes.at(0).at(0).value<QModelIndex>(), QModelIndex(sandbox).parent());
    QCOMPARE(changes.at(1).at(0).value<QModelIndex>(), QModelIndex(sandbox));
    QVERIFY(sandbox.isValid());
    QCOMPARE(QModelIndex(sandbox).siblingAtColumn(ConnectionTreeModel::TokenColumn).data().toString(),
             QStringLiteral("needs re-auth"));
}

void TestConnectionTreeModel::reloadShowsNewConnections()
{
    m_demo->addConnection(m_ids.globex, QStringLiteral("Globex Support Desk"),
                          QDateTime::currentDateTimeUtc().addDays(1));
    QVERIFY(m_demo->isValid());
    m_model->reload();
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(m_model->index(1, 0)), 2);
    QVERIFY(m_model->connectionSummary(m_ids.globexCrm).has_value());
}

void TestConnectionTreeModel::reloadConnectionUpdatesItsRow()
{
    QSignalSpy changes(m_model.get(), &QAbstractItemModel::dataChanged);
    QVERIFY(m_demo->store().tenants().setConnectionStatus(m_ids.acmeHubspot, ConnectionStatus::Paused, QString()));
    m_model->reloadConnection(m_ids.acmeHubspot);
    QVERIFY(loaded(*m_model));
    QCOMPARE(changes.count(), 2); // its row and its tenant's roll-up
    QCOMPARE(connectionIndex(m_ids.acmeHubspot, ConnectionTreeModel::HealthColumn).data().toString(),
             QStringLiteral("paused"));
    QCOMPARE(m_model->index(0, ConnectionTreeModel::HealthColumn).data(ConnectionTreeModel::HealthRole).toString(),
             QStringLiteral("paused"));
    QCOMPARE(connectionIndex(m_ids.acmeHubspot, ConnectionTreeModel::StatusColumn).data().toString(),
             QStringLiteral("Paused"));
    QCOMPARE(m_model->connectionSummary(m_ids.acmeHubspot)->connection.status, ConnectionStatus::Paused);
}

void TestConnectionTreeModel::healthColumnShowsHealthReasonAndFailedRuns()
{
    // Acme HubSpot's last sync, a backfill, failed; Globex CRM needs re-auth; Acme Sandbox never ran.
    const QModelIndex hubspot = connectionIndex(m_ids.acmeHubspot, ConnectionTreeModel::HealthColumn);
    QCOMPARE(hubspot.data().toString(), QStringLiteral("failing"));
    QCOMPARE(hubspot.data(ConnectionTreeModel::HealthRole).toString(), ConnectionHealth::Failing);
    QVERIFY2(hubspot.data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("The last sync failed")),
             qPrintable(hubspot.data(Qt::ToolTipRole).toString()));
    QCOMPARE(hubspot.data(Qt::ForegroundRole).value<QColor>(), DisplayFormat::healthColor(ConnectionHealth::Failing));
    QCOMPARE(hubspot.data(Qt::DecorationRole).value<QColor>(), DisplayFormat::healthColor(ConnectionHealth::Failing));
    QVERIFY(hubspot.siblingAtColumn(ConnectionTreeModel::FailedRunsColumn).data().toLongLong() >= 1);

    const QModelIndex globex = connectionIndex(m_ids.globexCrm, ConnectionTreeModel::HealthColumn);
    QCOMPARE(globex.data().toString(), QStringLiteral("needs re-auth"));
    QVERIFY(!globex.data(Qt::ToolTipRole).toString().isEmpty());
    const QModelIndex sandbox = connectionIndex(m_ids.acmeSandbox, ConnectionTreeModel::HealthColumn);
    QCOMPARE(sandbox.data().toString(), QStringLiteral("healthy"));
    QCOMPARE(sandbox.siblingAtColumn(ConnectionTreeModel::FailedRunsColumn).data().toLongLong(), 0);
    QCOMPARE(m_model->connectionHealth(m_ids.acmeSandbox)->health, ConnectionHealth::Healthy);
}

void TestConnectionTreeModel::tenantRollsUpTheWorstHealthWithCounts()
{
    const QModelIndex acme = m_model->index(0, ConnectionTreeModel::HealthColumn);
    QCOMPARE(acme.data().toString(), QStringLiteral("1 of 2 failing"));
    QCOMPARE(acme.data(ConnectionTreeModel::HealthRole).toString(), ConnectionHealth::Failing);
    QCOMPARE(acme.data(Qt::ToolTipRole).toString(), QStringLiteral("2 connections: 1 failing, 1 healthy"));
    QCOMPARE(acme.data(Qt::ForegroundRole).value<QColor>(), DisplayFormat::healthColor(ConnectionHealth::Failing));
    QCOMPARE(acme.siblingAtColumn(ConnectionTreeModel::FailedRunsColumn).data().toLongLong(),
             connectionIndex(m_ids.acmeHubspot, ConnectionTreeModel::FailedRunsColumn).data().toLongLong());
    QCOMPARE(m_model->index(1, ConnectionTreeModel::HealthColumn).data().toString(),
             QStringLiteral("1 of 1 needs re-auth"));

    // Paused by someone, Acme HubSpot's failure is no longer Acme's worst.
    QVERIFY(m_demo->store().tenants().setConnectionStatus(m_ids.acmeHubspot, ConnectionStatus::Paused, QString()));
    m_model->reload();
    QVERIFY(loaded(*m_model));
    QCOMPARE(acme.data().toString(), QStringLiteral("1 of 2 paused"));
}

void TestConnectionTreeModel::lastSyncTellsPartialFailureAndIgnoresTokenOperations()
{
    m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                         ExecutionStatus::Succeeded, {200, 2, 2, 161}, 3, 100);
    m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("refresh"), QString(), ExecutionStatus::Succeeded, {}, 0,
                         100);
    m_model->reloadConnection(m_ids.acmeSandbox);
    QVERIFY(loaded(*m_model));
    const QModelIndex lastSync = connectionIndex(m_ids.acmeSandbox, ConnectionTreeModel::LastSyncColumn);
    QCOMPARE(lastSync.data().toString(), QStringLiteral("3 min ago \u00b7 succeeded with 161 failed records"));
    QCOMPARE(lastSync.data(Qt::ForegroundRole).value<QColor>(),
             DisplayFormat::executionOutcomeColor(ExecutionOutcome::Partial, DisplayFormat::applicationPalette()));
    QCOMPARE(connectionIndex(m_ids.acmeSandbox, ConnectionTreeModel::HealthColumn).data().toString(),
             QStringLiteral("degraded"));
    QCOMPARE(m_model->index(0, ConnectionTreeModel::HealthColumn).data().toString(), QStringLiteral("1 of 2 failing"));
}

void TestConnectionTreeModel::recursiveFilterKeepsParentsOfMatches()
{
    QSortFilterProxyModel proxy;
    proxy.setRecursiveFilteringEnabled(true);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setSourceModel(m_model.get());
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    proxy.setFilterFixedString(QStringLiteral("sandbox"));
    QCOMPARE(proxy.rowCount(), 1);
    const QModelIndex acme = proxy.index(0, 0);
    QCOMPARE(acme.data().toString(), QStringLiteral("Acme Corporation"));
    QCOMPARE(proxy.rowCount(acme), 1);
    QCOMPARE(proxy.index(0, 0, acme).data(ConnectionTreeModel::ConnectionIdRole).toLongLong(), m_ids.acmeSandbox);

    proxy.setFilterFixedString(QStringLiteral("no such thing"));
    QCOMPARE(proxy.rowCount(), 0);
}

void TestConnectionTreeModel::healthAndProviderFiltersCombineWithText()
{
    ConnectionFilterProxyModel proxy;
    proxy.setSourceModel(m_model.get());
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto shown = [&proxy] {
        QStringList names;
        for (int t = 0; t < proxy.rowCount(); ++t) {
            const QModelIndex tenant = proxy.index(t, 0);
            for (int c = 0; c < proxy.rowCount(tenant); ++c)
                names.append(proxy.index(c, 0, tenant).data().toString());
        }
        return names.join(QLatin1Char(','));
    };
    QCOMPARE(shown(), QStringLiteral("Acme HubSpot,Acme Sandbox Portal,Globex CRM"));

    proxy.setHealth(ConnectionHealth::Failing);
    QCOMPARE(proxy.rowCount(), 1); // Globex has no failing connection: hidden with its connections
    QCOMPARE(shown(), QStringLiteral("Acme HubSpot"));

    proxy.setHealth(QString());
    proxy.setText(QStringLiteral("acme")); // the tenant's name shows all its connections
    QCOMPARE(shown(), QStringLiteral("Acme HubSpot,Acme Sandbox Portal"));
    proxy.setHealth(ConnectionHealth::Healthy); // ... that also have the health asked for
    QCOMPARE(shown(), QStringLiteral("Acme Sandbox Portal"));
    proxy.setText(QStringLiteral("globex"));
    QCOMPARE(proxy.rowCount(), 0);

    proxy.setText(QString());
    proxy.setHealth(QString());
    QCOMPARE(m_model->providers(), QStringList{QStringLiteral("hubspot")}); // the demo's connections are all HubSpot's
    proxy.setProvider(QStringLiteral("hubspot"));
    proxy.setHealth(ConnectionHealth::NeedsReauth);
    QCOMPARE(shown(), QStringLiteral("Globex CRM"));
    proxy.setProvider(QStringLiteral("salesforce"));
    QCOMPARE(proxy.rowCount(), 0);
}

void TestConnectionTreeModel::queryErrorIsReported()
{
    FailingOps failing;
    ConnectionTreeModel model(&failing);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy failures(&model, &ConnectionTreeModel::loadFailed);
    model.reload();
    QVERIFY(loaded(model));
    QCOMPARE(failures.count(), 1);
    QCOMPARE(failures.first().first().toString(), FailingOps::kMessage);
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestConnectionTreeModel)
#include "TestConnectionTreeModel.moc"
