#pragma once

#include <QSortFilterProxyModel>

namespace patchbay {

// The Connected users tree as the search box and the filters leave it (over a ConnectionTreeModel). A connection
// shows when it has the health and the provider asked for (empty: any) and the text is in one of its columns or in
// its tenant's name (ASCII case ignored); a tenant shows when one of its connections does, or, with no health or
// provider asked for, when the text is in its name (then with all its connections).
class ConnectionFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setText(const QString &text);
    void setHealth(const QString &health); // a ConnectionHealth; empty: any
    void setProvider(const QString &provider);
    QString text() const { return m_text; }
    QString health() const { return m_health; }
    QString provider() const { return m_provider; }
    // Whether a health or provider is asked for (the text aside).
    bool hasFilters() const { return !m_health.isEmpty() || !m_provider.isEmpty(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    bool rowHasText(const QModelIndex &sourceIndex) const;
    bool connectionAccepted(const QModelIndex &sourceIndex, bool tenantHasText) const;
    void changeFilter(QString &member, const QString &value);

    QString m_text;
    QString m_health;
    QString m_provider;
};

} // namespace patchbay
