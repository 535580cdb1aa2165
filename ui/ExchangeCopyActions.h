#pragma once

class QTableView;

namespace patchbay {

// Gives a view over an ExchangeListModel a context menu acting on its current row: "Copy URL" (the full URL, which
// the cell may elide) and "Copy as curl" (see curlCommand), both to the clipboard.
void addExchangeCopyActions(QTableView *view);

} // namespace patchbay
