#include "ConnectionPanel.h"

#include "ConnectionHeaderWidget.h"
#include "DeliveriesView.h"
#include "EmptyStateWidget.h"
#include "ExecutionPanel.h"
#include "FailedRecordListModel.h"
#include "FailedRecordsView.h"
#include "TokenPanel.h"
#include "FullResyncDialog.h"

#include <QTabWidget>
#include <QVBoxLayout>

namespace patchbay {

namespace {

const QString kSelectHint =
    QStringLiteral("Select a connection on the left to see its token, last sync and executions.");

} // namespace

ConnectionPanel::ConnectionPanel(OpsApi *ops, QWidget *parent)
    : QWidget(parent), m_ops(ops), m_header(new ConnectionHeaderWidget(this)),
      m_executionPanel(new ExecutionPanel(ops, this)), m_failedRecordsView(new FailedRecordsView(ops, this)),
      m_deliveriesView(new DeliveriesView(ops, this)),
      m_tokenPanel(new TokenPanel(ops, this))
{
    // The connection's records that still fail, whichever execution failed them: what a support person fixes.
    m_failedRecordsView->setObjectName(QStringLiteral("connectionFailedRecordsView"));
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("connectionTabWidget"));
    tabs->setDocumentMode(true);
    tabs->addTab(m_executionPanel, QStringLiteral("Executions"));
    tabs->addTab(m_failedRecordsView, QStringLiteral("Failed records"));
    // Webhook calls from the provider and notifications to the product, to replay; read again when shown.
    m_deliveriesView->setObjectName(QStringLiteral("connectionDeliveriesView"));
    tabs->addTab(m_deliveriesView, QStringLiteral("Deliveries"));
    connect(tabs, &QTabWidget::currentChanged, this, [this, tabs] {
        if (tabs->currentWidget() == m_deliveriesView)
            m_deliveriesView->reload();
    });
    m_tokenPanel->setObjectName(QStringLiteral("tokenPanel"));
    tabs->addTab(m_tokenPanel, QStringLiteral("Tokens"));
    connect(m_failedRecordsView->model(), &QAbstractItemModel::modelReset, tabs, [this, tabs] {
        const int count = m_failedRecordsView->model()->rowCount();
        tabs->setTabText(1, count > 0 ? QStringLiteral("Failed records (%1)").arg(count)
                                      : QStringLiteral("Failed records"));
    });

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_header);
    contentLayout->addWidget(tabs, 1);

    m_emptyState = new EmptyStateWidget(content, kSelectHint, this);
    m_emptyState->setObjectName(QStringLiteral("connectionEmptyStateWidget"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_emptyState);

    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(kRefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ConnectionPanel::refreshNow);
    connect(m_header, &ConnectionHeaderWidget::syncNowRequested, this, &ConnectionPanel::syncNow);
    connect(m_header, &ConnectionHeaderWidget::refreshTokenRequested, this, &ConnectionPanel::refreshToken);
    connect(m_header, &ConnectionHeaderWidget::reauthorizeRequested, this, &ConnectionPanel::reauthorize);
    connect(m_header, &ConnectionHeaderWidget::pauseRequested, this, &ConnectionPanel::pause);
    connect(m_header, &ConnectionHeaderWidget::resumeRequested, this, &ConnectionPanel::resume);
    connect(m_header, &ConnectionHeaderWidget::fullResyncRequested, this, &ConnectionPanel::fullResync);
    connect(m_executionPanel, &ExecutionPanel::errorOccurred, this, &ConnectionPanel::errorOccurred);
    connect(m_failedRecordsView, &FailedRecordsView::errorOccurred, this, &ConnectionPanel::errorOccurred);
    connect(m_deliveriesView, &DeliveriesView::errorOccurred, this, &ConnectionPanel::errorOccurred);
    connect(m_tokenPanel, &TokenPanel::errorOccurred, this, &ConnectionPanel::errorOccurred);
}

void ConnectionPanel::showConnection(const ConnectionSummary &summary,
                                     const std::optional<ConnectionHealthRow> &health)
{
    const bool other = summary.connection.id != m_connectionId;
    m_connectionId = summary.connection.id;
    m_connectionName = summary.connection.displayName;
    m_header->setConnection(summary, health);
    updateBusy();
    if (other) {
        m_refreshTimer.stop();
        m_executionPanel->setConnection(m_connectionId);
        m_failedRecordsView->setConnection(m_connectionId);
        m_deliveriesView->setConnection(m_connectionId);
        m_tokenPanel->setConnection(m_connectionId);
    }
    m_emptyState->showContent();
}

void ConnectionPanel::clearConnection(const QString &hint)
{
    m_connectionId = 0;
    m_refreshTimer.stop();
    m_header->clear();
    m_executionPanel->setConnection(0);
    m_failedRecordsView->setConnection(0);
    m_deliveriesView->setConnection(0);
    m_tokenPanel->setConnection(0);
    m_emptyState->setMessage(hint.isEmpty() ? kSelectHint : hint);
    m_emptyState->showMessage();
}

void ConnectionPanel::updateConnection(const ConnectionSummary &summary,
                                       const std::optional<ConnectionHealthRow> &health)
{
    if (summary.connection.id != m_connectionId)
        return;
    m_header->setConnection(summary, health);
    updateBusy();
}

void ConnectionPanel::updateBusy()
{
    m_header->setBusy(m_connectionId != 0 && m_ops->isBusy(m_connectionId));
}

void ConnectionPanel::scheduleRefresh()
{
    // Throttle, not debounce: a steady stream of progress still refreshes every interval.
    if (m_connectionId != 0 && !m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void ConnectionPanel::refreshNow()
{
    m_refreshTimer.stop();
    if (m_connectionId != 0)
        m_executionPanel->refresh();
}

void ConnectionPanel::syncNow()
{
    if (m_connectionId == 0)
        return;
    m_ops->syncNow(m_connectionId);
    updateBusy();
}

void ConnectionPanel::refreshToken()
{
    if (m_connectionId == 0)
        return;
    m_ops->refreshToken(m_connectionId);
    updateBusy();
}

void ConnectionPanel::reauthorize()
{
    if (m_connectionId == 0)
        return;
    auto *dialog = new ReauthorizeDialog(m_ops, m_connectionId, m_connectionName, m_againstServer, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_urlOpener)
        dialog->setUrlOpener(m_urlOpener);
    connect(dialog, &ReauthorizeDialog::authorizationStarted, this, &ConnectionPanel::authorizationStarted);
    dialog->open();
}

void ConnectionPanel::pause()
{
    changePause(true);
}

void ConnectionPanel::resume()
{
    changePause(false);
}

void ConnectionPanel::changePause(bool pause)
{
    if (m_connectionId == 0)
        return;
    const qint64 connectionId = m_connectionId;
    auto answer = pause ? m_ops->pauseConnection(connectionId) : m_ops->resumeConnection(connectionId);
    answer.then(this, [this, connectionId](const Result<ConnectionSummary> &summary) {
        if (!summary) {
            Q_EMIT errorOccurred(summary.error().message);
            return;
        }
        // The header follows at once; the tree (health) when connectionChanged has reloaded it.
        if (connectionId == m_connectionId)
            m_header->setConnection(summary.value(), m_header->health());
    });
}

void ConnectionPanel::fullResync()
{
    if (m_connectionId == 0)
        return;
    auto *dialog = new FullResyncDialog(m_header->connectionName(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, connectionId = m_connectionId] {
        m_ops->fullResync(connectionId, dialog->since()).then(this, [this](const Result<CommandStarted> &started) {
            if (!started)
                Q_EMIT errorOccurred(started.error().message);
            updateBusy();
        });
        updateBusy();
    });
    dialog->open();
}

void ConnectionPanel::setCommandsRefused(const QString &why)
{
    m_header->setCommandsRefused(why);
    m_executionPanel->setCommandsRefused(why);
    m_failedRecordsView->setCommandsRefused(why);
    m_deliveriesView->setCommandsRefused(why);
}

} // namespace patchbay
