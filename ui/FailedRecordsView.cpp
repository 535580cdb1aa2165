#include "FailedRecordsView.h"

#include "Confirmation.h"
#include "EmptyStateWidget.h"
#include "FailedRecordListModel.h"
#include "TableViews.h"
#include "ops/OpsApi.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace patchbay {

namespace {

const QString kBusyReason = QStringLiteral("The connection is running an execution; wait until it finishes.");

} // namespace

FailedRecordsView::FailedRecordsView(OpsApi *ops, QWidget *parent)
    : QWidget(parent), m_ops(ops), m_model(new FailedRecordListModel(ops, this)),
      m_tableView(createListTable(QStringLiteral("failedRecordTableView"), m_model, this)),
      m_detailEdit(new QPlainTextEdit(this)), m_summaryLabel(new QLabel(this)),
      m_remapButton(new QPushButton(QStringLiteral("Re-map failed records"), this)),
      m_writeAgainButton(new QPushButton(QStringLiteral("Write again"), this))
{
    m_tableView->horizontalHeader()->setSectionResizeMode(FailedRecordListModel::ErrorColumn, QHeaderView::Stretch);
    m_tableView->setTextElideMode(Qt::ElideRight);
    m_detailEdit->setObjectName(QStringLiteral("failedRecordDetailEdit"));
    m_detailEdit->setReadOnly(true);
    m_detailEdit->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_detailEdit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_detailEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detailEdit->setPlaceholderText(QStringLiteral("Select a record to see its errors and the record as it came."));
    m_summaryLabel->setObjectName(QStringLiteral("failedRecordSummaryLabel"));
    m_remapButton->setObjectName(QStringLiteral("remapFailedRecordsButton"));
    m_writeAgainButton->setObjectName(QStringLiteral("writeAgainButton"));
    m_writeAgainButton->hide();

    m_emptyState = new EmptyStateWidget(m_tableView, QStringLiteral("No failed records: every record was mapped."), this);
    m_emptyState->setObjectName(QStringLiteral("failedRecordEmptyStateWidget"));
    m_emptyState->followModel(m_model, m_model->pendingCalls());

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("failedRecordSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_emptyState);
    splitter->addWidget(m_detailEdit);
    splitter->setSizes({160, 240});

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 0, 0, 0); // the summary's text off the window's edge
    bar->addWidget(m_summaryLabel, 1);
    bar->addWidget(m_remapButton);
    bar->addWidget(m_writeAgainButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(m_tableView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &FailedRecordsView::showRecord);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        showRecord({});
        updateActions();
    });
    connect(m_model, &FailedRecordListModel::loadFailed, this, &FailedRecordsView::errorOccurred);
    connect(m_remapButton, &QPushButton::clicked, this, &FailedRecordsView::remap);
    connect(m_writeAgainButton, &QPushButton::clicked, this, &FailedRecordsView::writeAgain);
    // The buttons follow the connection's busy state, and what an execution resolved shows once it ends.
    connect(m_ops, &OpsApi::executionStarted, this, &FailedRecordsView::updateActions);
    connect(m_ops, &OpsApi::executionFinished, this, [this](qint64 connectionId) {
        updateActions();
        if (connectionId == m_connectionId)
            m_model->refresh();
    });
    updateActions();
}

void FailedRecordsView::setExecution(qint64 connectionId, qint64 executionId, const QString &kind)
{
    m_connectionId = executionId == 0 ? 0 : connectionId;
    m_write = kind == QLatin1String("write");
    m_forExecution = true;
    m_model->setExecution(executionId);
    updateActions();
}

void FailedRecordsView::setConnection(qint64 connectionId)
{
    m_connectionId = connectionId;
    m_write = false;
    m_forExecution = false;
    m_model->setConnection(connectionId);
    updateActions();
}

void FailedRecordsView::refresh()
{
    m_model->refresh();
}

void FailedRecordsView::showRecord(const QModelIndex &current)
{
    if (!current.isValid()) {
        m_detailEdit->clear();
        return;
    }
    m_detailEdit->setPlainText(FailedRecordListModel::describe(m_model->recordAt(current.row())));
}

void FailedRecordsView::updateActions()
{
    const int open = m_model->openCount();
    const int all = m_model->rowCount();
    m_summaryLabel->setText(all == 0     ? QString()
                            : open == all ? QStringLiteral("%1 records failed to map; they are kept raw until a "
                                                           "mapping fix and a re-map deliver them.")
                                                .arg(all)
                            : open == 0   ? QStringLiteral("All %1 failed records have been resolved since.").arg(all)
                                          : QStringLiteral("%1 of %2 failed records still fail.").arg(open).arg(all));
    const bool busy = m_connectionId != 0 && m_ops->isBusy(m_connectionId);
    const auto enable = [this, busy](QPushButton *button, bool possible, const QString &tooltip) {
        button->setEnabled(possible && !busy && m_refused.isEmpty());
        button->setToolTip(!m_refused.isEmpty() ? m_refused : busy ? kBusyReason : tooltip);
    };
    enable(m_remapButton, m_connectionId != 0 && open > 0,
           open > 0 ? QStringLiteral("Maps the raw records again with the current mapping")
                    : QStringLiteral("No record still fails to map"));
    m_writeAgainButton->setVisible(m_write);
    enable(m_writeAgainButton, m_connectionId != 0 && m_write,
           QStringLiteral("Writes again every record of this connection whose latest write failed"));
}

void FailedRecordsView::setCommandsRefused(const QString &why)
{
    m_refused = why;
    updateActions();
}

bool FailedRecordsView::confirm(const QString &title, const QString &text, const QString &acceptText)
{
    return confirmCommand(this, QStringLiteral("failedRecordsConfirmBox"), title, text, acceptText);
}

void FailedRecordsView::remap()
{
    // A re-map takes every record of the connection that still fails, whichever execution failed it.
    const int open = m_model->openCount();
    const QString which = m_forExecution
                              ? QStringLiteral("every record of this connection that still fails (%1 of them from this "
                                               "execution)")
                                    .arg(open)
                              : QStringLiteral("the %1 records of this connection that still fail").arg(open);
    if (!confirm(QStringLiteral("Re-map failed records"),
                 QStringLiteral("Maps %1 again, with the mapping as it is now, as a new \"replay\" execution. Records "
                                "that map are stored and leave the list of failures; those that still fail stay with "
                                "their new errors. The provider is not called.")
                     .arg(which),
                 QStringLiteral("Re-map")))
        return;
    m_ops->remapFailedRecords(m_connectionId).then(this, [this](const Result<CommandStarted> &answer) {
        started(QStringLiteral("Re-map"), answer ? QString() : answer.error().message);
    });
    updateActions();
}

void FailedRecordsView::writeAgain()
{
    if (!confirm(QStringLiteral("Write again"),
                 QStringLiteral("Sends again to the provider every record of this connection whose latest write "
                                "failed, through the current reverse mapping, as a new write execution. Records the "
                                "provider accepts are created or updated there."),
                 QStringLiteral("Write again")))
        return;
    m_ops->retryFailedWrites(m_connectionId).then(this, [this](const Result<CommandStarted> &answer) {
        started(QStringLiteral("Write again"), answer ? QString() : answer.error().message);
    });
    updateActions();
}

void FailedRecordsView::started(const QString &what, const QString &error)
{
    if (!error.isEmpty())
        Q_EMIT errorOccurred(QStringLiteral("%1 failed: %2").arg(what, error));
    updateActions();
}

} // namespace patchbay
