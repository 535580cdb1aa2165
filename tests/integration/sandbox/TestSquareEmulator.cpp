#include "SandboxTestFixture.h"
#include "square/SquareEmulator.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace patchbay::sandbox;

namespace {

// The first element of the array the reply holds under key (customers, errors, ...).
QJsonObject firstOf(const SandboxReply &reply, const char *key)
{
    return reply.json.value(QLatin1String(key)).toArray().first().toObject();
}

} // namespace

// Drives the Square emulator over loopback HTTP.
class TestSquareEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void cursorPagingVisitsEveryCustomerExactlyOnce_data();
    void cursorPagingVisitsEveryCustomerExactlyOnce();
    void limitOutOfRangeIsRefused();
    void oauthTokenHasExpiresAt();
    void throttlingAnswers429RateLimited();
    void searchFiltersByUpdatedAt();
    void customAttributeDefinitionsAreTheSchema();
    void createCustomerValidates();
    void webhookSignatureCoversUrlAndBody();
    void paymentsCoverTheLastYearUnlessBeginTimeIsGiven();
    void paymentsFilterAndSortByUpdatedAt();

private:
    QString firstCustomerId(const SandboxAccountCredentials &merchant)
    {
        return firstOf(m_client->get(QStringLiteral("/v2/customers?limit=1"), merchant.accessToken), "customers")
            .value(QStringLiteral("id"))
            .toString();
    }

    std::unique_ptr<SquareEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestSquareEmulator::init()
{
    QVERIFY(SandboxTestFixture::start(m_emulator, m_client));
}

void TestSquareEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

void TestSquareEmulator::cursorPagingVisitsEveryCustomerExactlyOnce_data()
{
    QTest::addColumn<int>("customers");
    QTest::addColumn<int>("limit");
    QTest::newRow("partial last page") << 33 << 10;
    QTest::newRow("exact pages") << 20 << 10;
    QTest::newRow("nobody") << 0 << 10;
}

void TestSquareEmulator::cursorPagingVisitsEveryCustomerExactlyOnce()
{
    QFETCH(int, customers);
    QFETCH(int, limit);
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), customers, 8);
    QSet<QString> seen;
    int pages = 0;
    QString cursor;
    do {
        const SandboxReply reply =
            m_client->get(QStringLiteral("/v2/customers?limit=%1%2")
                              .arg(limit)
                              .arg(cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor),
                          merchant.accessToken);
        QCOMPARE(reply.status, 200);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("customers")).toArray()) {
            QVERIFY(!seen.contains(value.toObject().value(QStringLiteral("id")).toString()));
            seen.insert(value.toObject().value(QStringLiteral("id")).toString());
        }
        cursor = reply.json.value(QStringLiteral("cursor")).toString();
        QVERIFY(++pages <= customers / limit + 1);
    } while (!cursor.isEmpty());
    QCOMPARE(seen.size(), customers);
    QCOMPARE(pages, std::max(1, (customers + limit - 1) / limit));
}

void TestSquareEmulator::limitOutOfRangeIsRefused()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 3, 1);
    const SandboxReply tooHigh = m_client->get(QStringLiteral("/v2/customers?limit=101"), merchant.accessToken);
    QCOMPARE(tooHigh.status, 400);
    const QJsonObject error = firstOf(tooHigh, "errors");
    QCOMPARE(error.value(QStringLiteral("category")).toString(), QStringLiteral("INVALID_REQUEST_ERROR"));
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("VALUE_TOO_HIGH"));
    QCOMPARE(firstOf(m_client->get(QStringLiteral("/v2/customers"), QStringLiteral("EAAAwrong")), "errors")
                 .value(QStringLiteral("code"))
                 .toString(),
             QStringLiteral("UNAUTHORIZED"));
}

void TestSquareEmulator::oauthTokenHasExpiresAt()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 3, 1);
    const SandboxReply refreshed = m_client->postJson(QStringLiteral("/oauth2/token"),
                                                      {{QStringLiteral("client_id"), merchant.clientId},
                                                       {QStringLiteral("client_secret"), merchant.clientSecret},
                                                       {QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                       {QStringLiteral("refresh_token"), merchant.refreshToken}},
                                                      {});
    QCOMPARE(refreshed.status, 200);
    QVERIFY(!refreshed.json.contains(QStringLiteral("expires_in")));
    const QDateTime expiresAt =
        QDateTime::fromString(refreshed.json.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
    QVERIFY(expiresAt > QDateTime::currentDateTimeUtc().addDays(29));
    QCOMPARE(refreshed.json.value(QStringLiteral("refresh_token")).toString(), merchant.refreshToken);
    QVERIFY(!refreshed.json.value(QStringLiteral("merchant_id")).toString().isEmpty());
    QCOMPARE(
        m_client->get(QStringLiteral("/v2/customers"), refreshed.json.value(QStringLiteral("access_token")).toString())
            .status,
        200);

    QVERIFY(m_emulator->expireAccessTokens(QStringLiteral("cafe")));
    QCOMPARE(m_client->get(QStringLiteral("/v2/customers"), merchant.accessToken).status, 401);
    QCOMPARE(m_client->get(QStringLiteral("/v2/customers"), merchant.apiKey).status, 200);
}

void TestSquareEmulator::throttlingAnswers429RateLimited()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 3, 1);
    m_emulator->failNextRequests(1, 1);
    const SandboxReply limited = m_client->get(QStringLiteral("/v2/customers"), merchant.accessToken);
    QCOMPARE(limited.status, 429);
    const QJsonObject error = firstOf(limited, "errors");
    QCOMPARE(error.value(QStringLiteral("category")).toString(), QStringLiteral("RATE_LIMIT_ERROR"));
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("RATE_LIMITED"));
    QCOMPARE(m_client->get(QStringLiteral("/v2/customers"), merchant.accessToken).status, 200);
}

void TestSquareEmulator::searchFiltersByUpdatedAt()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 40, 2);
    const QString since = QDateTime::currentDateTimeUtc().addSecs(-1).toString(Qt::ISODateWithMs);
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("cafe"), QStringLiteral("customers"), 3);
    const QJsonObject query{
        {QStringLiteral("filter"),
         QJsonObject{{QStringLiteral("updated_at"), QJsonObject{{QStringLiteral("start_at"), since}}}}}};
    const SandboxReply found =
        m_client->postJson(QStringLiteral("/v2/customers/search"),
                           {{QStringLiteral("query"), query}, {QStringLiteral("limit"), 2}}, merchant.accessToken);
    QCOMPARE(found.status, 200);
    QSet<QString> ids;
    for (const QJsonValue &value : found.json.value(QStringLiteral("customers")).toArray())
        ids.insert(value.toObject().value(QStringLiteral("id")).toString());
    const SandboxReply rest =
        m_client->postJson(QStringLiteral("/v2/customers/search"),
                           {{QStringLiteral("query"), query},
                            {QStringLiteral("limit"), 2},
                            {QStringLiteral("cursor"), found.json.value(QStringLiteral("cursor")).toString()}},
                           merchant.accessToken);
    for (const QJsonValue &value : rest.json.value(QStringLiteral("customers")).toArray())
        ids.insert(value.toObject().value(QStringLiteral("id")).toString());
    QVERIFY(!rest.json.contains(QStringLiteral("cursor")));
    QCOMPARE(ids, QSet<QString>(touched.begin(), touched.end()));

    QVERIFY(m_emulator->deleteRecord(QStringLiteral("cafe"), QStringLiteral("customers"), touched.first()));
    QCOMPARE(m_client->get(QStringLiteral("/v2/customers/") + touched.first(), merchant.accessToken).status, 404);
}

void TestSquareEmulator::customAttributeDefinitionsAreTheSchema()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 2, 1);
    QVERIFY(m_client->get(QStringLiteral("/v2/customers/custom-attribute-definitions"), merchant.accessToken)
                .json.isEmpty());
    QCOMPARE(m_emulator->addCustomField(QStringLiteral("cafe"), QStringLiteral("customers"),
                                        QStringLiteral("Favorite Drink"), FieldKind::Text),
             QStringLiteral("favorite-drink"));
    const SandboxReply definitions =
        m_client->get(QStringLiteral("/v2/customers/custom-attribute-definitions"), merchant.accessToken);
    const QJsonObject definition = firstOf(definitions, "custom_attribute_definitions");
    QCOMPARE(definition.value(QStringLiteral("key")).toString(), QStringLiteral("favorite-drink"));
    QCOMPARE(definition.value(QStringLiteral("name")).toString(), QStringLiteral("Favorite Drink"));
    QVERIFY(definition.value(QStringLiteral("schema"))
                .toObject()
                .value(QStringLiteral("$ref"))
                .toString()
                .endsWith(QStringLiteral("squareup.common.String")));
    const QString id = firstCustomerId(merchant);
    const SandboxReply values =
        m_client->get(QStringLiteral("/v2/customers/%1/custom-attributes").arg(id), merchant.accessToken);
    QCOMPARE(firstOf(values, "custom_attributes").value(QStringLiteral("key")).toString(),
             QStringLiteral("favorite-drink"));
}

void TestSquareEmulator::createCustomerValidates()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 2, 1);
    const SandboxReply invalid = m_client->postJson(
        QStringLiteral("/v2/customers"), {{QStringLiteral("note"), QStringLiteral("nameless")}}, merchant.accessToken);
    QCOMPARE(invalid.status, 400);
    QCOMPARE(firstOf(invalid, "errors").value(QStringLiteral("code")).toString(), QStringLiteral("BAD_REQUEST"));
    const SandboxReply badEmail =
        m_client->postJson(QStringLiteral("/v2/customers"), {{QStringLiteral("email_address"), QStringLiteral("nope")}},
                           merchant.accessToken);
    QCOMPARE(firstOf(badEmail, "errors").value(QStringLiteral("code")).toString(),
             QStringLiteral("INVALID_EMAIL_ADDRESS"));
    const SandboxReply created =
        m_client->postJson(QStringLiteral("/v2/customers"),
                           {{QStringLiteral("given_name"), QStringLiteral("Amelia")},
                            {QStringLiteral("email_address"), QStringLiteral("amelia@example.com")}},
                           merchant.accessToken);
    QCOMPARE(created.status, 200);
    QCOMPARE(created.json.value(QStringLiteral("customer")).toObject().value(QStringLiteral("given_name")).toString(),
             QStringLiteral("Amelia"));
}

void TestSquareEmulator::webhookSignatureCoversUrlAndBody()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 2, 1);
    const QString id = firstCustomerId(merchant);
    WebhookReceiver receiver;
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("cafe"), receiver.url(), QStringLiteral("customers"), id));
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());
    const QByteArray expected =
        QMessageAuthenticationCode::hash(receiver.url().toString().toUtf8() + delivery->body,
                                         merchant.webhookSecret.toUtf8(), QCryptographicHash::Sha256)
            .toBase64();
    QCOMPARE(delivery->header("x-square-hmacsha256-signature"), expected);
    const QJsonObject payload = QJsonDocument::fromJson(delivery->body).object();
    QCOMPARE(payload.value(QStringLiteral("type")).toString(), QStringLiteral("customer.updated"));
    QCOMPARE(payload.value(QStringLiteral("data")).toObject().value(QStringLiteral("id")).toString(), id);
}

void TestSquareEmulator::paymentsCoverTheLastYearUnlessBeginTimeIsGiven()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 120, 9);
    const QDateTime yearAgo = QDateTime::currentDateTimeUtc().addYears(-1);
    const auto *seller = static_cast<const SquareMerchant *>(m_emulator->account(QStringLiteral("cafe")));
    int recent = 0;
    for (const SandboxRecord &payment : seller->table(QStringLiteral("payments"))->records())
        recent += payment.createdAt >= yearAgo;
    QVERIFY(recent > 0 && recent < 120);
    // Pages through every payment in created order; a limit above 100 is ignored, not refused.
    const auto collect = [&](const QString &query, QStringList *createdTimes) {
        QSet<QString> seen;
        QString cursor;
        int pages = 0;
        do {
            const QString path = QStringLiteral("/v2/payments?") + query +
                                 (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor);
            const SandboxReply reply = m_client->get(path, merchant.accessToken);
            if (reply.status != 200)
                return QSet<QString>{QStringLiteral("HTTP %1").arg(reply.status)};
            for (const QJsonValue &value : reply.json.value(QStringLiteral("payments")).toArray()) {
                const QJsonObject payment = value.toObject();
                seen.insert(payment.value(QStringLiteral("id")).toString());
                if (createdTimes)
                    createdTimes->append(payment.value(QStringLiteral("created_at")).toString());
            }
            cursor = reply.json.value(QStringLiteral("cursor")).toString();
            ++pages;
        } while (!cursor.isEmpty() && pages < 10);
        return seen;
    };
    QCOMPARE(collect(QStringLiteral("limit=500"), nullptr).size(), recent);
    QStringList created;
    const QSet<QString> all =
        collect(QStringLiteral("begin_time=2013-01-01T00:00:00Z&sort_order=ASC&limit=50"), &created);
    QCOMPARE(all.size(), 120);
    QStringList sorted = created;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(created, sorted);
    // Another location has none; a payment reads alone; the default location is the one payments name.
    QVERIFY(collect(QStringLiteral("begin_time=2013-01-01T00:00:00Z&location_id=LOTHER"), nullptr).isEmpty());
    const QString id = *all.begin();
    const SandboxReply one = m_client->get(QStringLiteral("/v2/payments/") + id, merchant.accessToken);
    QCOMPARE(one.status, 200);
    const QJsonObject payment = one.json.value(QStringLiteral("payment")).toObject();
    QCOMPARE(payment.value(QStringLiteral("location_id")).toString(), seller->mainLocationId());
    QCOMPARE(payment.value(QStringLiteral("amount_money")).toObject().value(QStringLiteral("currency")).toString(),
             QStringLiteral("USD"));
    QCOMPARE(m_client->get(QStringLiteral("/v2/payments/NOPE"), merchant.accessToken).status, 404);
    QCOMPARE(m_client->get(QStringLiteral("/v2/payments?begin_time=yesterday"), merchant.accessToken).status, 400);
}

void TestSquareEmulator::paymentsFilterAndSortByUpdatedAt()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("cafe"), 60, 10);
    const QString since = QDateTime::currentDateTimeUtc().addSecs(-1).toString(Qt::ISODate);
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("cafe"), QStringLiteral("payments"), 5);
    QCOMPARE(touched.size(), 5);
    const SandboxReply changed =
        m_client->get(QStringLiteral("/v2/payments?begin_time=2013-01-01T00:00:00Z&sort_field=UPDATED_AT&sort_order=ASC"
                                     "&updated_at_begin_time=") +
                          since,
                      merchant.accessToken);
    QCOMPARE(changed.status, 200);
    QSet<QString> found;
    QString previous;
    for (const QJsonValue &value : changed.json.value(QStringLiteral("payments")).toArray()) {
        const QJsonObject payment = value.toObject();
        QCOMPARE(payment.value(QStringLiteral("status")).toString(), QStringLiteral("COMPLETED"));
        QVERIFY(payment.value(QStringLiteral("updated_at")).toString() >= previous);
        previous = payment.value(QStringLiteral("updated_at")).toString();
        found.insert(payment.value(QStringLiteral("id")).toString());
    }
    QCOMPARE(found, QSet<QString>(touched.begin(), touched.end()));
    QCOMPARE(m_client->get(QStringLiteral("/v2/payments?sort_field=AMOUNT"), merchant.accessToken).status, 400);
}

QTEST_GUILESS_MAIN(TestSquareEmulator)
#include "TestSquareEmulator.moc"
