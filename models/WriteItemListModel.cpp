#include "WriteItemListModel.h"

#include "DisplayFormat.h"

namespace patchbay {

WriteItemListModel::WriteItemListModel(OpsApi *ops, QObject *parent)
    : QAbstractTableModel(parent), m_ops(ops), m_calls(new PendingCalls(this))
{
}

void WriteItemListModel::setExecution(qint64 executionId)
{
    beginResetModel();
    m_executionId = executionId;
    m_items.clear();
    endResetModel();
    refresh();
}

void WriteItemListModel::refresh()
{
    if (m_executionId == 0)
        return;
    m_calls->track(m_ops->writeItems(m_executionId),
                   [this, executionId = m_executionId](const Result<QList<WriteItem>> &items) {
                       if (executionId != m_executionId)
                           return; // another execution is shown now
                       if (!items) {
                           Q_EMIT loadFailed(items.error().message);
                           return;
                       }
                       if (items->size() <= m_items.size())
                           return;
                       const int first = int(m_items.size());
                       beginInsertRows({}, first, int(items->size()) - 1);
                       m_items = items.value();
                       endInsertRows();
                   });
}

int WriteItemListModel::failedCount() const
{
    return int(std::count_if(m_items.begin(), m_items.end(),
                             [](const WriteItem &item) { return item.status != QLatin1String("succeeded"); }));
}

int WriteItemListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int WriteItemListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WriteItemListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const WriteItem &item = m_items.at(index.row());
    const bool failed = item.status != QLatin1String("succeeded");
    switch (role) {
    case FailedRole:
        return failed;
    case PayloadRole:
        return QString::fromUtf8(item.payload);
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn:
            return item.key;
        case OperationColumn:
            return item.operation == QLatin1String("create") ? QStringLiteral("Create") : QStringLiteral("Update");
        case ResultColumn:
            return failed ? QStringLiteral("Failed") : QStringLiteral("Written");
        case ProviderIdColumn:
            return item.providerId;
        case ErrorColumn:
            return failed ? QStringLiteral("%1 — %2").arg(item.errorCode, item.errorMessage) : QString();
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ErrorColumn && failed)
            return item.errorMessage;
        if (index.column() == KeyColumn)
            return QString::fromUtf8(item.payload);
        break;
    case Qt::ForegroundRole:
        if (index.column() == ResultColumn)
            return DisplayFormat::executionStatusColor(failed ? ExecutionStatus::Failed : ExecutionStatus::Succeeded);
        break;
    default:
        break;
    }
    return {};
}

QVariant WriteItemListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return QStringLiteral("Record");
    case OperationColumn:
        return QStringLiteral("Operation");
    case ResultColumn:
        return QStringLiteral("Result");
    case ProviderIdColumn:
        return QStringLiteral("Provider id");
    case ErrorColumn:
        return QStringLiteral("Provider's answer");
    }
    return {};
}

} // namespace patchbay
