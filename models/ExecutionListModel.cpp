#include "ExecutionListModel.h"

#include "DisplayFormat.h"
#include "core/ExecutionQuery.h"

#include <QHash>
#include <QScopedValueRollback>
#include <QSet>

namespace patchbay {

namespace {

bool sameValues(const Execution &a, const Execution &b)
{
    return a.status == b.status && a.finishedAt == b.finishedAt && a.recordCount == b.recordCount &&
           a.pageCount == b.pageCount && a.requestCount == b.requestCount && a.errorCode == b.errorCode &&
           a.errorMessage == b.errorMessage;
}

QString durationText(const Execution &execution, const QDateTime &now)
{
    if (!execution.startedAt.isValid())
        return QString();
    if (execution.finishedAt.isValid())
        return DisplayFormat::duration(execution.startedAt.msecsTo(execution.finishedAt));
    return DisplayFormat::duration(execution.startedAt.msecsTo(now)) + QStringLiteral(" \u2026");
}

} // namespace

ExecutionListModel::ExecutionListModel(OpsApi *ops, QObject *parent)
    : QAbstractTableModel(parent), m_ops(ops), m_calls(new PendingCalls(this))
{}

void ExecutionListModel::setConnection(qint64 connectionId)
{
    {
        QScopedValueRollback<bool> changing(m_changing, true);
        beginResetModel();
        m_connectionId = connectionId;
        m_executions.clear();
        m_hasMore = false;
        m_fetching = false;
        endResetModel();
    }
    refresh();
}

void ExecutionListModel::refresh()
{
    if (m_connectionId == 0)
        return;
    m_calls->track(m_ops->executions(m_connectionId, kPageSize),
                   [this, connectionId = m_connectionId](const Result<QList<Execution>> &page) {
                       if (connectionId != m_connectionId)
                           return; // another connection is shown now
                       if (page)
                           mergeNewest(page.value());
                       else
                           Q_EMIT loadFailed(page.error().message);
                   });
}

void ExecutionListModel::mergeNewest(const QList<Execution> &newest)
{
    QScopedValueRollback<bool> changing(m_changing, true);
    const qint64 firstKnownId = m_executions.isEmpty() ? 0 : m_executions.first().id;
    qsizetype fresh = 0;
    while (fresh < newest.size() && newest.at(fresh).id > firstKnownId)
        ++fresh;

    if (fresh == newest.size() && !m_executions.isEmpty() && fresh == kPageSize) {
        // More new executions than one page: the gap cannot be stitched, start over.
        setConnection(m_connectionId);
        return;
    }
    if (fresh > 0) {
        beginInsertRows({}, 0, int(fresh) - 1);
        m_executions = newest.first(fresh) + m_executions;
        if (firstKnownId == 0)
            m_hasMore = newest.size() == kPageSize;
        endInsertRows();
    }

    QHash<qint64, int> rowById;
    for (int row = 0; row < m_executions.size(); ++row)
        rowById.insert(m_executions.at(row).id, row);
    QSet<qint64> seen;
    for (qsizetype i = fresh; i < newest.size(); ++i) {
        const Execution &execution = newest.at(i);
        seen.insert(execution.id);
        if (const auto row = rowById.constFind(execution.id); row != rowById.constEnd())
            updateRow(*row, execution);
    }
    // Older pages are not re-read, except for executions still running there.
    for (int row = 0; row < m_executions.size(); ++row) {
        const Execution &known = m_executions.at(row);
        if (known.status != ExecutionStatus::Running || seen.contains(known.id) || row < fresh)
            continue;
        m_calls->track(m_ops->execution(known.id),
                       [this, connectionId = m_connectionId, id = known.id](const Result<Execution> &current) {
                           const int at = rowOfExecution(id);
                           if (connectionId == m_connectionId && current && at >= 0)
                               updateRow(at, current.value());
                       });
    }
}

void ExecutionListModel::updateRow(int row, const Execution &execution)
{
    if (sameValues(m_executions.at(row), execution))
        return;
    m_executions[row] = execution;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int ExecutionListModel::rowOfExecution(qint64 executionId) const
{
    for (int row = 0; row < m_executions.size(); ++row) {
        if (m_executions.at(row).id == executionId)
            return row;
    }
    return -1;
}

int ExecutionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_executions.size());
}

int ExecutionListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool ExecutionListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore;
}

void ExecutionListModel::fetchMore(const QModelIndex &parent)
{
    // Views (and QAbstractItemModelTester) may ask for more from inside the signals of a change in
    // progress; loading then would nest an insertion inside a reset or another insertion. One page at a time.
    if (parent.isValid() || !m_hasMore || m_executions.isEmpty() || m_changing || m_fetching)
        return;
    m_fetching = true;
    const qint64 beforeId = m_executions.last().id;
    m_calls->track(m_ops->executions(m_connectionId, kPageSize, beforeId),
                   [this, connectionId = m_connectionId, beforeId](const Result<QList<Execution>> &page) {
                       // Dropped when the list started over meanwhile (setConnection ends the fetch).
                       if (connectionId != m_connectionId || !m_fetching || m_executions.isEmpty() ||
                           m_executions.last().id != beforeId)
                           return;
                       m_fetching = false;
                       if (!page) {
                           m_hasMore = false; // do not retry on every scroll; refresh() or setConnection() tries again
                           Q_EMIT loadFailed(page.error().message);
                           return;
                       }
                       m_hasMore = page->size() == kPageSize;
                       if (page->isEmpty())
                           return;
                       QScopedValueRollback<bool> changing(m_changing, true);
                       const int first = int(m_executions.size());
                       beginInsertRows({}, first, first + int(page->size()) - 1);
                       m_executions.append(page.value());
                       endInsertRows();
                   });
}

QVariant ExecutionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Execution &execution = m_executions.at(index.row());
    const int column = index.column();
    switch (role) {
    case ExecutionIdRole:
        return execution.id;
    case StatusRole:
        return execution.status;
    case Qt::DisplayRole:
        switch (column) {
        case StartedColumn:
            return DisplayFormat::shortTime(execution.startedAt, QDateTime::currentDateTimeUtc());
        case KindColumn:
            return execution.kind;
        case ObjectColumn:
            return execution.object.isEmpty() ? QStringLiteral("\u2014") : execution.object;
        case StatusColumn: // "succeeded with 3 failed records" over a run that kept failed records
            return DisplayFormat::executionOutcomeText(
                ExecutionOutcome::of(execution.status, execution.failedRecordCount), execution.failedRecordCount);
        case RecordsColumn:
            return execution.recordCount;
        case FailedColumn:
            return execution.failedRecordCount;
        case PagesColumn:
            return execution.pageCount;
        case RequestsColumn:
            return execution.requestCount;
        case DurationColumn:
            return durationText(execution, QDateTime::currentDateTimeUtc());
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (column == StatusColumn)
            return DisplayFormat::executionOutcomeColor(
                ExecutionOutcome::of(execution.status, execution.failedRecordCount),
                DisplayFormat::applicationPalette());
        if (column == FailedColumn && execution.failedRecordCount > 0)
            return DisplayFormat::executionOutcomeColor(ExecutionOutcome::Partial, DisplayFormat::applicationPalette());
        return {};
    case Qt::TextAlignmentRole:
        if (column >= RecordsColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (column == StartedColumn)
            return DisplayFormat::fullTime(execution.startedAt);
        if (column == StatusColumn && !execution.errorMessage.isEmpty())
            return QStringLiteral("%1: %2").arg(execution.errorCode, execution.errorMessage);
        if (column == FailedColumn)
            return QStringLiteral("Records that did not map and are kept raw until the mapping is fixed");
        if (column == DurationColumn && execution.finishedAt.isValid())
            return QStringLiteral("Finished %1").arg(DisplayFormat::fullTime(execution.finishedAt));
        return {};
    default:
        return {};
    }
}

QVariant ExecutionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section >= RecordsColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StartedColumn:
        return QStringLiteral("Started");
    case KindColumn:
        return QStringLiteral("Kind");
    case ObjectColumn:
        return QStringLiteral("Object");
    case StatusColumn:
        return QStringLiteral("Status");
    case RecordsColumn:
        return QStringLiteral("Records");
    case FailedColumn:
        return QStringLiteral("Failed");
    case PagesColumn:
        return QStringLiteral("Pages");
    case RequestsColumn:
        return QStringLiteral("Requests");
    case DurationColumn:
        return QStringLiteral("Duration");
    default:
        return {};
    }
}

} // namespace patchbay
