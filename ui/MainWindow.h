#pragma once

#include "BulkReauthorizationDialog.h"
#include "NavigationHistory.h"
#include "ops/remote/RemoteOps.h"
#include "ops/remote/ServerKeyring.h"

#include <QMainWindow>
#include <QTimer>

#include <memory>
#include <optional>

class QAction;
class QLabel;
class QLineEdit;
class QModelIndex;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTreeView;

namespace patchbay {

class ConnectionFilterBar;
class ConnectionFilterProxyModel;
class ConnectionPanel;
class ConnectionTreeModel;
class EmptyStateWidget;
class MessageBar;
class OpsApi;
class RunsView;
class SwitchableOps;

// The console's main window: connected users and their connections on the left; the selected
// connection's token, last sync, executions, events and exchanges on the right. A second tab lists the runs of every
// tenant (RunsView); activating one shows its connection.
//
// It shows either this computer's engine (the OpsApi it is made with) or a patchbayd (File → Connect to server…),
// and moves between them without closing: its models talk to whichever is current. The title and the status bar
// say which; against a server, a banner says when the server is lost and being reconnected, and the commands a
// viewer key cannot use are disabled with a tooltip saying why. A server's API key is kept in the system keychain
// (ServerKeyring), its URL and CA certificate path in QSettings ("patchbay"/"console", group "server").
//
// A toolbar holds the main actions (Refresh F5, Back Alt+Left, Sync now, Connect to server…); the View menu and
// Ctrl+1..4 go to Connected users, Runs, and the shown connection's Executions and Failed records; Ctrl+F puts the
// cursor in the current view's search box. Back returns to the previous tab and connection (NavigationHistory). The
// window's geometry, toolbar, splitters, column widths and last view are kept in the same QSettings when it is
// destroyed and restored when the next one is made (WindowSettings).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(OpsApi *ops, QWidget *parent = nullptr);
    ~MainWindow() override;

    // A lasting note in the status bar about this computer's engine (e.g. where the master key comes from); sync
    // notices cover it for a few seconds.
    void showStatusMessage(const QString &message);
    // Shows the server remote answers for, as its key (identity) may: the engine's OpsApi stays for useThisComputer.
    void useServer(std::unique_ptr<RemoteOps> remote, const RemoteIdentity &identity);
    void useThisComputer();
    bool isRemote() const { return m_remote != nullptr; }
    // Where the keys of servers are kept (the system keychain's "patchbay-console" service unless replaced; tests use
    // their own); nullopt keeps none.
    void setKeyring(std::optional<ServerKeyring> keyring) { m_keyring = std::move(keyring); }
    // File → Connect to server…: the dialog, filled with server (the last one when empty) and its kept key; connects
    // when accepted. With connectAtOnce, it tries as soon as the kept key is read, and stays open only to say why not.
    void openConnectDialog(const QUrl &server = {}, bool connectAtOnce = false);
    // Re-reads the connected users and connections.
    void reload();
    // Shows that connection, as when it is clicked in the tree.
    void selectConnection(qint64 connectionId);
    // Tokens (re-authorisation links): opens "Re-authorisation links…" (BulkReauthorizationDialog, against a server);
    // where it saves its CSV is asked with chooser when set (tests), else with a save-file dialog.
    void openBulkReauthorization();
    void setCsvPathChooser(BulkReauthorizationDialog::PathChooser chooser) { m_csvPathChooser = std::move(chooser); }
    // The toolbar's and View menu's commands.
    void refreshCurrentView();
    void focusSearch();
    void goBack();
    // Ctrl+1..4: 0 Connected users, 1 Runs, 2 the connection's Executions, 3 its Failed records.
    void showView(int view);

private:
    void showError(const QString &message);
    void showCurrent(const QModelIndex &proxyIndex);
    void restoreTreeAfterReset();
    void applyFilters();
    void refreshConnection(qint64 connectionId);
    QString connectionName(qint64 connectionId) const;

    void createActions();
    void recordPlace();
    void updateActions();
    void restoreSettings();

    void updateMode();
    void updateBulkReauthorization();
    void onLinkStateChanged(RemoteOps::LinkState state, const QString &problem);
    void onExecutionStarted(qint64 connectionId);
    void onExecutionProgressed(qint64 connectionId, qint64 executionId);
    void onExecutionFinished(qint64 connectionId, qint64 executionId, bool succeeded, const QString &message);

    OpsApi *m_localOps;
    SwitchableOps *m_ops; // what the models use: m_localOps, or m_remote
    std::unique_ptr<RemoteOps> m_remote;
    RemoteIdentity m_identity;
    std::optional<ServerKeyring> m_keyring{ServerKeyring()};
    QString m_localStatus;
    MessageBar *m_serverMessageBar;
    QAction *m_connectAction;
    QAction *m_thisComputerAction;
    ConnectionTreeModel *m_treeModel;
    ConnectionFilterProxyModel *m_proxyModel;
    ConnectionFilterBar *m_filterBar;
    QTreeView *m_treeView;
    EmptyStateWidget *m_treeEmptyState;
    ConnectionPanel *m_connectionPanel;
    MessageBar *m_messageBar;
    QTabWidget *m_tabWidget;
    RunsView *m_runsView;
    qint64 m_requestedConnectionId = 0; // asked for before the tree had loaded it
    QLabel *m_statusLabel;
    QTimer m_clockTimer;
    QPushButton *m_bulkReauthorizationButton = nullptr;
    BulkReauthorizationDialog::PathChooser m_csvPathChooser;
    QAction *m_backAction = nullptr;
    QAction *m_syncNowAction = nullptr;
    NavigationHistory m_history;
    bool m_navigating = false; // going back: the places it passes are not recorded
};

} // namespace patchbay
