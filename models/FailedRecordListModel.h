#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractTableModel>

namespace patchbay {

// The records whose mapping failed, of one execution or of one connection: one row per record, so a few thousand
// stay cheap (the view paints only the visible rows; the full text of a record is built when it is selected).
class FailedRecordListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { RecordColumn, LabelColumn, ObjectColumn, ErrorColumn, StateColumn, ColumnCount };
    enum Role {
        ResolvedRole = Qt::UserRole + 1, // bool: re-mapped (or read again) successfully since it failed
    };

    explicit FailedRecordListModel(OpsApi *ops, QObject *parent = nullptr);

    // Every failed record of an execution (resolved since or not), or the ones of a connection still failing.
    // 0 shows nothing. The rows arrive with the ops API's answer.
    void setExecution(qint64 executionId);
    void setConnection(qint64 connectionId);
    // Asks again; the rows are replaced only when the answer differs, so a view keeps its selection meanwhile.
    void refresh();
    bool isLoading() const { return !m_calls->isEmpty(); }
    PendingCalls *pendingCalls() const { return m_calls; }
    const FailedRecordDetail &recordAt(int row) const { return m_records.at(row); }
    int openCount() const;

    // What a person reads about one record: its id and label, every field error in full (code, position, field,
    // message) and the raw record as the provider sent it, pretty-printed.
    static QString describe(const FailedRecordDetail &detail);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    void show(qint64 executionId, qint64 connectionId);

    OpsApi *m_ops;
    PendingCalls *m_calls;
    qint64 m_executionId = 0;
    qint64 m_connectionId = 0;
    QList<FailedRecordDetail> m_records;
};

} // namespace patchbay
