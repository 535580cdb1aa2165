#include "AllAnswered.h"
#include "DemoDatabase.h"
#include "DisplayFormat.h"
#include "RunListModel.h"
#include "RunsView.h"

#include "ops/LocalOps.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

// The Runs view driven as a support engineer does: every tenant's runs at once, narrowed with the filters and the
// search box, partial failures in a colour of their own, and more pages as the table scrolls.
class TestRunsView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsEveryTenantsRunsNewestFirst();
    void partialFailureHasItsOwnColour();
    void filtersNarrowTheRuns();
    void searchBoxFindsAnErrorAfterTypingSettles();
    void scrollingLoadsTheNextPage();
    void activatingARowAsksForItsConnection();

private:
    template <typename T> T *child(const char *name) const
    {
        T *widget = m_view->findChild<T *>(QLatin1String(name));
        if (!widget)
            qWarning("no child %s", name);
        return widget;
    }
    // Picks the entry of the combo box whose text is `text`, as a click would.
    void choose(const char *box, const QString &text);
    QStringList column(int column) const;
    void settle() { QVERIFY(allAnswered(*m_view)); }

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    qint64 m_partial = 0;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<RunsView> m_view;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QTemporaryDir m_config; // the window's QSettings: a folder of the test's own, never the user's
};

void TestRunsView::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
}

void TestRunsView::init()
{
    QSettings(QStringLiteral("patchbay"), QStringLiteral("console")).clear(); // each test starts as on a first run
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    m_partial = m_demo->addExecution(m_ids.globexCrm, QStringLiteral("read"), QStringLiteral("contacts"),
                                     ExecutionStatus::Succeeded, {339, 4, 4, 161}, 1, 900);
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_ops = m_demo->createOps();
    m_view = std::make_unique<RunsView>(m_ops.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(m_view->model(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_view->resize(1200, 500);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    settle();
}

void TestRunsView::cleanup()
{
    m_tester.reset();
    m_view.reset();
    m_ops.reset();
    m_demo.reset();
}

void TestRunsView::choose(const char *box, const QString &text)
{
    auto *combo = child<QComboBox>(box);
    QVERIFY(combo);
    const int index = combo->findText(text);
    QVERIFY2(index >= 0, qPrintable(text));
    combo->setCurrentIndex(index);
    settle();
}

QStringList TestRunsView::column(int column) const
{
    QStringList texts;
    const QAbstractItemModel *model = m_view->model();
    for (int row = 0; row < model->rowCount(); ++row)
        texts.append(model->index(row, column).data().toString());
    return texts;
}

void TestRunsView::showsEveryTenantsRunsNewestFirst()
{
    RunListModel *model = m_view->model();
    QCOMPARE(model->rowCount(), 6);
    QCOMPARE(model->index(0, 0).data(RunListModel::ExecutionIdRole).toLongLong(), m_partial);
    const QStringList tenants = column(RunListModel::TenantColumn);
    QVERIFY(tenants.contains(QStringLiteral("Acme Corporation")));
    QVERIFY(tenants.contains(QStringLiteral("Globex Industries")));
    QCOMPARE(column(RunListModel::ConnectionColumn).first(), QStringLiteral("Globex CRM"));
    QCOMPARE(column(RunListModel::ProviderColumn).first(), QStringLiteral("hubspot"));
    QCOMPARE(column(RunListModel::ReadColumn).first(), QStringLiteral("339"));
    QCOMPARE(column(RunListModel::DurationColumn).first(), QStringLiteral("900 ms"));
    // The tenants' filter lists them.
    auto *tenantBox = child<QComboBox>("runsTenantComboBox");
    QVERIFY(tenantBox);
    QTRY_COMPARE(tenantBox->count(), 3);
    if (const QByteArray path = qgetenv("PATCHBAY_SCREENSHOT_DIR"); !path.isEmpty())
        m_view->grab().save(QString::fromLocal8Bit(path) + QStringLiteral("/runs.png"));
}

void TestRunsView::partialFailureHasItsOwnColour()
{
    RunListModel *model = m_view->model();
    const QModelIndex partial = model->index(0, RunListModel::StatusColumn);
    QCOMPARE(partial.data().toString(), QStringLiteral("succeeded with 161 failed records"));
    QCOMPARE(partial.data(RunListModel::OutcomeRole).toString(), ExecutionOutcome::Partial);
    const QStringList statuses = column(RunListModel::StatusColumn);
    const int succeeded = int(statuses.indexOf(QStringLiteral("succeeded")));
    const int failed = int(statuses.indexOf(QStringLiteral("failed")));
    QVERIFY(succeeded > 0 && failed > 0);
    const QColor partialColour = partial.data(Qt::ForegroundRole).value<QColor>();
    QVERIFY(partialColour.isValid());
    QVERIFY(partialColour !=
            model->index(succeeded, RunListModel::StatusColumn).data(Qt::ForegroundRole).value<QColor>());
    QVERIFY(partialColour != model->index(failed, RunListModel::StatusColumn).data(Qt::ForegroundRole).value<QColor>());

    // Taken from the palette: light on a dark theme, dark on a light one.
    QPalette dark;
    dark.setColor(QPalette::Text, Qt::white);
    dark.setColor(QPalette::Base, Qt::black);
    QPalette light;
    light.setColor(QPalette::Text, Qt::black);
    light.setColor(QPalette::Base, Qt::white);
    model->setPalette(dark);
    const QColor onDark = partial.data(Qt::ForegroundRole).value<QColor>();
    model->setPalette(light);
    const QColor onLight = partial.data(Qt::ForegroundRole).value<QColor>();
    QVERIFY2(onDark.lightness() > 128 && onLight.lightness() < 128,
             qPrintable(QStringLiteral("%1 %2").arg(onDark.name(), onLight.name())));
}

void TestRunsView::filtersNarrowTheRuns()
{
    choose("runsOutcomeComboBox", QStringLiteral("Failed"));
    QCOMPARE(m_view->model()->rowCount(), 2); // Acme's backfill and Globex's refresh
    choose("runsTenantComboBox", QStringLiteral("Globex Industries"));
    QCOMPARE(m_view->model()->rowCount(), 1);
    QCOMPARE(column(RunListModel::KindColumn), QStringList{QStringLiteral("refresh")});
    choose("runsOutcomeComboBox", QStringLiteral("Succeeded with failed records"));
    QCOMPARE(m_view->model()->rowCount(), 1);
    QCOMPARE(m_view->model()->index(0, 0).data(RunListModel::ExecutionIdRole).toLongLong(), m_partial);
    choose("runsTenantComboBox", QStringLiteral("Acme Corporation"));
    QCOMPARE(m_view->model()->rowCount(), 0);
    auto *empty = m_view->findChild<QWidget *>(QStringLiteral("runsEmptyStateWidget"));
    QVERIFY(empty);
    choose("runsOutcomeComboBox", QStringLiteral("Any status"));
    choose("runsKindComboBox", QStringLiteral("Token refreshes"));
    QCOMPARE(m_view->model()->rowCount(), 1);
    choose("runsTimeComboBox", QStringLiteral("Last hour")); // Acme's refresh ran three hours ago
    QCOMPARE(m_view->model()->rowCount(), 0);
}

void TestRunsView::searchBoxFindsAnErrorAfterTypingSettles()
{
    auto *search = child<QLineEdit>("runsSearchLineEdit");
    QVERIFY(search);
    QTest::keyClicks(search, QStringLiteral("502"));
    QCOMPARE(m_view->model()->rowCount(), 6); // not on every key: the query goes out when typing settles
    QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->rowCount(), 1, 3000);
    settle();
    QCOMPARE(m_view->model()->rowCount(), 1);
    QCOMPARE(column(RunListModel::MessageColumn), QStringList{QStringLiteral("HubSpot answered 502 twice")});
    search->clear();
    QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->rowCount(), 6, 3000);
}

void TestRunsView::scrollingLoadsTheNextPage()
{
    for (int i = 0; i < 2 * RunListModel::kPageSize; ++i)
        m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                             ExecutionStatus::Succeeded, {1, 1, 1}, 0, 10);
    m_view->reload();
    settle();
    RunListModel *model = m_view->model();
    QCOMPARE(model->rowCount(), RunListModel::kPageSize);
    QVERIFY(model->canFetchMore({}));
    auto *table = child<QTableView>("runsTableView");
    QVERIFY(table);
    // Scrolling to the end asks for the rows older than the last one shown.
    for (int page = 0; page < 3 && model->canFetchMore({}); ++page) {
        table->scrollToBottom();
        table->verticalScrollBar()->setValue(table->verticalScrollBar()->maximum());
        QTRY_VERIFY(!model->isLoading());
        settle();
    }
    QCOMPARE(model->rowCount(), 2 * RunListModel::kPageSize + 6);
    QVERIFY(!model->canFetchMore({}));
    QSet<qint64> ids;
    for (int row = 0; row < model->rowCount(); ++row)
        ids.insert(model->rowAt(row).execution.id);
    QCOMPARE(ids.size(), model->rowCount()); // no row twice
}

void TestRunsView::activatingARowAsksForItsConnection()
{
    QSignalSpy activated(m_view.get(), &RunsView::executionActivated);
    auto *table = child<QTableView>("runsTableView");
    QVERIFY(table);
    const QModelIndex first = m_view->model()->index(0, RunListModel::StatusColumn);
    const QRect rect = table->visualRect(first);
    QVERIFY(!rect.isEmpty());
    // A click makes it current, Return opens it (a double click does the same).
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(table->currentIndex().row(), 0);
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().at(0).toLongLong(), m_ids.globexCrm);
    QCOMPARE(activated.first().at(1).toLongLong(), m_partial);
}

QTEST_MAIN(TestRunsView)
#include "TestRunsView.moc"
