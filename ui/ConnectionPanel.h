#pragma once

#include "ReauthorizeDialog.h"
#include "ops/OpsApi.h"

#include <QTimer>
#include <QUrl>
#include <QWidget>

namespace patchbay {

class ConnectionHeaderWidget;
class DeliveriesView;
class EmptyStateWidget;
class ExecutionPanel;
class FailedRecordsView;
class TokenPanel;

// The right side of the console: the selected connection's header, its executions, the records that still fail
// to map and its tokens, or a hint to select one. Runs the connection's commands and keeps itself current while
// executions run.
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
    // Opens the re-authorisation dialog for the shown connection (ReauthorizeDialog, named "reauthorizeDialog").
    void reauthorize();
    // Whether the console works against a server (re-authorisation offers a link for the customer) or on this
    // computer (the loopback flow); and how this computer's browser is opened (tests replace it).
    void setAgainstServer(bool againstServer) { m_againstServer = againstServer; }
    void setUrlOpener(ReauthorizeDialog::UrlOpener opener) { m_urlOpener = std::move(opener); }
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
    QString m_connectionName;
    bool m_againstServer = false;
    ReauthorizeDialog::UrlOpener m_urlOpener;
    ConnectionHeaderWidget *m_header;
    ExecutionPanel *m_executionPanel;
    FailedRecordsView *m_failedRecordsView;
    DeliveriesView *m_deliveriesView;
    TokenPanel *m_tokenPanel;
    EmptyStateWidget *m_emptyState;
    QTimer m_refreshTimer;
};

} // namespace patchbay
