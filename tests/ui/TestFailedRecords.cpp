#include "AllAnswered.h"
#include "ConnectionPanel.h"
#include "DemoDatabase.h"
#include "EmptyStateWidget.h"
#include "FailedRecordListModel.h"
#include "FailedRecordsView.h"

#include "core/Clock.h"
#include "mapping/MappingService.h"
#include "ops/LocalOps.h"
#include "store/Store.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QTabWidget>
#include <QTableView>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace patchbay;

namespace {

// LocalOps as the console uses it, except that Write again is only recorded (no request leaves the test) and a
// connection can be made to look busy.
class WriteRecordingOps : public LocalOps
{
public:
    using LocalOps::LocalOps;

    QFuture<Result<CommandStarted>> retryFailedWrites(qint64 connectionId) override
    {
        writeRetries.append(connectionId);
        return readyAnswer(Result<CommandStarted>(CommandStarted{connectionId, 0}));
    }
    bool isBusy(qint64 connectionId) const override
    {
        return busy.contains(connectionId) || LocalOps::isBusy(connectionId);
    }
    void setBusy(qint64 connectionId)
    {
        busy.insert(connectionId);
        Q_EMIT executionStarted(connectionId);
    }

    QList<qint64> writeRetries;
    QSet<qint64> busy;
};

template <typename T> T await(QFuture<T> future)
{
    // The answer comes through this thread's event loop, so it is waited for with the loop running.
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, 10000))
        qFatal("no answer from the ops API within 10 s");
    return future.result();
}

// A HubSpot contact as the provider sends it.
QByteArray contact(const QString &id, const QString &first, const QString &last, const QString &stage)
{
    QJsonObject properties{{QStringLiteral("lifecyclestage"), stage}};
    if (!first.isEmpty()) {
        properties.insert(QStringLiteral("firstname"), first);
        properties.insert(QStringLiteral("lastname"), last);
        properties.insert(QStringLiteral("email"), QStringLiteral("%1@EXAMPLE.COM").arg(first));
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("properties"), properties}})
        .toJson(QJsonDocument::Compact);
}

const QString kLeadsRefused =
    QStringLiteral("properties.lifecyclestage = 'lead' ? $error('leads are not accepted') : properties.lifecyclestage");

} // namespace

// The failed-records tab driven as a support engineer does: read what failed and why, fix the mapping, re-map,
// and see the list empty.
class TestFailedRecords : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void executionTabShowsEveryRecordInFull();
    void remapAfterAMappingFixEmptiesTheList();
    void cancellingTheConfirmationChangesNothing();
    void actionsAreDisabledWhileTheConnectionIsBusy();
    void writeAgainIsOfferedForAWriteExecution();
    void thousandsOfRecordsAreOneModel();

private:
    template <typename T> T *child(const char *name) const
    {
        T *widget = m_panel->findChild<T *>(QLatin1String(name));
        if (!widget)
            qWarning("no child %s", name);
        return widget;
    }
    bool setStageMapping(const QString &expression);
    void addFailedRecords(qint64 executionId, const QList<QByteArray> &raws);
    // Clicks the button; the confirmation that opens is checked to contain `mentions` and answered.
    void clickAndAnswer(QPushButton *button, const QString &mentions, bool accept);
    void settle() { QVERIFY(allAnswered(*m_panel)); }

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    qint64 m_read = 0;
    std::unique_ptr<WriteRecordingOps> m_ops;
    std::unique_ptr<ConnectionPanel> m_panel;
    QTemporaryDir m_config; // the window's QSettings: a folder of the test's own, never the user's
};

void TestFailedRecords::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
}

void TestFailedRecords::init()
{
    QSettings(QStringLiteral("patchbay"), QStringLiteral("console")).clear(); // each test starts as on a first run
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY(m_demo->store()
                .tenants()
                .setConnectionIntegration(m_ids.acmeSandbox, QStringLiteral("crm-contacts"), QStringLiteral("production"))
                .ok());
    auto store = m_demo->openStore();
    QVERIFY(store);
    m_ops = std::make_unique<WriteRecordingOps>(std::move(store), m_demo->syncService(), SystemClock::instance());
    QVERIFY(setStageMapping(kLeadsRefused));
    m_read = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("read"), QStringLiteral("contacts"),
                                  ExecutionStatus::Succeeded, {5, 1, 1, 3}, 2, 900);
    addFailedRecords(m_read, {contact(QStringLiteral("501"), QStringLiteral("Ada"), QStringLiteral("Lovelace"),
                                      QStringLiteral("lead")),
                              contact(QStringLiteral("502"), QStringLiteral("Grace"), QStringLiteral("Hopper"),
                                      QStringLiteral("lead")),
                              contact(QStringLiteral("503"), QString(), QString(), QStringLiteral("lead"))});
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));

    m_panel = std::make_unique<ConnectionPanel>(m_ops.get());
    m_panel->resize(1100, 700);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    const auto summary = await(m_ops->connection(m_ids.acmeSandbox));
    QVERIFY(summary.ok());
    m_panel->showConnection(summary.value());
    settle();
}

void TestFailedRecords::cleanup()
{
    m_panel.reset();
    m_ops.reset();
    m_demo.reset();
}

bool TestFailedRecords::setStageMapping(const QString &expression)
{
    const auto version = await(m_ops->setMappingOverride(
        MappingLevel::Connection, QString::number(m_ids.acmeSandbox), QStringLiteral("crm-contacts"),
        QStringLiteral("contacts"), MappingDirection::Read, MappingTree{{QStringLiteral("stage"), expression}},
        QStringLiteral("sam@support"), QStringLiteral("test")));
    if (!version)
        qWarning("%s", qPrintable(version.error().toString()));
    return version.ok();
}

void TestFailedRecords::addFailedRecords(qint64 executionId, const QList<QByteArray> &raws)
{
    QList<FailedRecord> failed;
    for (const QByteArray &raw : raws) {
        FailedRecord record;
        record.executionId = executionId;
        record.object = QStringLiteral("contacts");
        record.recordId = QJsonDocument::fromJson(raw).object().value(QStringLiteral("id")).toString();
        record.raw = raw;
        record.errors = QJsonArray{QJsonObject{{QStringLiteral("field"), QStringLiteral("stage")},
                                               {QStringLiteral("code"), QStringLiteral("D3137")},
                                               {QStringLiteral("position"), 46},
                                               {QStringLiteral("message"), QStringLiteral("leads are not accepted")}}};
        failed.append(record);
    }
    const auto committed = m_demo->store().records().commitPage(m_ids.acmeSandbox, QStringLiteral("contacts"),
                                                                executionId, {}, std::nullopt, failed);
    QVERIFY2(committed.ok(), qPrintable(committed.ok() ? QString() : committed.error().toString()));
}

void TestFailedRecords::clickAndAnswer(QPushButton *button, const QString &mentions, bool accept)
{
    struct Answer
    {
        QString text;
        bool answered = false;
    };
    auto answer = std::make_shared<Answer>(); // shared: a timer that fires after a failed check must not dangle
    // The confirmation is modal: it is answered from the event loop it runs.
    QTimer::singleShot(0, this, [answer, accept] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        answer->text = box->text();
        for (QAbstractButton *choice : box->buttons()) {
            if ((box->buttonRole(choice) == QMessageBox::AcceptRole) == accept) {
                answer->answered = true;
                choice->click();
                return;
            }
        }
    });
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(answer->answered);
    QVERIFY2(answer->text.contains(mentions), qPrintable(answer->text));
}

void TestFailedRecords::executionTabShowsEveryRecordInFull()
{
    auto *view = child<FailedRecordsView>("executionFailedRecordsView");
    QVERIFY(view);
    QAbstractItemModelTester tester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto *tabs = child<QTabWidget>("executionDetailTabWidget");
    QTRY_COMPARE(tabs->tabText(tabs->indexOf(view)), QStringLiteral("Failed records (3)"));
    tabs->setCurrentWidget(view);

    FailedRecordListModel *model = view->model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->index(0, FailedRecordListModel::RecordColumn).data().toString(), QStringLiteral("501"));
    // The label is what the mapping gives for the name, although the stage fails.
    QCOMPARE(model->index(0, FailedRecordListModel::LabelColumn).data().toString(), QStringLiteral("Ada Lovelace"));
    QCOMPARE(model->index(1, FailedRecordListModel::LabelColumn).data().toString(), QStringLiteral("Grace Hopper"));
    QVERIFY(model->index(0, FailedRecordListModel::ErrorColumn).data().toString().contains(
        QStringLiteral("leads are not accepted")));
    QCOMPARE(model->index(0, FailedRecordListModel::StateColumn).data().toString(), QStringLiteral("Failing"));

    auto *table = view->findChild<QTableView *>(QStringLiteral("failedRecordTableView"));
    table->setCurrentIndex(model->index(0, 0));
    auto *detail = view->findChild<QPlainTextEdit *>(QStringLiteral("failedRecordDetailEdit"));
    const QString text = detail->toPlainText();
    for (const QString &part : {QStringLiteral("Record 501 \u2014 Ada Lovelace"), QStringLiteral("D3137"),
                                QStringLiteral("field stage"), QStringLiteral("position 46"),
                                QStringLiteral("leads are not accepted"),
                                QStringLiteral("        \"lifecyclestage\": \"lead\"")}) // pretty-printed raw
        QVERIFY2(text.contains(part), qPrintable(part + QStringLiteral(" not in:\n") + text));
    if (const QByteArray path = qgetenv("PATCHBAY_SCREENSHOT_DIR"); !path.isEmpty())
        m_panel->grab().save(QString::fromLocal8Bit(path) + QStringLiteral("/failed-records.png"));
    QVERIFY(detail->isReadOnly());
    QVERIFY(detail->textInteractionFlags() & Qt::TextSelectableByMouse);

    // A read is re-mapped, not written again; the re-map says it takes the whole connection's failures.
    auto *remap = view->findChild<QPushButton *>(QStringLiteral("remapFailedRecordsButton"));
    QVERIFY(remap->isEnabled());
    QVERIFY(!view->findChild<QPushButton *>(QStringLiteral("writeAgainButton"))->isVisibleTo(view));
    clickAndAnswer(remap, QStringLiteral("every record of this connection that still fails (3 of them from this "
                                         "execution)"),
                   false);
    QVERIFY(!m_ops->isBusy(m_ids.acmeSandbox));
}

void TestFailedRecords::remapAfterAMappingFixEmptiesTheList()
{
    auto *view = child<FailedRecordsView>("connectionFailedRecordsView");
    QVERIFY(view);
    auto *tabs = child<QTabWidget>("connectionTabWidget");
    tabs->setCurrentWidget(view);
    QCOMPARE(view->model()->rowCount(), 3);
    QCOMPARE(tabs->tabText(1), QStringLiteral("Failed records (3)"));

    QVERIFY(setStageMapping(QStringLiteral("$uppercase(properties.lifecyclestage)")));
    clickAndAnswer(view->findChild<QPushButton *>(QStringLiteral("remapFailedRecordsButton")),
                   QStringLiteral("Maps the 3 records of this connection"), true);
    QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 0, 10000);
    settle();
    QVERIFY(view->findChild<EmptyStateWidget *>(QStringLiteral("failedRecordEmptyStateWidget"))->isShowingMessage());
    QCOMPARE(tabs->tabText(1), QStringLiteral("Failed records"));
    QVERIFY(!view->findChild<QPushButton *>(QStringLiteral("remapFailedRecordsButton"))->isEnabled());
    // The records are delivered, mapped with the fix.
    const auto stored = m_demo->store().records().record(m_ids.acmeSandbox, QStringLiteral("contacts"),
                                                         QStringLiteral("501"));
    QVERIFY(stored);
    QCOMPARE(QJsonDocument::fromJson(stored->data).object().value(QStringLiteral("stage")).toString(),
             QStringLiteral("LEAD"));

    // The execution that failed them still lists them, resolved.
    auto *executionView = child<FailedRecordsView>("executionFailedRecordsView");
    executionView->setExecution(m_ids.acmeSandbox, m_read, QStringLiteral("read"));
    executionView->refresh();
    settle();
    QCOMPARE(executionView->model()->rowCount(), 3);
    QCOMPARE(executionView->model()->index(2, FailedRecordListModel::StateColumn).data().toString(),
             QStringLiteral("Resolved"));
}

void TestFailedRecords::cancellingTheConfirmationChangesNothing()
{
    auto *view = child<FailedRecordsView>("connectionFailedRecordsView");
    child<QTabWidget>("connectionTabWidget")->setCurrentWidget(view);
    QVERIFY(setStageMapping(QStringLiteral("$uppercase(properties.lifecyclestage)")));
    clickAndAnswer(view->findChild<QPushButton *>(QStringLiteral("remapFailedRecordsButton")),
                   QStringLiteral("The provider is not called"), false);
    QTest::qWait(100);
    QVERIFY(!m_ops->isBusy(m_ids.acmeSandbox));
    QVERIFY(m_demo->store().records().failedRecords(m_ids.acmeSandbox, QString()).value().size() == 3);
    view->refresh();
    settle();
    QCOMPARE(view->model()->rowCount(), 3);
}

void TestFailedRecords::actionsAreDisabledWhileTheConnectionIsBusy()
{
    auto *view = child<FailedRecordsView>("connectionFailedRecordsView");
    auto *remap = view->findChild<QPushButton *>(QStringLiteral("remapFailedRecordsButton"));
    QVERIFY(remap->isEnabled());
    m_ops->setBusy(m_ids.acmeSandbox);
    QVERIFY(!remap->isEnabled());
    QVERIFY(remap->toolTip().contains(QStringLiteral("running an execution")));
    m_ops->busy.clear();
    Q_EMIT m_ops->executionFinished(m_ids.acmeSandbox, 0, true, QString());
    QVERIFY(remap->isEnabled());
    QVERIFY(!remap->toolTip().contains(QStringLiteral("running an execution")));
}

void TestFailedRecords::writeAgainIsOfferedForAWriteExecution()
{
    const qint64 write = m_demo->addExecution(m_ids.acmeSandbox, QStringLiteral("write"), QStringLiteral("contacts"),
                                              ExecutionStatus::Succeeded, {2, 1, 2, 0}, 1, 400);
    QVERIFY(m_demo->isValid());
    auto *view = child<FailedRecordsView>("executionFailedRecordsView");
    view->setExecution(m_ids.acmeSandbox, write, QStringLiteral("write"));
    settle();
    auto *writeAgain = view->findChild<QPushButton *>(QStringLiteral("writeAgainButton"));
    QVERIFY(writeAgain->isVisibleTo(view));
    QVERIFY(writeAgain->isEnabled());
    clickAndAnswer(writeAgain, QStringLiteral("whose latest write failed"), true);
    QCOMPARE(m_ops->writeRetries, QList<qint64>{m_ids.acmeSandbox});
}

void TestFailedRecords::thousandsOfRecordsAreOneModel()
{
    // A few thousand failures are rows of one model, not a widget each; the table paints what is visible.
    QList<QByteArray> raws;
    for (int i = 0; i < 3000; ++i)
        raws.append(contact(QString::number(10000 + i), QStringLiteral("P%1").arg(i), QStringLiteral("Q"),
                            QStringLiteral("lead")));
    addFailedRecords(m_read, raws);
    auto *view = child<FailedRecordsView>("connectionFailedRecordsView");
    const int widgetsBefore = int(view->findChildren<QWidget *>().size());
    view->refresh();
    QVERIFY(allAnswered(*m_panel, 20000));
    QCOMPARE(view->model()->rowCount(), 3003);
    QCOMPARE(int(view->findChildren<QWidget *>().size()), widgetsBefore);
}

QTEST_MAIN(TestFailedRecords)
#include "TestFailedRecords.moc"
