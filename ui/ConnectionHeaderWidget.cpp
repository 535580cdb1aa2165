#include "ConnectionHeaderWidget.h"

#include "CommandButton.h"
#include "DisplayFormat.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include <QVBoxLayout>

namespace patchbay {

namespace {

QLabel *fieldLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QLabel *valueLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString coloured(const QString &text, const QColor &colour)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(colour.name(), text.toHtmlEscaped());
}

} // namespace

ConnectionHeaderWidget::ConnectionHeaderWidget(QWidget *parent)
    : QFrame(parent), m_nameLabel(valueLabel(QStringLiteral("connectionNameLabel"), this)),
      m_tenantLabel(valueLabel(QStringLiteral("tenantNameLabel"), this)),
      m_providerLabel(valueLabel(QStringLiteral("providerLabel"), this)),
      m_tokenStateLabel(valueLabel(QStringLiteral("tokenStateLabel"), this)),
      m_lastSyncLabel(valueLabel(QStringLiteral("lastSyncLabel"), this)),
      m_statusMessageLabel(valueLabel(QStringLiteral("statusMessageLabel"), this)),
      m_busyProgressBar(new QProgressBar(this)),
      m_busyLabel(new QLabel(QStringLiteral("Execution running\u2026"), this)),
      m_syncNowButton(new QPushButton(QStringLiteral("Sync now"), this)),
      m_refreshTokenButton(new QPushButton(QStringLiteral("Refresh token"), this)),
      m_reauthorizeButton(new QPushButton(QStringLiteral("Re-authorise\u2026"), this))
{
    setFrameShape(QFrame::StyledPanel);

    QFont titleFont = m_nameLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_nameLabel->setFont(titleFont);

    m_tokenStateLabel->setTextFormat(Qt::RichText);
    m_lastSyncLabel->setTextFormat(Qt::RichText);
    m_statusMessageLabel->setWordWrap(true);
    m_statusMessageLabel->setAutoFillBackground(true);
    m_statusMessageLabel->setMargin(6);
    QPalette warning = m_statusMessageLabel->palette();
    warning.setColor(QPalette::Window, QColor(0xfd, 0xec, 0xea));
    warning.setColor(QPalette::WindowText, DisplayFormat::tokenStateColor(TokenState::NeedsReauth));
    m_statusMessageLabel->setPalette(warning);

    m_busyProgressBar->setObjectName(QStringLiteral("busyProgressBar"));
    m_busyProgressBar->setRange(0, 0);
    m_busyProgressBar->setTextVisible(false);
    m_busyProgressBar->setMaximumWidth(80);
    m_busyLabel->setObjectName(QStringLiteral("busyLabel"));
    m_syncNowButton->setObjectName(QStringLiteral("syncNowButton"));
    CommandButton::setToolTip(m_syncNowButton, QStringLiteral("Read every object of this connection now"));
    m_refreshTokenButton->setObjectName(QStringLiteral("refreshTokenButton"));
    CommandButton::setToolTip(m_refreshTokenButton,
                              QStringLiteral("Exchange the refresh token for a new access token now"));
    m_reauthorizeButton->setObjectName(QStringLiteral("reauthorizeButton"));
    CommandButton::setToolTip(m_reauthorizeButton,
                              QStringLiteral("Open the provider's consent page in the browser to authorise this "
                                             "connection again (after a revoked grant)"));

    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_nameLabel, 1);
    titleRow->addWidget(m_busyProgressBar);
    titleRow->addWidget(m_busyLabel);
    titleRow->addSpacing(8);
    titleRow->addWidget(m_syncNowButton);
    titleRow->addWidget(m_refreshTokenButton);
    titleRow->addWidget(m_reauthorizeButton);

    auto *fields = new QGridLayout;
    fields->setHorizontalSpacing(12);
    fields->addWidget(fieldLabel(QStringLiteral("Connected user"), this), 0, 0);
    fields->addWidget(m_tenantLabel, 0, 1);
    fields->addWidget(fieldLabel(QStringLiteral("Token"), this), 0, 2);
    fields->addWidget(m_tokenStateLabel, 0, 3);
    fields->addWidget(fieldLabel(QStringLiteral("Provider"), this), 1, 0);
    fields->addWidget(m_providerLabel, 1, 1);
    fields->addWidget(fieldLabel(QStringLiteral("Last sync"), this), 1, 2);
    fields->addWidget(m_lastSyncLabel, 1, 3);
    fields->setColumnStretch(1, 1);
    fields->setColumnStretch(3, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(titleRow);
    layout->addLayout(fields);
    layout->addWidget(m_statusMessageLabel);

    connect(m_syncNowButton, &QPushButton::clicked, this, [this] { Q_EMIT syncNowRequested(m_connectionId); });
    connect(m_refreshTokenButton, &QPushButton::clicked, this,
            [this] { Q_EMIT refreshTokenRequested(m_connectionId); });
    connect(m_reauthorizeButton, &QPushButton::clicked, this, [this] { Q_EMIT reauthorizeRequested(m_connectionId); });
    clear();
}

void ConnectionHeaderWidget::setConnection(const ConnectionSummary &summary)
{
    const Connection &connection = summary.connection;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_connectionId = connection.id;
    m_nameLabel->setText(connection.displayName);
    m_tenantLabel->setText(summary.tenantDisplayName);
    m_providerLabel->setText(connection.provider);

    QString token = QStringLiteral("\u25cf ") + tokenStateName(summary.tokenState);
    QString tokenText = coloured(token, DisplayFormat::tokenStateColor(summary.tokenState));
    if (summary.tokenExpiresAt.isValid()) {
        const bool past = summary.tokenExpiresAt < now;
        tokenText += QStringLiteral(" \u2014 %1 %2 (%3)")
                         .arg(past ? QStringLiteral("expired") : QStringLiteral("expires"),
                              DisplayFormat::relativeTime(summary.tokenExpiresAt, now),
                              DisplayFormat::shortTime(summary.tokenExpiresAt, now).toHtmlEscaped());
    }
    m_tokenStateLabel->setText(tokenText);
    m_tokenStateLabel->setToolTip(DisplayFormat::fullTime(summary.tokenExpiresAt));

    QString lastSync = DisplayFormat::relativeTime(connection.lastSyncAt, now).toHtmlEscaped();
    if (connection.lastSyncAt.isValid() && !connection.lastSyncStatus.isEmpty()) {
        lastSync +=
            QStringLiteral(" \u00b7 ") + coloured(DisplayFormat::executionStatusText(connection.lastSyncStatus),
                                                  DisplayFormat::executionStatusColor(connection.lastSyncStatus));
    }
    m_lastSyncLabel->setText(lastSync);
    m_lastSyncLabel->setToolTip(DisplayFormat::fullTime(connection.lastSyncAt));

    QString problem = connection.statusMessage;
    if (problem.isEmpty() && summary.tokenState == TokenState::NeedsReauth)
        problem = QStringLiteral("The connected user must authorise this connection again.");
    else if (connection.status == ConnectionStatus::Paused && problem.isEmpty())
        problem = QStringLiteral("This connection is paused; scheduled syncs do not run.");
    m_statusMessageLabel->setText(problem);
    m_statusMessageLabel->setVisible(!problem.isEmpty());
    updateButtons();
}

void ConnectionHeaderWidget::clear()
{
    m_connectionId = 0;
    m_busy = false;
    for (QLabel *label :
         {m_nameLabel, m_tenantLabel, m_providerLabel, m_tokenStateLabel, m_lastSyncLabel, m_statusMessageLabel})
        label->clear();
    m_statusMessageLabel->hide();
    updateButtons();
}

void ConnectionHeaderWidget::setBusy(bool busy)
{
    m_busy = busy;
    updateButtons();
}

void ConnectionHeaderWidget::setCommandsRefused(const QString &why)
{
    m_refused = why;
    updateButtons();
}

void ConnectionHeaderWidget::updateButtons()
{
    const bool enabled = m_connectionId != 0 && !m_busy && m_refused.isEmpty();
    for (QPushButton *button : {m_syncNowButton, m_refreshTokenButton, m_reauthorizeButton})
        CommandButton::update(button, enabled, m_refused);
    m_busyProgressBar->setVisible(m_busy);
    m_busyLabel->setVisible(m_busy);
}

} // namespace patchbay
