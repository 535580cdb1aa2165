#include "FailedRecordListModel.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace patchbay {

namespace {

QString errorText(const QJsonObject &error)
{
    // Every part the engine recorded, in the order a person reads it; a missing one is left out, not guessed.
    QStringList parts;
    const QString code = error.value(QStringLiteral("code")).toVariant().toString();
    if (!code.isEmpty())
        parts << code;
    const QString field = error.value(QStringLiteral("field")).toString();
    if (!field.isEmpty())
        parts << QStringLiteral("field %1").arg(field);
    const QJsonValue position = error.value(QStringLiteral("position"));
    if (!position.isUndefined() && !position.isNull())
        parts << QStringLiteral("position %1").arg(position.toVariant().toString());
    const QString message = error.value(QStringLiteral("message")).toString();
    return message.isEmpty() ? parts.join(QStringLiteral(", "))
                             : QStringLiteral("%1: %2").arg(parts.join(QStringLiteral(", ")), message);
}

QString firstError(const FailedRecord &record)
{
    if (record.errors.isEmpty())
        return QString();
    const QString first = errorText(record.errors.first().toObject());
    return record.errors.size() == 1 ? first
                                     : QStringLiteral("%1 (and %2 more)").arg(first).arg(record.errors.size() - 1);
}

} // namespace

FailedRecordListModel::FailedRecordListModel(OpsApi *ops, QObject *parent)
    : QAbstractTableModel(parent), m_ops(ops), m_calls(new PendingCalls(this))
{
}

void FailedRecordListModel::setExecution(qint64 executionId)
{
    show(executionId, 0);
}

void FailedRecordListModel::setConnection(qint64 connectionId)
{
    show(0, connectionId);
}

void FailedRecordListModel::show(qint64 executionId, qint64 connectionId)
{
    if (executionId == m_executionId && connectionId == m_connectionId)
        return;
    beginResetModel();
    m_executionId = executionId;
    m_connectionId = connectionId;
    m_records.clear();
    endResetModel();
    refresh();
}

void FailedRecordListModel::refresh()
{
    if (m_executionId == 0 && m_connectionId == 0)
        return;
    auto answer = m_executionId != 0 ? m_ops->executionFailedRecords(m_executionId)
                                     : m_ops->connectionFailedRecords(m_connectionId);
    m_calls->track(answer, [this, executionId = m_executionId,
                            connectionId = m_connectionId](const Result<QList<FailedRecordDetail>> &records) {
        if (executionId != m_executionId || connectionId != m_connectionId)
            return; // something else is shown now
        if (!records) {
            Q_EMIT loadFailed(records.error().message);
            return;
        }
        if (records.value() == m_records)
            return;
        beginResetModel();
        m_records = records.value();
        endResetModel();
    });
}

int FailedRecordListModel::openCount() const
{
    return int(std::count_if(m_records.begin(), m_records.end(),
                             [](const FailedRecordDetail &detail) { return !detail.record.resolvedAt.isValid(); }));
}

QString FailedRecordListModel::describe(const FailedRecordDetail &detail)
{
    const FailedRecord &record = detail.record;
    QString text = QStringLiteral("Record %1").arg(record.recordId);
    if (!detail.label.isEmpty())
        text += QStringLiteral(" \u2014 %1").arg(detail.label);
    text += QStringLiteral("\nObject: %1").arg(record.object);
    if (record.resolvedAt.isValid())
        text += QStringLiteral("\nResolved: %1").arg(record.resolvedAt.toLocalTime().toString(Qt::ISODate));
    text += QStringLiteral("\n\nErrors (%1):\n").arg(record.errors.size());
    for (const QJsonValue &error : record.errors)
        text += QStringLiteral("  \u2022 %1\n").arg(errorText(error.toObject()));
    text += QStringLiteral("\nRaw record:\n");
    QJsonParseError parseError;
    const QJsonDocument raw = QJsonDocument::fromJson(record.raw, &parseError);
    // A raw record that is not JSON is still what the provider sent: show it as it came.
    text += parseError.error == QJsonParseError::NoError ? QString::fromUtf8(raw.toJson(QJsonDocument::Indented))
                                                         : QString::fromUtf8(record.raw);
    return text;
}

int FailedRecordListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int FailedRecordListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FailedRecordListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FailedRecordDetail &detail = m_records.at(index.row());
    const bool resolved = detail.record.resolvedAt.isValid();
    switch (role) {
    case ResolvedRole:
        return resolved;
    case Qt::DisplayRole:
        switch (index.column()) {
        case RecordColumn:
            return detail.record.recordId;
        case LabelColumn:
            return detail.label.isEmpty() ? QStringLiteral("\u2014") : detail.label; // no name-like field
        case ObjectColumn:
            return detail.record.object;
        case ErrorColumn:
            return firstError(detail.record);
        case StateColumn:
            return resolved ? QStringLiteral("Resolved") : QStringLiteral("Failing");
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ErrorColumn) {
            QStringList all;
            for (const QJsonValue &error : detail.record.errors)
                all << errorText(error.toObject());
            return all.join(QLatin1Char('\n'));
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant FailedRecordListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RecordColumn:
        return QStringLiteral("Record");
    case LabelColumn:
        return QStringLiteral("Name");
    case ObjectColumn:
        return QStringLiteral("Object");
    case ErrorColumn:
        return QStringLiteral("Error");
    case StateColumn:
        return QStringLiteral("State");
    }
    return {};
}

} // namespace patchbay
