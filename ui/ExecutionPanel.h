#pragma once

#include "core/Result.h"

#include <QFuture>
#include <QWidget>

class QLabel;
class QModelIndex;
class QPushButton;
class QTabWidget;
class QTableView;

namespace patchbay {

class EmptyStateWidget;
class EventFilterBar;
class EventListModel;
class ExchangeDetailView;
class ExchangeListModel;
class ExecutionListModel;
class FailedRecordsView;
class OpsApi;
class ReplayBar;
class WriteItemListModel;

// The executions of one connection and, for the selected one, its events, exchanges, per-record write results and
// the records whose mapping failed.
class ExecutionPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ExecutionPanel(OpsApi *ops, QWidget *parent = nullptr);

    void setConnection(qint64 connectionId);
    // Picks up new executions, changed counts and, for the selected execution, new events and exchanges.
    void refresh();
    qint64 selectedExecutionId() const;
    // Selects the execution, once its row is loaded (a replay just started appears with the next refresh).
    void selectExecution(qint64 executionId);
    // Shows the Events tab and puts the focus in its search box (Ctrl+F while this panel is shown).
    void focusEventSearch();
    // Why its commands (write again) cannot be used at all, shown as their tooltip; empty: they can.
    void setCommandsRefused(const QString &why);
    // Writes the execution's exchanges to harPath as HAR 1.2 and its events as JSON lines beside it (the same name
    // ending in ".events.jsonl"), as the Export… button does after its file dialog. A failure is also reported
    // with errorOccurred.
    QFuture<Result<void>> exportExecution(qint64 executionId, const QString &harPath);

Q_SIGNALS:
    void errorOccurred(const QString &message);

private:
    void selectNewestIfNone();
    void showExecution(const QModelIndex &current);
    void showExchange(const QModelIndex &current);
    void updateTabTitles();
    QWidget *createDetailTabs();

    ExecutionListModel *m_executionModel;
    EventListModel *m_eventModel;
    ExchangeListModel *m_exchangeModel;
    QTableView *m_executionTableView;
    QTableView *m_eventTableView;
    EventFilterBar *m_eventFilterBar = nullptr;
    QTableView *m_exchangeTableView;
    ExchangeDetailView *m_exchangeDetailView;
    QTabWidget *m_detailTabWidget = nullptr;
    EmptyStateWidget *m_executionEmptyState = nullptr;
    EmptyStateWidget *m_detailEmptyState = nullptr;
    OpsApi *m_ops;
    WriteItemListModel *m_writeItemModel;
    QTableView *m_writeItemTableView;
    QLabel *m_writeSummaryLabel = nullptr;
    QPushButton *m_retryWritesButton = nullptr;
    FailedRecordsView *m_failedRecordsView = nullptr;
    qint64 m_connectionId = 0;
    ReplayBar *m_replayBar = nullptr;
    qint64 m_executionToSelect = 0; // asked for by selectExecution before its row arrived
};

} // namespace patchbay
