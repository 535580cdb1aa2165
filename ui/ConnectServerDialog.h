#pragma once

#include "core/SecretBytes.h"
#include "ops/remote/RemoteOps.h"

#include <QDialog>

#include <memory>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace patchbay {

// File → Connect to server…: a patchbayd's URL, an API key and optionally the CA certificate its TLS certificate
// comes from. Connect tests them (the server must say who the key is) before the dialog is accepted; what fails
// is said in the dialog, which stays open. Accepted, it hands over the RemoteOps it tested.
//
// A key crosses the network only over https; http:// is accepted for this computer (localhost) alone.
class ConnectServerDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectServerDialog(QWidget *parent = nullptr);
    ~ConnectServerDialog() override;

    void setServerUrl(const QUrl &url);
    void setApiKey(const SecretBytes &key);
    void setCaCertificatePath(const QString &path);

    QUrl serverUrl() const;
    SecretBytes apiKey() const;
    QString caCertificatePath() const;

    // Tests what is filled in, as Connect does: accepted when the server says who the key is, else the dialog says
    // what is wrong and stays open.
    void connectNow();

    // After acceptance: the tested client (once) and who its key is.
    std::unique_ptr<RemoteOps> takeRemoteOps() { return std::move(m_remote); }
    RemoteIdentity identity() const { return m_identity; }

private:
    void fail(const QString &message);

    QLineEdit *m_urlLineEdit;
    QLineEdit *m_keyLineEdit;
    QLineEdit *m_caLineEdit;
    QPushButton *m_caBrowseButton;
    QLabel *m_statusLabel;
    QDialogButtonBox *m_buttons;
    QPushButton *m_connectButton;
    std::unique_ptr<RemoteOps> m_remote;
    RemoteIdentity m_identity;
};

} // namespace patchbay
