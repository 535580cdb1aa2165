#include "AllAnswered.h"
#include "CurlCommand.h"
#include "DemoDatabase.h"
#include "EmptyStateWidget.h"
#include "EventListModel.h"
#include "ExchangeListModel.h"
#include "ExecutionPanel.h"
#include "ops/LocalOps.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLineEdit>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <algorithm>

using namespace patchbay;

// An execution's events narrowed by level and search, and an exchange copied as its URL or as a curl command. With
// PATCHBAY_SCREENSHOT_DIR set, the filtered events are saved there as console-events-filter.png.
class TestExecutionPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void levelFilterShowsOnlyErrors();
    void searchNarrowsTheEvents();
    void copyUrlAndCopyAsCurl();

private:
    template <typename T> T *child(const char *name) const
    {
        return m_panel->findChild<T *>(QString::fromLatin1(name));
    }
    QStringList shownMessages() const;

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<ExecutionPanel> m_panel;
};

void TestExecutionPanel::init()
{
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_demo->addEvent(m_ids.contactsRead, EventLevel::Error, QStringLiteral("Mapping failed for record 51"));
    m_ops = m_demo->createOps();
    QVERIFY(m_ops);
    m_panel = std::make_unique<ExecutionPanel>(m_ops.get());
    m_panel->resize(1000, 700);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    // The focus goes only to the active window; under xvfb (no window manager) it is made so by hand.
    QApplication::setActiveWindow(m_panel.get());
    if (!QTest::qWaitForWindowActive(m_panel.get(), 1000))
        qWarning("the panel is not active: the search box cannot take the focus");
    m_panel->setConnection(m_ids.acmeHubspot);
    QVERIFY(allAnswered(*m_panel));
    m_panel->selectExecution(m_ids.contactsRead);
    QVERIFY(allAnswered(*m_panel));
    QCOMPARE(m_panel->selectedExecutionId(), m_ids.contactsRead);
    QCOMPARE(child<QTableView>("eventTableView")->model()->rowCount(), 5);
}

void TestExecutionPanel::cleanup()
{
    m_panel.reset();
    m_ops.reset();
    m_demo.reset();
}

QStringList TestExecutionPanel::shownMessages() const
{
    const QAbstractItemModel *events = child<QTableView>("eventTableView")->model();
    QStringList messages;
    for (int row = 0; row < events->rowCount(); ++row)
        messages.append(events->index(row, EventListModel::MessageColumn).data().toString());
    return messages;
}

void TestExecutionPanel::levelFilterShowsOnlyErrors()
{
    auto *level = child<QComboBox>("eventLevelComboBox");
    QVERIFY(level && level->isVisible());
    level->setCurrentIndex(level->findText(QStringLiteral("Errors only")));
    QCOMPARE(shownMessages(), QStringList{QStringLiteral("Mapping failed for record 51")});
    QCOMPARE(child<QTabWidget>("executionDetailTabWidget")->tabText(0), QStringLiteral("Events (1 of 5)"));

    level->setCurrentIndex(level->findText(QStringLiteral("Warnings and errors")));
    QCOMPARE(shownMessages(), (QStringList{QStringLiteral("HTTP 429, retrying in 2 s"),
                                           QStringLiteral("Mapping failed for record 51")}));
    level->setCurrentIndex(level->findText(QStringLiteral("All levels")));
    QCOMPARE(shownMessages().size(), 5);
    QCOMPARE(child<QTabWidget>("executionDetailTabWidget")->tabText(0), QStringLiteral("Events (5)"));
}

void TestExecutionPanel::searchNarrowsTheEvents()
{
    auto *search = child<QLineEdit>("eventSearchLineEdit");
    QVERIFY(search && search->isVisible());
    QCOMPARE(search->placeholderText(), QStringLiteral("Search events"));

    // Ctrl+F's way in: from another detail tab, it shows the events and focuses the box.
    child<QTabWidget>("executionDetailTabWidget")->setCurrentIndex(1);
    m_panel->focusEventSearch();
    QCOMPARE(child<QTabWidget>("executionDetailTabWidget")->currentIndex(), 0);
    QTRY_VERIFY(search->hasFocus());

    QTest::keyClicks(search, QStringLiteral("RECORD"));
    QCOMPARE(shownMessages(), (QStringList{QStringLiteral("Committed page 3: 30 records"),
                                           QStringLiteral("Mapping failed for record 51")}));
    auto *level = child<QComboBox>("eventLevelComboBox");
    level->setCurrentIndex(level->findText(QStringLiteral("Errors only"))); // both filters at once
    QCOMPARE(shownMessages(), QStringList{QStringLiteral("Mapping failed for record 51")});

    if (const QString directory = qEnvironmentVariable("PATCHBAY_SCREENSHOT_DIR"); !directory.isEmpty())
        QVERIFY(m_panel->grab().save(directory + QStringLiteral("/console-events-filter.png")));

    search->setText(QStringLiteral("nothing like this"));
    QVERIFY(shownMessages().isEmpty());
    const auto empty = m_panel->findChildren<EmptyStateWidget *>();
    QVERIFY(std::any_of(empty.begin(), empty.end(), [](const EmptyStateWidget *state) {
        return state->isShowingMessage() && state->message() == QStringLiteral("No events match the level and search.");
    }));
    search->clear();
    level->setCurrentIndex(0);
    QCOMPARE(shownMessages().size(), 5);
}

void TestExecutionPanel::copyUrlAndCopyAsCurl()
{
    child<QTabWidget>("executionDetailTabWidget")->setCurrentIndex(1);
    auto *exchanges = child<QTableView>("exchangeTableView");
    QCOMPARE(exchanges->model()->rowCount(), 3);
    const QModelIndex url = exchanges->model()->index(1, ExchangeListModel::UrlColumn);
    const QString fullUrl = QStringLiteral("https://api.hubapi.com/crm/v3/objects/contacts/search");
    QCOMPARE(url.data(Qt::ToolTipRole).toString(), fullUrl);
    exchanges->setCurrentIndex(url);

    QCOMPARE(exchanges->contextMenuPolicy(), Qt::ActionsContextMenu);
    auto *copyUrl = child<QAction>("copyUrlAction");
    auto *copyAsCurl = child<QAction>("copyAsCurlAction");
    QVERIFY(copyUrl && copyAsCurl);
    QCOMPARE(copyUrl->text(), QStringLiteral("Copy URL"));
    QCOMPARE(copyAsCurl->text(), QStringLiteral("Copy as curl"));

    QGuiApplication::clipboard()->clear();
    copyUrl->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), fullUrl);

    copyAsCurl->trigger();
    const QString curl = QGuiApplication::clipboard()->text();
    const Exchange exchange = url.data(ExchangeListModel::ExchangeRole).value<Exchange>();
    QCOMPARE(curl, curlCommand(exchange));
    QVERIFY(curl.startsWith(QStringLiteral("curl -X 'POST' '%1'").arg(fullUrl)));
    QVERIFY(curl.contains(QStringLiteral("-H 'Authorization: Bearer [redacted]'")));
    QVERIFY2(curl.endsWith(QStringLiteral("\"limit\":100}'")) && curl.contains(QStringLiteral("--data-raw '{")),
             qPrintable(curl));
    QVERIFY(!curl.contains(m_ids.leakedToken));
}

QTEST_MAIN(TestExecutionPanel)
#include "TestExecutionPanel.moc"
