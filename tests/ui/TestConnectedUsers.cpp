// The Connected users tab as a support engineer works it: each connection's health and its tenant's roll-up, the
// health and provider filters with the search box, pausing a connection (Sync now refused with the reason) and a full
// resync with its dialog. With PATCHBAY_SCREENSHOT_DIR set, the tab and the dialog are saved there as PNG files.

#include "AllAnswered.h"
#include "WindowProbe.h"
#include "ConnectionTreeModel.h"
#include "DemoDatabase.h"
#include "DisplayFormat.h"
#include "FullResyncDialog.h"
#include "MainWindow.h"
#include "core/Clock.h"
#include "ops/LocalOps.h"
#include "store/Store.h"

#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace patchbay;

class TestConnectedUsers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void treeShowsHealthAndTheTenantsWorst();
    void headerSaysLastReadOrWriteWithItsOutcome();
    void healthAndProviderFiltersCombineWithSearch();
    void pausedConnectionIsShownPausedAndNotSynced();
    void fullResyncSaysWhatWillHappenAndStartsTheRead();

private:
    template <typename T> T *child(const char *name) const { return m_probe.template child<T>(name); }
    QModelIndex treeIndexOf(qint64 connectionId, int column = ConnectionTreeModel::NameColumn) const
    {
        return m_probe.connectionIndex(connectionId, column);
    }
    QStringList shownConnections() const;
    void clickConnection(qint64 connectionId) { QVERIFY(m_probe.clickConnection(connectionId)); }
    void screenshot(QWidget *widget, const QString &name) const;

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<MainWindow> m_window;
    WindowProbe m_probe;
    QTemporaryDir m_config; // the window's QSettings: a folder of the test's own, never the user's
};

void TestConnectedUsers::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
}

void TestConnectedUsers::init()
{
    QSettings(QStringLiteral("patchbay"), QStringLiteral("console")).clear(); // each test starts as on a first run
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    // Acme Sandbox Portal's last read kept 161 records whose mapping failed; a token refresh came after it.
    m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                         ExecutionStatus::Succeeded, {500, 5, 5, 161}, 2, 800);
    m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("refresh"), QString(), ExecutionStatus::Succeeded, {}, 0,
                         100);
    m_ops = m_demo->createOps();
    QVERIFY(m_ops);
    m_window = std::make_unique<MainWindow>(m_ops.get());
    m_probe.setWindow(m_window.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(allAnswered(*m_window));
}

void TestConnectedUsers::cleanup()
{
    if (m_ops)
        QTRY_VERIFY_WITH_TIMEOUT(!m_ops->hasRunningWork(), 20000);
    m_window.reset();
    m_ops.reset();
    m_demo.reset();
}

QStringList TestConnectedUsers::shownConnections() const
{
    const QAbstractItemModel *model = child<QTreeView>("connectionTreeView")->model();
    QStringList names;
    for (int t = 0; t < model->rowCount(); ++t) {
        const QModelIndex tenant = model->index(t, 0);
        for (int c = 0; c < model->rowCount(tenant); ++c)
            names.append(model->index(c, 0, tenant).data().toString());
    }
    return names;
}

void TestConnectedUsers::screenshot(QWidget *widget, const QString &name) const
{
    if (const QString directory = qEnvironmentVariable("PATCHBAY_SCREENSHOT_DIR"); !directory.isEmpty())
        QVERIFY(widget->grab().save(directory + QLatin1Char('/') + name));
}

void TestConnectedUsers::treeShowsHealthAndTheTenantsWorst()
{
    const QModelIndex hubspot = treeIndexOf(m_ids.acmeHubspot, ConnectionTreeModel::HealthColumn);
    QCOMPARE(hubspot.data().toString(), QStringLiteral("failing"));
    QVERIFY(hubspot.data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("The last sync failed")));
    QCOMPARE(treeIndexOf(m_ids.acmeSandbox, ConnectionTreeModel::HealthColumn).data().toString(),
             QStringLiteral("degraded"));
    QCOMPARE(treeIndexOf(m_ids.globexCrm, ConnectionTreeModel::HealthColumn).data().toString(),
             QStringLiteral("needs re-auth"));
    const QModelIndex acme = hubspot.parent().siblingAtColumn(ConnectionTreeModel::HealthColumn);
    QCOMPARE(acme.data().toString(), QStringLiteral("1 of 2 failing"));
    QCOMPARE(acme.data(Qt::ToolTipRole).toString(), QStringLiteral("2 connections: 1 failing, 1 degraded"));
    // The last sync is the read, not the token refresh after it, and says what failed.
    QCOMPARE(treeIndexOf(m_ids.acmeSandbox, ConnectionTreeModel::LastSyncColumn).data().toString(),
             QStringLiteral("2 min ago \u00b7 succeeded with 161 failed records"));

    // A run that ends changes the health without losing the selection or the expansion.
    clickConnection(m_ids.globexCrm);
    const qint64 failed = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                                               ExecutionStatus::Failed, {}, 0, 100,
                                               makeError("http.unreachable", QStringLiteral("HubSpot is unreachable")));
    Q_EMIT m_ops->executionFinished(m_ids.acmeSandbox, failed, false, QStringLiteral("HubSpot is unreachable"));
    QTRY_COMPARE(treeIndexOf(m_ids.acmeSandbox, ConnectionTreeModel::HealthColumn).data().toString(),
                 QStringLiteral("failing"));
    QTRY_COMPARE(acme.data().toString(), QStringLiteral("2 of 2 failing"));
    auto *tree = child<QTreeView>("connectionTreeView");
    QCOMPARE(tree->currentIndex().data(ConnectionTreeModel::ConnectionIdRole).toLongLong(), m_ids.globexCrm);
    QVERIFY(tree->isExpanded(treeIndexOf(m_ids.acmeSandbox).parent()));
}

void TestConnectedUsers::headerSaysLastReadOrWriteWithItsOutcome()
{
    clickConnection(m_ids.acmeSandbox);
    auto *lastSync = child<QLabel>("lastSyncLabel");
    QVERIFY2(lastSync->text().startsWith(QStringLiteral("2 min ago \u2014 ")), qPrintable(lastSync->text()));
    QVERIFY(lastSync->text().contains(QStringLiteral(">succeeded with 161 failed records<")));
    QVERIFY(lastSync->text().contains(
        DisplayFormat::executionOutcomeColor(ExecutionOutcome::Partial, DisplayFormat::applicationPalette()).name()));
    auto *health = child<QLabel>("healthLabel");
    QVERIFY2(health->text().contains(QStringLiteral("degraded")), qPrintable(health->text()));
    QVERIFY(health->text().contains(QStringLiteral("The last sync succeeded with 161 failed records")));

    // A connection that never read or wrote says so, whatever its token operations.
    clickConnection(m_ids.globexCrm);
    QCOMPARE(lastSync->text(), QStringLiteral("never"));
}

void TestConnectedUsers::healthAndProviderFiltersCombineWithSearch()
{
    auto *health = child<QComboBox>("healthFilterComboBox");
    auto *provider = child<QComboBox>("providerFilterComboBox");
    auto *search = child<QLineEdit>("tenantSearchLineEdit");
    QCOMPARE(shownConnections().size(), 3);

    health->setCurrentIndex(health->findData(ConnectionHealth::Failing));
    QCOMPARE(shownConnections(), QStringList{QStringLiteral("Acme HubSpot")});
    health->setCurrentIndex(health->findData(QString()));
    QTest::keyClicks(search, QStringLiteral("acme"));
    QCOMPARE(shownConnections(), (QStringList{QStringLiteral("Acme HubSpot"), QStringLiteral("Acme Sandbox Portal")}));
    health->setCurrentIndex(health->findData(ConnectionHealth::Degraded));
    QCOMPARE(shownConnections(), QStringList{QStringLiteral("Acme Sandbox Portal")});
    clickConnection(m_ids.acmeSandbox);
    screenshot(m_window.get(), QStringLiteral("connected-users-health.png"));

    QCOMPARE(provider->findData(QStringLiteral("hubspot")), 1); // the providers of the listed connections
    provider->setCurrentIndex(1);
    QCOMPARE(shownConnections(), QStringList{QStringLiteral("Acme Sandbox Portal")});
    health->setCurrentIndex(health->findData(ConnectionHealth::Paused));
    QCOMPARE(shownConnections(), QStringList());
    auto *empty = child<QWidget>("connectionTreeEmptyStateWidget")->findChild<QLabel *>(QStringLiteral("emptyStateLabel"));
    QVERIFY(empty);
    QCOMPARE(empty->text(), QStringLiteral("No paused hubspot connections match \u201cacme\u201d."));

    search->clear();
    health->setCurrentIndex(0);
    provider->setCurrentIndex(0);
    QCOMPARE(shownConnections().size(), 3);
    screenshot(m_window.get(), QStringLiteral("connected-users.png"));
}

void TestConnectedUsers::pausedConnectionIsShownPausedAndNotSynced()
{
    clickConnection(m_ids.acmeSandbox);
    auto *pause = child<QPushButton>("pauseButton");
    auto *syncNow = child<QPushButton>("syncNowButton");
    auto *fullResync = child<QPushButton>("fullResyncButton");
    QCOMPARE(pause->text(), QStringLiteral("Pause"));
    QVERIFY(syncNow->isEnabled());
    QTest::mouseClick(pause, Qt::LeftButton);

    QTRY_COMPARE(treeIndexOf(m_ids.acmeSandbox, ConnectionTreeModel::HealthColumn).data().toString(),
                 QStringLiteral("paused"));
    QVERIFY(allAnswered(*m_window));
    QCOMPARE(m_demo->store().tenants().connection(m_ids.acmeSandbox)->status, ConnectionStatus::Paused);
    QCOMPARE(pause->text(), QStringLiteral("Resume"));
    for (QPushButton *read : {syncNow, fullResync}) {
        QVERIFY(!read->isEnabled());
        QCOMPARE(read->toolTip(), QStringLiteral("This connection is paused: resume it to read it"));
    }
    QVERIFY(child<QLabel>("statusMessageLabel")->text().contains(QStringLiteral("Paused")));
    // Asked anyway (a script, another console), Sync now is refused and nothing starts.
    QSignalSpy started(m_ops.get(), &OpsApi::executionStarted);
    Result<CommandStarted> refused = Result<CommandStarted>(makeError("test.none", QString()));
    m_ops->syncNow(m_ids.acmeSandbox).then(this, [&refused](const Result<CommandStarted> &answer) { refused = answer; });
    QTRY_COMPARE(refused.error().code, QStringLiteral("connection.paused"));
    QCOMPARE(started.size(), 0);

    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_COMPARE(treeIndexOf(m_ids.acmeSandbox, ConnectionTreeModel::HealthColumn).data().toString(),
                 QStringLiteral("degraded"));
    QTRY_COMPARE(pause->text(), QStringLiteral("Pause"));
    QVERIFY(syncNow->isEnabled());
}

void TestConnectedUsers::fullResyncSaysWhatWillHappenAndStartsTheRead()
{
    clickConnection(m_ids.acmeSandbox);
    QTest::mouseClick(child<QPushButton>("fullResyncButton"), Qt::LeftButton);
    auto *dialog = child<FullResyncDialog>("fullResyncDialog");
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *consequence = dialog->findChild<QLabel *>(QStringLiteral("consequenceLabel"));
    QCOMPARE(consequence->text(), dialog->consequence());
    QVERIFY(consequence->text().startsWith(
        QStringLiteral("Reads every object of Acme Sandbox Portal again from the start of its history; records "
                       "already stored are updated, nothing is deleted.")));
    QVERIFY(!dialog->since().has_value());

    dialog->findChild<QRadioButton *>(QStringLiteral("sinceRadioButton"))->setChecked(true);
    auto *date = dialog->findChild<QDateEdit *>(QStringLiteral("sinceDateEdit"));
    QVERIFY(date->isEnabled());
    date->setDate(QDate(2026, 3, 1));
    QVERIFY(consequence->text().contains(QStringLiteral("again from March 1, 2026;")));
    QCOMPARE(dialog->since()->toLocalTime().date(), QDate(2026, 3, 1));
    date->setDate(QDate::currentDate().addDays(3)); // no start after today
    QCOMPARE(date->date(), QDate::currentDate());
    date->setDate(QDate::currentDate().addDays(-7));
    screenshot(dialog, QStringLiteral("full-resync-dialog.png"));

    QSignalSpy started(m_ops.get(), &OpsApi::executionStarted);
    QSignalSpy finished(m_ops.get(), &OpsApi::executionFinished);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("startFullResyncButton")), Qt::LeftButton);
    QTRY_COMPARE(started.size(), 1);
    QCOMPARE(started.first().first().toLongLong(), m_ids.acmeSandbox);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    const auto execution = m_demo->store().executions().execution(finished.first().at(1).toLongLong());
    QVERIFY(execution);
    QCOMPARE(execution->kind, QStringLiteral("read"));
}

QTEST_MAIN(TestConnectedUsers)
#include "TestConnectedUsers.moc"
