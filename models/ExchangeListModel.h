#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractTableModel>

Q_DECLARE_METATYPE(patchbay::Exchange)

namespace patchbay {

// The recorded HTTP exchanges of one execution, oldest first. They are redacted before they are
// stored, so the model passes them on as they are.
class ExchangeListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, MethodColumn, UrlColumn, StatusColumn, DurationColumn, ColumnCount };
    enum Role {
        ExchangeIdRole = Qt::UserRole + 1, // qint64
        ExchangeRole,                      // the whole patchbay::Exchange
    };

    explicit ExchangeListModel(OpsApi *ops, QObject *parent = nullptr);

    // Shows the exchanges of an execution when the ops API answers; 0 shows nothing.
    void setExecution(qint64 executionId);
    qint64 executionId() const { return m_executionId; }
    // Appends the exchanges recorded since the last load.
    void refresh();
    // True while an answer is awaited (pendingCalls() tells when that changes).
    bool isLoading() const { return !m_calls->isEmpty(); }
    PendingCalls *pendingCalls() const { return m_calls; }

    const Exchange &exchangeAt(int row) const { return m_exchanges.at(row); }

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
    QList<Exchange> m_exchanges;
};

} // namespace patchbay
