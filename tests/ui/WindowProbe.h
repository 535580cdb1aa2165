#pragma once

#include "AllAnswered.h"
#include "ConnectionTreeModel.h"

#include <QTest>
#include <QTreeView>
#include <QWidget>

namespace patchbay {

// Finding and clicking what a user sees in a window, for the window tests.
class WindowProbe
{
public:
    explicit WindowProbe(const QWidget *window = nullptr) : m_window(window) {}
    void setWindow(const QWidget *window) { m_window = window; }

    // The window's widget (or action, model) of that object name; null, with a warning, when there is none.
    template <typename T> T *child(const char *name) const
    {
        T *found = m_window->findChild<T *>(QLatin1String(name));
        if (!found)
            qWarning("no child %s", name);
        return found;
    }

    // The connection's row in the Connected users tree (as the tree shows it, filters applied); invalid when hidden.
    QModelIndex connectionIndex(qint64 connectionId, int column = ConnectionTreeModel::NameColumn) const
    {
        const QAbstractItemModel *model = child<QTreeView>("connectionTreeView")->model();
        for (int t = 0; t < model->rowCount(); ++t) {
            const QModelIndex tenant = model->index(t, 0);
            for (int c = 0; c < model->rowCount(tenant); ++c) {
                const QModelIndex connection = model->index(c, column, tenant);
                if (connection.data(ConnectionTreeModel::ConnectionIdRole).toLongLong() == connectionId)
                    return connection;
            }
        }
        return {};
    }

    // Clicks the connection's row as a user does and waits for what the window asks then; false when it is not shown
    // or the click did not select it.
    bool clickConnection(qint64 connectionId) const
    {
        auto *tree = child<QTreeView>("connectionTreeView");
        const QModelIndex index = connectionIndex(connectionId);
        if (!index.isValid())
            return false;
        tree->scrollTo(index);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(index).center());
        return tree->currentIndex().data(ConnectionTreeModel::ConnectionIdRole).toLongLong() == connectionId
            && allAnswered(*m_window);
    }

private:
    const QWidget *m_window;
};

} // namespace patchbay
