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
        m_calls->track(m_ops->connections(), [this, tenantList = tenants.value()](
                                                 const Result<QList<ConnectionSummary>> &connections) {
            if (!connections) {
                Q_EMIT loadFailed(connections.error().message);
                return;
            }
            // Applied with the connections, so that a row is repainted once however many of its values changed.
            m_calls->track(m_ops->health(HealthFilter{}), [this, tenantList, connectionList = connections.value()](
                                                              const Result<HealthReport> &health) {
                if (health)
                    stashHealth(health.value());
                else
                    Q_EMIT loadFailed(health.error().message); // the rows keep the health they had
                apply(tenantList, connectionList);
            });
        });
    });
}

void ConnectionTreeModel::stashHealth(const HealthReport &report)
{
    for (const ConnectionHealthRow &row : report.connections)
        m_pendingConnectionHealth.insert(row.connectionId, row);
    for (const TenantHealthRow &row : report.tenants)
        m_pendingTenantHealth.insert(row.tenantId, row);
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
    // What changed, compared before the new health replaces the old.
    const auto connectionHealthChanged = [this](qint64 id) {
        const auto pending = m_pendingConnectionHealth.constFind(id);
        return pending != m_pendingConnectionHealth.constEnd() && *pending != m_connectionHealth.value(id);
    };
    const auto tenantHealthChanged = [this](qint64 id) {
        const auto pending = m_pendingTenantHealth.constFind(id);
        return pending != m_pendingTenantHealth.constEnd() && *pending != m_tenantHealth.value(id);
    };

    if (!sameShape(m_tenants, fresh)) {
        beginResetModel();
        m_tenants = std::move(fresh);
        takePendingHealth();
        endResetModel();
        return;
    }

    QList<QPair<int, int>> changedRows; // (tenant row, connection row or -1 for the tenant itself)
    for (int t = 0; t < m_tenants.size(); ++t) {
        TenantNode &node = m_tenants[t];
        const TenantNode &update = fresh.at(t);
        if (node.tenant.displayName != update.tenant.displayName || tenantHealthChanged(node.tenant.id)) {
            node.tenant = update.tenant;
            changedRows.append({t, -1});
        }
        for (int c = 0; c < node.connections.size(); ++c) {
            const ConnectionSummary &summary = update.connections.at(c);
            if (sameValues(node.connections.at(c), summary) && !connectionHealthChanged(summary.connection.id))
                continue;
            node.connections[c] = summary;
            changedRows.append({t, c});
        }
    }
    takePendingHealth();
    for (const auto &[t, c] : changedRows) {
        const QModelIndex parentIndex = c < 0 ? QModelIndex() : index(t, 0);
        const int row = c < 0 ? t : c;
        Q_EMIT dataChanged(index(row, 0, parentIndex), index(row, ColumnCount - 1, parentIndex));
    }
}

void ConnectionTreeModel::takePendingHealth()
{
    for (auto it = m_pendingConnectionHealth.cbegin(); it != m_pendingConnectionHealth.cend(); ++it)
        m_connectionHealth.insert(it.key(), it.value());
    for (auto it = m_pendingTenantHealth.cbegin(); it != m_pendingTenantHealth.cend(); ++it)
        m_tenantHealth.insert(it.key(), it.value());
    m_pendingConnectionHealth.clear();
    m_pendingTenantHealth.clear();
}

void ConnectionTreeModel::reloadConnection(qint64 connectionId)
{
    const QModelIndex known = indexOfConnection(connectionId);
    if (!known.isValid()) {
        reload(); // a connection we have not seen yet
        return;
    }
    const qint64 tenantId = known.data(TenantIdRole).toLongLong();
    m_calls->track(m_ops->connection(connectionId), [this, connectionId, tenantId](
                                                        const Result<ConnectionSummary> &summary) {
        if (!summary) {
            Q_EMIT loadFailed(summary.error().message);
            return;
        }
        m_calls->track(m_ops->health(HealthFilter{tenantId, {}, {}}),
                       [this, connectionId, fresh = summary.value()](const Result<HealthReport> &health) {
                           if (health)
                               stashHealth(health.value());
                           else
                               Q_EMIT loadFailed(health.error().message);
                           updateConnectionRow(fresh);
                           Q_EMIT connectionReloaded(connectionId);
                       });
    });
}

void ConnectionTreeModel::updateConnectionRow(const ConnectionSummary &summary)
{
    // Looked up again: a reload may have moved the row (or dropped it) while the answer was on its way.
    const QModelIndex first = indexOfConnection(summary.connection.id);
    if (!first.isValid()) {
        m_pendingConnectionHealth.clear();
        m_pendingTenantHealth.clear();
        return;
    }
    const QModelIndex tenant = first.parent();
    const qint64 tenantId = tenant.data(TenantIdRole).toLongLong();
    QList<QModelIndex> siblings;
    for (int c = 0; c < rowCount(tenant); ++c) {
        const QModelIndex sibling = index(c, 0, tenant);
        const auto pending = m_pendingConnectionHealth.constFind(sibling.data(ConnectionIdRole).toLongLong());
        if (c != first.row() && pending != m_pendingConnectionHealth.constEnd()
            && *pending != m_connectionHealth.value(pending.key()))
            siblings.append(sibling);
    }
    const bool tenantChanged = m_pendingTenantHealth.contains(tenantId)
                            && m_pendingTenantHealth.value(tenantId) != m_tenantHealth.value(tenantId);
    m_tenants[tenant.row()].connections[first.row()] = summary;
    takePendingHealth();
    Q_EMIT dataChanged(first, first.siblingAtColumn(ColumnCount - 1));
    for (const QModelIndex &sibling : std::as_const(siblings))
        Q_EMIT dataChanged(sibling, sibling.siblingAtColumn(ColumnCount - 1));
    if (tenantChanged)
        Q_EMIT dataChanged(tenant, tenant.siblingAtColumn(ColumnCount - 1));
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

std::optional<ConnectionHealthRow> ConnectionTreeModel::connectionHealth(qint64 connectionId) const
{
    const auto found = m_connectionHealth.constFind(connectionId);
    if (found == m_connectionHealth.constEnd())
        return std::nullopt;
    return *found;
}

QStringList ConnectionTreeModel::providers() const
{
    QStringList names;
    for (const TenantNode &node : m_tenants) {
        for (const ConnectionSummary &summary : node.connections)
            names.append(summary.connection.provider);
    }
    names.sort();
    names.removeDuplicates();
    return names;
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
    const auto found = m_tenantHealth.constFind(node.tenant.id);
    const TenantHealthRow *health = found == m_tenantHealth.constEnd() ? nullptr : &*found;
    switch (role) {
    case TenantIdRole:
        return node.tenant.id;
    case ConnectionIdRole:
        return qint64(0);
    case HealthRole:
        return health ? health->health : QString();
    case Qt::DisplayRole:
        if (column == NameColumn)
            return node.tenant.displayName;
        if (column == HealthColumn && health)
            return DisplayFormat::tenantHealthText(*health);
        if (column == FailedRunsColumn && health)
            return health->failedRunsLast24h;
        return {};
    case Qt::ForegroundRole:
    case Qt::DecorationRole:
        if (column == HealthColumn && health)
            return DisplayFormat::healthColor(health->health);
        if (role == Qt::ForegroundRole && column == FailedRunsColumn && health && health->failedRunsLast24h > 0)
            return DisplayFormat::healthColor(ConnectionHealth::Failing);
        return {};
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
        if (column == HealthColumn && health)
            return DisplayFormat::tenantHealthDetail(*health);
        return {};
    default:
        return {};
    }
}

QVariant ConnectionTreeModel::connectionData(const ConnectionSummary &summary, int column, int role) const
{
    const Connection &connection = summary.connection;
    const auto found = m_connectionHealth.constFind(connection.id);
    const ConnectionHealthRow *health = found == m_connectionHealth.constEnd() ? nullptr : &*found;
    switch (role) {
    case ConnectionIdRole:
        return connection.id;
    case TenantIdRole:
        return connection.tenantId;
    case TokenStateRole:
        return int(summary.tokenState);
    case HealthRole:
        return health ? health->health : QString();
    case ProviderRole:
        return connection.provider;
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return connection.displayName;
        case ProviderColumn:
            return connection.provider;
        case HealthColumn:
            return health ? DisplayFormat::healthText(health->health) : QString();
        case FailedRunsColumn:
            return health ? QVariant(health->failedRunsLast24h) : QVariant();
        case TokenColumn:
            return tokenStateName(summary.tokenState);
        case LastSyncColumn:
            return health ? DisplayFormat::lastSyncText(*health, now(), QStringLiteral(" \u00b7 "))
                          : DisplayFormat::relativeTime({}, now());
        case StatusColumn:
            return DisplayFormat::connectionStatusText(connection.status);
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (column == HealthColumn && health)
            return DisplayFormat::healthColor(health->health);
        if (column == FailedRunsColumn && health && health->failedRunsLast24h > 0)
            return DisplayFormat::healthColor(ConnectionHealth::Failing);
        if (column == TokenColumn)
            return DisplayFormat::tokenStateColor(summary.tokenState);
        if (column == LastSyncColumn && health && health->lastSyncOutcome != ExecutionOutcome::Succeeded
            && !health->lastSyncOutcome.isEmpty())
            return DisplayFormat::executionOutcomeColor(health->lastSyncOutcome,
                                                        DisplayFormat::applicationPalette());
        if (column == StatusColumn && connection.status == ConnectionStatus::NeedsReauth)
            return DisplayFormat::tokenStateColor(TokenState::NeedsReauth);
        return {};
    case Qt::DecorationRole:
        if (column == HealthColumn && health)
            return DisplayFormat::healthColor(health->health);
        if (column == TokenColumn)
            return DisplayFormat::tokenStateColor(summary.tokenState);
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case HealthColumn:
            return health && !health->reason.isEmpty() ? QVariant(health->reason) : QVariant();
        case FailedRunsColumn:
            return QStringLiteral("Executions of this connection that failed in the last 24 hours");
        case TokenColumn:
            if (!summary.tokenExpiresAt.isValid())
                return summary.tokenState == TokenState::NeedsReauth
                           ? QStringLiteral("The connected user must authorise this connection again")
                           : QStringLiteral("The provider gave no expiry time");
            return QStringLiteral("Access token expires %1 (%2)")
                .arg(DisplayFormat::fullTime(summary.tokenExpiresAt),
                     DisplayFormat::relativeTime(summary.tokenExpiresAt, now()));
        case LastSyncColumn:
            return health && health->lastSyncAt.isValid()
                       ? QStringLiteral("Last read or write finished %1").arg(DisplayFormat::fullTime(health->lastSyncAt))
                       : QStringLiteral("Never read or written");
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
    case HealthColumn:
        return QStringLiteral("Health");
    case FailedRunsColumn:
        return QStringLiteral("Failed 24 h");
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
