#include "Confirmation.h"

#include <QMessageBox>
#include <QPushButton>

namespace patchbay {

bool confirmCommand(QWidget *parent, const QString &objectName, const QString &title, const QString &text,
                    const QString &acceptText)
{
    QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Cancel, parent);
    box.setObjectName(objectName);
    QPushButton *accept = box.addButton(acceptText, QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == accept;
}

} // namespace patchbay
