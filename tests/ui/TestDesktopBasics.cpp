// The console as a desktop application: the toolbar and View menu with their shortcuts (Ctrl+F, F5, Alt+Left,
// Ctrl+1..4), the window's geometry, splitters, column widths and last view kept in QSettings from one window to the
// next, and status colours that stay readable on a dark palette. With PATCHBAY_SCREENSHOT_DIR set, the window with a
// dark palette is saved there.

#include "AllAnswered.h"
#include "WindowProbe.h"
#include "ConnectionTreeModel.h"
#include "DemoDatabase.h"
#include "DisplayFormat.h"
#include "MainWindow.h"
#include "core/Clock.h"
#include "ops/LocalOps.h"
#include "store/Store.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QTreeView>

#include <cmath>

using namespace patchbay;

namespace {

// WCAG 2 contrast ratio of two colours (1 to 21).
double contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &colour) {
        const auto channel = [](double c) { return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF());
    };
    const double x = luminance(a);
    const double y = luminance(b);
    return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

QPalette darkPalette()
{
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xee, 0xee, 0xee));
    dark.setColor(QPalette::Highlight, QColor(0x2a, 0x5d, 0xa8));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    dark.setColor(QPalette::ToolTipBase, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ToolTipText, QColor(0xee, 0xee, 0xee));
    return dark;
}

// Every status colour the console paints text with.
QList<std::pair<QString, QColor>> statusColours(const QPalette &palette)
{
    QList<std::pair<QString, QColor>> colours;
    for (const QString &health : {ConnectionHealth::Healthy, ConnectionHealth::Paused, ConnectionHealth::Degraded,
                                  ConnectionHealth::NeedsReauth, ConnectionHealth::Failing})
        colours.append({health, DisplayFormat::healthColor(health, palette)});
    for (const TokenState state : {TokenState::Valid, TokenState::Expiring, TokenState::Expired, TokenState::NeedsReauth,
                                   TokenState::Unknown})
        colours.append({tokenStateName(state), DisplayFormat::tokenStateColor(state)});
    for (const QString &outcome : {ExecutionOutcome::Running, ExecutionOutcome::Succeeded, ExecutionOutcome::Partial,
                                   ExecutionOutcome::Failed, ExecutionOutcome::Interrupted})
        colours.append({outcome, DisplayFormat::executionOutcomeColor(outcome, palette)});
    for (const QString &level : {EventLevel::Debug, EventLevel::Info, EventLevel::Warning, EventLevel::Error})
        colours.append({level, DisplayFormat::eventLevelColor(level)});
    for (const int status : {200, 404, 429, 500})
        colours.append({QString::number(status), DisplayFormat::httpStatusColor(status)});
    return colours;
}

} // namespace

class TestDesktopBasics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void windowLayoutIsRememberedForTheNextWindow();
    void shortcutsGoToTheViewsAndSearch();
    void refreshAndBackFollowTheUser();
    void statusColoursKeepContrastOnLightAndDarkPalettes();

private:
    template <typename T> T *child(const char *name) const { return m_probe.template child<T>(name); }
    void openWindow();
    void clickConnection(qint64 connectionId) { QVERIFY(m_probe.clickConnection(connectionId)); }

    QTemporaryDir m_config; // the window's QSettings: a folder of the test's own, never the user's
    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<MainWindow> m_window;
    WindowProbe m_probe;
};

void TestDesktopBasics::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
}

void TestDesktopBasics::init()
{
    QSettings(QStringLiteral("patchbay"), QStringLiteral("console")).clear();
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_ops = m_demo->createOps();
    QVERIFY(m_ops);
    openWindow();
}

void TestDesktopBasics::cleanup()
{
    m_window.reset();
    m_ops.reset();
    m_demo.reset();
    QApplication::setPalette(QPalette());
}

void TestDesktopBasics::openWindow()
{
    m_window = std::make_unique<MainWindow>(m_ops.get());
    m_probe.setWindow(m_window.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    // Shortcuts go to the active window; under a display without a window manager (xvfb) it may never say it is.
    QApplication::setActiveWindow(m_window.get());
    const bool active = QTest::qWaitForWindowActive(m_window.get(), 1000);
    if (!active)
        qWarning("the window is not active: shortcuts will not reach it");
    QVERIFY(allAnswered(*m_window));
}

void TestDesktopBasics::windowLayoutIsRememberedForTheNextWindow()
{
    m_window->resize(1010, 705);
    auto *splitter = child<QSplitter>("mainSplitter");
    splitter->setSizes({400, 600});
    const QList<int> splitterSizes = splitter->sizes();
    auto *runs = child<QTableView>("runsTableView");
    runs->horizontalHeader()->resizeSection(0, 187);
    child<QTabWidget>("mainTabWidget")->setCurrentWidget(child<QWidget>("runsView"));
    QVERIFY(allAnswered(*m_window));
    m_window.reset(); // kept as it is destroyed

    openWindow();
    QCOMPARE(m_window->size(), QSize(1010, 705));
    QCOMPARE(child<QTableView>("runsTableView")->horizontalHeader()->sectionSize(0), 187);
    QCOMPARE(child<QTabWidget>("mainTabWidget")->currentWidget(), child<QWidget>("runsView"));
    // The splitter behind the Runs tab gets its sizes when it shows.
    QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
    QTRY_COMPARE(child<QSplitter>("mainSplitter")->sizes(), splitterSizes);
    QCOMPARE(QSettings(QStringLiteral("patchbay"), QStringLiteral("console")).value("window/lastView").toInt(), 1);
}

void TestDesktopBasics::shortcutsGoToTheViewsAndSearch()
{
    auto *tabs = child<QTabWidget>("mainTabWidget");
    QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(tabs->currentWidget(), child<QWidget>("runsView"));
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(child<QLineEdit>("runsSearchLineEdit")->hasFocus());

    QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(tabs->currentIndex(), 0);
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(child<QLineEdit>("tenantSearchLineEdit")->hasFocus());

    clickConnection(m_ids.acmeHubspot);
    auto *connectionTabs = child<QTabWidget>("connectionTabWidget");
    QTest::keyClick(m_window.get(), Qt::Key_4, Qt::ControlModifier);
    QCOMPARE(connectionTabs->currentIndex(), 1); // Failed records
    QTest::keyClick(m_window.get(), Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(connectionTabs->currentIndex(), 0); // Executions
    // There Ctrl+F searches the execution's events; pressed again, the connected users.
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(child<QLineEdit>("eventSearchLineEdit")->hasFocus());
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(child<QLineEdit>("tenantSearchLineEdit")->hasFocus());

    // The toolbar holds the main actions, and the View menu lists the views.
    QStringList toolbar;
    for (const QAction *action : child<QToolBar>("mainToolBar")->actions()) {
        if (!action->isSeparator())
            toolbar.append(action->text().remove(QLatin1Char('&')));
    }
    QCOMPARE(toolbar, (QStringList{QStringLiteral("Refresh"), QStringLiteral("Back"), QStringLiteral("Sync now"),
                                   QStringLiteral("Connect to server\u2026")}));
}

void TestDesktopBasics::refreshAndBackFollowTheUser()
{
    auto *back = child<QAction>("backAction");
    clickConnection(m_ids.acmeHubspot);
    clickConnection(m_ids.globexCrm);
    QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
    QVERIFY(back->isEnabled());

    auto *tree = child<QTreeView>("connectionTreeView");
    QTest::keyClick(m_window.get(), Qt::Key_Left, Qt::AltModifier);
    QCOMPARE(child<QTabWidget>("mainTabWidget")->currentIndex(), 0);
    QCOMPARE(tree->currentIndex().data(ConnectionTreeModel::ConnectionIdRole).toLongLong(), m_ids.globexCrm);
    QTest::keyClick(m_window.get(), Qt::Key_Left, Qt::AltModifier);
    QVERIFY(allAnswered(*m_window));
    QCOMPARE(tree->currentIndex().data(ConnectionTreeModel::ConnectionIdRole).toLongLong(), m_ids.acmeHubspot);

    // F5 reads the current view again: a connection added meanwhile appears.
    const qint64 added =
        m_demo->addConnection(m_ids.globex, QStringLiteral("Globex Desk"), QDateTime::currentDateTimeUtc().addDays(1));
    QTest::keyClick(m_window.get(), Qt::Key_F5);
    QVERIFY(allAnswered(*m_window));
    QVERIFY(m_probe.connectionIndex(added).isValid());
}

void TestDesktopBasics::statusColoursKeepContrastOnLightAndDarkPalettes()
{
    for (const QPalette &palette : {QPalette(QColor(0xef, 0xef, 0xef)), darkPalette()}) {
        QApplication::setPalette(palette);
        const QColor base = palette.color(QPalette::Base);
        for (const auto &[name, colour] : statusColours(palette)) {
            const double ratio = contrast(colour, base);
            QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1 (%2) on %3: %4").arg(name, colour.name(), base.name())
                                                  .arg(ratio)));
        }
        // The warning strips: their text on their own background.
        const QColor problem = DisplayFormat::healthColor(ConnectionHealth::Failing, palette);
        QVERIFY(contrast(problem, DisplayFormat::statusBackgroundColor(problem, palette)) >= 4.5);
    }
    QApplication::setPalette(darkPalette());
    clickConnection(m_ids.acmeHubspot);
    if (const QString directory = qEnvironmentVariable("PATCHBAY_SCREENSHOT_DIR"); !directory.isEmpty())
        QVERIFY(m_window->grab().save(directory + QStringLiteral("/console-dark.png")));
}

QTEST_MAIN(TestDesktopBasics)
#include "TestDesktopBasics.moc"
