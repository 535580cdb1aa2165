#include "ConnectionFilterProxyModel.h"

#include "ConnectionTreeModel.h"

namespace patchbay {

void ConnectionFilterProxyModel::setText(const QString &text)
{
    changeFilter(m_text, text.trimmed());
}

void ConnectionFilterProxyModel::setHealth(const QString &health)
{
    changeFilter(m_health, health);
}

void ConnectionFilterProxyModel::setProvider(const QString &provider)
{
    changeFilter(m_provider, provider);
}

void ConnectionFilterProxyModel::changeFilter(QString &member, const QString &value)
{
    if (member == value)
        return;
    member = value;
    invalidateFilter();
}

bool ConnectionFilterProxyModel::rowHasText(const QModelIndex &sourceIndex) const
{
    if (m_text.isEmpty())
        return true;
    if (!sourceIndex.parent().isValid()) // a tenant: its name (its other columns roll up its connections')
        return sourceIndex.siblingAtColumn(0).data().toString().contains(m_text, Qt::CaseInsensitive);
    for (int column = 0; column < sourceModel()->columnCount(sourceIndex.parent()); ++column) {
        if (sourceIndex.siblingAtColumn(column).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool ConnectionFilterProxyModel::connectionAccepted(const QModelIndex &sourceIndex, bool tenantHasText) const
{
    if (!m_health.isEmpty() && sourceIndex.data(ConnectionTreeModel::HealthRole).toString() != m_health)
        return false;
    if (!m_provider.isEmpty() && sourceIndex.data(ConnectionTreeModel::ProviderRole).toString() != m_provider)
        return false;
    return tenantHasText || rowHasText(sourceIndex);
}

bool ConnectionFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (sourceParent.isValid()) // a connection
        return connectionAccepted(index, rowHasText(sourceParent));
    const bool tenantHasText = rowHasText(index);
    if (tenantHasText && !hasFilters())
        return true;
    const int count = sourceModel()->rowCount(index);
    for (int row = 0; row < count; ++row) {
        if (connectionAccepted(sourceModel()->index(row, 0, index), tenantHasText))
            return true;
    }
    return false;
}

} // namespace patchbay
