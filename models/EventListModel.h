#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractTableModel>

namespace patchbay {

// The log lines (events) of one execution in the order the engine wrote them (by id): a consequence is never listed
// before its cause, even when both carry the same time. Optionally narrowed to a minimum level and a search text;
// rows are then the matching events only.
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

    // The event shown at row (of the matching ones when filtered).
    const Event &eventAt(int row) const { return m_events.at(m_rows.at(row)); }
    // Every loaded event of the execution, matching the filter or not.
    int totalCount() const { return int(m_events.size()); }

    // Shows only events of this level or more severe (debug < info < warning < error); empty shows all levels.
    void setMinimumLevel(const QString &level);
    QString minimumLevel() const { return m_minimumLevel; }
    // Shows only events whose message, level or context contains text, ignoring case; empty shows all.
    void setSearchText(const QString &text);
    QString searchText() const { return m_searchText; }
    bool isFiltered() const { return !m_minimumLevel.isEmpty() || !m_searchText.isEmpty(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    bool matches(const Event &event) const;
    void applyFilter();

    OpsApi *m_ops;
    PendingCalls *m_calls;
    qint64 m_executionId = 0;
    QList<Event> m_events; // all loaded, ascending id
    QList<int> m_rows;     // indexes into m_events of the rows shown
    QString m_minimumLevel;
    QString m_searchText;
};

} // namespace patchbay
