#include "AllAnswered.h"
#include "DemoDatabase.h"
#include "DisplayFormat.h"
#include "EventListModel.h"
#include "FailingOps.h"

#include "ops/LocalOps.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QTest>

using namespace patchbay;

class TestEventListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void showsEventsOfExecution();
    void contextIsInTooltip();
    void colorsLevels();
    void refreshAppendsNewEvents();
    void queryErrorIsReported();
    void filterToErrorsShowsOnlyErrors();
    void searchNarrowsAndCombinesWithLevel();
    void sameTimeEventsKeepCauseBeforeConsequence();

private:
    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<EventListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestEventListModel::init()
{
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_ops = m_demo->createOps();
    QVERIFY(m_ops);
    m_model = std::make_unique<EventListModel>(m_ops.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setExecution(m_ids.contactsRead);
    QVERIFY(loaded(*m_model));
}

void TestEventListModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_ops.reset();
    m_demo.reset();
}

void TestEventListModel::showsEventsOfExecution()
{
    QCOMPARE(m_model->executionId(), m_ids.contactsRead);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->index(0, EventListModel::MessageColumn).data().toString(),
             QStringLiteral("Reading contacts incrementally"));
    QCOMPARE(m_model->index(2, EventListModel::LevelColumn).data().toString(), QStringLiteral("warning"));
    QVERIFY(!m_model->index(0, EventListModel::TimeColumn).data().toString().isEmpty());

    m_model->setExecution(0);
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), 0);
}

void TestEventListModel::contextIsInTooltip()
{
    const QString tooltip = m_model->index(0, EventListModel::MessageColumn).data(Qt::ToolTipRole).toString();
    QVERIFY(tooltip.contains(QStringLiteral("\"cursor\": \"2024-03-05T10:00:00Z\"")));
    QCOMPARE(m_model->index(1, EventListModel::MessageColumn).data(Qt::ToolTipRole).toString(),
             m_model->index(1, EventListModel::MessageColumn).data().toString());
}

void TestEventListModel::colorsLevels()
{
    const QModelIndex warning = m_model->index(2, EventListModel::LevelColumn);
    QCOMPARE(warning.data(Qt::DecorationRole).value<QColor>(), DisplayFormat::eventLevelColor(EventLevel::Warning));
    QCOMPARE(warning.data(Qt::ForegroundRole).value<QColor>(), DisplayFormat::eventLevelColor(EventLevel::Warning));
    QVERIFY(DisplayFormat::eventLevelColor(EventLevel::Warning) != DisplayFormat::eventLevelColor(EventLevel::Info));
}

void TestEventListModel::refreshAppendsNewEvents()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    m_model->refresh();
    QVERIFY(loaded(*m_model));
    QCOMPARE(inserted.count(), 0);

    m_demo->addEvent(m_ids.contactsRead, EventLevel::Error, QStringLiteral("Mapping failed for record 51"));
    m_model->refresh();
    QVERIFY(loaded(*m_model));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(m_model->rowCount(), 5);
    QCOMPARE(m_model->eventAt(4).message, QStringLiteral("Mapping failed for record 51"));
}

void TestEventListModel::queryErrorIsReported()
{
    FailingOps failing;
    EventListModel model(&failing);
    QSignalSpy failures(&model, &EventListModel::loadFailed);
    model.setExecution(3);
    QVERIFY(loaded(model));
    QCOMPARE(failures.count(), 1);
    QCOMPARE(model.rowCount(), 0);
}

void TestEventListModel::filterToErrorsShowsOnlyErrors()
{
    m_demo->addEvent(m_ids.contactsRead, EventLevel::Error, QStringLiteral("Mapping failed for record 51"));
    m_model->refresh();
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), 5);

    m_model->setMinimumLevel(EventLevel::Error);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->totalCount(), 5);
    QCOMPARE(m_model->index(0, EventListModel::MessageColumn).data().toString(),
             QStringLiteral("Mapping failed for record 51"));

    m_model->setMinimumLevel(EventLevel::Warning);
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->eventAt(0).level, EventLevel::Warning);
    QCOMPARE(m_model->eventAt(1).level, EventLevel::Error);
    m_model->setMinimumLevel(EventLevel::Info); // hides the debug line only
    QCOMPARE(m_model->rowCount(), 4);

    // An event logged while filtered appears only if it matches.
    m_model->setMinimumLevel(EventLevel::Error);
    m_demo->addEvent(m_ids.contactsRead, EventLevel::Info, QStringLiteral("Committed page 4: 30 records"));
    m_demo->addEvent(m_ids.contactsRead, EventLevel::Error, QStringLiteral("Mapping failed for record 52"));
    m_model->refresh();
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->totalCount(), 7);
    QCOMPARE(m_model->eventAt(1).message, QStringLiteral("Mapping failed for record 52"));

    m_model->setMinimumLevel(QString());
    QCOMPARE(m_model->rowCount(), 7);
}

void TestEventListModel::searchNarrowsAndCombinesWithLevel()
{
    m_model->setSearchText(QStringLiteral("PAGE"));
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->eventAt(0).message, QStringLiteral("Committed page 3: 30 records"));

    m_model->setSearchText(QStringLiteral("retryafter")); // in the context only
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->eventAt(0).level, EventLevel::Warning);

    m_model->setSearchText(QStringLiteral("r"));
    QCOMPARE(m_model->rowCount(), 4);
    m_model->setMinimumLevel(EventLevel::Warning);
    QCOMPARE(m_model->rowCount(), 1);
    m_model->setSearchText(QStringLiteral("no such words"));
    QCOMPARE(m_model->rowCount(), 0);
    QVERIFY(m_model->isFiltered());

    m_model->setSearchText(QString());
    m_model->setMinimumLevel(QString());
    QVERIFY(!m_model->isFiltered());
    QCOMPARE(m_model->rowCount(), 4);
}

void TestEventListModel::sameTimeEventsKeepCauseBeforeConsequence()
{
    // The demo's clock stands still, so both are written with the same time; the cause is written first.
    const qint64 cause =
        m_demo->addEvent(m_ids.contactsRead, EventLevel::Error, QStringLiteral("HubSpot answered 401"));
    const qint64 consequence =
        m_demo->addEvent(m_ids.contactsRead, EventLevel::Info, QStringLiteral("Refreshing the access token"));
    QVERIFY(cause != 0 && consequence != 0);

    EventListModel model(m_ops.get());
    model.setExecution(m_ids.contactsRead);
    QVERIFY(loaded(model));
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.eventAt(4).time, model.eventAt(5).time);
    QCOMPARE(model.eventAt(4).id, cause);
    QCOMPARE(model.eventAt(5).id, consequence);

    model.setSearchText(QStringLiteral("h")); // both match: the order holds through the filter too
    const int causeRow = model.match(model.index(0, 0), EventListModel::EventIdRole, cause).value(0).row();
    const int consequenceRow = model.match(model.index(0, 0), EventListModel::EventIdRole, consequence).value(0).row();
    QVERIFY(causeRow >= 0 && consequenceRow >= 0);
    QVERIFY(causeRow < consequenceRow);
}

QTEST_GUILESS_MAIN(TestEventListModel)
#include "TestEventListModel.moc"
