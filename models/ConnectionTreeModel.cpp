#include "ConnectionTreeModel.h"

#include "DisplayFormat.h"

#include <QFont>
#include <QHash>

namespace patchbay {

namespace {

// internalId of a tenant row; a connection row stores its tenant's row + 1.
constexpr quintptr kTenantRowId = 0;

bool sameValues(const ConnectionSummary &a, const ConnectionSummary &b)
{
    const Connection &x = a.connection;
    const Connection &y = b.connection;
    return x.displayName == y.displayName && x.provider == y.provider && x.status == y.status &&
           x.statusMessage == y.statusMessage && x.lastSyncAt == y.lastSyncAt && x.lastSyncStatus == y.lastSyncStatus &&
           a.tenantDisplayName == b.tenantDisplayName && a.tokenState == b.tokenState &&
           a.tokenExpiresAt == b.tokenExpiresAt;
}

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace

ConnectionTreeModel::ConnectionTreeModel(OpsApi *ops, QObject *parent)
    : QAbstractItemModel(parent), m_ops(ops), m_calls(new PendingCalls(this))
{
}

void ConnectionTreeModel::reload()
{
    m_calls->track(m_ops->tenants(), [this](const Result<QList<Tenant>> &tenants) {
        if (!tenants) {
            Q_EMIT loadFailed(tenants.error().message);
            return;
        }
        m_calls->track(m_ops->connections(),
                       [this, tenantList = tenants.value()](const Result<QList<ConnectionSummary>> &connections) {
                           if (connections)
                               apply(tenantList, connections.value());
                           else
                               Q_EMIT loadFailed(connections.error().message);
                       });
    });
}

void ConnectionTreeModel::apply(const QList<Tenant> &tenants, const QList<ConnectionSummary> &connections)
{
    QList<TenantNode> fresh;
    QHash<qint64, int> rowOfTenant;
    for (const Tenant &tenant : tenants) {
        rowOfTenant.insert(tenant.id, int(fresh.size()));
        fresh.append(TenantNode{tenant, {}});
    }
    for (const ConnectionSummary &summary : connections) {
        const auto row = rowOfTenant.constFind(summary.connection.tenantId);
        if (row != rowOfTenant.constEnd())
            fresh[*row].connections.append(summary);
    }

    if (!sameShape(m_tenants, fresh)) {
        beginResetModel();
        m_tenants = std::move(fresh);
        endResetModel();
        return;
    }

    for (int t = 0; t < m_tenants.size(); ++t) {
        TenantNode &node = m_tenants[t];
        const TenantNode &update = fresh.at(t);
        if (node.tenant.displayName != update.tenant.displayName) {
            node.tenant = update.tenant;
            Q_EMIT dataChanged(index(t, 0), index(t, ColumnCount - 1));
        }
        const QModelIndex parentIndex = index(t, 0);
        for (int c = 0; c < node.connections.size(); ++c) {
            if (sameValues(node.connections.at(c), update.connections.at(c)))
                continue;
            node.connections[c] = update.connections.at(c);
            Q_EMIT dataChanged(index(c, 0, parentIndex), index(c, ColumnCount - 1, parentIndex));
        }
    }
}

void ConnectionTreeModel::reloadConnection(qint64 connectionId)
{
    if (!indexOfConnection(connectionId).isValid()) {
        reload(); // a connection we have not seen yet
        return;
    }
    m_calls->track(m_ops->connection(connectionId), [this, connectionId](const Result<ConnectionSummary> &summary) {
        if (!summary) {
            Q_EMIT loadFailed(summary.error().message);
            return;
        }
        // Looked up again: a reload may have moved the row (or dropped it) while the answer was on its way.
        const QModelIndex first = indexOfConnection(connectionId);
        if (!first.isValid())
            return;
        m_tenants[first.parent().row()].connections[first.row()] = summary.value();
        Q_EMIT dataChanged(first, first.siblingAtColumn(ColumnCount - 1));
        Q_EMIT connectionReloaded(connectionId);
    });
}

void ConnectionTreeModel::refreshRelativeTimes()
{
    for (int t = 0; t < m_tenants.size(); ++t) {
        const int count = int(m_tenants.at(t).connections.size());
        if (count == 0)
            continue;
        const QModelIndex parentIndex = index(t, 0);
        Q_EMIT dataChanged(index(0, LastSyncColumn, parentIndex), index(count - 1, LastSyncColumn, parentIndex),
                           {Qt::DisplayRole, Qt::ToolTipRole});
        Q_EMIT dataChanged(index(0, TokenColumn, parentIndex), index(count - 1, TokenColumn, parentIndex),
                           {Qt::ToolTipRole});
    }
}

QModelIndex ConnectionTreeModel::indexOfConnection(qint64 connectionId, int column) const
{
    for (int t = 0; t < m_tenants.size(); ++t) {
        const QList<ConnectionSummary> &connections = m_tenants.at(t).connections;
        for (int c = 0; c < connections.size(); ++c) {
            if (connections.at(c).connection.id == connectionId)
                return createIndex(c, column, quintptr(t) + 1);
        }
    }
    return {};
}

std::optional<ConnectionSummary> ConnectionTreeModel::connectionSummary(qint64 connectionId) const
{
    const QModelIndex found = indexOfConnection(connectionId);
    if (!found.isValid())
        return std::nullopt;
    return m_tenants.at(int(found.internalId() - 1)).connections.at(found.row());
}

QModelIndex ConnectionTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < m_tenants.size() ? createIndex(row, column, kTenantRowId) : QModelIndex();
    if (parent.internalId() != kTenantRowId || parent.row() >= m_tenants.size())
        return {};
    if (row >= m_tenants.at(parent.row()).connections.size())
        return {};
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex ConnectionTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTenantRowId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kTenantRowId);
}

int ConnectionTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_tenants.size());
    if (parent.column() != 0 || parent.internalId() != kTenantRowId)
        return 0;
    return int(m_tenants.at(parent.row()).connections.size());
}

int ConnectionTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ConnectionTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kTenantRowId)
        return tenantData(m_tenants.at(index.row()), index.column(), role);
    const TenantNode &node = m_tenants.at(int(index.internalId() - 1));
    return connectionData(node.connections.at(index.row()), index.column(), role);
}

QVariant ConnectionTreeModel::tenantData(const TenantNode &node, int column, int role) const
{
    switch (role) {
    case TenantIdRole:
        return node.tenant.id;
    case ConnectionIdRole:
        return qint64(0);
    case Qt::DisplayRole:
        return column == NameColumn ? QVariant(node.tenant.displayName) : QVariant();
    case Qt::FontRole:
        if (column == NameColumn) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == NameColumn) {
            const auto count = node.connections.size();
            return QStringLiteral("Connected user \u201c%1\u201d (%2): %3")
                .arg(node.tenant.displayName, node.tenant.name,
                     count == 1 ? QStringLiteral("1 connection") : QStringLiteral("%1 connections").arg(count));
        }
        return {};
    default:
        return {};
    }
}

QVariant ConnectionTreeModel::connectionData(const ConnectionSummary &summary, int column, int role) const
{
    const Connection &connection = summary.connection;
    switch (role) {
    case ConnectionIdRole:
        return connection.id;
    case TenantIdRole:
        return connection.tenantId;
    case TokenStateRole:
        return int(summary.tokenState);
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return connection.displayName;
        case ProviderColumn:
            return connection.provider;
        case TokenColumn:
            return tokenStateName(summary.tokenState);
        case LastSyncColumn: {
            const QString when = DisplayFormat::relativeTime(connection.lastSyncAt, now());
            if (!connection.lastSyncAt.isValid() || connection.lastSyncStatus.isEmpty())
                return when;
            return QStringLiteral("%1 \u00b7 %2")
                .arg(when, DisplayFormat::executionStatusText(connection.lastSyncStatus));
        }
        case StatusColumn:
            return DisplayFormat::connectionStatusText(connection.status);
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (column == TokenColumn)
            return DisplayFormat::tokenStateColor(summary.tokenState);
        if (column == LastSyncColumn && (connection.lastSyncStatus == ExecutionStatus::Failed ||
                                         connection.lastSyncStatus == ExecutionStatus::Interrupted))
            return DisplayFormat::executionStatusColor(connection.lastSyncStatus);
        if (column == StatusColumn && connection.status == ConnectionStatus::NeedsReauth)
            return DisplayFormat::tokenStateColor(TokenState::NeedsReauth);
        return {};
    case Qt::DecorationRole:
        if (column == TokenColumn)
            return DisplayFormat::tokenStateColor(summary.tokenState);
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case TokenColumn:
            if (!summary.tokenExpiresAt.isValid())
                return summary.tokenState == TokenState::NeedsReauth
                           ? QStringLiteral("The connected user must authorise this connection again")
                           : QStringLiteral("The provider gave no expiry time");
            return QStringLiteral("Access token expires %1 (%2)")
                .arg(DisplayFormat::fullTime(summary.tokenExpiresAt),
                     DisplayFormat::relativeTime(summary.tokenExpiresAt, now()));
        case LastSyncColumn:
            return connection.lastSyncAt.isValid() ? DisplayFormat::fullTime(connection.lastSyncAt)
                                                   : QStringLiteral("Never synced");
        case StatusColumn:
            return connection.statusMessage.isEmpty() ? QVariant() : QVariant(connection.statusMessage);
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant ConnectionTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return QStringLiteral("Name");
    case ProviderColumn:
        return QStringLiteral("Provider");
    case TokenColumn:
        return QStringLiteral("Token");
    case LastSyncColumn:
        return QStringLiteral("Last sync");
    case StatusColumn:
        return QStringLiteral("Status");
    default:
        return {};
    }
}

bool ConnectionTreeModel::sameShape(const QList<TenantNode> &a, const QList<TenantNode> &b)
{
    if (a.size() != b.size())
        return false;
    for (int t = 0; t < a.size(); ++t) {
        if (a.at(t).tenant.id != b.at(t).tenant.id || a.at(t).connections.size() != b.at(t).connections.size())
            return false;
        for (int c = 0; c < a.at(t).connections.size(); ++c) {
            if (a.at(t).connections.at(c).connection.id != b.at(t).connections.at(c).connection.id)
                return false;
        }
    }
    return true;
}

} // namespace patchbay
