#pragma once

#include "PendingCalls.h"
#include "ops/OpsApi.h"

#include <QAbstractItemModel>
#include <QHash>

#include <optional>

namespace patchbay {

// Tenants ("connected users") at the top level and their connections as children, with each connection's health
// (OpsApi::health: the word, the reason as tooltip, failed runs in the last 24 h), token state and last sync (the last
// read or write with its outcome, never a token operation); a tenant row rolls up the worst health of its
// connections with counts ("2 of 5 failing"). Meant to sit behind a ConnectionFilterProxyModel for search and filters.
class ConnectionTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        ProviderColumn,
        HealthColumn,
        FailedRunsColumn,
        TokenColumn,
        LastSyncColumn,
        StatusColumn,
        ColumnCount
    };
    enum Role {
        ConnectionIdRole = Qt::UserRole + 1, // qint64; 0 on tenant rows
        TenantIdRole,                        // qint64 on both kinds of rows
        TokenStateRole,                      // int(TokenState) on connection rows
        HealthRole,                          // a ConnectionHealth (a tenant's: the worst); empty before it is known
        ProviderRole,                        // the provider's name on connection rows
    };

    explicit ConnectionTreeModel(OpsApi *ops, QObject *parent = nullptr);

    // Re-queries the ops API; the rows change when the answer arrives. Updates rows in place (dataChanged) when
    // only values changed, so views keep their selection and expansion while syncs refresh it; resets when rows
    // come or go.
    void reload();
    // Re-reads one connection (and its tenant's health) and updates their rows in place when the answers arrive
    // (connectionReloaded).
    void reloadConnection(qint64 connectionId);
    // True while an answer is awaited (pendingCalls() tells when that changes).
    bool isLoading() const { return !m_calls->isEmpty(); }
    PendingCalls *pendingCalls() const { return m_calls; }
    // The "3 min ago" texts age; call this from a timer to repaint them.
    void refreshRelativeTimes();

    QModelIndex indexOfConnection(qint64 connectionId, int column = NameColumn) const;
    std::optional<ConnectionSummary> connectionSummary(qint64 connectionId) const;
    // What the last health report said of the connection; nullopt before one answered.
    std::optional<ConnectionHealthRow> connectionHealth(qint64 connectionId) const;
    // The providers of the listed connections, sorted, each once.
    QStringList providers() const;
    int tenantCount() const { return int(m_tenants.size()); }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loadFailed(const QString &message);
    // The row of the connection holds what the ops API said last.
    void connectionReloaded(qint64 connectionId);

private:
    struct TenantNode
    {
        Tenant tenant;
        QList<ConnectionSummary> connections;
    };

    QVariant tenantData(const TenantNode &node, int column, int role) const;
    QVariant connectionData(const ConnectionSummary &summary, int column, int role) const;
    static bool sameShape(const QList<TenantNode> &a, const QList<TenantNode> &b);
    void apply(const QList<Tenant> &tenants, const QList<ConnectionSummary> &connections);
    // Keeps a health report until the rows it changes are repainted (apply, updateConnectionRow).
    void stashHealth(const HealthReport &report);
    void takePendingHealth();
    void updateConnectionRow(const ConnectionSummary &summary);

    OpsApi *m_ops;
    PendingCalls *m_calls;
    QList<TenantNode> m_tenants;
    QHash<qint64, ConnectionHealthRow> m_connectionHealth; // by connection id
    QHash<qint64, TenantHealthRow> m_tenantHealth;         // by tenant id
    QHash<qint64, ConnectionHealthRow> m_pendingConnectionHealth;
    QHash<qint64, TenantHealthRow> m_pendingTenantHealth;
};

} // namespace patchbay
