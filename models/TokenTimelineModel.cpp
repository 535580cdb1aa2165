#include "TokenTimelineModel.h"

#include "DisplayFormat.h"

namespace patchbay {

namespace {

QString operationText(const QString &kind)
{
    if (kind == QLatin1String("authorize"))
        return QStringLiteral("Authorisation");
    if (kind == QLatin1String("refresh"))
        return QStringLiteral("Refresh");
    return kind;
}

} // namespace

TokenTimelineModel::TokenTimelineModel(OpsApi *ops, QObject *parent)
    : QAbstractTableModel(parent), m_ops(ops), m_calls(new PendingCalls(this))
{}

void TokenTimelineModel::setConnection(qint64 connectionId)
{
    beginResetModel();
    m_connectionId = connectionId;
    m_history = RefreshHistory{};
    endResetModel();
    Q_EMIT historyChanged();
    refresh();
}

void TokenTimelineModel::refresh()
{
    if (m_connectionId == 0)
        return;
    m_calls->track(m_ops->refreshHistory(m_connectionId),
                   [this, connectionId = m_connectionId](const Result<RefreshHistory> &history) {
                       if (connectionId != m_connectionId)
                           return; // another connection is shown now
                       if (!history) {
                           Q_EMIT loadFailed(history.error().message);
                           return;
                       }
                       if (history.value() == m_history)
                           return;
                       beginResetModel();
                       m_history = history.value();
                       endResetModel();
                       Q_EMIT historyChanged();
                   });
}

int TokenTimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_history.operations.size());
}

int TokenTimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenTimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ExecutionRow &row = m_history.operations.at(index.row());
    const Execution &execution = row.execution;
    switch (role) {
    case FailedRole:
        return row.outcome == ExecutionOutcome::Failed || row.outcome == ExecutionOutcome::Interrupted;
    case ExecutionIdRole:
        return execution.id;
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return DisplayFormat::shortTime(execution.startedAt, QDateTime::currentDateTimeUtc());
        case OperationColumn:
            return operationText(execution.kind);
        case ResultColumn:
            return DisplayFormat::executionStatusText(row.outcome);
        case MessageColumn:
            return row.message;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return DisplayFormat::fullTime(execution.startedAt);
        if (index.column() == MessageColumn)
            return row.message;
        return {};
    case Qt::ForegroundRole:
        if (index.column() == ResultColumn)
            return DisplayFormat::executionOutcomeColor(row.outcome, DisplayFormat::applicationPalette());
        return {};
    default:
        return {};
    }
}

QVariant TokenTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return QStringLiteral("Time");
    case OperationColumn:
        return QStringLiteral("Operation");
    case ResultColumn:
        return QStringLiteral("Result");
    case MessageColumn:
        return QStringLiteral("Provider's message");
    default:
        return {};
    }
}

} // namespace patchbay
