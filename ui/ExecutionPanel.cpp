#include "ExecutionPanel.h"

#include "CommandButton.h"
#include "EmptyStateWidget.h"
#include "EventFilterBar.h"
#include "EventListModel.h"
#include "ExchangeCopyActions.h"
#include "ExecutionExport.h"
#include "ExchangeDetailView.h"
#include "ExchangeListModel.h"
#include "ExecutionListModel.h"
#include "FailedRecordListModel.h"
#include "FailedRecordsView.h"
#include "ReplayBar.h"
#include "TableViews.h"
#include "WriteItemListModel.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace patchbay {

ExecutionPanel::ExecutionPanel(OpsApi *ops, QWidget *parent)
    : QWidget(parent), m_executionModel(new ExecutionListModel(ops, this)), m_eventModel(new EventListModel(ops, this)),
      m_exchangeModel(new ExchangeListModel(ops, this)),
      m_executionTableView(createListTable(QStringLiteral("executionTableView"), m_executionModel, this)),
      m_eventTableView(createListTable(QStringLiteral("eventTableView"), m_eventModel, this)),
      m_exchangeTableView(createListTable(QStringLiteral("exchangeTableView"), m_exchangeModel, this)),
      m_exchangeDetailView(new ExchangeDetailView(this)), m_ops(ops), m_writeItemModel(new WriteItemListModel(ops, this)),
      m_writeItemTableView(createListTable(QStringLiteral("writeItemTableView"), m_writeItemModel, this))
{
    m_writeItemTableView->horizontalHeader()->setSectionResizeMode(WriteItemListModel::ErrorColumn, QHeaderView::Stretch);
    m_executionTableView->horizontalHeader()->setSectionResizeMode(ExecutionListModel::ObjectColumn,
                                                                   QHeaderView::Stretch);
    m_eventTableView->horizontalHeader()->setSectionResizeMode(EventListModel::MessageColumn, QHeaderView::Stretch);
    m_exchangeTableView->horizontalHeader()->setSectionResizeMode(ExchangeListModel::UrlColumn, QHeaderView::Stretch);
    m_exchangeTableView->setTextElideMode(Qt::ElideMiddle);
    addExchangeCopyActions(m_exchangeTableView);

    m_executionEmptyState = new EmptyStateWidget(
        m_executionTableView, QStringLiteral("No executions yet \u2014 press Sync now to read this connection."), this);
    m_executionEmptyState->setObjectName(QStringLiteral("executionEmptyStateWidget"));
    m_executionEmptyState->followModel(m_executionModel, m_executionModel->pendingCalls());

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("executionSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_executionEmptyState);
    splitter->addWidget(createDetailTabs());
    splitter->setSizes({250, 450});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_executionTableView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ExecutionPanel::showExecution);
    connect(m_exchangeTableView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ExecutionPanel::showExchange);
    // A reset drops the current index without a currentRowChanged; follow it explicitly.
    connect(m_executionModel, &QAbstractItemModel::modelReset, this, [this] { showExecution({}); });
    connect(m_exchangeModel, &QAbstractItemModel::modelReset, m_exchangeDetailView, &ExchangeDetailView::clearExchange);
    for (QAbstractItemModel *model : {static_cast<QAbstractItemModel *>(m_eventModel),
                                      static_cast<QAbstractItemModel *>(m_exchangeModel),
                                      static_cast<QAbstractItemModel *>(m_writeItemModel)}) {
        connect(model, &QAbstractItemModel::modelReset, this, &ExecutionPanel::updateTabTitles);
        connect(model, &QAbstractItemModel::rowsInserted, this, &ExecutionPanel::updateTabTitles);
    }
    connect(m_eventModel, &QAbstractItemModel::rowsInserted, m_eventTableView, &QTableView::scrollToBottom);
    // The rows arrive after setConnection() and refresh() return.
    connect(m_executionModel, &QAbstractItemModel::rowsInserted, this, &ExecutionPanel::selectNewestIfNone);

    connect(m_executionModel, &ExecutionListModel::loadFailed, this, &ExecutionPanel::errorOccurred);
    connect(m_eventModel, &EventListModel::loadFailed, this, &ExecutionPanel::errorOccurred);
    connect(m_exchangeModel, &ExchangeListModel::loadFailed, this, &ExecutionPanel::errorOccurred);
    connect(m_writeItemModel, &WriteItemListModel::loadFailed, this, &ExecutionPanel::errorOccurred);
    connect(m_failedRecordsView, &FailedRecordsView::errorOccurred, this, &ExecutionPanel::errorOccurred);
}

QWidget *ExecutionPanel::createDetailTabs()
{
    auto *eventEmptyState =
        new EmptyStateWidget(m_eventTableView, QStringLiteral("This execution logged no events."), this);
    eventEmptyState->followModel(m_eventModel, m_eventModel->pendingCalls());
    connect(m_eventModel, &QAbstractItemModel::modelReset, eventEmptyState, [this, eventEmptyState] {
        eventEmptyState->setMessage(m_eventModel->isFiltered() ? QStringLiteral("No events match the level and search.")
                                                               : QStringLiteral("This execution logged no events."));
    });
    auto *eventPage = new QWidget(this);
    auto *eventLayout = new QVBoxLayout(eventPage);
    eventLayout->setContentsMargins(0, 0, 0, 0);
    m_eventFilterBar = new EventFilterBar(m_eventModel, eventPage);
    m_eventFilterBar->setObjectName(QStringLiteral("eventFilterBar"));
    eventLayout->addWidget(m_eventFilterBar);
    eventLayout->addWidget(eventEmptyState, 1);

    auto *exchangeEmptyState = new EmptyStateWidget(
        m_exchangeTableView,
        QStringLiteral("This execution made no HTTP requests (token refreshes and webhooks may not)."), this);
    exchangeEmptyState->followModel(m_exchangeModel, m_exchangeModel->pendingCalls());

    // Stacked, so both the URLs and long JSON lines get the full width.
    auto *exchangeSplitter = new QSplitter(Qt::Vertical, this);
    exchangeSplitter->setObjectName(QStringLiteral("exchangeSplitter"));
    exchangeSplitter->setChildrenCollapsible(false);
    exchangeSplitter->addWidget(exchangeEmptyState);
    exchangeSplitter->addWidget(m_exchangeDetailView);
    exchangeSplitter->setSizes({140, 260});

    m_detailTabWidget = new QTabWidget(this);
    m_detailTabWidget->setObjectName(QStringLiteral("executionDetailTabWidget"));
    m_detailTabWidget->setDocumentMode(true);
    m_detailTabWidget->addTab(eventPage, QStringLiteral("Events"));
    m_detailTabWidget->addTab(exchangeSplitter, QStringLiteral("Exchanges"));

    // What a write did to each record: written with the provider's id, or refused with the provider's words.
    auto *writeEmptyState =
        new EmptyStateWidget(m_writeItemTableView, QStringLiteral("This execution wrote no records."), this);
    writeEmptyState->followModel(m_writeItemModel, m_writeItemModel->pendingCalls());
    auto *writePage = new QWidget(this);
    auto *writeLayout = new QVBoxLayout(writePage);
    writeLayout->setContentsMargins(0, 4, 0, 0);
    auto *writeBar = new QHBoxLayout;
    m_writeSummaryLabel = new QLabel(writePage);
    m_writeSummaryLabel->setObjectName(QStringLiteral("writeSummaryLabel"));
    m_retryWritesButton = new QPushButton(QStringLiteral("Write failed records again"), writePage);
    m_retryWritesButton->setObjectName(QStringLiteral("retryWritesButton"));
    CommandButton::setToolTip(m_retryWritesButton,
                              QStringLiteral("Sends every record of this connection whose latest write failed, "
                                             "through the current reverse mapping"));
    writeBar->addWidget(m_writeSummaryLabel, 1);
    writeBar->addWidget(m_retryWritesButton);
    writeLayout->addLayout(writeBar);
    writeLayout->addWidget(writeEmptyState, 1);
    m_detailTabWidget->addTab(writePage, QStringLiteral("Write results"));
    connect(m_retryWritesButton, &QPushButton::clicked, this, [this] {
        if (m_connectionId != 0)
            m_ops->retryFailedWrites(m_connectionId);
    });

    m_failedRecordsView = new FailedRecordsView(m_ops, this);
    m_failedRecordsView->setObjectName(QStringLiteral("executionFailedRecordsView"));
    m_detailTabWidget->addTab(m_failedRecordsView, QStringLiteral("Failed records"));
    connect(m_failedRecordsView->model(), &QAbstractItemModel::modelReset, this, &ExecutionPanel::updateTabTitles);

    // For a ticket or a browser's developer tools: the events as JSON lines and the exchanges as a HAR file.
    auto *exportButton = new QPushButton(QStringLiteral("Export\u2026"), m_detailTabWidget);
    exportButton->setObjectName(QStringLiteral("exportExecutionButton"));
    exportButton->setToolTip(QStringLiteral("Saves this execution's exchanges as a HAR file (secrets stay redacted) "
                                            "and its events as JSON lines beside it"));
    // A failed run's Replay… and its links to its replay or original, beside Export.
    m_replayBar = new ReplayBar(m_ops, m_detailTabWidget);
    m_replayBar->setObjectName(QStringLiteral("executionReplayBar"));
    auto *corner = new QWidget(m_detailTabWidget);
    auto *cornerLayout = new QHBoxLayout(corner);
    cornerLayout->setContentsMargins(0, 0, 0, 0);
    cornerLayout->addWidget(m_replayBar);
    cornerLayout->addWidget(exportButton);
    m_detailTabWidget->setCornerWidget(corner);
    connect(m_replayBar, &ReplayBar::errorOccurred, this, &ExecutionPanel::errorOccurred);
    connect(m_replayBar, &ReplayBar::executionLinkActivated, this,
            [this](qint64, qint64 executionId) { selectExecution(executionId); });
    connect(m_replayBar, &ReplayBar::replayStarted, this, [this](qint64, qint64, qint64 replayId) {
        if (replayId != 0)
            selectExecution(replayId);
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const qint64 executionId = selectedExecutionId();
        if (executionId == 0)
            return;
        const QString harPath = QFileDialog::getSaveFileName(
            this, QStringLiteral("Export execution"), QStringLiteral("execution-%1.har").arg(executionId),
            QStringLiteral("HTTP Archive (*.har)"));
        if (!harPath.isEmpty())
            exportExecution(executionId, harPath);
    });

    m_detailEmptyState = new EmptyStateWidget(
        m_detailTabWidget, QStringLiteral("Select an execution to see its events and HTTP exchanges."), this);
    m_detailEmptyState->setObjectName(QStringLiteral("executionDetailEmptyStateWidget"));
    return m_detailEmptyState;
}

void ExecutionPanel::setConnection(qint64 connectionId)
{
    m_connectionId = connectionId;
    m_executionModel->setConnection(connectionId);
}

QFuture<Result<void>> ExecutionPanel::exportExecution(qint64 executionId, const QString &harPath)
{
    QString eventsPath = harPath;
    if (eventsPath.endsWith(QLatin1String(".har"), Qt::CaseInsensitive))
        eventsPath.chop(4);
    eventsPath += QStringLiteral(".events.jsonl");
    auto answer = ExecutionExport::exportExecution(m_ops, executionId, eventsPath, harPath);
    answer.then(this, [this](const Result<void> &written) {
        if (!written)
            Q_EMIT errorOccurred(QStringLiteral("Export failed: %1").arg(written.error().message));
    });
    return answer;
}

void ExecutionPanel::selectExecution(qint64 executionId)
{
    const int row = m_executionModel->rowOfExecution(executionId);
    if (row < 0) {
        m_executionToSelect = executionId;
        m_executionModel->refresh();
        return;
    }
    m_executionToSelect = 0;
    m_executionTableView->setCurrentIndex(m_executionModel->index(row, 0));
    m_executionTableView->scrollTo(m_executionTableView->currentIndex());
}

void ExecutionPanel::selectNewestIfNone()
{
    if (m_executionToSelect != 0 && m_executionModel->rowOfExecution(m_executionToSelect) >= 0) {
        selectExecution(m_executionToSelect);
        return;
    }
    // The newest execution is what a support person opens first (and a sync just started is live).
    if (!m_executionTableView->currentIndex().isValid() && m_executionModel->rowCount() > 0)
        m_executionTableView->setCurrentIndex(m_executionModel->index(0, 0));
}

void ExecutionPanel::refresh()
{
    m_executionModel->refresh();
    if (m_eventModel->executionId() != 0) {
        m_replayBar->setExecution(m_connectionId, m_eventModel->executionId()); // its outcome and links may change
        m_eventModel->refresh();
        m_exchangeModel->refresh();
        m_writeItemModel->refresh();
    }
}

qint64 ExecutionPanel::selectedExecutionId() const
{
    const QModelIndex current = m_executionTableView->selectionModel()->currentIndex();
    return current.isValid() ? current.data(ExecutionListModel::ExecutionIdRole).toLongLong() : 0;
}

void ExecutionPanel::showExecution(const QModelIndex &current)
{
    const qint64 executionId = current.isValid() ? current.data(ExecutionListModel::ExecutionIdRole).toLongLong() : 0;
    if (executionId == m_eventModel->executionId())
        return;
    m_eventModel->setExecution(executionId);
    m_exchangeModel->setExecution(executionId);
    m_writeItemModel->setExecution(executionId);
    const QString kind = current.isValid()
                             ? current.siblingAtColumn(ExecutionListModel::KindColumn).data().toString()
                             : QString();
    m_failedRecordsView->setExecution(m_connectionId, executionId, kind);
    m_replayBar->setExecution(m_connectionId, executionId);
    if (executionId == 0)
        m_detailEmptyState->showMessage();
    else
        m_detailEmptyState->showContent();
}

void ExecutionPanel::showExchange(const QModelIndex &current)
{
    if (!current.isValid()) {
        m_exchangeDetailView->clearExchange();
        return;
    }
    m_exchangeDetailView->setExchange(m_exchangeModel->exchangeAt(current.row()));
}

void ExecutionPanel::updateTabTitles()
{
    const auto title = [](const QString &name, int count) {
        return count > 0 ? QStringLiteral("%1 (%2)").arg(name).arg(count) : name;
    };
    // Filtered, the count says how many of the execution's events are shown.
    m_detailTabWidget->setTabText(0, m_eventModel->isFiltered() && m_eventModel->totalCount() > 0
                                         ? QStringLiteral("Events (%1 of %2)")
                                               .arg(m_eventModel->rowCount())
                                               .arg(m_eventModel->totalCount())
                                         : title(QStringLiteral("Events"), m_eventModel->rowCount()));
    m_detailTabWidget->setTabText(1, title(QStringLiteral("Exchanges"), m_exchangeModel->rowCount()));
    const int written = m_writeItemModel->rowCount();
    const int failed = m_writeItemModel->failedCount();
    m_detailTabWidget->setTabText(2, failed > 0 ? QStringLiteral("Write results (%1, %2 failed)").arg(written).arg(failed)
                                                : title(QStringLiteral("Write results"), written));
    m_writeSummaryLabel->setText(written == 0 ? QString()
                                 : failed == 0 ? QStringLiteral("All %1 records written.").arg(written)
                                               : QStringLiteral("%1 of %2 records were refused; they are kept and can "
                                                                "be written again once fixed.")
                                                     .arg(failed)
                                                     .arg(written));
    m_retryWritesButton->setVisible(failed > 0);
    m_detailTabWidget->setTabText(3, title(QStringLiteral("Failed records"), m_failedRecordsView->model()->rowCount()));
}

void ExecutionPanel::focusEventSearch()
{
    m_detailTabWidget->setCurrentIndex(0);
    m_eventFilterBar->searchLineEdit()->setFocus(Qt::ShortcutFocusReason);
    m_eventFilterBar->searchLineEdit()->selectAll();
}

void ExecutionPanel::setCommandsRefused(const QString &why)
{
    CommandButton::update(m_retryWritesButton, why.isEmpty(), why);
    m_replayBar->setCommandsRefused(why);
    m_failedRecordsView->setCommandsRefused(why);
}

} // namespace patchbay
