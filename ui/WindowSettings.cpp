#include "WindowSettings.h"

#include <QEvent>
#include <QHeaderView>
#include <QMainWindow>
#include <QSettings>
#include <QSplitter>
#include <QStringList>

namespace patchbay::WindowSettings {

namespace {

const QString kGroup = QStringLiteral("window");
const QString kGeometry = QStringLiteral("geometry");
const QString kState = QStringLiteral("state");

// Gives a splitter its kept sizes when it is first shown, then goes.
class SizesOnFirstShow : public QObject
{
public:
    SizesOnFirstShow(QByteArray state, QSplitter *splitter) : QObject(splitter), m_state(std::move(state)) {}

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Show) {
            static_cast<QSplitter *>(watched)->restoreState(m_state);
            deleteLater();
        }
        return false;
    }

private:
    QByteArray m_state;
};

QString splitterKey(const QSplitter &splitter, const QWidget &window)
{
    const QString key = keyOf(splitter, window);
    return key.isEmpty() ? key : QStringLiteral("splitters/") + key;
}

// A header is named by its view (a header itself has no name).
QString headerKey(const QHeaderView &header, const QWidget &window)
{
    const auto *view = header.parentWidget();
    if (header.orientation() != Qt::Horizontal || !view)
        return {};
    const QString key = keyOf(*view, window);
    return key.isEmpty() ? key : QStringLiteral("headers/") + key;
}

} // namespace

QString keyOf(const QWidget &widget, const QWidget &window)
{
    if (widget.objectName().isEmpty())
        return {};
    QStringList names;
    for (const QWidget *at = &widget; at && at != &window; at = at->parentWidget()) {
        if (!at->objectName().isEmpty() && !at->objectName().startsWith(QLatin1String("qt_")))
            names.prepend(at->objectName());
    }
    return names.join(QLatin1Char('/'));
}

void save(const QMainWindow &window, QSettings &settings)
{
    settings.beginGroup(kGroup);
    settings.setValue(kGeometry, window.saveGeometry());
    settings.setValue(kState, window.saveState());
    for (const QSplitter *splitter : window.findChildren<QSplitter *>()) {
        if (const QString key = splitterKey(*splitter, window); !key.isEmpty())
            settings.setValue(key, splitter->saveState());
    }
    for (const QHeaderView *header : window.findChildren<QHeaderView *>()) {
        if (const QString key = headerKey(*header, window); !key.isEmpty())
            settings.setValue(key, header->saveState());
    }
    settings.endGroup();
}

void restore(QMainWindow &window, QSettings &settings)
{
    settings.beginGroup(kGroup);
    if (const QByteArray geometry = settings.value(kGeometry).toByteArray(); !geometry.isEmpty())
        window.restoreGeometry(geometry);
    if (const QByteArray state = settings.value(kState).toByteArray(); !state.isEmpty())
        window.restoreState(state);
    for (QSplitter *splitter : window.findChildren<QSplitter *>()) {
        const QString key = splitterKey(*splitter, window);
        if (key.isEmpty() || !settings.contains(key))
            continue;
        const QByteArray state = settings.value(key).toByteArray();
        if (splitter->isVisible())
            splitter->restoreState(state);
        else
            splitter->installEventFilter(new SizesOnFirstShow(state, splitter));
    }
    for (QHeaderView *header : window.findChildren<QHeaderView *>()) {
        const QString key = headerKey(*header, window);
        if (!key.isEmpty() && settings.contains(key))
            header->restoreState(settings.value(key).toByteArray());
    }
    settings.endGroup();
}

} // namespace patchbay::WindowSettings
