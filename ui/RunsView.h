#pragma once

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QTableView;

namespace patchbay {

class EmptyStateWidget;
class OpsApi;
class RunListModel;

// The Runs view: the executions of every tenant, newest first, narrowed by tenant, kind, outcome, time and a search
// (error message, code, object); more rows load as the table scrolls. A partial failure ("succeeded with 161 failed
// records") has its own colour. Activating a row asks to show its connection.
class RunsView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kSearchDelayMs = 300; // typing settles before the query goes out

    explicit RunsView(OpsApi *ops, QWidget *parent = nullptr);

    RunListModel *model() const { return m_model; }
    // Reads the tenants again and asks the first page of the current filters.
    void reload();

Q_SIGNALS:
    void executionActivated(qint64 connectionId, qint64 executionId);
    void errorOccurred(const QString &message);

private:
    void applyFilters();
    void reloadTenants();

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
};

} // namespace patchbay
