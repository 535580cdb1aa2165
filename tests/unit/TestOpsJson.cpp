#include "ops/OpsJson.h"

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

#include <limits>

using namespace patchbay;

namespace {

// A time with milliseconds in a zone other than UTC: what comes back is the same instant.
QDateTime berlinTime(int ms)
{
    return QDateTime(QDate(2026, 3, 14), QTime(15, 9, 26, ms), QTimeZone("Europe/Berlin"));
}

constexpr qint64 kBeyondDouble = (qint64(1) << 53) + 1; // a double would round it to 2^53

Connection fullConnection()
{
    Connection connection;
    connection.id = kBeyondDouble;
    connection.tenantId = std::numeric_limits<qint64>::max();
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = QStringLiteral("Acme HubSpot – Zürich");
    connection.config = QJsonObject{{"instance_url", "https://acme.example"}, {"nested", QJsonObject{{"n", 1.5}}}};
    connection.status = ConnectionStatus::NeedsReauth;
    connection.statusMessage = QStringLiteral("grant revoked");
    connection.createdAt = berlinTime(1);
    connection.lastSyncAt = berlinTime(999);
    connection.lastSyncStatus = QStringLiteral("failed");
    connection.integration = QStringLiteral("crm-contacts");
    connection.environment = QStringLiteral("staging");
    return connection;
}

MappingIssue fullIssue()
{
    return MappingIssue{QStringLiteral("address.city"), QStringLiteral("S0201"), 7, QStringLiteral("Syntax error")};
}

} // namespace

// The JSON form of the ops API's types: what the server writes, a remote client reads back unchanged, and what
// it refuses to read.
class TestOpsJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyTypeComesBackEqual();
    void emptyValuesComeBackEqual();
    void listsComeBackEqualInOrder();
    void idsBeyondADoubleStayExact();
    void timesAreWrittenInUtcWithMilliseconds();
    void bytesThatAreNotUtf8TravelAsBase64();
    void undefinedPreviewValuesAreLeftOut();
    void wrongTypesAreRefusedNamingTheMember_data();
    void wrongTypesAreRefusedNamingTheMember();
    void textThatIsNotJsonIsRefused();
    void errorAnswersDecode();

private:
    // Encodes, writes as text, parses back: what crosses the wire.
    template <typename T>
    void verifyRoundTrip(const T &value);
};

template <typename T>
void TestOpsJson::verifyRoundTrip(const T &value)
{
    const QByteArray text = QJsonDocument(OpsJson::encode(value)).toJson(QJsonDocument::Compact);
    const Result<T> decoded = OpsJson::parse<T>(text);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
    QVERIFY2(decoded.value() == value, text.constData());
}

void TestOpsJson::everyTypeComesBackEqual()
{
    verifyRoundTrip(Tenant{kBeyondDouble, QStringLiteral("acme"), QStringLiteral("Acme Inc."), berlinTime(123)});
    verifyRoundTrip(fullConnection());
    verifyRoundTrip(ConnectionSummary{fullConnection(), QStringLiteral("Acme"), TokenState::NeedsReauth,
                                      berlinTime(5)});
    for (TokenState state : {TokenState::Valid, TokenState::Expiring, TokenState::Expired, TokenState::Unknown})
        verifyRoundTrip(ConnectionSummary{fullConnection(), QStringLiteral("Acme"), state, berlinTime(5)});
    verifyRoundTrip(Execution{kBeyondDouble, 2, 3, QStringLiteral("read"), QStringLiteral("contacts, companies"),
                              ExecutionStatus::Failed, berlinTime(10), berlinTime(20), 1000, 4, 10, 11,
                              QStringLiteral("http.unreachable"), QStringLiteral("no route")});
    verifyRoundTrip(Event{kBeyondDouble, 9, berlinTime(42), EventLevel::Warning, QStringLiteral("Retrying"),
                          QJsonObject{{"attempt", 2}, {"after", "429"}}});
    verifyRoundTrip(Exchange{kBeyondDouble, 9, berlinTime(7), 250, QStringLiteral("POST"),
                             QStringLiteral("https://api.example/v1/search?q=%C3%A9"),
                             HeaderList{{"Authorization", "[redacted]"}, {"X-Latin", "caf\xe9"}},
                             R"({"query":"é"})", 429, HeaderList{{"Retry-After", "3"}}, "slow down",
                             QStringLiteral("")});
    verifyRoundTrip(EffectiveMapping{QStringLiteral("crm-contacts"),
                                     MappingTree{{"email", "$lowercase(email)"}, {"address", QJsonObject{{"city", "city"}}}},
                                     QMap<QString, QString>{{"email", "connection"}, {"address.city", "base"}}, 3,
                                     7});
    verifyRoundTrip(MappingVersion{kBeyondDouble, MappingLevel::Connection, QStringLiteral("12"),
                                   QStringLiteral("crm-contacts"), QStringLiteral("contacts"), QStringLiteral("read"),
                                   4, QJsonObject{{"email", "upper"}}, QStringLiteral("support-key"),
                                   QStringLiteral("ticket 42"), berlinTime(300)});
    verifyRoundTrip(fullIssue());
    verifyRoundTrip(MappingPreviewField{QStringLiteral("name"), QStringLiteral("first & last"),
                                        QJsonValue(QStringLiteral("Ada Lovelace")), fullIssue()});
    verifyRoundTrip(MappingPreviewRecord{
        QStringLiteral("101"),
        {MappingPreviewField{QStringLiteral("a"), QStringLiteral("x"), QJsonValue(QJsonValue::Null), std::nullopt},
         MappingPreviewField{QStringLiteral("b"), QStringLiteral("y"), QJsonArray{1, "two"}, fullIssue()}},
        QJsonObject{{"a", QJsonValue::Null}, {"b", QJsonArray{1, "two"}}}});
    verifyRoundTrip(FailedRecord{kBeyondDouble, 9, QStringLiteral("contacts"), QStringLiteral("r1"),
                                 QStringLiteral("2026-01-01T00:00:00Z"), R"({"id":"r1"})",
                                 QJsonArray{QJsonObject{{"field", "email"}, {"code", "T2001"}}}, berlinTime(1),
                                 berlinTime(2)});
    verifyRoundTrip(WriteItem{kBeyondDouble, 9, QStringLiteral("contacts"), QStringLiteral("k1"),
                              QStringLiteral("update"), QStringLiteral("p1"), QStringLiteral("failed"),
                              QStringLiteral("write.rejected"), QStringLiteral("bad email"), R"({"email":"x"})",
                              R"({"properties":{"email":"x"}})", berlinTime(3)});
    verifyRoundTrip(CommandStarted{kBeyondDouble, std::numeric_limits<qint64>::max()});
    for (LiveUpdate::Kind kind : {LiveUpdate::Kind::ExecutionStarted, LiveUpdate::Kind::ExecutionProgressed,
                                  LiveUpdate::Kind::ExecutionFinished, LiveUpdate::Kind::ConnectionChanged})
        verifyRoundTrip(LiveUpdate{kind, 1, 2, kBeyondDouble, true, QStringLiteral("done")});
    verifyRoundTrip(QUrl(QStringLiteral("https://idp.example/authorize?state=a%2Fb&redirect_uri=https%3A%2F%2Fx")));

    const ExecutionRow row{Execution{kBeyondDouble, 2, 3, QStringLiteral("read"), QStringLiteral("contacts"),
                                     ExecutionStatus::Succeeded, berlinTime(10), berlinTime(20), 339, 161, 4, 4,
                                     QString(), QString()},
                           ExecutionOutcome::Partial, QStringLiteral("Initech"), QStringLiteral("Initech – CRM"),
                           QStringLiteral("hubspot"), 2840, 339, 0, 161, kBeyondDouble - 5, kBeyondDouble - 7,
                           QStringLiteral("Read 339 records, 161 failed to map")};
    verifyRoundTrip(row);
    verifyRoundTrip(FailedRecordDetail{
        FailedRecord{kBeyondDouble, 9, QStringLiteral("contacts"), QStringLiteral("r1"), QString(), "\xff\xfe",
                     QJsonArray{QJsonObject{{"field", "email"}, {"code", "T2001"}, {"position", 3}}}, berlinTime(1),
                     QDateTime()},
        std::numeric_limits<qint64>::max(), QStringLiteral("Ada Lovelace")});
    const ConnectionHealthRow health{1, 2, QStringLiteral("Initech"), QStringLiteral("CRM"), QStringLiteral("hubspot"),
                                     ConnectionHealth::Degraded, QStringLiteral("The last sync succeeded with 161 "
                                                                                "failed records"),
                                     kBeyondDouble, berlinTime(4), ExecutionOutcome::Partial, 77};
    verifyRoundTrip(health);
    const TenantHealthRow tenant{2, QStringLiteral("Initech"), ConnectionHealth::Failing, 6, 1, 1, 1, 1, 2, 9};
    verifyRoundTrip(tenant);
    verifyRoundTrip(HealthReport{{health, ConnectionHealthRow{}}, {tenant}});
    // Replay of webhook events and notification deliveries (issue 13 item 6)
    verifyRoundTrip(WebhookEventRow{kBeyondDouble, 2, 3, QStringLiteral("hubspot"), QStringLiteral("203.0.113.9"),
                                    berlinTime(7), QStringLiteral("failed"), 5, QStringLiteral("mapping: stage"), 44,
                                    berlinTime(8), kBeyondDouble - 1});
    verifyRoundTrip(NotificationDeliveryRow{kBeyondDouble, QStringLiteral("d-1"), QStringLiteral("evt_1"),
                                            QStringLiteral("connection.created"), QStringLiteral("product"), 2, 3,
                                            QStringLiteral("failed"), 8, 503, QStringLiteral("HTTP 503"),
                                            berlinTime(1), berlinTime(2), 12});
    verifyRoundTrip(RefreshHistory{kBeyondDouble, {row, ExecutionRow{}}, 3,
                                   {QStringLiteral("crm.objects.contacts.read"), QStringLiteral("oauth")},
                                   berlinTime(600), berlinTime(5), TokenState::Expiring});
}

void TestOpsJson::emptyValuesComeBackEqual()
{
    // Defaults: unset times, empty strings and objects, no optional, undefined JSON values.
    verifyRoundTrip(Tenant{});
    verifyRoundTrip(Connection{});
    verifyRoundTrip(ConnectionSummary{});
    verifyRoundTrip(Execution{});
    verifyRoundTrip(Event{});
    verifyRoundTrip(Exchange{});
    verifyRoundTrip(EffectiveMapping{});
    verifyRoundTrip(MappingVersion{});
    verifyRoundTrip(MappingIssue{});
    verifyRoundTrip(MappingPreviewField{});
    verifyRoundTrip(MappingPreviewRecord{});
    verifyRoundTrip(FailedRecord{});
    verifyRoundTrip(WriteItem{});
    verifyRoundTrip(CommandStarted{});
    verifyRoundTrip(LiveUpdate{});
    verifyRoundTrip(ExecutionRow{});
    verifyRoundTrip(FailedRecordDetail{});
    verifyRoundTrip(HealthReport{});
    verifyRoundTrip(RefreshHistory{});
    verifyRoundTrip(WebhookEventRow{});
    verifyRoundTrip(NotificationDeliveryRow{});

    const QJsonObject tenant = OpsJson::encode(Tenant{});
    QVERIFY(tenant.value("createdAt").isNull()); // written, as null: every member is always there
}

void TestOpsJson::listsComeBackEqualInOrder()
{
    verifyRoundTrip(QList<Tenant>{});
    verifyRoundTrip(QList<Tenant>{{1, "b", "B", berlinTime(1)}, {2, "a", "A", QDateTime()}});
    verifyRoundTrip(QList<MappingIssue>{fullIssue(), MappingIssue{}});
}

void TestOpsJson::idsBeyondADoubleStayExact()
{
    const QByteArray text = QJsonDocument(OpsJson::encode(CommandStarted{kBeyondDouble, -kBeyondDouble}))
                                .toJson(QJsonDocument::Compact);
    QVERIFY2(text.contains("9007199254740993"), text.constData()); // a JSON integer, not 9.007199254740992e+15
    QCOMPARE(OpsJson::parse<CommandStarted>(text)->connectionId, kBeyondDouble);

    // A JavaScript client may write a whole number as a double; one past 2^53 it cannot mean exactly.
    QCOMPARE(OpsJson::parse<CommandStarted>(R"({"connectionId": 42.0, "executionId": 1e3})")->executionId, 1000);
    QVERIFY(!OpsJson::parse<CommandStarted>(R"({"connectionId": 1.5, "executionId": 1})").ok());
    QVERIFY(!OpsJson::parse<CommandStarted>(R"({"connectionId": 1e300, "executionId": 1})").ok());
}

void TestOpsJson::timesAreWrittenInUtcWithMilliseconds()
{
    const QJsonObject json = OpsJson::encode(Tenant{1, "a", "A", berlinTime(7)});
    QCOMPARE(json.value("createdAt").toString(), QStringLiteral("2026-03-14T14:09:26.007Z"));

    // Another zone's offset names the same instant; a time without a zone is refused rather than guessed.
    const auto offset = OpsJson::parse<Tenant>(
        R"({"id":1,"name":"a","displayName":"A","createdAt":"2026-03-14T15:09:26.007+01:00"})");
    QVERIFY(offset.ok());
    QCOMPARE(offset->createdAt, berlinTime(7));
    const auto local =
        OpsJson::parse<Tenant>(R"({"id":1,"name":"a","displayName":"A","createdAt":"2026-03-14T15:09:26.007"})");
    QVERIFY(!local.ok());
    QVERIFY2(local.error().message.startsWith("createdAt: "), qPrintable(local.error().message));
}

void TestOpsJson::bytesThatAreNotUtf8TravelAsBase64()
{
    Exchange exchange;
    exchange.requestBody = QByteArray("\x00\xff\xfe binary", 10);
    exchange.responseBody = R"({"ok":true})";
    const QJsonObject json = OpsJson::encode(exchange);
    QCOMPARE(json.value("requestBodyEncoding").toString(), QStringLiteral("base64"));
    QCOMPARE(json.value("responseBody").toString(), QStringLiteral(R"({"ok":true})"));
    QVERIFY(!json.contains("responseBodyEncoding"));
    verifyRoundTrip(exchange);

    QJsonObject broken = json;
    broken.insert("requestBody", "not base64!");
    const auto refused = OpsJson::decode<Exchange>(broken);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("json.invalid"));
    QVERIFY2(refused.error().message.startsWith("requestBody: "), qPrintable(refused.error().message));
}

void TestOpsJson::undefinedPreviewValuesAreLeftOut()
{
    const QJsonObject gave = OpsJson::encode(MappingPreviewField{"f", "x", QJsonValue::Undefined, std::nullopt});
    QVERIFY(!gave.contains("value"));
    QVERIFY(!gave.contains("error"));
    const QJsonObject null = OpsJson::encode(MappingPreviewField{"f", "x", QJsonValue::Null, std::nullopt});
    QVERIFY(null.contains("value"));
    QVERIFY(null.value("value").isNull());
}

void TestOpsJson::wrongTypesAreRefusedNamingTheMember_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("where");

    const QByteArray good = R"({"id":1,"tenantId":2,"connectionId":3,"kind":"read","object":"","status":"running",)"
                            R"("startedAt":null,"finishedAt":null,"recordCount":0,"failedRecordCount":0,)"
                            R"("pageCount":0,"requestCount":0,"errorCode":"","errorMessage":""})";
    QTest::newRow("id as string") << QByteArray(good).replace(R"("id":1)", R"("id":"1")") << "[1].id: ";
    QTest::newRow("missing member") << QByteArray(good).replace(R"("kind":"read",)", "") << "[1].kind: missing";
    QTest::newRow("count as bool") << QByteArray(good).replace(R"("pageCount":0)", R"("pageCount":true)")
                                   << "[1].pageCount: ";
    QTest::newRow("time as number") << QByteArray(good).replace(R"("startedAt":null)", R"("startedAt":5)")
                                    << "[1].startedAt: ";
    QTest::newRow("not a time") << QByteArray(good).replace(R"("startedAt":null)", R"("startedAt":"yesterday")")
                                << "[1].startedAt: ";
    QTest::newRow("item not an object") << QByteArray("[]") << "[1]: expected an object";
}

void TestOpsJson::wrongTypesAreRefusedNamingTheMember()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, where);
    // The broken execution is the second of a list: the message names which.
    const QByteArray good = R"({"id":1,"tenantId":2,"connectionId":3,"kind":"read","object":"","status":"running",)"
                            R"("startedAt":null,"finishedAt":null,"recordCount":0,"failedRecordCount":0,)"
                            R"("pageCount":0,"requestCount":0,"errorCode":"","errorMessage":""})";
    QVERIFY(OpsJson::parse<QList<Execution>>("[" + good + "," + good + "]").ok());
    const auto refused = OpsJson::parse<QList<Execution>>("[" + good + "," + json + "]");
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("json.invalid"));
    QVERIFY2(refused.error().message.startsWith(where), qPrintable(refused.error().message));
}

void TestOpsJson::textThatIsNotJsonIsRefused()
{
    const auto refused = OpsJson::parse<Tenant>("{\"id\": ");
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("json.malformed"));
    QCOMPARE(OpsJson::parse<Tenant>("[]").error().code, QStringLiteral("json.invalid"));
    QCOMPARE(OpsJson::parse<QList<Tenant>>("{}").error().message, QStringLiteral("the value: expected an array, got an object"));
}

void TestOpsJson::errorAnswersDecode()
{
    const Error error{QStringLiteral("store.not_found"), QStringLiteral("No connection 7")};
    const auto decoded = OpsJson::decodeErrorBody(OpsJson::errorBody(error));
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, error);
    QCOMPARE(OpsJson::decodeErrorBody(OpsJson::errorBody(Error{})), Error{});
    QVERIFY(!OpsJson::decodeErrorBody(QJsonObject{{"error", "boom"}}).has_value());
    QVERIFY(!OpsJson::decodeErrorBody(QJsonObject{{"error", QJsonObject{{"code", 1}, {"message", ""}}}}).has_value());
}

QTEST_GUILESS_MAIN(TestOpsJson)
#include "TestOpsJson.moc"
