#include "AllAnswered.h"
#include "AnswerConfirmation.h"
#include "DemoDatabase.h"
#include "ExecutionListModel.h"
#include "ExecutionPanel.h"
#include "ReplayBar.h"
#include "RunListModel.h"
#include "RunsView.h"

#include "ops/LocalOps.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace patchbay;

// Replay driven as a support engineer does it: a failed run is run again from the Runs view or the connection's
// execution panel, after a confirmation that says what will happen; the new run is selected and both runs link to
// each other. A failed read of a connection that needs re-authorising is replayed for real (it fails again at once,
// without calling the provider).
class TestReplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void replayFromTheRunsViewIsLinkedToTheOriginal();
    void cancellingTheConfirmationReplaysNothing();
    void refusalIsShownWithItsMessage();
    void replayFromTheExecutionPanelSelectsTheNewRun();
    void successfulRunsOfferNoReplay();

private:
    int rowOf(qint64 executionId) const;

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    qint64 m_failedRead = 0;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<RunsView> m_view;
};

void TestReplay::init()
{
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    m_failedRead = m_demo->addExecution(m_ids.globexCrm, QStringLiteral("read"), QStringLiteral("contacts"),
                                        ExecutionStatus::Failed, {12, 1, 1}, 1, 640,
                                        makeError("auth.needs_reauth", QStringLiteral("The grant was revoked")));
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_ops = m_demo->createOps();
    m_view = std::make_unique<RunsView>(m_ops.get());
    m_view->resize(1200, 500);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QVERIFY(allAnswered(*m_view));
}

void TestReplay::cleanup()
{
    // A replay still running finishes before its database goes.
    QTRY_VERIFY(!m_ops || !m_ops->isBusy(m_ids.globexCrm));
    m_view.reset();
    m_ops.reset();
    m_demo.reset();
}

int TestReplay::rowOf(qint64 executionId) const
{
    const RunListModel *model = m_view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->rowAt(row).execution.id == executionId)
            return row;
    }
    return -1;
}

void TestReplay::replayFromTheRunsViewIsLinkedToTheOriginal()
{
    auto *table = m_view->findChild<QTableView *>(QStringLiteral("runsTableView"));
    auto *bar = m_view->findChild<ReplayBar *>(QStringLiteral("runsReplayBar"));
    auto *button = bar->findChild<QPushButton *>(QStringLiteral("replayButton"));
    const int original = rowOf(m_failedRead);
    QVERIFY(original >= 0);
    table->setCurrentIndex(m_view->model()->index(original, 0));
    QVERIFY(button->isVisible());
    QVERIFY(button->isEnabled());

    const QString said = clickAndAnswer(this, button, true, QStringLiteral("replay-confirm.png"));
    QCOMPARE(said, QStringLiteral("Reads contacts of Globex Industries (Globex CRM, hubspot) again as a new run linked "
                                  "to run #%1, from the connection's cursor. Records read are stored as a sync stores "
                                  "them.")
                       .arg(m_failedRead));
    // The replay is listed, selected and names its original; it ran (and failed again: the grant is still revoked).
    QTRY_VERIFY(table->currentIndex().isValid() &&
                m_view->model()->rowAt(table->currentIndex().row()).replayOf == m_failedRead);
    const ExecutionRow replay = m_view->model()->rowAt(table->currentIndex().row());
    QVERIFY(replay.execution.id > m_failedRead);
    QCOMPARE(replay.execution.kind, QStringLiteral("read"));
    QCOMPARE(replay.execution.connectionId, m_ids.globexCrm);
    auto *links = bar->findChild<QLabel *>(QStringLiteral("replayLinkLabel"));
    QVERIFY(links->text().contains(QStringLiteral("Replay of #%1").arg(m_failedRead)));
    QCOMPARE(m_view->model()->index(table->currentIndex().row(), RunListModel::KindColumn).data().toString(),
             QStringLiteral("read (replay of #%1)").arg(m_failedRead));

    // The original names its replay; following the link selects it again.
    QTRY_VERIFY(!m_ops->isBusy(m_ids.globexCrm));
    m_view->model()->refresh();
    QVERIFY(allAnswered(*m_view));
    QCOMPARE(m_view->model()->rowAt(rowOf(m_failedRead)).replayedBy, replay.execution.id);
    table->setCurrentIndex(m_view->model()->index(rowOf(m_failedRead), 0));
    QVERIFY(links->text().contains(QStringLiteral("Replayed by #%1").arg(replay.execution.id)));
    Q_EMIT links->linkActivated(QString::number(replay.execution.id));
    QTRY_COMPARE(m_view->model()->rowAt(table->currentIndex().row()).execution.id, replay.execution.id);
}

void TestReplay::cancellingTheConfirmationReplaysNothing()
{
    auto *table = m_view->findChild<QTableView *>(QStringLiteral("runsTableView"));
    const int rows = m_view->model()->rowCount();
    table->setCurrentIndex(m_view->model()->index(rowOf(m_failedRead), 0));
    auto *button = m_view->findChild<QPushButton *>(QStringLiteral("replayButton"));
    QVERIFY(clickAndAnswer(this, button, false).contains(QStringLiteral("run #%1").arg(m_failedRead)));
    QVERIFY(!m_ops->isBusy(m_ids.globexCrm));
    m_view->model()->refresh();
    QVERIFY(allAnswered(*m_view));
    QCOMPARE(m_view->model()->rowCount(), rows);
}

void TestReplay::refusalIsShownWithItsMessage()
{
    // A failed write none of whose items failed has nothing to write again: refused, with the engine's words.
    const qint64 write = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("write"), QStringLiteral("contacts"),
                                              ExecutionStatus::Failed, {0, 0, 0, 0}, 0, 10,
                                              makeError("http.server_error", QStringLiteral("HubSpot answered 502")));
    m_view->model()->refresh();
    QVERIFY(allAnswered(*m_view));
    auto *table = m_view->findChild<QTableView *>(QStringLiteral("runsTableView"));
    table->setCurrentIndex(m_view->model()->index(rowOf(write), 0));
    QSignalSpy errors(m_view.get(), &RunsView::errorOccurred);
    const QString said = clickAndAnswer(this, m_view->findChild<QPushButton *>(QStringLiteral("replayButton")), true);
    QVERIFY2(said.startsWith(QStringLiteral("Writes the 0 failed items of run #%1").arg(write)), qPrintable(said));
    QTRY_COMPARE(errors.size(), 1);
    const QString message = errors.first().first().toString();
    QVERIFY2(message.startsWith(QStringLiteral("Replay of run #%1 refused: No failed writes").arg(write)),
             qPrintable(message));
}

void TestReplay::replayFromTheExecutionPanelSelectsTheNewRun()
{
    ExecutionPanel panel(m_ops.get());
    panel.resize(1000, 700);
    panel.show();
    panel.setConnection(m_ids.globexCrm);
    QVERIFY(allAnswered(panel));
    auto *table = panel.findChild<QTableView *>(QStringLiteral("executionTableView"));
    auto *model = qobject_cast<ExecutionListModel *>(table->model());
    table->setCurrentIndex(model->index(model->rowOfExecution(m_failedRead), 0));
    QCOMPARE(panel.selectedExecutionId(), m_failedRead);
    auto *bar = panel.findChild<ReplayBar *>(QStringLiteral("executionReplayBar"));
    auto *button = bar->findChild<QPushButton *>(QStringLiteral("replayButton"));
    QTRY_VERIFY(button->isVisible());
    QVERIFY(clickAndAnswer(this, button, true).contains(QStringLiteral("Reads contacts of Globex Industries")));
    QTRY_VERIFY(panel.selectedExecutionId() > m_failedRead);
    const qint64 replay = panel.selectedExecutionId();
    auto *links = bar->findChild<QLabel *>(QStringLiteral("replayLinkLabel"));
    QTRY_VERIFY(links->text().contains(QStringLiteral("Replay of #%1").arg(m_failedRead)));
    // Back to the original by its link: it names the replay.
    Q_EMIT links->linkActivated(QString::number(m_failedRead));
    QCOMPARE(panel.selectedExecutionId(), m_failedRead);
    QTRY_VERIFY(links->text().contains(QStringLiteral("Replayed by #%1").arg(replay)));
    QTRY_VERIFY(!m_ops->isBusy(m_ids.globexCrm));
}

void TestReplay::successfulRunsOfferNoReplay()
{
    auto *table = m_view->findChild<QTableView *>(QStringLiteral("runsTableView"));
    auto *button = m_view->findChild<QPushButton *>(QStringLiteral("replayButton"));
    table->setCurrentIndex(m_view->model()->index(rowOf(m_ids.contactsRead), 0));
    QVERIFY(!button->isVisible());
    table->setCurrentIndex(m_view->model()->index(rowOf(m_failedRead), 0));
    QVERIFY(button->isVisible());
    // A key that may only look sees why it cannot.
    m_view->setCommandsRefused(QStringLiteral("Your API key (viewer) can only look"));
    QVERIFY(!button->isEnabled());
    QCOMPARE(button->toolTip(), QStringLiteral("Your API key (viewer) can only look"));
}

QTEST_MAIN(TestReplay)
#include "TestReplay.moc"
