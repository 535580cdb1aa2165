#include "AllAnswered.h"
#include "DemoDatabase.h"
#include "DisplayFormat.h"
#include "ExecutionListModel.h"
#include "FailingOps.h"

#include "core/ExecutionQuery.h"
#include "ops/LocalOps.h"
#include "store/Store.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace patchbay;

class TestExecutionListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void showsExecutionsNewestFirst();
    void loadsAfterTheAnswerArrives();
    void colorsStatus();
    void partialFailureIsToldApart();
    void interruptedRunIsShownAsSuch();
    void loadsFiftyAtATime();
    void refreshInsertsNewExecutionsAndKeepsSelection();
    void refreshUpdatesRunningExecutionsOnLaterPages();
    void clearsWithoutConnection();
    void queryErrorIsReported();

private:
    QString text(int row, int column) const { return m_model->index(row, column).data().toString(); }

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<ExecutionListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestExecutionListModel::init()
{
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_ops = m_demo->createOps();
    QVERIFY(m_ops);
    m_model = std::make_unique<ExecutionListModel>(m_ops.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestExecutionListModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_ops.reset();
    m_demo.reset();
}

void TestExecutionListModel::showsExecutionsNewestFirst()
{
    m_model->setConnection(m_ids.acmeHubspot);
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->connectionId(), m_ids.acmeHubspot);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->canFetchMore({}), false);
    QCOMPARE(m_model->index(0, 0).data(ExecutionListModel::ExecutionIdRole).toLongLong(), m_ids.companiesRead);
    QCOMPARE(text(0, ExecutionListModel::KindColumn), QStringLiteral("read"));
    QCOMPARE(text(0, ExecutionListModel::ObjectColumn), QStringLiteral("companies"));
    QCOMPARE(text(0, ExecutionListModel::StatusColumn), QStringLiteral("running"));
    QVERIFY(text(0, ExecutionListModel::DurationColumn).endsWith(QStringLiteral("\u2026")));

    QCOMPARE(m_model->rowOfExecution(m_ids.contactsRead), 2);
    QCOMPARE(text(2, ExecutionListModel::RecordsColumn), QStringLiteral("230"));
    QCOMPARE(text(2, ExecutionListModel::PagesColumn), QStringLiteral("3"));
    QCOMPARE(text(2, ExecutionListModel::RequestsColumn), QStringLiteral("3"));
    QCOMPARE(text(2, ExecutionListModel::DurationColumn), QStringLiteral("2.8 s"));
    QCOMPARE(text(3, ExecutionListModel::ObjectColumn), QStringLiteral("\u2014")); // a refresh reads no object
    QVERIFY(m_model->index(1, ExecutionListModel::StatusColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("502")));
}

void TestExecutionListModel::loadsAfterTheAnswerArrives()
{
    QSignalSpy loading(m_model->pendingCalls(), &PendingCalls::loadingChanged);
    // The answer may come back before setConnection returns (a busy machine runs the worker first), so what the
    // model showed is taken when it said it was loading, not afterwards.
    int rowsWhileLoading = -1;
    const QMetaObject::Connection watch =
        connect(m_model->pendingCalls(), &PendingCalls::loadingChanged, this, [&](bool isLoading) {
            if (isLoading)
                rowsWhileLoading = m_model->rowCount();
        });
    const auto unwatch = qScopeGuard([&watch] { disconnect(watch); });
    m_model->setConnection(m_ids.acmeHubspot);
    QVERIFY(loaded(*m_model));
    QCOMPARE(rowsWhileLoading, 0);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(loading.size(), 2);
    QCOMPARE(loading.at(0).at(0).toBool(), true);
    QCOMPARE(loading.at(1).at(0).toBool(), false);
}

void TestExecutionListModel::colorsStatus()
{
    m_model->setConnection(m_ids.acmeHubspot);
    QVERIFY(loaded(*m_model));
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex status = m_model->index(row, ExecutionListModel::StatusColumn);
        QCOMPARE(status.data(Qt::ForegroundRole).value<QColor>(),
                 DisplayFormat::executionStatusColor(status.data(ExecutionListModel::StatusRole).toString()));
    }
    QVERIFY(DisplayFormat::executionStatusColor(ExecutionStatus::Failed) !=
            DisplayFormat::executionStatusColor(ExecutionStatus::Succeeded));
}

void TestExecutionListModel::partialFailureIsToldApart()
{
    // A read that succeeded but kept 161 records raw is not shown as a plain success.
    const qint64 partial = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                                                ExecutionStatus::Succeeded, {500, 5, 5, 161}, 3, 1200);
    const qint64 whole = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                                              ExecutionStatus::Succeeded, {10, 1, 1, 0}, 1, 300);
    m_model->setConnection(m_ids.acmeSandbox);
    QVERIFY(loaded(*m_model));
    const int partialRow = m_model->rowOfExecution(partial);
    const int wholeRow = m_model->rowOfExecution(whole);
    QCOMPARE(text(partialRow, ExecutionListModel::StatusColumn), QStringLiteral("succeeded with 161 failed records"));
    QCOMPARE(text(wholeRow, ExecutionListModel::StatusColumn), QStringLiteral("succeeded"));
    const auto colour = [this](int row) {
        return m_model->index(row, ExecutionListModel::StatusColumn).data(Qt::ForegroundRole).value<QColor>();
    };
    QVERIFY(colour(partialRow) != colour(wholeRow));
    QCOMPARE(colour(partialRow),
             DisplayFormat::executionOutcomeColor(ExecutionOutcome::Partial, DisplayFormat::applicationPalette()));
}

void TestExecutionListModel::interruptedRunIsShownAsSuch()
{
    // A run whose process was killed, as the store closes it: its own words and colour, not "failed" or raw text.
    const qint64 id = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                                           ExecutionStatus::Interrupted, {120, 2, 2}, 1, 1500,
                                           Error{QStringLiteral("sync.interrupted"), QStringLiteral("Interrupted")});
    m_model->setConnection(m_ids.acmeSandbox);
    QVERIFY(loaded(*m_model));
    const int row = m_model->rowOfExecution(id);
    QVERIFY(row >= 0);
    const QModelIndex status = m_model->index(row, ExecutionListModel::StatusColumn);
    QCOMPARE(status.data().toString(), QStringLiteral("interrupted"));
    QCOMPARE(status.data(ExecutionListModel::StatusRole).toString(), ExecutionStatus::Interrupted);
    const QColor colour = status.data(Qt::ForegroundRole).value<QColor>();
    for (const QString &other :
         {ExecutionStatus::Running, ExecutionStatus::Succeeded, ExecutionStatus::Failed, QStringLiteral("unknown")})
        QVERIFY2(colour != DisplayFormat::executionStatusColor(other), qPrintable(other));
}

void TestExecutionListModel::loadsFiftyAtATime()
{
    for (int i = 0; i < 120; ++i)
        m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                             ExecutionStatus::Succeeded, {i, 1, 1}, 120 - i, 1000);
    QVERIFY(m_demo->isValid());

    m_model->setConnection(m_ids.acmeSandbox);
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), ExecutionListModel::kPageSize);
    QVERIFY(m_model->canFetchMore({}));
    m_model->fetchMore({});
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), 100);
    m_model->fetchMore({});
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), 120);
    QVERIFY(!m_model->canFetchMore({}));
    for (int row = 1; row < m_model->rowCount(); ++row)
        QVERIFY(m_model->executionAt(row).id < m_model->executionAt(row - 1).id);
    QCOMPARE(text(119, ExecutionListModel::RecordsColumn), QStringLiteral("0"));
}

void TestExecutionListModel::refreshInsertsNewExecutionsAndKeepsSelection()
{
    m_model->setConnection(m_ids.acmeHubspot);
    QVERIFY(loaded(*m_model));
    const QPersistentModelIndex running = m_model->index(0, ExecutionListModel::RecordsColumn);
    QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);

    const qint64 newer = m_demo->addExecution(m_ids.acmeHubspot, QStringLiteral("read"), QStringLiteral("deals"),
                                              ExecutionStatus::Running, {}, 0);
    QVERIFY(m_demo->store().executions().updateExecutionCounts(m_ids.companiesRead, {250, 3, 3}));
    m_model->refresh();
    QVERIFY(loaded(*m_model));

    QCOMPARE(resets.count(), 0);
    QCOMPARE(m_model->rowCount(), 5);
    QCOMPARE(m_model->executionAt(0).id, newer);
    QCOMPARE(running.row(), 1);
    QCOMPARE(running.data(ExecutionListModel::ExecutionIdRole).toLongLong(), m_ids.companiesRead);
    QCOMPARE(running.data().toString(), QStringLiteral("250"));

    QVERIFY(
        m_demo->store().executions().finishExecution(m_ids.companiesRead, ExecutionStatus::Succeeded, {300, 4, 4}, {}));
    m_model->refresh();
    QVERIFY(loaded(*m_model));
    QCOMPARE(text(1, ExecutionListModel::StatusColumn), QStringLiteral("succeeded"));
    QCOMPARE(text(1, ExecutionListModel::RecordsColumn), QStringLiteral("300"));
}

void TestExecutionListModel::refreshUpdatesRunningExecutionsOnLaterPages()
{
    const qint64 old = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("backfill"), QStringLiteral("deals"),
                                            ExecutionStatus::Running, {}, 300);
    for (int i = 0; i < 60; ++i)
        m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("webhook"), QString(), ExecutionStatus::Succeeded,
                             {1, 0, 0}, 60 - i, 20);
    m_model->setConnection(m_ids.acmeSandbox);
    QVERIFY(loaded(*m_model));
    m_model->fetchMore({});
    QVERIFY(loaded(*m_model));
    const int row = m_model->rowOfExecution(old);
    QCOMPARE(row, 60);

    QVERIFY(m_demo->store().executions().updateExecutionCounts(old, {5000, 50, 50}));
    m_model->refresh();
    QVERIFY(loaded(*m_model));
    QCOMPARE(text(row, ExecutionListModel::RecordsColumn), QStringLiteral("5000"));
}

void TestExecutionListModel::clearsWithoutConnection()
{
    // The answer for the connection shown before arrives after the switch, and is dropped.
    m_model->setConnection(m_ids.acmeHubspot);
    m_model->setConnection(0);
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), 0);
    m_model->refresh();
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), 0);
}

void TestExecutionListModel::queryErrorIsReported()
{
    FailingOps failing;
    ExecutionListModel model(&failing);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy failures(&model, &ExecutionListModel::loadFailed);
    model.setConnection(7);
    QVERIFY(loaded(model));
    model.refresh();
    QVERIFY(loaded(model));
    QCOMPARE(failures.count(), 2);
    QCOMPARE(failures.first().first().toString(), FailingOps::kMessage);
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestExecutionListModel)
#include "TestExecutionListModel.moc"
