#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractTableModel>

namespace patchbay {

// A connection's token operations (refreshes and authorisations), newest first, with the provider's message, and
// where its grant stands (RefreshHistory): what the Tokens tab shows. Never holds a token: the ops API sends none.
class TokenTimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, OperationColumn, ResultColumn, MessageColumn, ColumnCount };
    enum Role {
        FailedRole = Qt::UserRole + 1, // bool: the operation did not obtain a token
        ExecutionIdRole,               // qint64
    };

    explicit TokenTimelineModel(OpsApi *ops, QObject *parent = nullptr);

    // Shows the connection's history when the ops API answers; 0 shows nothing.
    void setConnection(qint64 connectionId);
    qint64 connectionId() const { return m_connectionId; }
    // Asks again; the rows are replaced when the answer differs.
    void refresh();
    // The last answer (connectionId 0 before the first).
    const RefreshHistory &history() const { return m_history; }
    bool isLoading() const { return !m_calls->isEmpty(); }
    PendingCalls *pendingCalls() const { return m_calls; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A new answer: the summary (expiry, scopes, state, failures) may have changed.
    void historyChanged();
    void loadFailed(const QString &message);

private:
    OpsApi *m_ops;
    PendingCalls *m_calls;
    qint64 m_connectionId = 0;
    RefreshHistory m_history;
};

} // namespace patchbay
