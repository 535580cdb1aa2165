#include "ConnectionFilterBar.h"

#include "ConnectionFilterProxyModel.h"
#include "ConnectionTreeModel.h"
#include "DisplayFormat.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>

namespace patchbay {

ConnectionFilterBar::ConnectionFilterBar(ConnectionTreeModel *model, ConnectionFilterProxyModel *proxy,
                                         QWidget *parent)
    : QWidget(parent), m_model(model), m_proxy(proxy), m_searchLineEdit(new QLineEdit(this)),
      m_healthComboBox(new QComboBox(this)), m_providerComboBox(new QComboBox(this))
{
    m_searchLineEdit->setObjectName(QStringLiteral("tenantSearchLineEdit"));
    m_searchLineEdit->setPlaceholderText(QStringLiteral("Search connected users, connections, token states\u2026"));
    m_searchLineEdit->setClearButtonEnabled(true);

    m_healthComboBox->setObjectName(QStringLiteral("healthFilterComboBox"));
    m_healthComboBox->setToolTip(QStringLiteral("Show only connections in this health"));
    m_healthComboBox->addItem(QStringLiteral("Any health"), QString());
    for (const QString &health : {ConnectionHealth::Failing, ConnectionHealth::NeedsReauth, ConnectionHealth::Degraded,
                                  ConnectionHealth::Paused, ConnectionHealth::Healthy}) {
        m_healthComboBox->addItem(DisplayFormat::healthText(health), health);
        // The swatch is painted from the palette's colour when the item is shown, like the tree's.
        m_healthComboBox->setItemData(m_healthComboBox->count() - 1, DisplayFormat::healthColor(health),
                                      Qt::DecorationRole);
    }
    m_providerComboBox->setObjectName(QStringLiteral("providerFilterComboBox"));
    m_providerComboBox->setToolTip(QStringLiteral("Show only connections to this provider"));
    m_providerComboBox->addItem(QStringLiteral("Any provider"), QString());

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_searchLineEdit, 1);
    layout->addWidget(m_healthComboBox);
    layout->addWidget(m_providerComboBox);

    connect(m_searchLineEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setText(text);
        Q_EMIT filtersChanged();
    });
    connect(m_healthComboBox, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setHealth(m_healthComboBox->currentData().toString());
        Q_EMIT filtersChanged();
    });
    connect(m_providerComboBox, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setProvider(m_providerComboBox->currentData().toString());
        Q_EMIT filtersChanged();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ConnectionFilterBar::updateProviders);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ConnectionFilterBar::updateProviders);
    updateProviders();
}

void ConnectionFilterBar::updateProviders()
{
    const QStringList providers = m_model->providers();
    QStringList listed;
    for (int i = 1; i < m_providerComboBox->count(); ++i)
        listed.append(m_providerComboBox->itemData(i).toString());
    if (listed == providers)
        return;
    // The chosen provider stays chosen, listed even when no connection has it any more (then nothing shows).
    const QString chosen = m_providerComboBox->currentData().toString();
    const QSignalBlocker blocker(m_providerComboBox);
    while (m_providerComboBox->count() > 1)
        m_providerComboBox->removeItem(1);
    for (const QString &provider : providers)
        m_providerComboBox->addItem(provider, provider);
    if (!chosen.isEmpty() && !providers.contains(chosen))
        m_providerComboBox->addItem(chosen, chosen);
    m_providerComboBox->setCurrentIndex(qMax(0, m_providerComboBox->findData(chosen)));
}

QString ConnectionFilterBar::describeFilters() const
{
    QStringList parts;
    if (!m_proxy->health().isEmpty())
        parts.append(DisplayFormat::healthText(m_proxy->health()));
    if (!m_proxy->provider().isEmpty())
        parts.append(m_proxy->provider());
    if (parts.isEmpty())
        return {};
    return parts.join(QLatin1Char(' ')) + QStringLiteral(" connections");
}

} // namespace patchbay
