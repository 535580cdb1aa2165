#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;

namespace patchbay {

class EventListModel;

// Above an execution's events: a level filter (all, info and worse, warnings and errors, errors) and a search box,
// combined, narrowing the model they are given as the user types.
class EventFilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit EventFilterBar(EventListModel *model, QWidget *parent = nullptr);

    QLineEdit *searchLineEdit() const { return m_searchLineEdit; }

private:
    QComboBox *m_levelComboBox;
    QLineEdit *m_searchLineEdit;
};

} // namespace patchbay
