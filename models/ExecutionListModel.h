#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractTableModel>

namespace patchbay {

// The executions of one connection, newest first, loaded a page at a time as the view scrolls.
class ExecutionListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StartedColumn,
        KindColumn,
        ObjectColumn,
        StatusColumn,
        RecordsColumn,
        FailedColumn, // records kept raw because their mapping failed
        PagesColumn,
        RequestsColumn,
        DurationColumn,
        ColumnCount
    };
    enum Role {
        ExecutionIdRole = Qt::UserRole + 1, // qint64
        StatusRole,                         // the raw status string ("running", "succeeded", "failed", "interrupted")
    };
    static constexpr int kPageSize = 50;

    explicit ExecutionListModel(OpsApi *ops, QObject *parent = nullptr);

    // Shows the first page of a connection's executions (the rows arrive with the ops API's answer); 0 shows
    // nothing.
    void setConnection(qint64 connectionId);
    qint64 connectionId() const { return m_connectionId; }
    // Picks up executions started since the last load and the changed counts and status of the loaded
    // ones, inserting and updating rows in place so a view keeps its selection.
    void refresh();
    // True while an answer is awaited (pendingCalls() tells when that changes).
    bool isLoading() const { return !m_calls->isEmpty(); }
    PendingCalls *pendingCalls() const { return m_calls; }

    const Execution &executionAt(int row) const { return m_executions.at(row); }
    int rowOfExecution(qint64 executionId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    void mergeNewest(const QList<Execution> &newest);
    void updateRow(int row, const Execution &execution);

    OpsApi *m_ops;
    PendingCalls *m_calls;
    qint64 m_connectionId = 0;
    QList<Execution> m_executions;
    bool m_hasMore = false;
    bool m_changing = false;
    bool m_fetching = false; // a next page is on its way
};

} // namespace patchbay
