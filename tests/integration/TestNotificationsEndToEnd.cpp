// Notifications from the real patchbayd process: configured with the product's endpoint and a secret file, it sends
// the product a signed connection.created when a connection is made through its API, retries it when the endpoint
// fails, lists it in the delivery log and sends it again on a replay. The secret never reaches its log.
#include "DaemonProcess.h"
#include "NotificationReceiver.h"
#include "core/Notifications.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

class TestNotificationsEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void productReceivesSignedNotificationsAndAReplay();
};

void TestNotificationsEndToEnd::productReceivesSignedNotificationsAndAReplay()
{
    const QByteArray secret = QByteArrayLiteral("whsec_e2e_7d41b2c9");
    NotificationReceiver receiver(secret);
    QVERIFY(receiver.listen() != 0);
    DaemonProcess daemon;
    const QString secretPath = daemon.writeSecretFile(QStringLiteral("notify.secret"), secret);
    QVERIFY(!secretPath.isEmpty());
    daemon.setSetting(QStringLiteral("scheduler"), false);
    daemon.setSetting(
        QStringLiteral("notifications"),
        QJsonObject{{QStringLiteral("batchSeconds"), 1},
                    {QStringLiteral("retrySeconds"), 1},
                    {QStringLiteral("endpoints"),
                     QJsonObject{{QStringLiteral("product"),
                                  QJsonObject{{QStringLiteral("url"), receiver.url().toString()},
                                              {QStringLiteral("secretFile"), secretPath}}}}}});
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));

    receiver.answerNext({503}); // the first attempt fails; the retry a second later gets through
    QCOMPARE(daemon.request("POST", QStringLiteral("/api/v1/tenants"), R"({"name":"acme"})").status, 201);
    const auto connection = daemon.request("POST", QStringLiteral("/api/v1/tenants/acme/connections"),
                                           R"({"provider":"stripe","credential":{"apiKey":"sk_test_e2e"}})");
    QCOMPARE(connection.status, 201);
    const qint64 connectionId = connection.json.value(QStringLiteral("id")).toInteger();
    QVERIFY(QTest::qWaitFor([&] { return receiver.ofType(NotificationType::ConnectionCreated).size() >= 2; },
                            20000));
    const auto attempts = receiver.ofType(NotificationType::ConnectionCreated);
    QCOMPARE(attempts.first().answeredStatus, 503);
    for (const auto &attempt : attempts) {
        QVERIFY2(attempt.signatureValid, attempt.signature.constData());
        QCOMPARE(attempt.deliveryId, attempts.first().deliveryId);
    }
    QCOMPARE(attempts.last().event.value(QStringLiteral("connectionId")).toInteger(), connectionId);

    // The delivery log shows it delivered on the second attempt (recorded once the notifier has the endpoint's answer,
    // a moment after the receiver sent it); a replay sends the same event as a new delivery.
    QJsonObject delivery;
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto log =
                daemon.request("GET", QStringLiteral("/api/v1/notifications/deliveries?type=connection.created"));
            delivery = log.json.value(QStringLiteral("deliveries")).toArray().first().toObject();
            return log.status == 200 && delivery.value(QStringLiteral("state")).toString() != DeliveryState::Pending;
        },
        10000));
    QCOMPARE(delivery.value(QStringLiteral("state")).toString(), DeliveryState::Delivered);
    QCOMPARE(delivery.value(QStringLiteral("attempts")).toInt(), 2);
    const auto replay = daemon.request(
        "POST", QStringLiteral("/api/v1/notifications/deliveries/%1/replay")
                    .arg(delivery.value(QStringLiteral("id")).toInteger()));
    QCOMPARE(replay.status, 202);
    QVERIFY(QTest::qWaitFor([&] { return receiver.ofType(NotificationType::ConnectionCreated).size() >= 3; },
                            20000));
    const auto replayed = receiver.ofType(NotificationType::ConnectionCreated).last();
    QVERIFY(replayed.signatureValid);
    QCOMPARE(replayed.eventId, attempts.first().eventId);
    QVERIFY(replayed.deliveryId != attempts.first().deliveryId);
    QCOMPARE(replayed.deliveryId, replay.json.value(QStringLiteral("deliveryId")).toString().toUtf8());

    QCOMPARE(daemon.stop(), 0);
    for (const QByteArray &line : daemon.logLines())
        QVERIFY2(!line.contains(secret), line.constData());
}

QTEST_GUILESS_MAIN(TestNotificationsEndToEnd)
#include "TestNotificationsEndToEnd.moc"
