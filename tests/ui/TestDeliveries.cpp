#include "AllAnswered.h"
#include "AnswerConfirmation.h"
#include "DeliveriesView.h"
#include "DemoDatabase.h"

#include "ops/LocalOps.h"
#include "store/Store.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace patchbay;

// A connection's Deliveries tab driven as a support engineer does, on the console's own engine: a failed provider
// webhook call is replayed after a confirmation, listed as a replay of the original, and actually applied (the
// console runs no inbox worker of patchbayd's); a notification cannot be replayed here, and says why.
class TestDeliveries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void failedWebhookCallIsReplayedAndApplied();
    void notificationReplayIsRefusedWithoutTheServer();

private:
    int rowOf(QTableWidget *table, qint64 id) const;

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    qint64 m_failedCall = 0;
    qint64 m_delivery = 0;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<DeliveriesView> m_view;
};

void TestDeliveries::init()
{
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    // A HubSpot call whose one event deletes a contact: applying it again calls no provider.
    WebhookInboxEntry call;
    call.connectionId = m_ids.acmeHubspot;
    call.provider = QStringLiteral("hubspot");
    call.dedupeKey = QStringLiteral("demo-1");
    call.url = QStringLiteral("https://patchbay.example/webhooks/hubspot");
    call.source = QStringLiteral("203.0.113.9");
    call.body =
        QByteArrayLiteral(R"([{"eventId":4242,"portalId":1,"subscriptionType":"contact.deletion","objectId":51}])");
    Store &store = m_demo->store();
    m_failedCall = store.webhooks().enqueueWebhook(call)->id;
    QVERIFY(store.webhooks().claimWebhooks(1, QDateTime::currentDateTimeUtc().addSecs(60))->size() == 1);
    QVERIFY(store.webhooks()
                .finishWebhook(m_failedCall, WebhookInboxState::Failed, QStringLiteral("mapping: contacts.stage"), 0)
                .ok());
    NotificationDelivery delivery;
    delivery.deliveryId = QStringLiteral("d-1");
    delivery.eventId = QStringLiteral("evt_1");
    delivery.eventType = QStringLiteral("connection.created");
    delivery.endpoint = QStringLiteral("product");
    delivery.url = QStringLiteral("http://127.0.0.1:9/hooks");
    delivery.tenantId = m_ids.acme;
    delivery.connectionId = m_ids.acmeHubspot;
    delivery.payload = QByteArrayLiteral(R"({"id":"evt_1"})");
    delivery.state = DeliveryState::Failed;
    m_delivery = store.notifications().addDelivery(delivery).value();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));

    m_ops = m_demo->createOps();
    m_view = std::make_unique<DeliveriesView>(m_ops.get());
    m_view->resize(1000, 600);
    m_view->show();
    QSignalSpy loaded(m_view.get(), &DeliveriesView::loaded);
    m_view->setConnection(m_ids.acmeHubspot);
    QTRY_COMPARE(loaded.size(), 1);
}

void TestDeliveries::cleanup()
{
    m_view.reset();
    m_ops.reset(); // waits for the call its worker applies
    m_demo.reset();
}

int TestDeliveries::rowOf(QTableWidget *table, qint64 id) const
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0)->text() == QString::number(id))
            return row;
    }
    return -1;
}

void TestDeliveries::failedWebhookCallIsReplayedAndApplied()
{
    auto *table = m_view->findChild<QTableWidget *>(QStringLiteral("webhookEventTable"));
    auto *button = m_view->findChild<QPushButton *>(QStringLiteral("replayWebhookButton"));
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 3)->text(), QStringLiteral("failed"));
    QCOMPARE(table->item(0, 6)->text(), QStringLiteral("mapping: contacts.stage"));
    QVERIFY(!button->isEnabled()); // nothing selected yet
    table->setCurrentCell(0, 0);
    QVERIFY(button->isEnabled());

    const QString said = clickAndAnswer(this, button, true);
    QVERIFY2(said.startsWith(QStringLiteral("Applies the events of webhook call #%1 again").arg(m_failedCall)),
             qPrintable(said));
    // Listed, selected and linked both ways.
    QTRY_COMPARE(table->rowCount(), 2);
    const WebhookEventRow replay = m_view->webhookEvents().first();
    QCOMPARE(replay.replayOf, m_failedCall);
    QCOMPARE(table->currentRow(), rowOf(table, replay.id));
    QCOMPARE(table->item(rowOf(table, replay.id), 5)->text(), QStringLiteral("Replay of #%1").arg(m_failedCall));
    QCOMPARE(table->item(rowOf(table, m_failedCall), 5)->text(), QStringLiteral("Replayed by #%1").arg(replay.id));
    // The console's own worker applied it, in an execution of its own.
    QTRY_COMPARE(m_demo->store().webhooks().webhookInboxEntry(replay.id)->state, WebhookInboxState::Applied);
    QVERIFY(m_demo->store().webhooks().webhookInboxEntry(replay.id)->executionId != 0);
    QSignalSpy loaded(m_view.get(), &DeliveriesView::loaded);
    m_view->reload();
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(table->item(rowOf(table, replay.id), 3)->text(), QStringLiteral("applied"));
    if (const QByteArray path = qgetenv("PATCHBAY_SCREENSHOT_DIR"); !path.isEmpty())
        m_view->grab().save(QString::fromLocal8Bit(path) + QStringLiteral("/deliveries.png"));
}

void TestDeliveries::notificationReplayIsRefusedWithoutTheServer()
{
    auto *table = m_view->findChild<QTableWidget *>(QStringLiteral("notificationDeliveryTable"));
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("connection.created \u2192 product"));
    table->setCurrentCell(0, 0);
    QSignalSpy errors(m_view.get(), &DeliveriesView::errorOccurred);
    const QString said =
        clickAndAnswer(this, m_view->findChild<QPushButton *>(QStringLiteral("replayDeliveryButton")), true);
    QVERIFY2(said.contains(QStringLiteral("connection.created notification to endpoint")), qPrintable(said));
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(errors.first().first().toString(),
             QStringLiteral("Replay of notification #%1 refused: Notifications are sent by patchbayd; connect to the "
                            "server to replay them.")
                 .arg(m_delivery));
    QCOMPARE(m_demo->store().notifications().deliveries({})->size(), 1); // nothing queued

    // A key that may only look sees why it cannot.
    m_view->setCommandsRefused(QStringLiteral("Your API key (viewer) can only look"));
    QVERIFY(!m_view->findChild<QPushButton *>(QStringLiteral("replayDeliveryButton"))->isEnabled());
}

QTEST_MAIN(TestDeliveries)
#include "TestDeliveries.moc"
