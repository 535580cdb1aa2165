#pragma once

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

    // Shows the first page of a connection's executions; 0 shows nothing.
    void setConnection(qint64 connectionId);
    qint64 connectionId() const { return m_connectionId; }
    // Picks up executions started since the last load and the changed counts and status of the loaded
    // ones, inserting and updating rows in place so a view keeps its selection.
    void refresh();

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
    void updateRow(int row, const Execution &execution);

    OpsApi *m_ops;
    qint64 m_connectionId = 0;
    QList<Execution> m_executions;
    bool m_hasMore = false;
    bool m_changing = false;
};

} // namespace patchbay
