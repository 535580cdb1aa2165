#include "EventListModel.h"

#include "DisplayFormat.h"

#include <QJsonDocument>

#include <algorithm>

namespace patchbay {

namespace {

// Unknown levels count as info: shown unless the filter asks for warnings or worse.
int severity(const QString &level)
{
    if (level == EventLevel::Debug)
        return 0;
    if (level == EventLevel::Warning)
        return 2;
    if (level == EventLevel::Error)
        return 3;
    return 1;
}

} // namespace

EventListModel::EventListModel(OpsApi *ops, QObject *parent)
    : QAbstractTableModel(parent), m_ops(ops), m_calls(new PendingCalls(this))
{
}

void EventListModel::setExecution(qint64 executionId)
{
    beginResetModel();
    m_executionId = executionId;
    m_events.clear();
    m_rows.clear();
    endResetModel();
    refresh();
}

void EventListModel::setMinimumLevel(const QString &level)
{
    if (level == m_minimumLevel)
        return;
    m_minimumLevel = level;
    applyFilter();
}

void EventListModel::setSearchText(const QString &text)
{
    if (text == m_searchText)
        return;
    m_searchText = text;
    applyFilter();
}

bool EventListModel::matches(const Event &event) const
{
    if (!m_minimumLevel.isEmpty() && severity(event.level) < severity(m_minimumLevel))
        return false;
    if (m_searchText.isEmpty())
        return true;
    return event.message.contains(m_searchText, Qt::CaseInsensitive)
           || event.level.contains(m_searchText, Qt::CaseInsensitive)
           || (!event.context.isEmpty()
               && QString::fromUtf8(QJsonDocument(event.context).toJson(QJsonDocument::Compact))
                      .contains(m_searchText, Qt::CaseInsensitive));
}

void EventListModel::applyFilter()
{
    beginResetModel();
    m_rows.clear();
    for (int index = 0; index < int(m_events.size()); ++index) {
        if (matches(m_events.at(index)))
            m_rows.append(index);
    }
    endResetModel();
}

void EventListModel::refresh()
{
    if (m_executionId == 0)
        return;
    m_calls->track(m_ops->events(m_executionId), [this, executionId = m_executionId](const Result<QList<Event>> &events) {
        if (executionId != m_executionId)
            return; // another execution is shown now
        if (!events) {
            Q_EMIT loadFailed(events.error().message);
            return;
        }
        const qint64 lastKnownId = m_events.isEmpty() ? 0 : m_events.last().id;
        QList<Event> added;
        for (const Event &event : events.value()) {
            if (event.id > lastKnownId)
                added.append(event);
        }
        // The write order, whatever order the answer came in: times can tie (or step back with the clock).
        std::sort(added.begin(), added.end(), [](const Event &a, const Event &b) { return a.id < b.id; });
        QList<int> addedRows;
        for (int index = 0; index < int(added.size()); ++index) {
            if (matches(added.at(index)))
                addedRows.append(int(m_events.size()) + index);
        }
        m_events.append(added);
        if (addedRows.isEmpty())
            return;
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(addedRows.size()) - 1);
        m_rows.append(addedRows);
        endInsertRows();
    });
}

int EventListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Event &event = eventAt(index.row());
    const int column = index.column();
    switch (role) {
    case EventIdRole:
        return event.id;
    case LevelRole:
        return event.level;
    case Qt::DisplayRole:
        switch (column) {
        case TimeColumn:
            return event.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        case LevelColumn:
            return event.level;
        case MessageColumn:
            return event.message;
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (column == LevelColumn || event.level == EventLevel::Error)
            return DisplayFormat::eventLevelColor(event.level);
        if (event.level == EventLevel::Debug)
            return DisplayFormat::eventLevelColor(event.level);
        return {};
    case Qt::DecorationRole:
        if (column == LevelColumn)
            return DisplayFormat::eventLevelColor(event.level);
        return {};
    case Qt::ToolTipRole:
        if (column == TimeColumn)
            return DisplayFormat::fullTime(event.time);
        if (column == MessageColumn) {
            if (event.context.isEmpty())
                return event.message;
            return QStringLiteral("%1\n\n%2")
                .arg(event.message,
                     QString::fromUtf8(QJsonDocument(event.context).toJson(QJsonDocument::Indented)).trimmed());
        }
        return {};
    default:
        return {};
    }
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return QStringLiteral("Time");
    case LevelColumn:
        return QStringLiteral("Level");
    case MessageColumn:
        return QStringLiteral("Message");
    default:
        return {};
    }
}

} // namespace patchbay
