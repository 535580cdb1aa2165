#pragma once

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QTableView;

namespace patchbay {

class EmptyStateWidget;
class OpsApi;
class ReplayBar;
class RunListModel;

// The Runs view: the executions of every tenant, newest first, narrowed by tenant, kind, outcome, time and a search
// (error message, code, object); more rows load as the table scrolls. A partial failure ("succeeded with 161 failed
// records") has its own colour. Activating a row asks to show its connection. The selected run's links to its replay or
// original, and Replay… for a failed run, are under the table and in the row's context menu.
class RunsView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kSearchDelayMs = 300; // typing settles before the query goes out

    explicit RunsView(OpsApi *ops, QWidget *parent = nullptr);

    RunListModel *model() const { return m_model; }
    // Reads the tenants again and asks the first page of the current filters.
    void reload();
    // Why replay cannot be used at all (a key that may only look), as its tooltip; empty: it can.
    void setCommandsRefused(const QString &why);
    // Selects the execution once its row is listed under the current filters.
    void selectExecution(qint64 executionId);

Q_SIGNALS:
    void executionActivated(qint64 connectionId, qint64 executionId);
    void errorOccurred(const QString &message);

private:
    void applyFilters();
    void reloadTenants();
    void showContextMenu(const QPoint &position);
    void selectPendingExecution();

    OpsApi *m_ops;
    RunListModel *m_model;
    QComboBox *m_tenantComboBox;
    QComboBox *m_kindComboBox;
    QComboBox *m_outcomeComboBox;
    QComboBox *m_timeComboBox;
    QLineEdit *m_searchLineEdit;
    QTableView *m_tableView;
    EmptyStateWidget *m_emptyState;
    QTimer m_searchDelay;
    ReplayBar *m_replayBar;
    qint64 m_executionToSelect = 0; // asked for by selectExecution before its row arrived
};

} // namespace patchbay
