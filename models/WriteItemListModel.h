#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractTableModel>

namespace patchbay {

// The per-record results of one write execution: which product record, created or updated, the provider's id or
// the provider's refusal.
class WriteItemListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, OperationColumn, ResultColumn, ProviderIdColumn, ErrorColumn, ColumnCount };
    enum Role {
        FailedRole = Qt::UserRole + 1, // bool
        PayloadRole,                   // the product record as JSON text
    };

    explicit WriteItemListModel(OpsApi *ops, QObject *parent = nullptr);

    // Shows the results of an execution when the ops API answers; 0 (or an execution that wrote nothing) shows
    // nothing.
    void setExecution(qint64 executionId);
    void refresh();
    // True while an answer is awaited (pendingCalls() tells when that changes).
    bool isLoading() const { return !m_calls->isEmpty(); }
    PendingCalls *pendingCalls() const { return m_calls; }
    int failedCount() const;

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
    QList<WriteItem> m_items;
};

} // namespace patchbay
