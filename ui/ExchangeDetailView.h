#pragma once

#include "core/Exchange.h"

#include <QPlainTextEdit>

namespace patchbay {

// One recorded HTTP exchange as text: request line, headers and body, then status line, response
// headers and body, JSON bodies pretty-printed. Exchanges are redacted before they are stored.
class ExchangeDetailView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit ExchangeDetailView(QWidget *parent = nullptr);

    void setExchange(const Exchange &exchange);
    void clearExchange();

    static QString format(const Exchange &exchange);
};

} // namespace patchbay
