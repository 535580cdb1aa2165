#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractTableModel>

namespace patchbay {

// The log lines (events) of one execution, oldest first.
class EventListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, LevelColumn, MessageColumn, ColumnCount };
    enum Role {
        EventIdRole = Qt::UserRole + 1, // qint64
        LevelRole,                      // the raw level string
    };

    explicit EventListModel(OpsApi *ops, QObject *parent = nullptr);

    // Shows the events of an execution when the ops API answers; 0 shows nothing.
    void setExecution(qint64 executionId);
    qint64 executionId() const { return m_executionId; }
    // Appends the events logged since the last load (a running execution keeps logging).
    void refresh();
    // True while an answer is awaited (pendingCalls() tells when that changes).
    bool isLoading() const { return !m_calls->isEmpty(); }
    PendingCalls *pendingCalls() const { return m_calls; }

    const Event &eventAt(int row) const { return m_events.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    OpsApi *m_ops;
    PendingCalls *m_calls;
    qint64 m_executionId = 0;
    QList<Event> m_events;
};

} // namespace patchbay
