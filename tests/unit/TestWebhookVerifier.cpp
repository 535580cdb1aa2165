#include "sync/SyncService.h"
#include "sync/WebhookVerifier.h"

#include <QMessageAuthenticationCode>
#include <QtTest>

using namespace patchbay;

// The timestamp and signature checks of webhook calls, on the shape Stripe and HubSpot use: a timestamp header and a
// hex HMAC-SHA256 of it and the body.
class TestWebhookVerifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timestampsFarFromNowAreRefused_data();
    void timestampsFarFromNowAreRefused();
    void aSignedFreshCallPasses();

private:
    static WebhookSpec spec(const QString &format);
    static std::optional<QString> verifyCall(const WebhookSpec &spec, const QByteArray &stamp,
                                             const QByteArray &signature);
    static QDateTime now() { return QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC); }
};

WebhookSpec TestWebhookVerifier::spec(const QString &format)
{
    WebhookSpec spec;
    spec.enabled = true;
    spec.message = QStringLiteral("$timestamp & \".\" & $body");
    spec.provided = QStringLiteral("$headers.\"x-signature\"");
    spec.timestamp = QStringLiteral("$headers.\"x-timestamp\"");
    spec.timestampFormat = format;
    return spec;
}

std::optional<QString> TestWebhookVerifier::verifyCall(const WebhookSpec &spec, const QByteArray &stamp,
                                                       const QByteArray &signature)
{
    WebhookCall call;
    call.url = QUrl(QStringLiteral("https://patchbay.example/webhooks/stripe/1"));
    call.headers = {{"x-timestamp", stamp}, {"x-signature", signature}};
    call.body = R"({"id": "evt_1"})";
    QJsonParseError error;
    const QJsonValue json = webhook::callJson(call.body, &error);
    return webhook::verify(spec, json, webhook::callBindings(call, json), "whsec_test", now());
}

void TestWebhookVerifier::timestampsFarFromNowAreRefused_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QByteArray>("stamp");
    QTest::addColumn<QString>("expected");

    QTest::newRow("an hour ago") << QStringLiteral("epochSeconds") << QByteArray("1767222000")
                                 << QStringLiteral("its timestamp is 3600 s away from now (tolerance 300 s)");
    QTest::newRow("not a number") << QStringLiteral("epochSeconds") << QByteArray("soon")
                                  << QStringLiteral("its timestamp 'soon' is not epochSeconds");
    // Seconds that overflowed when turned into milliseconds, and milliseconds that overflowed the distance from
    // now: undefined behaviour before (found by tests/fuzz/webhook_fuzz_verify).
    QTest::newRow("seconds past 2^63 / 1000") << QStringLiteral("epochSeconds") << QByteArray("9300000000000000")
                                              << QStringLiteral("its timestamp '9300000000000000' is not epochSeconds");
    QTest::newRow("largest seconds") << QStringLiteral("epochSeconds") << QByteArray("9223372036854775807")
                                     << QStringLiteral("its timestamp '9223372036854775807' is not epochSeconds");
    QTest::newRow("smallest seconds") << QStringLiteral("epochSeconds") << QByteArray("-9223372036854775808")
                                      << QStringLiteral("its timestamp '-9223372036854775808' is not epochSeconds");
    QTest::newRow("smallest millis") << QStringLiteral("epochMillis") << QByteArray("-9223372036854775808")
                                     << QStringLiteral("its timestamp '-9223372036854775808' is not epochMillis");
    QTest::newRow("largest millis") << QStringLiteral("epochMillis") << QByteArray("9223372036854775807")
                                    << QStringLiteral("its timestamp '9223372036854775807' is not epochMillis");
}

void TestWebhookVerifier::timestampsFarFromNowAreRefused()
{
    QFETCH(QString, format);
    QFETCH(QByteArray, stamp);
    QFETCH(QString, expected);
    const std::optional<QString> refusal = verifyCall(spec(format), stamp, "00");
    QVERIFY(refusal);
    QVERIFY2(refusal->startsWith(expected), qPrintable(*refusal));
}

void TestWebhookVerifier::aSignedFreshCallPasses()
{
    const QByteArray stamp = "1767225500";
    const QByteArray mac =
        QMessageAuthenticationCode::hash(stamp + "." + R"({"id": "evt_1"})", "whsec_test", QCryptographicHash::Sha256)
            .toHex();
    QCOMPARE(verifyCall(spec(QStringLiteral("epochSeconds")), stamp, mac), std::nullopt);
    QCOMPARE(verifyCall(spec(QStringLiteral("epochSeconds")), stamp, mac.toUpper()), std::nullopt);
    QCOMPARE(verifyCall(spec(QStringLiteral("epochSeconds")), stamp, "sha256=" + mac),
             std::optional<QString>(QStringLiteral("its signature does not match")));
}

QTEST_GUILESS_MAIN(TestWebhookVerifier)
#include "TestWebhookVerifier.moc"
