#include "EventListModel.h"

#include "DisplayFormat.h"

#include <QJsonDocument>

namespace patchbay {

EventListModel::EventListModel(OpsApi *ops, QObject *parent)
    : QAbstractTableModel(parent), m_ops(ops), m_calls(new PendingCalls(this))
{
}

void EventListModel::setExecution(qint64 executionId)
{
    beginResetModel();
    m_executionId = executionId;
    m_events.clear();
    endResetModel();
    refresh();
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
        if (added.isEmpty())
            return;
        const int first = int(m_events.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_events.append(added);
        endInsertRows();
    });
}

int EventListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Event &event = m_events.at(index.row());
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
