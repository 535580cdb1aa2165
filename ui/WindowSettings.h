#pragma once

class QMainWindow;
class QSettings;
class QString;
class QWidget;

namespace patchbay {

// How a window looked when it was last closed, kept in QSettings (group "window"): its geometry and state (toolbars),
// the sizes of every QSplitter and the state of every horizontal QHeaderView (column widths, order, sorting) under it,
// each keyed by the object names from the window down to it, so a widget without an object name is not kept.
namespace WindowSettings {

void save(const QMainWindow &window, QSettings &settings);
// Restores what save() kept; what was never saved, or no longer fits (a view with other columns), stays as it is.
// A splitter not shown yet (a tab behind another) gets its sizes when it is first shown, at its real size: sized
// before, it would squeeze them into its default size.
void restore(QMainWindow &window, QSettings &settings);
// The key under which a widget's state is kept: the object names of it and its ancestors below the window, joined
// with '/' (Qt's own "qt_..." names left out); empty when the widget has no object name.
QString keyOf(const QWidget &widget, const QWidget &window);

} // namespace WindowSettings

} // namespace patchbay
