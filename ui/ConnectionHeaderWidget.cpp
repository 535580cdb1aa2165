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
      m_healthLabel(valueLabel(QStringLiteral("healthLabel"), this)),
      m_statusMessageLabel(valueLabel(QStringLiteral("statusMessageLabel"), this)),
      m_busyProgressBar(new QProgressBar(this)),
      m_busyLabel(new QLabel(QStringLiteral("Execution running\u2026"), this)),
      m_syncNowButton(new QPushButton(QStringLiteral("Sync now"), this)),
      m_refreshTokenButton(new QPushButton(QStringLiteral("Refresh token"), this)),
      m_reauthorizeButton(new QPushButton(QStringLiteral("Re-authorise\u2026"), this)),
      m_pauseButton(new QPushButton(QStringLiteral("Pause"), this)),
      m_fullResyncButton(new QPushButton(QStringLiteral("Full resync\u2026"), this))
{
    setFrameShape(QFrame::StyledPanel);

    QFont titleFont = m_nameLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_nameLabel->setFont(titleFont);

    m_tokenStateLabel->setTextFormat(Qt::RichText);
    m_lastSyncLabel->setTextFormat(Qt::RichText);
    m_healthLabel->setTextFormat(Qt::RichText);
    m_healthLabel->setWordWrap(true);
    m_statusMessageLabel->setWordWrap(true);
    m_statusMessageLabel->setAutoFillBackground(true);
    m_statusMessageLabel->setMargin(6);
    QPalette warning = m_statusMessageLabel->palette();
    const QColor problem = DisplayFormat::tokenStateColor(TokenState::NeedsReauth);
    warning.setColor(QPalette::Window, DisplayFormat::statusBackgroundColor(problem, warning));
    warning.setColor(QPalette::WindowText, problem);
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

    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_fullResyncButton->setObjectName(QStringLiteral("fullResyncButton"));
    CommandButton::setToolTip(m_fullResyncButton,
                              QStringLiteral("Read every object of this connection again, from the start of its history "
                                             "or from a date"));

    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_nameLabel, 1);
    titleRow->addWidget(m_busyProgressBar);
    titleRow->addWidget(m_busyLabel);
    // The commands on a row of their own: beside the name they would squeeze it in a narrow panel.
    auto *commandRow = new QHBoxLayout;
    commandRow->addWidget(m_syncNowButton);
    commandRow->addWidget(m_fullResyncButton);
    commandRow->addWidget(m_pauseButton);
    commandRow->addWidget(m_refreshTokenButton);
    commandRow->addWidget(m_reauthorizeButton);
    commandRow->addStretch(1);

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
    fields->addWidget(fieldLabel(QStringLiteral("Health"), this), 2, 0);
    fields->addWidget(m_healthLabel, 2, 1, 1, 3);
    fields->setColumnStretch(1, 1);
    fields->setColumnStretch(3, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(titleRow);
    layout->addLayout(commandRow);
    layout->addLayout(fields);
    layout->addWidget(m_statusMessageLabel);

    connect(m_syncNowButton, &QPushButton::clicked, this, [this] { Q_EMIT syncNowRequested(m_connectionId); });
    connect(m_refreshTokenButton, &QPushButton::clicked, this,
            [this] { Q_EMIT refreshTokenRequested(m_connectionId); });
    connect(m_reauthorizeButton, &QPushButton::clicked, this, [this] { Q_EMIT reauthorizeRequested(m_connectionId); });
    connect(m_pauseButton, &QPushButton::clicked, this, [this] {
        if (m_paused)
            Q_EMIT resumeRequested(m_connectionId);
        else
            Q_EMIT pauseRequested(m_connectionId);
    });
    connect(m_fullResyncButton, &QPushButton::clicked, this, [this] { Q_EMIT fullResyncRequested(m_connectionId); });
    clear();
}

void ConnectionHeaderWidget::setConnection(const ConnectionSummary &summary,
                                           const std::optional<ConnectionHealthRow> &health)
{
    const Connection &connection = summary.connection;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_connectionId = connection.id;
    m_paused = connection.status == ConnectionStatus::Paused;
    m_health = health;
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

    if (health) {
        QString lastSync = DisplayFormat::relativeTime(health->lastSyncAt, now).toHtmlEscaped();
        if (health->lastSyncAt.isValid() && !health->lastSyncOutcome.isEmpty()) {
            const QString &outcome = health->lastSyncOutcome;
            lastSync += QStringLiteral(" \u2014 ")
                      + coloured(DisplayFormat::executionOutcomeText(outcome, health->lastSyncFailedRecords),
                                 DisplayFormat::executionOutcomeColor(outcome, DisplayFormat::applicationPalette()));
        }
        m_lastSyncLabel->setText(lastSync);
        m_lastSyncLabel->setToolTip(health->lastSyncAt.isValid()
                                        ? QStringLiteral("Last read or write finished %1")
                                              .arg(DisplayFormat::fullTime(health->lastSyncAt))
                                        : QStringLiteral("Never read or written"));
        QString healthText = coloured(QStringLiteral("\u25cf ") + DisplayFormat::healthText(health->health),
                                      DisplayFormat::healthColor(health->health));
        if (!health->reason.isEmpty())
            healthText += QStringLiteral(" \u2014 ") + health->reason.toHtmlEscaped();
        if (health->failedRunsLast24h > 0)
            healthText += QStringLiteral(" (%1 failed run%2 in the last 24 h)")
                              .arg(health->failedRunsLast24h)
                              .arg(health->failedRunsLast24h == 1 ? QLatin1String() : QLatin1String("s"));
        m_healthLabel->setText(healthText);
        m_healthLabel->setToolTip(health->reason);
    } else {
        m_lastSyncLabel->setText(QStringLiteral("\u2026"));
        m_lastSyncLabel->setToolTip(QString());
        m_healthLabel->setText(QStringLiteral("\u2026"));
        m_healthLabel->setToolTip(QString());
    }

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
    m_paused = false;
    m_health.reset();
    for (QLabel *label :
         {m_nameLabel, m_tenantLabel, m_providerLabel, m_tokenStateLabel, m_lastSyncLabel, m_healthLabel,
          m_statusMessageLabel})
        label->clear();
    m_statusMessageLabel->hide();
    updateButtons();
}

QString ConnectionHeaderWidget::connectionName() const
{
    return m_nameLabel->text();
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
    for (QPushButton *button : {m_refreshTokenButton, m_reauthorizeButton})
        CommandButton::update(button, enabled, m_refused);
    // A paused connection is not read, on request either: say so where the reads are asked for.
    const QString notRead = m_refused.isEmpty() && m_paused
                                ? QStringLiteral("This connection is paused: resume it to read it")
                                : m_refused;
    for (QPushButton *button : {m_syncNowButton, m_fullResyncButton})
        CommandButton::update(button, enabled && !m_paused, notRead);
    m_pauseButton->setText(m_paused ? QStringLiteral("Resume") : QStringLiteral("Pause"));
    CommandButton::setToolTip(m_pauseButton, m_paused
                                                 ? QStringLiteral("Read this connection again on its schedule")
                                                 : QStringLiteral("Stop reading this connection, on schedule or on "
                                                                  "request, until it is resumed"));
    CommandButton::update(m_pauseButton, m_connectionId != 0 && m_refused.isEmpty(), m_refused);
    m_busyProgressBar->setVisible(m_busy);
    m_busyLabel->setVisible(m_busy);
}

} // namespace patchbay
