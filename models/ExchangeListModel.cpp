#include "ExchangeListModel.h"

#include "DisplayFormat.h"

namespace patchbay {

ExchangeListModel::ExchangeListModel(OpsApi *ops, QObject *parent)
    : QAbstractTableModel(parent), m_ops(ops), m_calls(new PendingCalls(this))
{
}

void ExchangeListModel::setExecution(qint64 executionId)
{
    beginResetModel();
    m_executionId = executionId;
    m_exchanges.clear();
    endResetModel();
    refresh();
}

void ExchangeListModel::refresh()
{
    if (m_executionId == 0)
        return;
    m_calls->track(m_ops->exchanges(m_executionId),
                   [this, executionId = m_executionId](const Result<QList<Exchange>> &exchanges) {
                       if (executionId != m_executionId)
                           return; // another execution is shown now
                       if (!exchanges) {
                           Q_EMIT loadFailed(exchanges.error().message);
                           return;
                       }
                       const qint64 lastKnownId = m_exchanges.isEmpty() ? 0 : m_exchanges.last().id;
                       QList<Exchange> added;
                       for (const Exchange &exchange : exchanges.value()) {
                           if (exchange.id > lastKnownId)
                               added.append(exchange);
                       }
                       if (added.isEmpty())
                           return;
                       const int first = int(m_exchanges.size());
                       beginInsertRows({}, first, first + int(added.size()) - 1);
                       m_exchanges.append(added);
                       endInsertRows();
                   });
}

int ExchangeListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_exchanges.size());
}

int ExchangeListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ExchangeListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Exchange &exchange = m_exchanges.at(index.row());
    const int column = index.column();
    switch (role) {
    case ExchangeIdRole:
        return exchange.id;
    case ExchangeRole:
        return QVariant::fromValue(exchange);
    case Qt::DisplayRole:
        switch (column) {
        case TimeColumn:
            return exchange.startedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case MethodColumn:
            return exchange.method;
        case UrlColumn:
            return exchange.url;
        case StatusColumn:
            return exchange.status == 0 ? QStringLiteral("no response") : QString::number(exchange.status);
        case DurationColumn:
            return DisplayFormat::duration(exchange.durationMs);
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (column == StatusColumn)
            return DisplayFormat::httpStatusColor(exchange.status);
        return {};
    case Qt::TextAlignmentRole:
        if (column == StatusColumn || column == DurationColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (column == TimeColumn)
            return DisplayFormat::fullTime(exchange.startedAt);
        if (column == UrlColumn)
            return exchange.url;
        if (column == StatusColumn && !exchange.error.isEmpty())
            return exchange.error;
        return {};
    default:
        return {};
    }
}

QVariant ExchangeListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && (section == StatusColumn || section == DurationColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return QStringLiteral("Time");
    case MethodColumn:
        return QStringLiteral("Method");
    case UrlColumn:
        return QStringLiteral("URL");
    case StatusColumn:
        return QStringLiteral("Status");
    case DurationColumn:
        return QStringLiteral("Duration");
    default:
        return {};
    }
}

} // namespace patchbay
