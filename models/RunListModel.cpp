#include "RunListModel.h"

#include "DisplayFormat.h"

#include <QScopedValueRollback>

namespace patchbay {

RunListModel::RunListModel(OpsApi *ops, QObject *parent)
    : QAbstractTableModel(parent), m_ops(ops), m_calls(new PendingCalls(this)),
      m_palette(DisplayFormat::applicationPalette())
{}

void RunListModel::setPalette(const QPalette &palette)
{
    m_palette = palette;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::ForegroundRole});
}

void RunListModel::setFilter(const ExecutionFilter &filter)
{
    {
        QScopedValueRollback<bool> changing(m_changing, true);
        beginResetModel();
        m_filter = filter;
        m_filter.limit = kPageSize;
        m_filter.beforeId.reset();
        m_rows.clear();
        m_hasMore = false;
        m_fetching = true; // the first page is the fetch in flight
        ++m_generation;
        endResetModel();
    }
    m_calls->track(m_ops->findExecutions(m_filter),
                   [this, generation = m_generation](const Result<QList<ExecutionRow>> &page) {
                       if (generation != m_generation)
                           return; // the filter changed meanwhile
                       m_fetching = false;
                       if (!page) {
                           Q_EMIT loadFailed(page.error().message);
                           return;
                       }
                       append(page.value());
                   });
}

void RunListModel::append(const QList<ExecutionRow> &page)
{
    m_hasMore = page.size() == kPageSize;
    if (page.isEmpty())
        return;
    QScopedValueRollback<bool> changing(m_changing, true);
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(page.size()) - 1);
    m_rows.append(page);
    endInsertRows();
}

bool RunListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore && !m_fetching;
}

void RunListModel::fetchMore(const QModelIndex &parent)
{
    // Views may ask from inside the signals of a change in progress; loading then would nest insertions.
    if (!canFetchMore(parent) || m_rows.isEmpty() || m_changing)
        return;
    m_fetching = true;
    ExecutionFilter next = m_filter;
    next.beforeId = m_rows.last().execution.id; // keyset paging: seeks the index, however far back
    m_calls->track(m_ops->findExecutions(next),
                   [this, generation = m_generation](const Result<QList<ExecutionRow>> &page) {
                       if (generation != m_generation)
                           return;
                       m_fetching = false;
                       if (!page) {
                           m_hasMore = false; // not again on every scroll; refresh() tries again
                           Q_EMIT loadFailed(page.error().message);
                           return;
                       }
                       append(page.value());
                   });
}

int RunListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ExecutionRow &row = m_rows.at(index.row());
    const Execution &execution = row.execution;
    const int column = index.column();
    switch (role) {
    case ExecutionIdRole:
        return execution.id;
    case ConnectionIdRole:
        return execution.connectionId;
    case OutcomeRole:
        return row.outcome;
    case Qt::DisplayRole:
        switch (column) {
        case StartedColumn:
            return DisplayFormat::shortTime(execution.startedAt, QDateTime::currentDateTimeUtc());
        case TenantColumn:
            return row.tenantName;
        case ConnectionColumn:
            return row.connectionName;
        case ProviderColumn:
            return row.provider;
        case KindColumn:
            if (row.replayOf != 0)
                return QStringLiteral("%1 (replay of #%2)").arg(execution.kind).arg(row.replayOf);
            if (row.replayedBy != 0)
                return QStringLiteral("%1 (replayed by #%2)").arg(execution.kind).arg(row.replayedBy);
            return execution.kind;
        case ObjectColumn:
            return execution.object.isEmpty() ? QStringLiteral("\u2014") : execution.object;
        case StatusColumn:
            return DisplayFormat::executionOutcomeText(row.outcome, row.recordsFailed);
        case DurationColumn:
            return execution.finishedAt.isValid() ? DisplayFormat::duration(row.durationMs) : QString();
        case ReadColumn:
            return row.recordsRead;
        case WrittenColumn:
            return row.recordsWritten;
        case FailedColumn:
            return row.recordsFailed;
        case MessageColumn:
            return row.message;
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (column == StatusColumn)
            return DisplayFormat::executionOutcomeColor(row.outcome, m_palette);
        if (column == FailedColumn && row.recordsFailed > 0)
            return DisplayFormat::executionOutcomeColor(ExecutionOutcome::Partial, m_palette);
        return {};
    case Qt::TextAlignmentRole:
        if (column >= ReadColumn && column <= FailedColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (column == StartedColumn)
            return DisplayFormat::fullTime(execution.startedAt);
        if (column == StatusColumn && !execution.errorCode.isEmpty())
            return QStringLiteral("%1: %2").arg(execution.errorCode, execution.errorMessage);
        if (column == MessageColumn)
            return row.message;
        return {};
    default:
        return {};
    }
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList headers{
        QStringLiteral("Started"), QStringLiteral("Tenant"),  QStringLiteral("Connection"), QStringLiteral("Provider"),
        QStringLiteral("Kind"),    QStringLiteral("Object"),  QStringLiteral("Status"),     QStringLiteral("Duration"),
        QStringLiteral("Read"),    QStringLiteral("Written"), QStringLiteral("Failed"),     QStringLiteral("Message")};
    return headers.value(section);
}

} // namespace patchbay
