#include "MainWindow.h"

#include "CommandButton.h"
#include "ConnectionFilterBar.h"
#include "ConnectionFilterProxyModel.h"
#include "ConnectionPanel.h"
#include "ConnectionTreeModel.h"
#include "EmptyStateWidget.h"
#include "ExecutionPanel.h"
#include "ConnectServerDialog.h"
#include "MessageBar.h"
#include "RunsView.h"
#include "WindowSettings.h"
#include "ops/OpsApi.h"
#include "ops/SwitchableOps.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace patchbay {

namespace {

constexpr int kNoticeTimeoutMs = 10'000;
constexpr int kClockIntervalMs = 30'000;

const QString kNoTenants =
    QStringLiteral("No connected users yet \u2014 when a customer connects an account (OAuth link or API key), "
                   "they and their connections appear here.");

} // namespace

MainWindow::MainWindow(OpsApi *ops, QWidget *parent)
    : QMainWindow(parent), m_localOps(ops), m_ops(new SwitchableOps(ops, this)),
      m_serverMessageBar(new MessageBar(this)), m_treeModel(new ConnectionTreeModel(m_ops, this)),
      m_proxyModel(new ConnectionFilterProxyModel(this)),
      m_filterBar(new ConnectionFilterBar(m_treeModel, m_proxyModel, this)),
      m_treeView(new QTreeView(this)), m_connectionPanel(new ConnectionPanel(m_ops, this)),
      m_messageBar(new MessageBar(this)), m_tabWidget(new QTabWidget(this)), m_runsView(new RunsView(m_ops, this)),
      m_statusLabel(new QLabel(this))
{
    resize(1280, 800);

    QMenu *fileMenu = menuBar()->addMenu(QStringLiteral("&File"));
    m_connectAction = fileMenu->addAction(QStringLiteral("Connect to server\u2026"), this,
                                          [this] { openConnectDialog(); });
    m_connectAction->setObjectName(QStringLiteral("connectToServerAction"));
    m_thisComputerAction = fileMenu->addAction(QStringLiteral("This computer"), this, &MainWindow::useThisComputer);
    m_thisComputerAction->setObjectName(QStringLiteral("thisComputerAction"));
    m_thisComputerAction->setCheckable(true);
    fileMenu->addSeparator();
    fileMenu->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    createActions();

    m_proxyModel->setSourceModel(m_treeModel);

    m_treeView->setObjectName(QStringLiteral("connectionTreeView"));
    m_treeView->setModel(m_proxyModel);
    m_treeView->setUniformRowHeights(true);
    m_treeView->setAlternatingRowColors(true);
    m_treeView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_treeView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_treeView->setIconSize(QSize(10, 10)); // the token colour swatch, not a picture
    m_treeView->header()->setStretchLastSection(true);
    m_treeView->header()->setSectionResizeMode(QHeaderView::ResizeToContents);

    m_treeEmptyState = new EmptyStateWidget(m_treeView, kNoTenants, this);
    m_treeEmptyState->setObjectName(QStringLiteral("connectionTreeEmptyStateWidget"));
    m_treeEmptyState->followModel(m_proxyModel, m_treeModel->pendingCalls());

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    // Tokens (re-authorisation links): every connection that needs its customer again, in one file.
    m_bulkReauthorizationButton = new QPushButton(QStringLiteral("Re-authorisation links\u2026"), this);
    m_bulkReauthorizationButton->setObjectName(QStringLiteral("bulkReauthorizationButton"));
    connect(m_bulkReauthorizationButton, &QPushButton::clicked, this, &MainWindow::openBulkReauthorization);
    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_filterBar, 1);
    searchRow->addWidget(m_bulkReauthorizationButton, 0, Qt::AlignTop);
    leftLayout->addLayout(searchRow);
    leftLayout->addWidget(m_treeEmptyState, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(left);
    splitter->addWidget(m_connectionPanel);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({760, 520}); // the tree's columns whole: health, failed runs, token, last sync

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    m_messageBar->setObjectName(QStringLiteral("errorMessageBar"));
    m_serverMessageBar->setObjectName(QStringLiteral("serverMessageBar"));
    layout->addWidget(m_serverMessageBar);
    layout->addWidget(m_messageBar);
    // Connected users and their connections; the runs of every tenant, to open one's connection from.
    m_tabWidget->setObjectName(QStringLiteral("mainTabWidget"));
    m_tabWidget->addTab(splitter, QStringLiteral("Connected users"));
    m_runsView->setObjectName(QStringLiteral("runsView"));
    m_tabWidget->addTab(m_runsView, QStringLiteral("Runs"));
    layout->addWidget(m_tabWidget, 1);
    setCentralWidget(central);

    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    statusBar()->addWidget(m_statusLabel, 1);

    connect(m_filterBar, &ConnectionFilterBar::filtersChanged, this, &MainWindow::applyFilters);
    connect(m_tabWidget, &QTabWidget::currentChanged, this, &MainWindow::recordPlace);
    connect(m_treeView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::showCurrent);
    connect(m_treeModel, &ConnectionTreeModel::loadFailed, this, &MainWindow::showError);
    connect(m_treeModel, &QAbstractItemModel::modelReset, this, &MainWindow::restoreTreeAfterReset);
    connect(m_treeModel->pendingCalls(), &PendingCalls::loadingChanged, this, [this](bool loading) {
        if (!loading && m_requestedConnectionId != 0)
            selectConnection(std::exchange(m_requestedConnectionId, 0));
    });
    connect(m_treeModel, &ConnectionTreeModel::connectionReloaded, this, [this](qint64 connectionId) {
        if (connectionId != m_connectionPanel->connectionId())
            return;
        if (const auto summary = m_treeModel->connectionSummary(connectionId))
            m_connectionPanel->updateConnection(*summary, m_treeModel->connectionHealth(connectionId));
    });
    connect(m_connectionPanel, &ConnectionPanel::errorOccurred, this, &MainWindow::showError);
    connect(m_runsView, &RunsView::errorOccurred, this, &MainWindow::showError);
    connect(m_runsView, &RunsView::executionActivated, this, [this](qint64 connectionId, qint64) {
        m_tabWidget->setCurrentIndex(0);
        selectConnection(connectionId);
    });
    connect(m_connectionPanel, &ConnectionPanel::authorizationStarted, this, [this](const QUrl &url) {
        statusBar()->showMessage(QStringLiteral("Finish the authorisation in the browser (%1); the connection updates "
                                                "when the provider sends you back")
                                     .arg(url.host()),
                                 kNoticeTimeoutMs);
    });

    connect(m_ops, &OpsApi::executionStarted, this, &MainWindow::onExecutionStarted);
    connect(m_ops, &OpsApi::executionProgressed, this, &MainWindow::onExecutionProgressed);
    connect(m_ops, &OpsApi::executionFinished, this, &MainWindow::onExecutionFinished);
    connect(m_ops, &OpsApi::connectionChanged, this, &MainWindow::refreshConnection);

    m_clockTimer.setInterval(kClockIntervalMs);
    connect(&m_clockTimer, &QTimer::timeout, this, [this] {
        m_treeModel->refreshRelativeTimes();
        const qint64 shown = m_connectionPanel->connectionId();
        if (const auto summary = m_treeModel->connectionSummary(shown))
            m_connectionPanel->updateConnection(*summary, m_treeModel->connectionHealth(shown));
    });
    m_clockTimer.start();

    updateMode();
    restoreSettings();
    recordPlace();
    reload();
}

MainWindow::~MainWindow()
{
    QSettings settings(QStringLiteral("patchbay"), QStringLiteral("console"));
    WindowSettings::save(*this, settings);
    settings.setValue(QStringLiteral("window/lastView"), m_tabWidget->currentIndex());
}

void MainWindow::restoreSettings()
{
    QSettings settings(QStringLiteral("patchbay"), QStringLiteral("console"));
    WindowSettings::restore(*this, settings);
    const int lastView = settings.value(QStringLiteral("window/lastView"), 0).toInt();
    if (lastView >= 0 && lastView < m_tabWidget->count())
        m_tabWidget->setCurrentIndex(lastView);
}

void MainWindow::createActions()
{
    QToolBar *toolBar = addToolBar(QStringLiteral("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setMovable(false);

    auto *refresh = new QAction(style()->standardIcon(QStyle::SP_BrowserReload), QStringLiteral("&Refresh"), this);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    refresh->setShortcut(QKeySequence(Qt::Key_F5));
    refresh->setToolTip(QStringLiteral("Read the current view again (F5)"));
    connect(refresh, &QAction::triggered, this, &MainWindow::refreshCurrentView);
    m_backAction = new QAction(style()->standardIcon(QStyle::SP_ArrowBack), QStringLiteral("&Back"), this);
    m_backAction->setObjectName(QStringLiteral("backAction"));
    m_backAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    m_backAction->setToolTip(QStringLiteral("Back to the previous view and connection (Alt+Left)"));
    connect(m_backAction, &QAction::triggered, this, &MainWindow::goBack);
    m_syncNowAction = new QAction(style()->standardIcon(QStyle::SP_MediaPlay), QStringLiteral("&Sync now"), this);
    m_syncNowAction->setObjectName(QStringLiteral("syncNowAction"));
    m_syncNowAction->setToolTip(QStringLiteral("Read every object of the shown connection now"));
    connect(m_syncNowAction, &QAction::triggered, m_connectionPanel, &ConnectionPanel::syncNow);
    auto *find = new QAction(QStringLiteral("&Find"), this);
    find->setObjectName(QStringLiteral("findAction"));
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, &MainWindow::focusSearch);

    toolBar->addAction(refresh);
    toolBar->addAction(m_backAction);
    toolBar->addSeparator();
    toolBar->addAction(m_syncNowAction);
    toolBar->addSeparator();
    toolBar->addAction(m_connectAction);

    QMenu *viewMenu = menuBar()->addMenu(QStringLiteral("&View"));
    viewMenu->setObjectName(QStringLiteral("viewMenu"));
    const QStringList views{QStringLiteral("&Connected users"), QStringLiteral("&Runs"), QStringLiteral("&Executions"),
                            QStringLiteral("&Failed records")};
    for (int view = 0; view < views.size(); ++view) {
        QAction *show = viewMenu->addAction(views.at(view), this, [this, view] { showView(view); });
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + view)));
        show->setObjectName(QStringLiteral("showView%1Action").arg(view + 1));
    }
    viewMenu->addSeparator();
    viewMenu->addAction(find);
    viewMenu->addAction(refresh);
    viewMenu->addAction(m_backAction);
    viewMenu->addSeparator();
    viewMenu->addAction(toolBar->toggleViewAction());
    updateActions();
}

void MainWindow::refreshCurrentView()
{
    if (m_tabWidget->currentWidget() == m_runsView) {
        m_runsView->reload();
        return;
    }
    reload();
    m_connectionPanel->refreshNow();
}

void MainWindow::focusSearch()
{
    // A connection's Executions tab searches its events; pressed again there, it goes to the tenant search.
    auto *connectionTabs = m_connectionPanel->findChild<QTabWidget *>(QStringLiteral("connectionTabWidget"));
    auto *executions = connectionTabs ? qobject_cast<ExecutionPanel *>(connectionTabs->currentWidget()) : nullptr;
    if (m_tabWidget->currentIndex() == 0 && m_connectionPanel->connectionId() != 0 && executions
        && !executions->findChild<QLineEdit *>(QStringLiteral("eventSearchLineEdit"))->hasFocus()) {
        executions->focusEventSearch();
        return;
    }
    QLineEdit *search = m_tabWidget->currentWidget() == m_runsView
                            ? m_runsView->findChild<QLineEdit *>(QStringLiteral("runsSearchLineEdit"))
                            : m_filterBar->searchLineEdit();
    if (!search)
        return;
    search->setFocus(Qt::ShortcutFocusReason);
    search->selectAll();
}

void MainWindow::showView(int view)
{
    if (view == 1) {
        m_tabWidget->setCurrentWidget(m_runsView);
        return;
    }
    m_tabWidget->setCurrentIndex(0);
    if (auto *tabs = m_connectionPanel->findChild<QTabWidget *>(QStringLiteral("connectionTabWidget")); tabs && view >= 2)
        tabs->setCurrentIndex(view - 2);
}

void MainWindow::recordPlace()
{
    if (!m_navigating)
        m_history.visit({m_tabWidget->currentIndex(), m_connectionPanel->connectionId()});
    updateActions();
}

void MainWindow::goBack()
{
    if (!m_history.canGoBack())
        return;
    const NavigationHistory::Place place = m_history.back();
    m_navigating = true;
    m_tabWidget->setCurrentIndex(place.tab);
    if (place.connectionId != 0)
        selectConnection(place.connectionId);
    else
        m_treeView->setCurrentIndex(QModelIndex());
    m_navigating = false;
    updateActions();
}

void MainWindow::updateActions()
{
    if (m_backAction)
        m_backAction->setEnabled(m_history.canGoBack());
    if (m_syncNowAction)
        m_syncNowAction->setEnabled(m_connectionPanel->connectionId() != 0);
}

void MainWindow::showStatusMessage(const QString &message)
{
    m_localStatus = message;
    updateMode();
}

void MainWindow::openConnectDialog(const QUrl &server, bool connectAtOnce)
{
    auto *dialog = new ConnectServerDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QSettings settings(QStringLiteral("patchbay"), QStringLiteral("console"));
    const QUrl lastUrl = settings.value(QStringLiteral("server/url")).toUrl();
    const QUrl url = server.isEmpty() ? lastUrl : server;
    if (url.isValid() && !url.isEmpty()) {
        dialog->setServerUrl(url);
        if (url == lastUrl)
            dialog->setCaCertificatePath(settings.value(QStringLiteral("server/caCertificate")).toString());
        if (m_keyring) {
            m_keyring->readKey(url).then(dialog, [dialog, connectAtOnce](const Result<SecretBytes> &key) {
                if (key && dialog->apiKey().isEmpty()) {
                    dialog->setApiKey(key.value());
                    if (connectAtOnce)
                        dialog->connectNow();
                }
            });
        }
    }
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QSettings kept(QStringLiteral("patchbay"), QStringLiteral("console"));
        kept.setValue(QStringLiteral("server/url"), dialog->serverUrl());
        kept.setValue(QStringLiteral("server/caCertificate"), dialog->caCertificatePath());
        if (m_keyring) {
            m_keyring->storeKey(dialog->serverUrl(), dialog->apiKey()).then(this, [this](const Result<void> &stored) {
                if (!stored)
                    showError(QStringLiteral("Connected, but the API key could not be kept for next time: %1")
                                  .arg(stored.error().message));
            });
        }
        useServer(dialog->takeRemoteOps(), dialog->identity());
    });
    dialog->open();
}

void MainWindow::useServer(std::unique_ptr<RemoteOps> remote, const RemoteIdentity &identity)
{
    Q_ASSERT(remote);
    connect(remote.get(), &RemoteOps::linkStateChanged, this, &MainWindow::onLinkStateChanged);
    m_ops->setTarget(remote.get());
    if (m_remote)
        m_remote.release()->deleteLater(); // answers it still owes go to receivers that check who asked
    m_remote = std::move(remote);
    m_identity = identity;
    updateMode();
    onLinkStateChanged(m_remote->linkState(), m_remote->linkProblem());
    m_connectionPanel->clearConnection();
    reload();
}

void MainWindow::useThisComputer()
{
    if (!m_remote) {
        updateMode();
        return;
    }
    m_ops->setTarget(m_localOps);
    m_remote.release()->deleteLater();
    updateMode();
    m_connectionPanel->clearConnection();
    reload();
}

void MainWindow::updateMode()
{
    m_thisComputerAction->setChecked(!m_remote);
    if (!m_remote) {
        setWindowTitle(QStringLiteral("Patchbay \u2014 this computer"));
        m_statusLabel->setText(m_localStatus.isEmpty() ? QStringLiteral("This computer")
                                                       : QStringLiteral("This computer \u2014 ") + m_localStatus);
        m_serverMessageBar->dismiss();
        m_connectionPanel->setCommandsRefused(QString());
        m_runsView->setCommandsRefused(QString());
        m_connectionPanel->setAgainstServer(false);
        updateBulkReauthorization();
        return;
    }
    const QString server = m_remote->serverUrl().toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    const QString role = apiRoleName(m_identity.role);
    setWindowTitle(QStringLiteral("Patchbay \u2014 %1 (%2)").arg(server, role));
    QString status = QStringLiteral("Server %1 \u2014 key \u201c%2\u201d (%3)").arg(server, m_identity.keyName, role);
    if (m_identity.tenantId)
        status += QStringLiteral(", %1 only").arg(m_identity.tenantName);
    m_statusLabel->setText(status);
    const QString refused = m_identity.canAct() ? QString()
                                                : QStringLiteral("Your API key (%1) can only look: ask the server's "
                                                                 "administrator for a support key to act.")
                                                      .arg(role);
    m_connectionPanel->setCommandsRefused(refused);
    m_runsView->setCommandsRefused(refused);
    m_connectionPanel->setAgainstServer(true);
    updateBulkReauthorization();
}

void MainWindow::updateBulkReauthorization()
{
    QString refused;
    if (!m_remote)
        refused = QStringLiteral("Links for customers need a server (File \u2192 Connect to server\u2026): the "
                                 "provider must be able to send the customer's browser back to a public address.");
    else if (!m_identity.canAct())
        refused = QStringLiteral("Your API key (%1) can only look: ask the server's administrator for a support key "
                                 "to act.")
                      .arg(apiRoleName(m_identity.role));
    CommandButton::setToolTip(m_bulkReauthorizationButton,
                              QStringLiteral("Creates a re-authorisation link for each connection that needs one and "
                                             "saves them as CSV"));
    CommandButton::update(m_bulkReauthorizationButton, true, refused);
}

void MainWindow::openBulkReauthorization()
{
    auto *dialog = new BulkReauthorizationDialog(m_ops, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_csvPathChooser)
        dialog->setPathChooser(m_csvPathChooser);
    dialog->open();
}

void MainWindow::onLinkStateChanged(RemoteOps::LinkState state, const QString &problem)
{
    if (state == RemoteOps::LinkState::Reconnecting) {
        m_serverMessageBar->showNotice(QStringLiteral("Lost the server %1 (%2) \u2014 reconnecting by itself\u2026")
                                           .arg(m_remote ? m_remote->serverUrl().host() : QString(), problem));
    } else if (state == RemoteOps::LinkState::Connected && m_serverMessageBar->isVisible()) {
        m_serverMessageBar->dismiss();
        reload(); // what changed meanwhile was not heard
    }
}

void MainWindow::reload()
{
    m_treeModel->reload();
}

void MainWindow::restoreTreeAfterReset()
{
    m_treeView->expandAll();
    // A reset drops the tree's current row silently; select the shown connection again (or let the
    // panel go back to its hint if the connection is gone).
    if (m_connectionPanel->connectionId() != 0)
        selectConnection(m_connectionPanel->connectionId());
}

void MainWindow::showError(const QString &message)
{
    m_messageBar->showError(message);
}

void MainWindow::showCurrent(const QModelIndex &proxyIndex)
{
    const QModelIndex index = m_proxyModel->mapToSource(proxyIndex);
    const qint64 connectionId = index.data(ConnectionTreeModel::ConnectionIdRole).toLongLong();
    if (connectionId == 0) {
        const QString tenant = index.siblingAtColumn(ConnectionTreeModel::NameColumn).data().toString();
        m_connectionPanel->clearConnection(
            tenant.isEmpty() ? QString()
                             : QStringLiteral("Select one of %1's connections to see its token, last sync and "
                                              "executions.")
                                   .arg(tenant));
        recordPlace();
        return;
    }
    if (const auto summary = m_treeModel->connectionSummary(connectionId))
        m_connectionPanel->showConnection(*summary, m_treeModel->connectionHealth(connectionId));
    recordPlace();
}

void MainWindow::selectConnection(qint64 connectionId)
{
    const QModelIndex index = m_proxyModel->mapFromSource(m_treeModel->indexOfConnection(connectionId));
    if (index.isValid())
        m_treeView->setCurrentIndex(index);
    else if (m_treeModel->isLoading())
        m_requestedConnectionId = connectionId; // selected when the tree has loaded
    else
        m_connectionPanel->clearConnection();
}

void MainWindow::applyFilters()
{
    m_treeView->expandAll();
    const QString text = m_proxyModel->text();
    const QString filters = m_filterBar->describeFilters();
    QString message = kNoTenants;
    if (m_treeModel->tenantCount() > 0 && !filters.isEmpty())
        message = text.isEmpty() ? QStringLiteral("No %1.").arg(filters)
                                 : QStringLiteral("No %1 match \u201c%2\u201d.").arg(filters, text);
    else if (m_treeModel->tenantCount() > 0 && !text.isEmpty())
        message = QStringLiteral("No connected user or connection matches \u201c%1\u201d.").arg(text);
    m_treeEmptyState->setMessage(message);
}

void MainWindow::refreshConnection(qint64 connectionId)
{
    m_treeModel->reloadConnection(connectionId); // the panel follows when the answer is in (connectionReloaded)
    if (connectionId == m_connectionPanel->connectionId())
        m_connectionPanel->updateBusy();
}

QString MainWindow::connectionName(qint64 connectionId) const
{
    const auto summary = m_treeModel->connectionSummary(connectionId);
    if (!summary)
        return QStringLiteral("connection %1").arg(connectionId);
    return QStringLiteral("%1 (%2)").arg(summary->connection.displayName, summary->tenantDisplayName);
}

void MainWindow::onExecutionStarted(qint64 connectionId)
{
    statusBar()->showMessage(QStringLiteral("Execution started for %1").arg(connectionName(connectionId)),
                             kNoticeTimeoutMs);
    if (connectionId != m_connectionPanel->connectionId())
        return;
    m_connectionPanel->updateBusy();
    m_connectionPanel->scheduleRefresh();
}

void MainWindow::onExecutionProgressed(qint64 connectionId, qint64)
{
    if (connectionId == m_connectionPanel->connectionId())
        m_connectionPanel->scheduleRefresh();
}

void MainWindow::onExecutionFinished(qint64 connectionId, qint64, bool succeeded, const QString &message)
{
    const QString name = connectionName(connectionId);
    QString notice = succeeded ? QStringLiteral("Execution for %1 succeeded").arg(name)
                               : QStringLiteral("Execution for %1 failed").arg(name);
    if (!message.isEmpty())
        notice += QStringLiteral(": ") + message;
    statusBar()->showMessage(notice, kNoticeTimeoutMs);
    refreshConnection(connectionId);
    if (connectionId == m_connectionPanel->connectionId())
        m_connectionPanel->refreshNow();
}

} // namespace patchbay
