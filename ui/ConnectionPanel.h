#pragma once

#include "ops/OpsApi.h"

#include <QTimer>
#include <QUrl>
#include <QWidget>

namespace patchbay {

class ConnectionHeaderWidget;
class EmptyStateWidget;
class ExecutionPanel;
class FailedRecordsView;

// The right side of the console: the selected connection's header, its executions and the records that still fail
// to map, or a hint to select one. Runs the connection's commands and keeps itself current while executions run.
class ConnectionPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kRefreshIntervalMs = 250;

    explicit ConnectionPanel(OpsApi *ops, QWidget *parent = nullptr);

    // health: the connection's row of OpsApi::health, for the header's health and last sync.
    void showConnection(const ConnectionSummary &summary,
                        const std::optional<ConnectionHealthRow> &health = std::nullopt);
    // Shows the hint instead of a connection.
    void clearConnection(const QString &hint = {});
    qint64 connectionId() const { return m_connectionId; }

    // New values for the shown connection (token, last sync): updates the header, keeps the lists.
    void updateConnection(const ConnectionSummary &summary,
                          const std::optional<ConnectionHealthRow> &health = std::nullopt);
    void updateBusy();
    // Why the connection's commands cannot be used at all (a key that may only look); empty: they can.
    void setCommandsRefused(const QString &why);
    // Refreshes the executions soon; calls within kRefreshIntervalMs share one refresh.
    void scheduleRefresh();
    void refreshNow();

    void syncNow();
    void refreshToken();
    void reauthorize();
    void pause();
    void resume();
    // Asks how far back (FullResyncDialog, named "fullResyncDialog"), then starts it.
    void fullResync();

Q_SIGNALS:
    void errorOccurred(const QString &message);
    // The browser was sent to the provider's consent page (the URL, for the status bar).
    void authorizationStarted(const QUrl &url);

private:
    void changePause(bool pause);

    OpsApi *m_ops;
    qint64 m_connectionId = 0;
    ConnectionHeaderWidget *m_header;
    ExecutionPanel *m_executionPanel;
    FailedRecordsView *m_failedRecordsView;
    EmptyStateWidget *m_emptyState;
    QTimer m_refreshTimer;
};

} // namespace patchbay
