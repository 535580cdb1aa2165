#pragma once

class QAbstractItemModel;
class QString;
class QTableView;
class QWidget;

namespace patchbay {

// A read-only list table as the console's panels show them: whole rows selected one at a time, no grid or row
// numbers, columns sized to the first rows' contents (so long lazily loaded lists stay fast).
QTableView *createListTable(const QString &objectName, QAbstractItemModel *model, QWidget *parent);

} // namespace patchbay
