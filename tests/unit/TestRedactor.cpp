#include "http/Redactor.h"

#include <QtTest>

using namespace patchbay;

class TestRedactor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void credentialHeadersKeepOnlyTheScheme();
    void jsonAndFormBodiesLoseSecretFields();
    void knownSecretsVanishEverywhere();
    void tokenTypeStaysVisibleBesideRedactedTokens();
};

void TestRedactor::credentialHeadersKeepOnlyTheScheme()
{
    Redactor redactor;
    const HeaderList headers = redactor.redactHeaders(
        {{"Authorization", "Bearer abc.def.ghi"}, {"X-Api-Key", "k-123"}, {"Accept", "application/json"}});
    QCOMPARE(headers.at(0).second, QByteArray("Bearer [redacted]"));
    QCOMPARE(headers.at(1).second, QByteArray("[redacted]"));
    QCOMPARE(headers.at(2).second, QByteArray("application/json"));
}

void TestRedactor::jsonAndFormBodiesLoseSecretFields()
{
    Redactor redactor;
    const QByteArray json = redactor.redactBody(
        R"({"access_token":"A1","refresh_token":"R1","expires_in":1800,"nested":{"client_secret":"S"}})");
    QVERIFY(!json.contains("A1"));
    QVERIFY(!json.contains("R1"));
    QVERIFY(!json.contains("\"S\""));
    QVERIFY(json.contains("1800"));
    const QByteArray form =
        redactor.redactBody("grant_type=refresh_token&refresh_token=R2&client_id=abc&client_secret=S2");
    QCOMPARE(form, QByteArray("grant_type=refresh_token&refresh_token=[redacted]&client_id=abc&client_secret=[redacted]"));
}

void TestRedactor::knownSecretsVanishEverywhere()
{
    Redactor redactor;
    redactor.addSecret(SecretBytes("tok-0123456789"));
    HttpRequest request;
    request.url = QUrl(QStringLiteral("https://api.example.com/x?access_token=tok-0123456789&q=1"));
    request.headers = {{"X-Custom", "tok-0123456789"}};
    request.body = "plain text with tok-0123456789 inside";
    HttpResponse response;
    response.status = 200;
    response.body = R"({"echo":"tok-0123456789"})";
    const Exchange exchange = redactor.redact(request, response);
    QVERIFY(!exchange.url.contains(QStringLiteral("tok-0123456789")));
    QVERIFY(exchange.url.contains(QStringLiteral("q=1")));
    QVERIFY(!exchange.requestHeaders.first().second.contains("tok-"));
    QVERIFY(!exchange.requestBody.contains("tok-"));
    QVERIFY(!exchange.responseBody.contains("tok-"));
}

void TestRedactor::tokenTypeStaysVisibleBesideRedactedTokens()
{
    Redactor redactor;
    const QByteArray json = redactor.redactBody(
        R"({"access_token":"A1","refresh_token":"R1","id_token":"I1","token_type":"Bearer","scope":"read"})");
    const QJsonObject object = QJsonDocument::fromJson(json).object();
    QCOMPARE(object.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(object.value(QStringLiteral("scope")).toString(), QStringLiteral("read"));
    for (const char *secret : {"access_token", "refresh_token", "id_token"})
        QCOMPARE(object.value(QLatin1String(secret)).toString(), QStringLiteral("[redacted]"));
    const QByteArray form = redactor.redactBody("token=T1&token_type_hint=refresh_token");
    QCOMPARE(form, QByteArray("token=[redacted]&token_type_hint=refresh_token"));
}

QTEST_GUILESS_MAIN(TestRedactor)
#include "TestRedactor.moc"
