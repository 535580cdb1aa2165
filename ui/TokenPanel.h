#pragma once

#include "ops/OpsTypes.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QListWidget;
class QTableView;

namespace patchbay {

class EmptyStateWidget;
class OpsApi;
class TokenTimelineModel;

// The Tokens tab of a connection: when its access token expires (a live countdown), the scopes granted, the token's
// state, the failed operations in a row, and every refresh and authorisation with its result and the provider's
// message, newest first. Keeps itself current from the ops API's signals; the countdown ticks each second, and only
// while the tab is visible. It shows what RefreshHistory holds, which is never a token.
class TokenPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kTickMs = 1000;

    explicit TokenPanel(OpsApi *ops, QWidget *parent = nullptr);

    void setConnection(qint64 connectionId);
    void refresh();
    TokenTimelineModel *model() const { return m_model; }
    // Whether the countdown is ticking (it does only while shown, for a token with an expiry).
    bool isCountingDown() const { return m_tick.isActive(); }

    // The expiry in words at now: "expires in 4 min 12 s", "expired 3 min ago", "does not expire" (a token held
    // without an expiry) or "unknown" (no token, or nothing known of it).
    static QString expiryText(const RefreshHistory &history, const QDateTime &now);

Q_SIGNALS:
    void errorOccurred(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showHistory();
    void updateExpiry();
    void updateTicking();

    OpsApi *m_ops;
    TokenTimelineModel *m_model;
    QLabel *m_expiryLabel;
    QLabel *m_stateLabel;
    QLabel *m_failuresLabel;
    QLabel *m_refreshedLabel;
    QListWidget *m_scopesList;
    QTableView *m_timelineTable;
    EmptyStateWidget *m_emptyState;
    QTimer m_tick;
};

} // namespace patchbay
