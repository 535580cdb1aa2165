#include "ReauthorizeDialog.h"

#include "DisplayFormat.h"
#include "ops/OpsApi.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace patchbay {

namespace {

QLabel *wrappedLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ReauthorizeDialog::ReauthorizeDialog(OpsApi *ops, qint64 connectionId, const QString &connectionName,
                                     bool againstServer, QWidget *parent)
    : QDialog(parent), m_ops(ops), m_connectionId(connectionId),
      m_opener([](const QUrl &url) { return QDesktopServices::openUrl(url); }),
      m_explanationLabel(wrappedLabel(QStringLiteral("reauthorizationExplanationLabel"), this)),
      m_actionButton(new QPushButton(this)),
      m_statusLabel(wrappedLabel(QStringLiteral("reauthorizationStatusLabel"), this)),
      m_urlLineEdit(new QLineEdit(this)), m_copyUrlButton(new QPushButton(QStringLiteral("Copy"), this))
{
    setObjectName(QStringLiteral("reauthorizeDialog"));
    setWindowTitle(QStringLiteral("Re-authorise %1").arg(connectionName));
    setMinimumWidth(520);
    m_explanationLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_urlLineEdit->setObjectName(QStringLiteral("reauthorizationUrlLineEdit"));
    m_urlLineEdit->setReadOnly(true);
    m_copyUrlButton->setObjectName(QStringLiteral("copyReauthorizationUrlButton"));
    if (againstServer) {
        m_actionButton->setObjectName(QStringLiteral("copyReauthorizationLinkButton"));
        m_actionButton->setText(QStringLiteral("Copy link for the customer"));
        m_explanationLabel->setText(
            QStringLiteral("The customer authorises %1 again in their own browser: give them a link from the server. "
                           "It works once, for a short while; the connection keeps its history and syncs once "
                           "authorised.")
                .arg(connectionName));
        connect(m_actionButton, &QPushButton::clicked, this, &ReauthorizeDialog::copyLink);
    } else {
        m_actionButton->setObjectName(QStringLiteral("openReauthorizationBrowserButton"));
        m_actionButton->setText(QStringLiteral("Open the browser on this computer"));
        m_explanationLabel->setText(
            QStringLiteral("The provider sends the browser back to this computer (a loopback address), so the "
                           "authorisation can only be finished in a browser on this computer, by someone who can sign "
                           "in to the provider's account. For the customer to do it themselves, connect to a server "
                           "and copy a link for them."));
        connect(m_actionButton, &QPushButton::clicked, this, &ReauthorizeDialog::openBrowser);
    }
    connect(m_copyUrlButton, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_urlLineEdit->text()); });

    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_urlLineEdit, 1);
    urlRow->addWidget(m_copyUrlButton);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_explanationLabel);
    layout->addWidget(m_actionButton, 0, Qt::AlignLeft);
    layout->addWidget(m_statusLabel);
    layout->addLayout(urlRow);
    layout->addStretch(1);
    layout->addWidget(buttons);
    m_statusLabel->hide();
    m_urlLineEdit->hide();
    m_copyUrlButton->hide();
    fitText();
}

QString ReauthorizeDialog::expiryText(const QDateTime &expiresAt, const QDateTime &now)
{
    const qint64 minutes = qMax<qint64>(0, (now.secsTo(expiresAt) + 30) / 60);
    return QStringLiteral("works once, until %1 (%2 minute%3)")
        .arg(expiresAt.toLocalTime().toString(QStringLiteral("HH:mm")))
        .arg(minutes)
        .arg(minutes == 1 ? QString() : QStringLiteral("s"));
}

void ReauthorizeDialog::copyLink()
{
    m_actionButton->setEnabled(false);
    m_ops->createReauthorizationLink(m_connectionId).then(this, [this](const Result<ReauthorizationLink> &link) {
        m_actionButton->setEnabled(true);
        if (!link) {
            showProblem(link.error().message);
            return;
        }
        showLink(link.value());
    });
}

void ReauthorizeDialog::showLink(const ReauthorizationLink &link)
{
    QGuiApplication::clipboard()->setText(link.url);
    m_statusLabel->setText(QStringLiteral("Copied the link for the customer; it %1. Anyone with the link can "
                                          "authorise the connection: send it to the customer only.")
                               .arg(expiryText(link.expiresAt, QDateTime::currentDateTimeUtc())));
    m_statusLabel->setPalette(palette());
    m_statusLabel->show();
    showUrl(link.url);
}

void ReauthorizeDialog::openBrowser()
{
    m_actionButton->setEnabled(false);
    m_ops->beginReauthorization(m_connectionId).then(this, [this](const Result<QUrl> &url) {
        m_actionButton->setEnabled(true);
        if (!url) {
            showProblem(url.error().message);
            return;
        }
        const QString address = url->toString(QUrl::FullyEncoded);
        m_statusLabel->setPalette(palette());
        if (m_opener(url.value())) {
            m_statusLabel->setText(QStringLiteral("Finish in the browser that opened on this computer; the "
                                                  "connection updates when the provider sends you back."));
            m_statusLabel->show();
            fitText();
            Q_EMIT authorizationStarted(url.value());
            return;
        }
        m_statusLabel->setText(QStringLiteral("No browser could be opened on this computer. Open this address in a "
                                              "browser here (the provider sends it back to this computer):"));
        m_statusLabel->show();
        showUrl(address);
    });
}

void ReauthorizeDialog::showUrl(const QString &url)
{
    m_urlLineEdit->setText(url);
    m_urlLineEdit->setCursorPosition(0);
    m_urlLineEdit->show();
    m_copyUrlButton->show();
    fitText();
}

void ReauthorizeDialog::fitText()
{
    // Tall enough for the wrapped texts at the dialog's width.
    const int width = qMax(this->width(), minimumWidth());
    resize(width, qMax(height(), layout()->totalHeightForWidth(width)));
}

void ReauthorizeDialog::showProblem(const QString &message)
{
    QPalette palette = m_statusLabel->palette();
    palette.setColor(QPalette::WindowText, DisplayFormat::tokenStateColor(TokenState::Expired));
    m_statusLabel->setPalette(palette);
    m_statusLabel->setText(message);
    m_statusLabel->show();
    fitText();
}

} // namespace patchbay
