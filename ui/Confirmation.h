#pragma once

#include <QString>

class QWidget;

namespace patchbay {

// Asks before a command that changes data: a modal question saying what will happen, Cancel by default. True when
// the user chose acceptText. The box is named objectName, for tests that answer it.
bool confirmCommand(QWidget *parent, const QString &objectName, const QString &title, const QString &text,
                    const QString &acceptText);

} // namespace patchbay
