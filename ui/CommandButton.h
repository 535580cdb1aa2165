#pragma once

#include <QString>

class QAbstractButton;

namespace patchbay {

// A button that runs a command (sync now, write again, ...): its own tooltip says what it does; when the command
// cannot be used at all (a key that may only look), it is disabled and its tooltip says why instead.
namespace CommandButton {

// The tooltip that says what the command does.
void setToolTip(QAbstractButton *button, const QString &whatItDoes);
// Enabled or not; refused (non-empty) replaces the tooltip with why.
void update(QAbstractButton *button, bool enabled, const QString &refused);

} // namespace CommandButton

} // namespace patchbay
