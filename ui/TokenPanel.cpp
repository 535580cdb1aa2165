#include "TokenPanel.h"

#include "DisplayFormat.h"
#include "EmptyStateWidget.h"
#include "TableViews.h"
#include "TokenTimelineModel.h"
#include "ops/OpsApi.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace patchbay {

namespace {

QLabel *valueLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// A countdown to the second: "42 s", "4 min 12 s", "3 h 05 min", "2 d 4 h".
QString countdown(qint64 secs)
{
    if (secs < 60)
        return QStringLiteral("%1 s").arg(secs);
    if (secs < 3600)
        return QStringLiteral("%1 min %2 s").arg(secs / 60).arg(secs % 60);
    if (secs < 48 * 3600)
        return QStringLiteral("%1 h %2 min").arg(secs / 3600).arg((secs % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(secs / 86400).arg((secs % 86400) / 3600);
}

// A token is held without an expiry when it was obtained (refreshedAt) but the provider gave it no lifetime.
bool doesNotExpire(const RefreshHistory &history)
{
    return !history.accessTokenExpiresAt.isValid() && history.refreshedAt.isValid() &&
           history.tokenState != TokenState::NeedsReauth;
}

void setColour(QLabel *label, const std::optional<QColor> &colour)
{
    QPalette palette = label->parentWidget() ? label->parentWidget()->palette() : DisplayFormat::applicationPalette();
    if (colour)
        palette.setColor(QPalette::WindowText, *colour);
    label->setPalette(palette);
}

} // namespace

TokenPanel::TokenPanel(OpsApi *ops, QWidget *parent)
    : QWidget(parent), m_ops(ops), m_model(new TokenTimelineModel(ops, this)),
      m_expiryLabel(valueLabel(QStringLiteral("tokenExpiryLabel"), this)),
      m_stateLabel(valueLabel(QStringLiteral("tokenPanelStateLabel"), this)),
      m_failuresLabel(valueLabel(QStringLiteral("tokenFailuresLabel"), this)),
      m_refreshedLabel(valueLabel(QStringLiteral("tokenRefreshedLabel"), this)), m_scopesList(new QListWidget(this)),
      m_timelineTable(createListTable(QStringLiteral("tokenTimelineTableView"), m_model, this))
{
    m_scopesList->setObjectName(QStringLiteral("tokenScopesListWidget"));
    m_scopesList->setSelectionMode(QAbstractItemView::NoSelection);
    m_scopesList->setMaximumHeight(110);
    m_timelineTable->horizontalHeader()->setSectionResizeMode(TokenTimelineModel::MessageColumn, QHeaderView::Stretch);
    m_timelineTable->setTextElideMode(Qt::ElideRight);

    m_emptyState = new EmptyStateWidget(
        m_timelineTable, QStringLiteral("No token refresh or authorisation yet: Refresh token starts one."), this);
    m_emptyState->setObjectName(QStringLiteral("tokenTimelineEmptyStateWidget"));
    m_emptyState->followModel(m_model, m_model->pendingCalls());

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Access token"), m_expiryLabel);
    form->addRow(QStringLiteral("State"), m_stateLabel);
    form->addRow(QStringLiteral("Failures in a row"), m_failuresLabel);
    form->addRow(QStringLiteral("Last obtained"), m_refreshedLabel);
    auto *scopes = new QVBoxLayout;
    scopes->addWidget(new QLabel(QStringLiteral("Scopes granted"), this));
    scopes->addWidget(m_scopesList);
    auto *summary = new QHBoxLayout;
    summary->setContentsMargins(6, 4, 6, 0);
    summary->addLayout(form, 1);
    summary->addLayout(scopes, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(summary);
    layout->addWidget(m_emptyState, 1);

    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &TokenPanel::updateExpiry);
    connect(m_model, &TokenTimelineModel::historyChanged, this, &TokenPanel::showHistory);
    connect(m_model, &TokenTimelineModel::loadFailed, this, &TokenPanel::errorOccurred);
    // A refresh or an authorisation, or anything else that changes the connection, may change its token.
    connect(m_ops, &OpsApi::executionFinished, this, [this](qint64 connectionId) {
        if (connectionId == m_model->connectionId())
            refresh();
    });
    connect(m_ops, &OpsApi::connectionChanged, this, [this](qint64 connectionId) {
        if (connectionId == m_model->connectionId())
            refresh();
    });
    showHistory();
}

void TokenPanel::setConnection(qint64 connectionId)
{
    m_model->setConnection(connectionId);
}

void TokenPanel::refresh()
{
    m_model->refresh();
}

QString TokenPanel::expiryText(const RefreshHistory &history, const QDateTime &now)
{
    const QDateTime &expiresAt = history.accessTokenExpiresAt;
    if (!expiresAt.isValid())
        return doesNotExpire(history) ? QStringLiteral("does not expire") : QStringLiteral("unknown");
    const qint64 left = now.secsTo(expiresAt);
    if (left > 0)
        return QStringLiteral("expires in ") + countdown(left);
    const QString ago = DisplayFormat::relativeTime(expiresAt, now);
    return QStringLiteral("expired ") + ago;
}

void TokenPanel::showHistory()
{
    const RefreshHistory &history = m_model->history();
    const TokenState state = doesNotExpire(history) ? TokenState::Valid : history.tokenState;
    m_stateLabel->setText(QStringLiteral("\u25cf ") + tokenStateName(state));
    setColour(m_stateLabel, DisplayFormat::tokenStateColor(state));

    m_failuresLabel->setText(QString::number(history.consecutiveFailures));
    QFont font = this->font();
    font.setBold(history.consecutiveFailures > 0);
    m_failuresLabel->setFont(font);
    setColour(m_failuresLabel, history.consecutiveFailures > 0
                                   ? std::optional(DisplayFormat::tokenStateColor(TokenState::Expired))
                                   : std::nullopt);

    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_refreshedLabel->setText(history.refreshedAt.isValid()
                                  ? QStringLiteral("%1 (%2)").arg(DisplayFormat::relativeTime(history.refreshedAt, now),
                                                                  DisplayFormat::shortTime(history.refreshedAt, now))
                                  : QStringLiteral("never"));
    m_refreshedLabel->setToolTip(DisplayFormat::fullTime(history.refreshedAt));

    m_scopesList->clear();
    m_scopesList->addItems(history.scopes);
    if (history.scopes.isEmpty() && history.connectionId != 0) {
        auto *none = new QListWidgetItem(QStringLiteral("(the provider named no scopes)"), m_scopesList);
        none->setFlags(Qt::NoItemFlags);
    }
    updateExpiry();
    updateTicking();
}

void TokenPanel::updateExpiry()
{
    const RefreshHistory &history = m_model->history();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_expiryLabel->setText(history.connectionId == 0 ? QString() : expiryText(history, now));
    m_expiryLabel->setToolTip(DisplayFormat::fullTime(history.accessTokenExpiresAt));
    const bool expired = history.accessTokenExpiresAt.isValid() && history.accessTokenExpiresAt <= now;
    setColour(m_expiryLabel,
              expired ? std::optional(DisplayFormat::tokenStateColor(TokenState::Expired)) : std::nullopt);
}

void TokenPanel::updateTicking()
{
    // "expired 3 min ago" keeps moving too, so an expiry is ticked past its time.
    if (isVisible() && m_model->history().accessTokenExpiresAt.isValid())
        m_tick.start();
    else
        m_tick.stop();
}

void TokenPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateExpiry();
    updateTicking();
}

void TokenPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_tick.stop();
}

} // namespace patchbay
