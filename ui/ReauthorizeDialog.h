#pragma once

#include <QDialog>
#include <QUrl>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;

namespace patchbay {

class OpsApi;
struct ReauthorizationLink;

// Re-authorising one connection, the way that can work where the console is:
// - against a server: "Copy link for the customer" asks patchbayd for a re-authorisation link, copies it to the
//   clipboard and shows it with its expiry ("works once, until 14:32 (15 minutes)"), for the customer to open in
//   their own browser;
// - on this computer: the provider can only send the browser back to a loopback address here, so the dialog says
//   so and opens this computer's browser. When no browser could be opened, it says that and shows the URL to copy;
//   it never says "finish in the browser" when none opened.
class ReauthorizeDialog : public QDialog
{
    Q_OBJECT
public:
    // Opens a URL in a browser; false when none could be (QDesktopServices::openUrl unless replaced).
    using UrlOpener = std::function<bool(const QUrl &url)>;

    ReauthorizeDialog(OpsApi *ops, qint64 connectionId, const QString &connectionName, bool againstServer,
                      QWidget *parent = nullptr);

    void setUrlOpener(UrlOpener opener) { m_opener = std::move(opener); }

    // "works once, until 14:32 (15 minutes)" at now.
    static QString expiryText(const QDateTime &expiresAt, const QDateTime &now);

Q_SIGNALS:
    // This computer's browser was sent to the provider's consent page.
    void authorizationStarted(const QUrl &url);

private:
    void copyLink();
    void openBrowser();
    void showLink(const ReauthorizationLink &link);
    void showUrl(const QString &url);
    void showProblem(const QString &message);
    void fitText();

    OpsApi *m_ops;
    qint64 m_connectionId;
    UrlOpener m_opener;
    QLabel *m_explanationLabel;
    QPushButton *m_actionButton;
    QLabel *m_statusLabel;
    QLineEdit *m_urlLineEdit;
    QPushButton *m_copyUrlButton;
};

} // namespace patchbay
