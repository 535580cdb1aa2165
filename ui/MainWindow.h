#pragma once

#include <QMainWindow>
#include <QTimer>

class QLabel;
class QLineEdit;
class QModelIndex;
class QSortFilterProxyModel;
class QTabWidget;
class QTreeView;

namespace patchbay {

class ConnectionPanel;
class ConnectionTreeModel;
class EmptyStateWidget;
class MessageBar;
class OpsApi;
class RunsView;

// The console's main window: connected users and their connections on the left; the selected
// connection's token, last sync, executions, events and exchanges on the right. A second tab lists the runs of every
// tenant (RunsView); activating one shows its connection.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(OpsApi *ops, QWidget *parent = nullptr);

    // A lasting note in the status bar (e.g. where the master key comes from); sync notices cover it
    // for a few seconds.
    void showStatusMessage(const QString &message);
    // Re-reads the connected users and connections.
    void reload();
    // Shows that connection, as when it is clicked in the tree.
    void selectConnection(qint64 connectionId);

private:
    void showError(const QString &message);
    void showCurrent(const QModelIndex &proxyIndex);
    void restoreTreeAfterReset();
    void applySearch(const QString &text);
    void refreshConnection(qint64 connectionId);
    QString connectionName(qint64 connectionId) const;

    void onExecutionStarted(qint64 connectionId);
    void onExecutionProgressed(qint64 connectionId, qint64 executionId);
    void onExecutionFinished(qint64 connectionId, qint64 executionId, bool succeeded, const QString &message);

    OpsApi *m_ops;
    ConnectionTreeModel *m_treeModel;
    QSortFilterProxyModel *m_proxyModel;
    QLineEdit *m_searchLineEdit;
    QTreeView *m_treeView;
    EmptyStateWidget *m_treeEmptyState;
    ConnectionPanel *m_connectionPanel;
    MessageBar *m_messageBar;
    QTabWidget *m_tabWidget;
    RunsView *m_runsView;
    qint64 m_requestedConnectionId = 0; // asked for before the tree had loaded it
    QLabel *m_statusLabel;
    QTimer m_clockTimer;
};

} // namespace patchbay
