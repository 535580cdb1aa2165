#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractTableModel>
#include <QPalette>

namespace patchbay {

// Executions of every tenant as the Runs view lists them (OpsApi::findExecutions), newest first, filtered, loaded
// a page at a time as the view scrolls (fetchMore), each page asking for the executions older than the last row.
class RunListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StartedColumn,
        TenantColumn,
        ConnectionColumn,
        ProviderColumn,
        KindColumn,
        ObjectColumn,
        StatusColumn, // the outcome: "succeeded with 161 failed records" is not "succeeded"
        DurationColumn,
        ReadColumn,
        WrittenColumn,
        FailedColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role {
        ExecutionIdRole = Qt::UserRole + 1, // qint64
        ConnectionIdRole,                   // qint64
        OutcomeRole,                        // ExecutionOutcome
    };
    static constexpr int kPageSize = 50;

    explicit RunListModel(OpsApi *ops, QObject *parent = nullptr);

    // Shows the first page of what the filter finds (its limit and beforeId are the model's own); the rows arrive
    // with the answer. An answer to an earlier filter is dropped.
    void setFilter(const ExecutionFilter &filter);
    const ExecutionFilter &filter() const { return m_filter; }
    // Asks the first page again, keeping the filter.
    void refresh() { setFilter(m_filter); }
    // The colours follow this palette (a dark theme gets light colours); the application's when never set.
    void setPalette(const QPalette &palette);

    bool isLoading() const { return !m_calls->isEmpty(); }
    PendingCalls *pendingCalls() const { return m_calls; }
    const ExecutionRow &rowAt(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    void append(const QList<ExecutionRow> &page);

    OpsApi *m_ops;
    PendingCalls *m_calls;
    ExecutionFilter m_filter;
    QList<ExecutionRow> m_rows;
    QPalette m_palette;
    quint64 m_generation = 0; // bumped by setFilter: answers of an older one are dropped
    bool m_hasMore = false;
    bool m_fetching = false;
    bool m_changing = false;
};

} // namespace patchbay
