#pragma once

#include "ops/OpsApi.h"

#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;

namespace patchbay {

// What a support person needs to know about one connection at a glance — who, which provider, the
// token and the last sync — plus the commands that act on it.
class ConnectionHeaderWidget : public QFrame
{
    Q_OBJECT
public:
    explicit ConnectionHeaderWidget(QWidget *parent = nullptr);

    void setConnection(const ConnectionSummary &summary);
    void clear();
    qint64 connectionId() const { return m_connectionId; }
    // While an execution runs on the connection its commands are disabled and an indicator shows.
    void setBusy(bool busy);
    // Why the commands cannot be used at all (a key that may only look), shown as their tooltip; empty: they can.
    void setCommandsRefused(const QString &why);

Q_SIGNALS:
    void syncNowRequested(qint64 connectionId);
    void refreshTokenRequested(qint64 connectionId);
    void reauthorizeRequested(qint64 connectionId);

private:
    void updateButtons();

    qint64 m_connectionId = 0;
    bool m_busy = false;
    QString m_refused;
    QLabel *m_nameLabel;
    QLabel *m_tenantLabel;
    QLabel *m_providerLabel;
    QLabel *m_tokenStateLabel;
    QLabel *m_lastSyncLabel;
    QLabel *m_statusMessageLabel;
    QProgressBar *m_busyProgressBar;
    QLabel *m_busyLabel;
    QPushButton *m_syncNowButton;
    QPushButton *m_refreshTokenButton;
    QPushButton *m_reauthorizeButton;
};

} // namespace patchbay
