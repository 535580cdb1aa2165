#include "ConnectServerDialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace patchbay {

namespace {

bool isThisComputer(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

ConnectServerDialog::ConnectServerDialog(QWidget *parent)
    : QDialog(parent), m_urlLineEdit(new QLineEdit(this)), m_keyLineEdit(new QLineEdit(this)),
      m_caLineEdit(new QLineEdit(this)), m_caBrowseButton(new QPushButton(QStringLiteral("Choose\u2026"), this)),
      m_statusLabel(new QLabel(this)), m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("connectServerDialog"));
    setWindowTitle(QStringLiteral("Connect to server"));
    setMinimumWidth(520);

    m_urlLineEdit->setObjectName(QStringLiteral("serverUrlLineEdit"));
    m_urlLineEdit->setPlaceholderText(QStringLiteral("https://ops.example.com"));
    m_keyLineEdit->setObjectName(QStringLiteral("apiKeyLineEdit"));
    m_keyLineEdit->setEchoMode(QLineEdit::Password);
    m_keyLineEdit->setPlaceholderText(QStringLiteral("pb_\u2026 (a key of role admin, support or viewer)"));
    m_caLineEdit->setObjectName(QStringLiteral("caCertificateLineEdit"));
    m_caLineEdit->setPlaceholderText(QStringLiteral("Optional: the CA certificate (PEM) if not in the system's trust"));
    m_caBrowseButton->setObjectName(QStringLiteral("caCertificateBrowseButton"));
    m_statusLabel->setObjectName(QStringLiteral("connectStatusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_connectButton = m_buttons->addButton(QStringLiteral("Connect"), QDialogButtonBox::AcceptRole);
    m_connectButton->setObjectName(QStringLiteral("connectButton"));
    m_connectButton->setDefault(true);

    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caLineEdit, 1);
    caRow->addWidget(m_caBrowseButton);
    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Server URL:"), m_urlLineEdit);
    form->addRow(QStringLiteral("API key:"), m_keyLineEdit);
    form->addRow(QStringLiteral("CA certificate:"), caRow);
    auto *note = new QLabel(QStringLiteral("The key is kept in the system keychain, never in a settings file."), this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_statusLabel);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectServerDialog::connectNow);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_caBrowseButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("CA certificate"), QString(),
                                                          QStringLiteral("Certificates (*.pem *.crt *.cer *.der);;"
                                                                         "All files (*)"));
        if (!path.isEmpty())
            m_caLineEdit->setText(path);
    });
}

ConnectServerDialog::~ConnectServerDialog()
{
    m_keyLineEdit->clear();
}

void ConnectServerDialog::setServerUrl(const QUrl &url)
{
    m_urlLineEdit->setText(url.toString());
}

void ConnectServerDialog::setApiKey(const SecretBytes &key)
{
    m_keyLineEdit->setText(QString::fromLatin1(key.reveal()));
}

void ConnectServerDialog::setCaCertificatePath(const QString &path)
{
    m_caLineEdit->setText(path);
}

QUrl ConnectServerDialog::serverUrl() const
{
    return QUrl::fromUserInput(m_urlLineEdit->text().trimmed());
}

SecretBytes ConnectServerDialog::apiKey() const
{
    return SecretBytes(m_keyLineEdit->text().trimmed().toLatin1());
}

QString ConnectServerDialog::caCertificatePath() const
{
    return m_caLineEdit->text().trimmed();
}

void ConnectServerDialog::fail(const QString &message)
{
    m_remote.reset();
    m_statusLabel->setText(message);
    m_connectButton->setEnabled(true);
}

void ConnectServerDialog::connectNow()
{
    const QUrl url = serverUrl();
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
        fail(QStringLiteral("Enter the server's address, e.g. https://ops.example.com."));
        return;
    }
    if (url.scheme() == QLatin1String("http") && !isThisComputer(url.host())) {
        fail(QStringLiteral("Use https:// \u2014 the API key would cross the network unencrypted (http:// is "
                            "accepted for this computer only)."));
        return;
    }
    if (m_keyLineEdit->text().trimmed().isEmpty()) {
        fail(QStringLiteral("Enter an API key (ask the server's administrator for one of role support or viewer)."));
        return;
    }
    RemoteServer server{url, apiKey(), {}};
    if (!caCertificatePath().isEmpty()) {
        auto certificates = RemoteOps::readCaCertificates(caCertificatePath());
        if (!certificates) {
            fail(certificates.error().message);
            return;
        }
        server.caCertificates = certificates.value();
    }
    m_connectButton->setEnabled(false);
    m_statusLabel->setText(QStringLiteral("Testing the connection to %1\u2026").arg(url.host()));
    m_remote = std::make_unique<RemoteOps>(std::move(server));
    m_remote->whoami().then(this, [this](const Result<RemoteIdentity> &identity) {
        if (!identity) {
            fail(identity.error().message);
            return;
        }
        if (identity->role == ApiRole::Product) {
            fail(QStringLiteral("This is a product key (for the product's backend); the console needs a key of role "
                                "admin, support or viewer."));
            return;
        }
        m_identity = identity.value();
        accept();
    });
}

} // namespace patchbay
