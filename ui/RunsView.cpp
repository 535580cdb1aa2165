#include "RunsView.h"

#include "EmptyStateWidget.h"
#include "ReplayBar.h"
#include "RunListModel.h"
#include "ops/OpsApi.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

namespace patchbay {

namespace {

// The choices of a combo box: the text shown and the value the filter takes (empty: any).
void addChoices(QComboBox *box, const QList<std::pair<QString, QVariant>> &choices)
{
    for (const auto &[text, value] : choices)
        box->addItem(text, value);
}

} // namespace

RunsView::RunsView(OpsApi *ops, QWidget *parent)
    : QWidget(parent), m_ops(ops), m_model(new RunListModel(ops, this)), m_tenantComboBox(new QComboBox(this)),
      m_kindComboBox(new QComboBox(this)), m_outcomeComboBox(new QComboBox(this)), m_timeComboBox(new QComboBox(this)),
      m_searchLineEdit(new QLineEdit(this)), m_tableView(new QTableView(this)), m_replayBar(new ReplayBar(ops, this))
{
    m_model->setPalette(palette());

    m_tenantComboBox->setObjectName(QStringLiteral("runsTenantComboBox"));
    m_tenantComboBox->addItem(QStringLiteral("All tenants"), QVariant());
    m_kindComboBox->setObjectName(QStringLiteral("runsKindComboBox"));
    addChoices(m_kindComboBox, {{QStringLiteral("Any kind"), QString()},
                                {QStringLiteral("Reads"), QStringLiteral("read")},
                                {QStringLiteral("Backfills"), QStringLiteral("backfill")},
                                {QStringLiteral("Writes"), QStringLiteral("write")},
                                {QStringLiteral("Webhooks"), QStringLiteral("webhook")},
                                {QStringLiteral("Re-maps"), QStringLiteral("replay")},
                                {QStringLiteral("Token refreshes"), QStringLiteral("refresh")},
                                {QStringLiteral("Authorisations"), QStringLiteral("authorize")}});
    m_outcomeComboBox->setObjectName(QStringLiteral("runsOutcomeComboBox"));
    addChoices(m_outcomeComboBox, {{QStringLiteral("Any status"), QString()},
                                   {QStringLiteral("Running"), ExecutionOutcome::Running},
                                   {QStringLiteral("Succeeded"), ExecutionOutcome::Succeeded},
                                   {QStringLiteral("Succeeded with failed records"), ExecutionOutcome::Partial},
                                   {QStringLiteral("Failed"), ExecutionOutcome::Failed},
                                   {QStringLiteral("Interrupted"), ExecutionOutcome::Interrupted}});
    m_timeComboBox->setObjectName(QStringLiteral("runsTimeComboBox"));
    addChoices(m_timeComboBox, {{QStringLiteral("Any time"), 0},
                                {QStringLiteral("Last hour"), 3600},
                                {QStringLiteral("Last 24 hours"), 24 * 3600},
                                {QStringLiteral("Last 7 days"), 7 * 24 * 3600}});
    m_searchLineEdit->setObjectName(QStringLiteral("runsSearchLineEdit"));
    m_searchLineEdit->setPlaceholderText(QStringLiteral("Search errors, codes, objects\u2026"));
    m_searchLineEdit->setClearButtonEnabled(true);
    m_searchLineEdit->setMaxLength(200);

    m_tableView->setObjectName(QStringLiteral("runsTableView"));
    m_tableView->setModel(m_model);
    m_tableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tableView->setAlternatingRowColors(true);
    m_tableView->verticalHeader()->hide();
    m_tableView->horizontalHeader()->setStretchLastSection(true);
    m_tableView->setWordWrap(false);
    // Each column as wide as what it usually holds (numbers narrow, the outcome wide); the message takes the rest.
    const QFontMetrics metrics(m_tableView->font());
    const auto fit = [&](RunListModel::Column column, const QString &sample) {
        m_tableView->horizontalHeader()->resizeSection(column, metrics.horizontalAdvance(sample) + 18);
    };
    fit(RunListModel::StartedColumn, QStringLiteral("Dec 31 23:59"));
    fit(RunListModel::TenantColumn, QStringLiteral("Globex Industries"));
    fit(RunListModel::ConnectionColumn, QStringLiteral("Acme Sandbox Portal"));
    fit(RunListModel::ProviderColumn, QStringLiteral("salesforce"));
    fit(RunListModel::KindColumn, QStringLiteral("backfill"));
    fit(RunListModel::ObjectColumn, QStringLiteral("companies"));
    fit(RunListModel::StatusColumn, QStringLiteral("succeeded with 1000 failed records"));
    fit(RunListModel::DurationColumn, QStringLiteral("1 h 05 min"));
    for (const auto column : {RunListModel::ReadColumn, RunListModel::WrittenColumn, RunListModel::FailedColumn})
        fit(column, QStringLiteral("Written"));

    m_emptyState = new EmptyStateWidget(m_tableView, QStringLiteral("No execution matches these filters."), this);
    m_emptyState->setObjectName(QStringLiteral("runsEmptyStateWidget"));
    m_emptyState->followModel(m_model, m_model->pendingCalls());

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_tenantComboBox);
    filters->addWidget(m_kindComboBox);
    filters->addWidget(m_outcomeComboBox);
    filters->addWidget(m_timeComboBox);
    filters->addWidget(m_searchLineEdit, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_emptyState, 1);
    m_replayBar->setObjectName(QStringLiteral("runsReplayBar"));
    layout->addWidget(m_replayBar, 0, Qt::AlignRight);

    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(kSearchDelayMs);
    connect(&m_searchDelay, &QTimer::timeout, this, &RunsView::applyFilters);
    connect(m_searchLineEdit, &QLineEdit::textChanged, this, [this] { m_searchDelay.start(); });
    for (QComboBox *box : {m_tenantComboBox, m_kindComboBox, m_outcomeComboBox, m_timeComboBox})
        connect(box, &QComboBox::currentIndexChanged, this, &RunsView::applyFilters);
    connect(m_model, &RunListModel::loadFailed, this, &RunsView::errorOccurred);
    connect(m_tableView, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT executionActivated(index.data(RunListModel::ConnectionIdRole).toLongLong(),
                                  index.data(RunListModel::ExecutionIdRole).toLongLong());
    });

    m_tableView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tableView, &QWidget::customContextMenuRequested, this, &RunsView::showContextMenu);
    connect(m_tableView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                m_replayBar->setRow(current.isValid() ? std::optional(m_model->rowAt(current.row())) : std::nullopt);
            });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { m_replayBar->setRow(std::nullopt); });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &RunsView::selectPendingExecution);
    connect(m_replayBar, &ReplayBar::errorOccurred, this, &RunsView::errorOccurred);
    connect(m_replayBar, &ReplayBar::executionLinkActivated, this, [this](qint64, qint64 executionId) {
        selectExecution(executionId);
    });
    // The replay is listed (and selected) once it is recorded; what it does shows when it is opened.
    connect(m_replayBar, &ReplayBar::replayStarted, this, [this](qint64, qint64, qint64 replayId) {
        m_executionToSelect = replayId;
        m_model->refresh();
    });

    reload();
}

void RunsView::setCommandsRefused(const QString &why)
{
    m_replayBar->setCommandsRefused(why);
}

void RunsView::selectExecution(qint64 executionId)
{
    m_executionToSelect = executionId;
    selectPendingExecution();
    if (m_executionToSelect != 0)
        m_model->refresh(); // not listed (yet): ask again, and select it when it comes
}

void RunsView::selectPendingExecution()
{
    if (m_executionToSelect == 0)
        return;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->rowAt(row).execution.id == m_executionToSelect) {
            m_executionToSelect = 0;
            m_tableView->setCurrentIndex(m_model->index(row, 0));
            m_tableView->scrollTo(m_tableView->currentIndex());
            return;
        }
    }
}

void RunsView::showContextMenu(const QPoint &position)
{
    const QModelIndex index = m_tableView->indexAt(position);
    if (!index.isValid())
        return;
    m_tableView->setCurrentIndex(index);
    const ExecutionRow row = m_model->rowAt(index.row());
    QMenu menu(this);
    menu.setObjectName(QStringLiteral("runsContextMenu"));
    QAction *replay = menu.addAction(QStringLiteral("Replay\u2026"), m_replayBar, &ReplayBar::replay);
    replay->setEnabled(m_replayBar->isReplayEnabled());
    if (row.replayOf != 0) {
        menu.addAction(QStringLiteral("Show the original, #%1").arg(row.replayOf), this,
                       [this, id = row.replayOf] { selectExecution(id); });
    }
    if (row.replayedBy != 0) {
        menu.addAction(QStringLiteral("Show its replay, #%1").arg(row.replayedBy), this,
                       [this, id = row.replayedBy] { selectExecution(id); });
    }
    menu.addAction(QStringLiteral("Open connection"), this, [this, row] {
        Q_EMIT executionActivated(row.execution.connectionId, row.execution.id);
    });
    menu.exec(m_tableView->viewport()->mapToGlobal(position));
}

void RunsView::reload()
{
    reloadTenants();
    applyFilters();
}

void RunsView::reloadTenants()
{
    m_ops->tenants().then(this, [this](const Result<QList<Tenant>> &tenants) {
        if (!tenants) {
            Q_EMIT errorOccurred(tenants.error().message);
            return;
        }
        // The choice stays on the same tenant (by id) when it is still there.
        const QVariant chosen = m_tenantComboBox->currentData();
        const QSignalBlocker quiet(m_tenantComboBox);
        while (m_tenantComboBox->count() > 1)
            m_tenantComboBox->removeItem(1);
        for (const Tenant &tenant : tenants.value())
            m_tenantComboBox->addItem(tenant.displayName, tenant.id);
        m_tenantComboBox->setCurrentIndex(std::max(0, m_tenantComboBox->findData(chosen)));
    });
}

void RunsView::applyFilters()
{
    m_searchDelay.stop();
    ExecutionFilter filter;
    if (const QVariant tenant = m_tenantComboBox->currentData(); tenant.isValid())
        filter.tenantId = tenant.toLongLong();
    filter.kind = m_kindComboBox->currentData().toString();
    filter.outcome = m_outcomeComboBox->currentData().toString();
    if (const int seconds = m_timeComboBox->currentData().toInt(); seconds > 0)
        filter.startedFrom = QDateTime::currentDateTimeUtc().addSecs(-seconds);
    filter.text = m_searchLineEdit->text().trimmed();
    m_model->setFilter(filter);
}

} // namespace patchbay
