#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;

namespace patchbay {

class ConnectionFilterProxyModel;
class ConnectionTreeModel;

// Above the Connected users tree: the search box and the health and provider filters, which combine (a connection
// shows when it matches all three). Sets them on the proxy; the provider list follows the connections the model holds.
class ConnectionFilterBar : public QWidget
{
    Q_OBJECT
public:
    ConnectionFilterBar(ConnectionTreeModel *model, ConnectionFilterProxyModel *proxy, QWidget *parent = nullptr);

    QLineEdit *searchLineEdit() const { return m_searchLineEdit; }
    // In words, what the filters ask for ("failing hubspot connections"); empty when they ask for nothing.
    QString describeFilters() const;

Q_SIGNALS:
    // The text or a filter changed, and the proxy with it.
    void filtersChanged();

private:
    void updateProviders();

    ConnectionTreeModel *m_model;
    ConnectionFilterProxyModel *m_proxy;
    QLineEdit *m_searchLineEdit;
    QComboBox *m_healthComboBox;
    QComboBox *m_providerComboBox;
};

} // namespace patchbay
