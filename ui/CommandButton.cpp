#include "CommandButton.h"

#include <QAbstractButton>
#include <QVariant>

namespace patchbay::CommandButton {

namespace {
constexpr char kWhatItDoes[] = "patchbayCommandToolTip";
}

void setToolTip(QAbstractButton *button, const QString &whatItDoes)
{
    button->setProperty(kWhatItDoes, whatItDoes);
    button->setToolTip(whatItDoes);
}

void update(QAbstractButton *button, bool enabled, const QString &refused)
{
    button->setEnabled(enabled);
    button->setToolTip(refused.isEmpty() ? button->property(kWhatItDoes).toString() : refused);
}

} // namespace patchbay::CommandButton
