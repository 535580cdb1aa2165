#include "ExchangeCopyActions.h"

#include "CurlCommand.h"
#include "ExchangeListModel.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QTableView>

#include <functional>

namespace patchbay {

namespace {

void addCopyAction(QTableView *view, const QString &objectName, const QString &text,
                   const std::function<QString(const Exchange &)> &format)
{
    auto *action = new QAction(text, view);
    action->setObjectName(objectName);
    QObject::connect(action, &QAction::triggered, view, [view, format] {
        const QModelIndex current = view->currentIndex();
        if (!current.isValid())
            return;
        QGuiApplication::clipboard()->setText(format(current.data(ExchangeListModel::ExchangeRole).value<Exchange>()));
    });
    view->addAction(action);
}

} // namespace

void addExchangeCopyActions(QTableView *view)
{
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    addCopyAction(view, QStringLiteral("copyUrlAction"), QStringLiteral("Copy URL"),
                  [](const Exchange &exchange) { return exchange.url; });
    addCopyAction(view, QStringLiteral("copyAsCurlAction"), QStringLiteral("Copy as curl"), curlCommand);
}

} // namespace patchbay
