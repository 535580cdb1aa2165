#include "AllAnswered.h"
#include "ConnectionTreeModel.h"
#include "DemoDatabase.h"
#include "EmptyStateWidget.h"
#include "EventListModel.h"
#include "ExecutionListModel.h"
#include "FailingOps.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "ReauthorizeDialog.h"
#include "RunListModel.h"

#include "WriteItemListModel.h"
#include "core/Clock.h"
#include "ops/LocalOps.h"
#include "store/Store.h"

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPromise>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace patchbay;

namespace {

// LocalOps whose commands only record that they were asked for, so no request leaves the test.
// The connected users' first question held back until the test lets it through: a store on an idle machine answers
// an empty database before the window is shown, and what the tree says meanwhile would go unseen.
class HeldTenantsOps : public LocalOps
{
public:
    using LocalOps::LocalOps;

    QFuture<Result<QList<Tenant>>> tenants() override
    {
        m_answer = LocalOps::tenants();
        m_held = std::make_unique<QPromise<Result<QList<Tenant>>>>();
        m_held->start();
        return m_held->future();
    }
    // Passes the store's answer on (on this thread; the store answers from its own).
    void release()
    {
        if (!m_held)
            return;
        m_answer.waitForFinished();
        m_held->addResult(m_answer.result());
        m_held->finish();
        m_held.reset();
    }

private:
    QFuture<Result<QList<Tenant>>> m_answer;
    std::unique_ptr<QPromise<Result<QList<Tenant>>>> m_held;
};

class CommandRecordingOps : public LocalOps
{
public:
    using LocalOps::LocalOps;

    QFuture<Result<CommandStarted>> syncNow(qint64 connectionId) override { return start(connectionId, &syncs); }
    QFuture<Result<CommandStarted>> refreshToken(qint64 connectionId) override
    {
        return start(connectionId, &refreshes);
    }
    QFuture<Result<CommandStarted>> retryFailedWrites(qint64 connectionId) override
    {
        return start(connectionId, &writeRetries);
    }
    // No browser in tests: the request is recorded and answered as a provider without a consent page would be.
    QFuture<Result<QUrl>> beginReauthorization(qint64 connectionId) override
    {
        reauthorizations.append(connectionId);
        return readyAnswer<QUrl>(
            makeError("auth.no_authorize", QStringLiteral("Test provider connections are not authorised in a browser")));
    }
    bool isBusy(qint64 connectionId) const override { return busy.contains(connectionId); }

    void finish(qint64 connectionId, qint64 executionId, bool succeeded, const QString &message)
    {
        busy.remove(connectionId);
        Q_EMIT executionFinished(connectionId, executionId, succeeded, message);
        Q_EMIT connectionChanged(connectionId);
    }

    QList<qint64> syncs;
    QList<qint64> refreshes;
    QList<qint64> writeRetries;
    QList<qint64> reauthorizations;
    QSet<qint64> busy;

private:
    QFuture<Result<CommandStarted>> start(qint64 connectionId, QList<qint64> *log)
    {
        log->append(connectionId);
        busy.insert(connectionId);
        Q_EMIT executionStarted(connectionId);
        return readyAnswer(Result<CommandStarted>(CommandStarted{connectionId, 0}));
    }
};

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void startsWithNothingSelected();
    void selectingConnectionShowsItsExecutions();
    void selectingExecutionShowsEventsAndExchanges();
    void exchangeDetailShowsRedactedRequest();
    void needsReauthConnectionSaysSo();
    void searchFiltersTree();
    void commandsRunAndDisableButtonsWhileBusy();
    void progressRefreshesShownExecutions();
    void finishedExecutionUpdatesTreeAndHeader();
    void newConnectionAppearsAndSelectionStays();
    void emptyDatabaseSaysWhatToDo();
    void queryErrorsLandInWindow();
    void writeExecutionShowsPerRecordResults();
    void reauthoriseAsksTheOpsAndShowsWhyNot();
    void runsTabOpensTheConnectionOfARun();

private:
    template <typename T> T *child(const char *name) const
    {
        T *widget = m_window->findChild<T *>(QLatin1String(name));
        if (!widget)
            qWarning("no child %s", name);
        return widget;
    }
    // Selects a connection the way a user does: expand its connected user, click its row.
    void clickConnection(qint64 connectionId);
    void clickRow(QAbstractItemView *view, const QModelIndex &index);
    QModelIndex treeIndexOf(qint64 connectionId) const;
    // Waits until the window has every answer it asked for.
    void settle();

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<CommandRecordingOps> m_ops;
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_config; // the window's QSettings: a folder of the test's own, never the user's
};

void TestMainWindow::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
}

void TestMainWindow::init()
{
    QSettings(QStringLiteral("patchbay"), QStringLiteral("console")).clear(); // each test starts as on a first run
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    auto store = m_demo->openStore();
    QVERIFY(store);
    m_ops = std::make_unique<CommandRecordingOps>(std::move(store), m_demo->syncService(), SystemClock::instance());
    m_window = std::make_unique<MainWindow>(m_ops.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    settle();
}

void TestMainWindow::settle()
{
    QVERIFY(allAnswered(*m_window));
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_ops.reset();
    m_demo.reset();
}

QModelIndex TestMainWindow::treeIndexOf(qint64 connectionId) const
{
    auto *tree = child<QTreeView>("connectionTreeView");
    const QAbstractItemModel *model = tree->model();
    for (int t = 0; t < model->rowCount(); ++t) {
        const QModelIndex tenant = model->index(t, 0);
        for (int c = 0; c < model->rowCount(tenant); ++c) {
            const QModelIndex connection = model->index(c, 0, tenant);
            if (connection.data(ConnectionTreeModel::ConnectionIdRole).toLongLong() == connectionId)
                return connection;
        }
    }
    return {};
}

void TestMainWindow::clickRow(QAbstractItemView *view, const QModelIndex &index)
{
    QVERIFY(index.isValid());
    view->scrollTo(index);
    const QRect rect = view->visualRect(index);
    QVERIFY(!rect.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(view->currentIndex().row(), index.row());
    settle();
}

void TestMainWindow::clickConnection(qint64 connectionId)
{
    auto *tree = child<QTreeView>("connectionTreeView");
    QVERIFY(tree);
    const QModelIndex index = treeIndexOf(connectionId);
    QVERIFY(index.isValid());
    tree->expand(index.parent());
    clickRow(tree, index);
    QCOMPARE(tree->currentIndex().data(ConnectionTreeModel::ConnectionIdRole).toLongLong(), connectionId);
}

void TestMainWindow::startsWithNothingSelected()
{
    QCOMPARE(m_window->windowTitle(), QStringLiteral("Patchbay \u2014 this computer"));
    auto *syncNow = child<QPushButton>("syncNowButton");
    auto *refreshToken = child<QPushButton>("refreshTokenButton");
    QVERIFY(syncNow && refreshToken);
    QVERIFY(!syncNow->isEnabled());
    QVERIFY(!refreshToken->isEnabled());
    auto *hint = child<EmptyStateWidget>("connectionEmptyStateWidget");
    QVERIFY(hint && hint->isShowingMessage());
    QVERIFY(hint->message().startsWith(QStringLiteral("Select a connection")));

    m_window->showStatusMessage(QStringLiteral("Master key: system keychain"));
    QCOMPARE(child<QLabel>("statusLabel")->text(), QStringLiteral("This computer \u2014 Master key: system keychain"));
}

void TestMainWindow::selectingConnectionShowsItsExecutions()
{
    clickConnection(m_ids.acmeHubspot);
    auto *executions = child<QTableView>("executionTableView");
    QVERIFY(executions && executions->isVisible());
    QCOMPARE(executions->model()->rowCount(), 4);
    QCOMPARE(executions->model()->index(0, ExecutionListModel::ObjectColumn).data().toString(),
             QStringLiteral("companies"));
    QCOMPARE(executions->model()->index(2, ExecutionListModel::RecordsColumn).data().toString(), QStringLiteral("230"));
    QVERIFY(child<QPushButton>("syncNowButton")->isEnabled());
    QCOMPARE(child<QLabel>("connectionNameLabel")->text(), QStringLiteral("Acme HubSpot"));
    QCOMPARE(child<QLabel>("tenantNameLabel")->text(), QStringLiteral("Acme Corporation"));

    // Another connection replaces the list; one without executions says what to do.
    clickConnection(m_ids.acmeSandbox);
    QCOMPARE(executions->model()->rowCount(), 0);
    auto *emptyState = child<EmptyStateWidget>("executionEmptyStateWidget");
    QVERIFY(emptyState->isShowingMessage());
    QVERIFY(emptyState->message().startsWith(QStringLiteral("No executions yet")));
}

void TestMainWindow::selectingExecutionShowsEventsAndExchanges()
{
    clickConnection(m_ids.acmeHubspot);
    auto *executions = child<QTableView>("executionTableView");
    auto *events = child<QTableView>("eventTableView");
    auto *exchanges = child<QTableView>("exchangeTableView");
    QVERIFY(events && exchanges);
    // Opening a connection opens its newest execution.
    QCOMPARE(executions->currentIndex().row(), 0);
    QVERIFY(!child<EmptyStateWidget>("executionDetailEmptyStateWidget")->isShowingMessage());
    const qint64 newest = executions->model()->index(0, 0).data(ExecutionListModel::ExecutionIdRole).toLongLong();
    QCOMPARE(static_cast<EventListModel *>(events->model())->executionId(), newest);

    const int row =
        executions->model()
            ->match(executions->model()->index(0, 0), ExecutionListModel::ExecutionIdRole, m_ids.contactsRead)
            .value(0)
            .row();
    clickRow(executions, executions->model()->index(row, ExecutionListModel::KindColumn));
    QVERIFY(!child<EmptyStateWidget>("executionDetailEmptyStateWidget")->isShowingMessage());
    QCOMPARE(events->model()->rowCount(), 4);
    QCOMPARE(events->model()->index(2, 2).data().toString(), QStringLiteral("HTTP 429, retrying in 2 s"));
    QCOMPARE(exchanges->model()->rowCount(), 3);
}

void TestMainWindow::exchangeDetailShowsRedactedRequest()
{
    clickConnection(m_ids.acmeHubspot);
    auto *executions = child<QTableView>("executionTableView");
    const int row =
        executions->model()
            ->match(executions->model()->index(0, 0), ExecutionListModel::ExecutionIdRole, m_ids.contactsRead)
            .value(0)
            .row();
    clickRow(executions, executions->model()->index(row, 0));

    auto *tabs = child<QTabWidget>("executionDetailTabWidget");
    tabs->setCurrentIndex(1);
    auto *exchanges = child<QTableView>("exchangeTableView");
    auto *detail = child<QPlainTextEdit>("exchangeDetailTextEdit");
    QVERIFY(detail && detail->isReadOnly());
    QVERIFY(detail->toPlainText().isEmpty());
    clickRow(exchanges, exchanges->model()->index(1, 2));

    const QString text = detail->toPlainText();
    QVERIFY(text.startsWith(QStringLiteral("POST https://api.hubapi.com/crm/v3/objects/contacts/search\n")));
    QVERIFY(text.contains(QStringLiteral("HTTP 429")));
    QVERIFY(text.contains(QStringLiteral("    \"category\": \"RATE_LIMITS\""))); // pretty-printed response body
    QVERIFY(text.contains(QStringLiteral("Authorization: Bearer [redacted]")));
    QVERIFY(!text.contains(m_ids.leakedToken));
    QVERIFY(!text.contains(QRegularExpression(QStringLiteral("Bearer (?!\\[redacted\\])\\S"))));
}

void TestMainWindow::needsReauthConnectionSaysSo()
{
    const QModelIndex name = treeIndexOf(m_ids.globexCrm);
    QCOMPARE(name.siblingAtColumn(ConnectionTreeModel::TokenColumn).data().toString(), QStringLiteral("needs re-auth"));

    clickConnection(m_ids.globexCrm);
    QVERIFY(child<QLabel>("tokenStateLabel")->text().contains(QStringLiteral("needs re-auth")));
    auto *problem = child<QLabel>("statusMessageLabel");
    QVERIFY(problem->isVisible());
    QVERIFY(problem->text().contains(QStringLiteral("re-auth link")));
}

void TestMainWindow::searchFiltersTree()
{
    auto *search = child<QLineEdit>("tenantSearchLineEdit");
    auto *tree = child<QTreeView>("connectionTreeView");
    QVERIFY(search && tree);
    QCOMPARE(tree->model()->rowCount(), 2);

    QTest::keyClicks(search, QStringLiteral("globex"));
    QCOMPARE(tree->model()->rowCount(), 1);
    QCOMPARE(tree->model()->index(0, 0).data().toString(), QStringLiteral("Globex Industries"));
    QCOMPARE(tree->model()->rowCount(tree->model()->index(0, 0)), 1);

    search->clear();
    QTest::keyClicks(search, QStringLiteral("sandbox"));
    QCOMPARE(tree->model()->rowCount(), 1);
    const QModelIndex acme = tree->model()->index(0, 0);
    QCOMPARE(tree->model()->rowCount(acme), 1);
    QVERIFY(tree->isExpanded(acme));
    QCOMPARE(tree->model()->index(0, 0, acme).data().toString(), QStringLiteral("Acme Sandbox Portal"));

    QTest::keyClicks(search, QStringLiteral("xyz"));
    QCOMPARE(tree->model()->rowCount(), 0);
    auto *emptyState = child<EmptyStateWidget>("connectionTreeEmptyStateWidget");
    QVERIFY(emptyState->isShowingMessage());
    QVERIFY(emptyState->message().contains(QStringLiteral("sandboxxyz")));

    search->clear();
    QCOMPARE(tree->model()->rowCount(), 2);
    QVERIFY(!emptyState->isShowingMessage());
}

void TestMainWindow::commandsRunAndDisableButtonsWhileBusy()
{
    clickConnection(m_ids.acmeHubspot);
    auto *syncNow = child<QPushButton>("syncNowButton");
    auto *refreshToken = child<QPushButton>("refreshTokenButton");
    auto *busyLabel = child<QLabel>("busyLabel");
    QVERIFY(syncNow->isEnabled());
    QVERIFY(!busyLabel->isVisible());

    QTest::mouseClick(syncNow, Qt::LeftButton);
    QCOMPARE(m_ops->syncs, QList<qint64>{m_ids.acmeHubspot});
    QVERIFY(!syncNow->isEnabled());
    QVERIFY(!refreshToken->isEnabled());
    QVERIFY(busyLabel->isVisible());

    // Another connection is not busy; coming back shows the running one still is.
    clickConnection(m_ids.acmeSandbox);
    QVERIFY(syncNow->isEnabled());
    clickConnection(m_ids.acmeHubspot);
    QVERIFY(!syncNow->isEnabled());

    m_ops->finish(m_ids.acmeHubspot, 0, true, QString());
    settle();
    QVERIFY(syncNow->isEnabled());
    QVERIFY(!busyLabel->isVisible());

    QTest::mouseClick(refreshToken, Qt::LeftButton);
    QCOMPARE(m_ops->refreshes, QList<qint64>{m_ids.acmeHubspot});
    QVERIFY(!refreshToken->isEnabled());
}

void TestMainWindow::progressRefreshesShownExecutions()
{
    clickConnection(m_ids.acmeHubspot);
    auto *executions = child<QTableView>("executionTableView");
    auto *events = child<QTableView>("eventTableView");
    clickRow(executions, executions->model()->index(0, 0)); // the running read of companies
    QCOMPARE(events->model()->rowCount(), 1);

    const qint64 newer = m_demo->addExecution(m_ids.acmeHubspot, QStringLiteral("read"), QStringLiteral("deals"),
                                              ExecutionStatus::Running, {}, 0);
    m_demo->addEvent(m_ids.companiesRead, EventLevel::Info, QStringLiteral("Committed page 2: 100 records"));
    QVERIFY(m_demo->store().executions().updateExecutionCounts(m_ids.companiesRead, {200, 2, 2}));
    Q_EMIT m_ops->executionProgressed(m_ids.acmeHubspot, m_ids.companiesRead);
    QCOMPARE(executions->model()->rowCount(), 4); // throttled: not on every event

    QTRY_COMPARE(executions->model()->rowCount(), 5);
    settle();
    QCOMPARE(executions->model()->index(0, 0).data(ExecutionListModel::ExecutionIdRole).toLongLong(), newer);
    QCOMPARE(executions->currentIndex().data(ExecutionListModel::ExecutionIdRole).toLongLong(), m_ids.companiesRead);
    QCOMPARE(executions->currentIndex().siblingAtColumn(ExecutionListModel::RecordsColumn).data().toString(),
             QStringLiteral("200"));
    QCOMPARE(events->model()->rowCount(), 2);
}

void TestMainWindow::finishedExecutionUpdatesTreeAndHeader()
{
    clickConnection(m_ids.acmeSandbox);
    QCOMPARE(child<QLabel>("lastSyncLabel")->text(), QStringLiteral("never"));

    const qint64 execution = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                                                  ExecutionStatus::Succeeded, {12, 1, 1}, 0, 900);
    m_ops->finish(m_ids.acmeSandbox, execution, true, QString());
    settle();

    const QModelIndex lastSync = treeIndexOf(m_ids.acmeSandbox).siblingAtColumn(ConnectionTreeModel::LastSyncColumn);
    QCOMPARE(lastSync.data().toString(), QStringLiteral("just now \u00b7 succeeded"));
    QVERIFY(child<QLabel>("lastSyncLabel")->text().startsWith(QStringLiteral("just now")));
    QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("Acme Sandbox Portal")));
    QCOMPARE(child<QTableView>("executionTableView")->model()->rowCount(), 1);

    m_ops->finish(m_ids.acmeSandbox, 0, false, QStringLiteral("HubSpot is unreachable"));
    settle();
    QVERIFY(m_window->statusBar()->currentMessage().endsWith(QStringLiteral("failed: HubSpot is unreachable")));
}

void TestMainWindow::newConnectionAppearsAndSelectionStays()
{
    clickConnection(m_ids.globexCrm);
    const qint64 added =
        m_demo->addConnection(m_ids.acme, QStringLiteral("Acme Zendesk"), QDateTime::currentDateTimeUtc().addDays(1));
    QVERIFY(m_demo->isValid());
    Q_EMIT m_ops->connectionChanged(added);
    settle();

    QVERIFY(treeIndexOf(added).isValid());
    auto *tree = child<QTreeView>("connectionTreeView");
    QCOMPARE(tree->currentIndex().data(ConnectionTreeModel::ConnectionIdRole).toLongLong(), m_ids.globexCrm);
    QCOMPARE(child<QLabel>("connectionNameLabel")->text(), QStringLiteral("Globex CRM"));
    QCOMPARE(child<QTableView>("executionTableView")->model()->rowCount(), 1);
}

void TestMainWindow::emptyDatabaseSaysWhatToDo()
{
    DemoDatabase empty;
    QVERIFY(empty.isValid());
    auto store = empty.openStore();
    QVERIFY(store);
    HeldTenantsOps ops(std::move(store), empty.syncService(), SystemClock::instance());
    MainWindow window(&ops);
    window.show();
    // Until the ops answer, the tree says it is loading rather than that there is nothing.
    auto *emptyState = window.findChild<EmptyStateWidget *>(QStringLiteral("connectionTreeEmptyStateWidget"));
    QVERIFY(emptyState && emptyState->isShowingMessage());
    auto *label = emptyState->findChild<QLabel *>(QStringLiteral("emptyStateLabel"));
    QCOMPARE(label->text(), QStringLiteral("Loading\u2026"));
    ops.release();
    QVERIFY(allAnswered(window));
    QVERIFY(emptyState->isShowingMessage());
    QVERIFY(emptyState->message().startsWith(QStringLiteral("No connected users yet")));
    QCOMPARE(label->text(), emptyState->message());
}

void TestMainWindow::queryErrorsLandInWindow()
{
    FailingOps failing;
    MainWindow window(&failing);
    window.show();
    auto *bar = window.findChild<MessageBar *>(QStringLiteral("errorMessageBar"));
    QVERIFY(bar);
    QTRY_VERIFY(bar->isVisible());
    QCOMPARE(bar->text(), FailingOps::kMessage);
}

void TestMainWindow::writeExecutionShowsPerRecordResults()
{
    // The product pushed three contacts; HubSpot refused one.
    const qint64 write = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("write"), QStringLiteral("contacts"),
                                              ExecutionStatus::Succeeded, {2, 0, 1, 1}, 0, 640);
    const auto item = [&](const char *key, const char *operation, const char *providerId, const char *code,
                          const char *message) {
        WriteItem written;
        written.executionId = write;
        written.object = QStringLiteral("contacts");
        written.key = QString::fromLatin1(key);
        written.operation = QString::fromLatin1(operation);
        written.providerId = QString::fromLatin1(providerId);
        written.status = *code ? QStringLiteral("failed") : QStringLiteral("succeeded");
        written.errorCode = QString::fromLatin1(code);
        written.errorMessage = QString::fromLatin1(message);
        written.payload = R"({"email":"someone@example.com","name":"Some One"})";
        return written;
    };
    QVERIFY(m_demo->store()
                .writes()
                .addWriteItems(m_ids.acmeSandbox,
                               {item("user-1001", "create", "5101", "", ""),
                                item("user-1002", "create", "", "VALIDATION_ERROR",
                                     "HubSpot refused this record: Property values were not valid: email"),
                                item("user-1003", "update", "5003", "", "")})
                .ok());
    clickConnection(m_ids.acmeSandbox);
    auto *tabs = child<QTabWidget>("executionDetailTabWidget");
    QCOMPARE(tabs->tabText(2), QStringLiteral("Write results (3, 1 failed)"));
    tabs->setCurrentIndex(2);
    auto *results = child<QTableView>("writeItemTableView");
    QCOMPARE(results->model()->rowCount(), 3);
    QCOMPARE(results->model()->index(1, WriteItemListModel::ResultColumn).data().toString(), QStringLiteral("Failed"));
    QVERIFY(results->model()->index(1, WriteItemListModel::ErrorColumn).data().toString().contains(
        QStringLiteral("VALIDATION_ERROR — HubSpot refused this record")));
    QCOMPARE(results->model()->index(2, WriteItemListModel::OperationColumn).data().toString(), QStringLiteral("Update"));
    QCOMPARE(results->model()->index(2, WriteItemListModel::ProviderIdColumn).data().toString(), QStringLiteral("5003"));
    QVERIFY(child<QLabel>("writeSummaryLabel")->text().startsWith(QStringLiteral("1 of 3 records were refused")));
    auto *retry = child<QPushButton>("retryWritesButton");
    QVERIFY(retry->isVisible());
    QTest::mouseClick(retry, Qt::LeftButton);
    QCOMPARE(m_ops->writeRetries, QList<qint64>{m_ids.acmeSandbox});
    if (const QByteArray path = qgetenv("PATCHBAY_SCREENSHOT_DIR"); !path.isEmpty())
        m_window->grab().save(QString::fromLocal8Bit(path) + QStringLiteral("/write-results.png"));

    // A read has no write results: the tab says so and offers nothing to retry.
    const qint64 read = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                                             ExecutionStatus::Succeeded, {10, 1, 1}, 0, 300);
    m_ops->finish(m_ids.acmeSandbox, read, true, QString());
    settle();
    auto *executions = child<QTableView>("executionTableView");
    clickRow(executions, executions->model()->index(0, 0));
    QCOMPARE(tabs->tabText(2), QStringLiteral("Write results"));
    QVERIFY(!retry->isVisible());
}

void TestMainWindow::reauthoriseAsksTheOpsAndShowsWhyNot()
{
    clickConnection(m_ids.globexCrm);
    auto *reauthorize = child<QPushButton>("reauthorizeButton");
    QVERIFY(reauthorize->isEnabled());
    QTest::mouseClick(reauthorize, Qt::LeftButton);
    // On this computer the dialog says where the authorisation can be finished, and asks nothing before a click.
    auto *dialog = m_window->findChild<ReauthorizeDialog *>(QStringLiteral("reauthorizeDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("reauthorizationExplanationLabel"))
                ->text()
                .contains(QStringLiteral("can only be finished in a browser on this computer")));
    QVERIFY(m_ops->reauthorizations.isEmpty());
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("openReauthorizationBrowserButton")),
                      Qt::LeftButton);
    QCOMPARE(m_ops->reauthorizations, QList<qint64>{m_ids.globexCrm});
    auto *status = dialog->findChild<QLabel *>(QStringLiteral("reauthorizationStatusLabel"));
    QTRY_VERIFY(status->isVisible());
    QCOMPARE(status->text(), QStringLiteral("Test provider connections are not authorised in a browser"));
    dialog->reject();
}

void TestMainWindow::runsTabOpensTheConnectionOfARun()
{
    auto *tabs = child<QTabWidget>("mainTabWidget");
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    auto *runs = child<QTableView>("runsTableView");
    QVERIFY(runs);
    settle();
    const QAbstractItemModel *model = runs->model();
    QCOMPARE(model->rowCount(), 5); // both tenants' executions
    int globexRow = -1;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(RunListModel::ConnectionIdRole).toLongLong() == m_ids.globexCrm)
            globexRow = row;
    }
    QVERIFY(globexRow >= 0);
    clickRow(runs, model->index(globexRow, RunListModel::StatusColumn));
    QTest::keyClick(runs, Qt::Key_Return);
    settle();
    QCOMPARE(tabs->currentIndex(), 0);
    QCOMPARE(child<QTreeView>("connectionTreeView")->currentIndex().data(ConnectionTreeModel::ConnectionIdRole).toLongLong(),
             m_ids.globexCrm);
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
