#include "EventFilterBar.h"

#include "EventListModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>

namespace patchbay {

EventFilterBar::EventFilterBar(EventListModel *model, QWidget *parent)
    : QWidget(parent), m_levelComboBox(new QComboBox(this)), m_searchLineEdit(new QLineEdit(this))
{
    m_levelComboBox->setObjectName(QStringLiteral("eventLevelComboBox"));
    // The data is the minimum level the model shows; debug lines only with "All levels".
    m_levelComboBox->addItem(QStringLiteral("All levels"), QString());
    m_levelComboBox->addItem(QStringLiteral("Info and above"), EventLevel::Info);
    m_levelComboBox->addItem(QStringLiteral("Warnings and errors"), EventLevel::Warning);
    m_levelComboBox->addItem(QStringLiteral("Errors only"), EventLevel::Error);
    m_levelComboBox->setToolTip(QStringLiteral("Shows only the events of this level or more severe"));

    m_searchLineEdit->setObjectName(QStringLiteral("eventSearchLineEdit"));
    m_searchLineEdit->setPlaceholderText(QStringLiteral("Search events"));
    m_searchLineEdit->setClearButtonEnabled(true);
    m_searchLineEdit->setToolTip(QStringLiteral("Matches the message, level and context of each event, ignoring case"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_levelComboBox);
    layout->addWidget(m_searchLineEdit, 1);

    connect(m_levelComboBox, &QComboBox::currentIndexChanged, model,
            [this, model] { model->setMinimumLevel(m_levelComboBox->currentData().toString()); });
    connect(m_searchLineEdit, &QLineEdit::textChanged, model, &EventListModel::setSearchText);
}

} // namespace patchbay
