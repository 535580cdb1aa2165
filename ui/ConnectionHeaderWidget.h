#pragma once

#include "ops/OpsApi.h"

#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;

namespace patchbay {

// What a support person needs to know about one connection at a glance — who, which provider, its health and why,
// the token and the last sync (the last read or write and its outcome, from the health report) — plus the commands
// that act on it.
class ConnectionHeaderWidget : public QFrame
{
    Q_OBJECT
public:
    explicit ConnectionHeaderWidget(QWidget *parent = nullptr);

    // health: what OpsApi::health said of it; without it health and last sync show as not known yet.
    void setConnection(const ConnectionSummary &summary,
                       const std::optional<ConnectionHealthRow> &health = std::nullopt);
    void clear();
    qint64 connectionId() const { return m_connectionId; }
    QString connectionName() const;
    // The health row the header shows; nullopt when it was not given.
    std::optional<ConnectionHealthRow> health() const { return m_health; }
    // While an execution runs on the connection its commands are disabled and an indicator shows.
    void setBusy(bool busy);
    // Why the commands cannot be used at all (a key that may only look), shown as their tooltip; empty: they can.
    void setCommandsRefused(const QString &why);

Q_SIGNALS:
    void syncNowRequested(qint64 connectionId);
    void refreshTokenRequested(qint64 connectionId);
    void reauthorizeRequested(qint64 connectionId);
    // Pause / Resume (one button that toggles) and Full resync…
    void pauseRequested(qint64 connectionId);
    void resumeRequested(qint64 connectionId);
    void fullResyncRequested(qint64 connectionId);

private:
    void updateButtons();

    qint64 m_connectionId = 0;
    bool m_busy = false;
    bool m_paused = false;
    std::optional<ConnectionHealthRow> m_health;
    QString m_refused;
    QLabel *m_nameLabel;
    QLabel *m_tenantLabel;
    QLabel *m_providerLabel;
    QLabel *m_tokenStateLabel;
    QLabel *m_lastSyncLabel;
    QLabel *m_healthLabel;
    QLabel *m_statusMessageLabel;
    QProgressBar *m_busyProgressBar;
    QLabel *m_busyLabel;
    QPushButton *m_syncNowButton;
    QPushButton *m_refreshTokenButton;
    QPushButton *m_reauthorizeButton;
    QPushButton *m_pauseButton;
    QPushButton *m_fullResyncButton;
};

} // namespace patchbay
