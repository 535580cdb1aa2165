#include "SandboxTestFixture.h"
#include "stripe/StripeEmulator.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

#include <memory>

using namespace patchbay::sandbox;

namespace {

using Form = QList<QPair<QString, QString>>;

QJsonObject errorOf(const SandboxReply &reply)
{
    return reply.json.value(QStringLiteral("error")).toObject();
}

QStringList idsOf(const SandboxReply &reply)
{
    QStringList ids;
    for (const QJsonValue &value : reply.json.value(QStringLiteral("data")).toArray())
        ids.append(value.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

// t and the v1 entries of a Stripe-Signature header, read independently of the emulator.
struct Signature
{
    QByteArray timestamp;
    QList<QByteArray> v1;
};

Signature parseSignature(const QByteArray &header)
{
    Signature signature;
    for (const QByteArray &part : header.split(',')) {
        const qsizetype equals = part.indexOf('=');
        const QByteArray name = part.left(equals).trimmed();
        if (name == "t")
            signature.timestamp = part.mid(equals + 1);
        else if (name == "v1")
            signature.v1.append(part.mid(equals + 1));
    }
    return signature;
}

QByteArray expectedV1(const QString &secret, const QByteArray &timestamp, const QByteArray &body)
{
    return QMessageAuthenticationCode::hash(timestamp + '.' + body, secret.toUtf8(), QCryptographicHash::Sha256)
        .toHex();
}

} // namespace

// Drives the Stripe emulator over loopback HTTP the way Stripe's API reference describes it.
class TestStripeEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void startingAfterPagesNewestFirstThroughEveryCustomer_data();
    void startingAfterPagesNewestFirstThroughEveryCustomer();
    void endingBeforePagesBackTowardsNewerCustomers();
    void listParametersAreChecked_data();
    void listParametersAreChecked();
    void createdGteKeepsOnlyCustomersCreatedSince();
    void createAndUpdateWithFormBodiesMergeMetadata();
    void writesRefuseInvalidParameters_data();
    void writesRefuseInvalidParameters();
    void deletedCustomerLeavesListsButCanBeRetrieved();
    void badMissingOrRolledKeyIsUnauthorized();
    void injectedRateLimitAnswers429();
    void idempotencyKeyReplaysTheFirstAnswer();
    void invoicesFilterByCustomerAndStatus();
    void webhookSignatureCoversTimestampAndBody();
    void webhookDuringRotationCarriesTwoSignaturesAndCanBeStale();
    void customFieldsAreRefused();

private:
    SandboxReply call(const QByteArray &method, const QString &path, const QString &key, const Form &form = {},
                      const SandboxTestClient::Headers &extra = {});
    QString createCustomer(const QString &key, const Form &form);

    std::unique_ptr<StripeEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestStripeEmulator::init()
{
    QVERIFY(SandboxTestFixture::start(m_emulator, m_client));
}

void TestStripeEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

SandboxReply TestStripeEmulator::call(const QByteArray &method, const QString &path, const QString &key,
                                      const Form &form, const SandboxTestClient::Headers &extra)
{
    QByteArray body;
    for (const auto &[name, value] : form) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    SandboxTestClient::Headers headers = extra;
    if (!key.isEmpty())
        headers.emplaceBack("Authorization", "Bearer " + key.toLatin1());
    if (!form.isEmpty())
        headers.emplaceBack("Content-Type", "application/x-www-form-urlencoded");
    return m_client->send(method, path, body, headers);
}

QString TestStripeEmulator::createCustomer(const QString &key, const Form &form)
{
    return call("POST", QStringLiteral("/v1/customers"), key, form).json.value(QStringLiteral("id")).toString();
}

void TestStripeEmulator::startingAfterPagesNewestFirstThroughEveryCustomer_data()
{
    QTest::addColumn<int>("customers");
    QTest::addColumn<int>("limit");
    QTest::newRow("partial last page") << 25 << 10;
    QTest::newRow("exact pages") << 20 << 10;
    QTest::newRow("one page at the maximum") << 100 << 100;
    QTest::newRow("default limit") << 13 << 0;
    QTest::newRow("no customers") << 0 << 10;
}

void TestStripeEmulator::startingAfterPagesNewestFirstThroughEveryCustomer()
{
    QFETCH(int, customers);
    QFETCH(int, limit);
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), customers, 4);
    QVERIFY(account.apiKey.startsWith(QLatin1String("sk_test_")));
    const int pageSize = limit == 0 ? 10 : limit;
    QSet<QString> seen;
    qint64 previousCreated = std::numeric_limits<qint64>::max();
    QString after;
    int pages = 0;
    bool hasMore = true;
    while (hasMore) {
        QString path = QStringLiteral("/v1/customers?");
        if (limit > 0)
            path += QStringLiteral("limit=%1&").arg(limit);
        if (!after.isEmpty())
            path += QStringLiteral("starting_after=") + after;
        const SandboxReply page = call("GET", path, account.apiKey);
        QCOMPARE(page.status, 200);
        QCOMPARE(page.json.value(QStringLiteral("object")).toString(), QStringLiteral("list"));
        QCOMPARE(page.json.value(QStringLiteral("url")).toString(), QStringLiteral("/v1/customers"));
        const QJsonArray data = page.json.value(QStringLiteral("data")).toArray();
        QVERIFY(data.size() <= pageSize);
        for (const QJsonValue &value : data) {
            const QJsonObject customer = value.toObject();
            QCOMPARE(customer.value(QStringLiteral("object")).toString(), QStringLiteral("customer"));
            QVERIFY(customer.value(QStringLiteral("id")).toString().startsWith(QLatin1String("cus_")));
            QVERIFY(!seen.contains(customer.value(QStringLiteral("id")).toString()));
            seen.insert(customer.value(QStringLiteral("id")).toString());
            const qint64 created = customer.value(QStringLiteral("created")).toInteger();
            QVERIFY2(created <= previousCreated, "customers come newest first");
            previousCreated = created;
        }
        hasMore = page.json.value(QStringLiteral("has_more")).toBool();
        if (!data.isEmpty())
            after = data.last().toObject().value(QStringLiteral("id")).toString();
        QVERIFY(++pages <= customers / pageSize + 1);
    }
    QCOMPARE(seen.size(), customers);
    QCOMPARE(pages, std::max(1, (customers + pageSize - 1) / pageSize));
}

void TestStripeEmulator::endingBeforePagesBackTowardsNewerCustomers()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 25, 4);
    const QStringList first = idsOf(call("GET", QStringLiteral("/v1/customers?limit=10"), account.apiKey));
    const QStringList second =
        idsOf(call("GET", QStringLiteral("/v1/customers?limit=10&starting_after=") + first.last(), account.apiKey));
    QCOMPARE(second.size(), 10);

    const SandboxReply back =
        call("GET", QStringLiteral("/v1/customers?limit=10&ending_before=") + second.first(), account.apiKey);
    QCOMPARE(idsOf(back), first);
    QCOMPARE(back.json.value(QStringLiteral("has_more")).toBool(true), false);

    // The objects just newer than the cursor, still newest first; more exist beyond them.
    const SandboxReply near =
        call("GET", QStringLiteral("/v1/customers?limit=3&ending_before=") + second.at(5), account.apiKey);
    QCOMPARE(idsOf(near), second.mid(2, 3));
    QCOMPARE(near.json.value(QStringLiteral("has_more")).toBool(), true);
}

void TestStripeEmulator::listParametersAreChecked_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("code");
    QTest::newRow("limit zero") << "limit=0"
                                << "limit"
                                << "";
    QTest::newRow("limit above 100") << "limit=101"
                                     << "limit"
                                     << "";
    QTest::newRow("limit not a number") << "limit=ten"
                                        << "limit"
                                        << "parameter_invalid_integer";
    QTest::newRow("both cursors") << "starting_after=cus_a&ending_before=cus_b"
                                  << "ending_before"
                                  << "";
    QTest::newRow("unknown cursor") << "starting_after=cus_nobody"
                                    << "starting_after"
                                    << "resource_missing";
    QTest::newRow("unknown parameter") << "page=2"
                                       << "page"
                                       << "parameter_unknown";
    QTest::newRow("created not a number") << "created[gte]=yesterday"
                                          << "created[gte]"
                                          << "parameter_invalid_integer";
}

void TestStripeEmulator::listParametersAreChecked()
{
    QFETCH(QString, query);
    QFETCH(QString, param);
    QFETCH(QString, code);
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 3, 4);
    const SandboxReply reply = call("GET", QStringLiteral("/v1/customers?") + query, account.apiKey);
    QCOMPARE(reply.status, 400);
    QCOMPARE(errorOf(reply).value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
    QCOMPARE(errorOf(reply).value(QStringLiteral("param")).toString(), param);
    QCOMPARE(errorOf(reply).value(QStringLiteral("code")).toString(), code);
    QVERIFY(!errorOf(reply).value(QStringLiteral("message")).toString().isEmpty());
}

void TestStripeEmulator::createdGteKeepsOnlyCustomersCreatedSince()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 40, 6);
    const QJsonArray all = call("GET", QStringLiteral("/v1/customers?limit=100"), account.apiKey)
                               .json.value(QStringLiteral("data"))
                               .toArray();
    QCOMPARE(all.size(), 40);
    const qint64 threshold = all.at(7).toObject().value(QStringLiteral("created")).toInteger();
    int expected = 0;
    for (const QJsonValue &value : all)
        expected += value.toObject().value(QStringLiteral("created")).toInteger() >= threshold ? 1 : 0;

    const SandboxReply since =
        call("GET", QStringLiteral("/v1/customers?limit=100&created[gte]=%1").arg(threshold), account.apiKey);
    QCOMPARE(since.status, 200);
    const QJsonArray data = since.json.value(QStringLiteral("data")).toArray();
    QCOMPARE(data.size(), expected);
    for (const QJsonValue &value : data)
        QVERIFY(value.toObject().value(QStringLiteral("created")).toInteger() >= threshold);

    // An incremental read right after a create sees just the new customer (brackets percent-encoded this time).
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString id = createCustomer(account.apiKey, {{QStringLiteral("email"), QStringLiteral("new@example.com")}});
    const SandboxReply fresh =
        call("GET", QStringLiteral("/v1/customers?created%5Bgte%5D=%1").arg(now), account.apiKey);
    QCOMPARE(idsOf(fresh), QStringList{id});
    QCOMPARE(idsOf(call("GET", QStringLiteral("/v1/customers?created[gt]=%1").arg(now + 3600), account.apiKey)),
             QStringList());
}

void TestStripeEmulator::createAndUpdateWithFormBodiesMergeMetadata()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 2, 4);
    const SandboxReply created = call("POST", QStringLiteral("/v1/customers"), account.apiKey,
                                      {{QStringLiteral("email"), QStringLiteral("jenny.rosen@example.com")},
                                       {QStringLiteral("name"), QStringLiteral("Jenny Rosen")},
                                       {QStringLiteral("metadata[plan]"), QStringLiteral("pro")},
                                       {QStringLiteral("metadata[region]"), QStringLiteral("eu west")}});
    QCOMPARE(created.status, 200);
    const QString id = created.json.value(QStringLiteral("id")).toString();
    QVERIFY(id.startsWith(QLatin1String("cus_")));
    QCOMPARE(created.json.value(QStringLiteral("object")).toString(), QStringLiteral("customer"));
    QCOMPARE(created.json.value(QStringLiteral("name")).toString(), QStringLiteral("Jenny Rosen"));
    QVERIFY(qAbs(created.json.value(QStringLiteral("created")).toInteger() - QDateTime::currentSecsSinceEpoch()) < 60);
    QCOMPARE(created.json.value(QStringLiteral("metadata")).toObject(),
             QJsonObject({{QStringLiteral("plan"), QStringLiteral("pro")},
                          {QStringLiteral("region"), QStringLiteral("eu west")}}));
    QVERIFY(created.json.value(QStringLiteral("phone")).isNull());
    const QByteArray createRequest = created.header("Request-Id");
    QVERIFY(createRequest.startsWith("req_"));

    const SandboxReply updated = call("POST", QStringLiteral("/v1/customers/") + id, account.apiKey,
                                      {{QStringLiteral("metadata[plan]"), QStringLiteral("enterprise")},
                                       {QStringLiteral("metadata[region]"), QString()},
                                       {QStringLiteral("name"), QStringLiteral("Jenny R.")}});
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json.value(QStringLiteral("metadata")).toObject(),
             QJsonObject({{QStringLiteral("plan"), QStringLiteral("enterprise")}}));
    QCOMPARE(updated.json.value(QStringLiteral("email")).toString(), QStringLiteral("jenny.rosen@example.com"));
    const SandboxReply read = call("GET", QStringLiteral("/v1/customers/") + id, account.apiKey);
    QCOMPARE(read.json.value(QStringLiteral("name")).toString(), QStringLiteral("Jenny R."));

    // The events tell what changed.
    const SandboxReply updates =
        call("GET", QStringLiteral("/v1/events?type=customer.updated&limit=1"), account.apiKey);
    const QJsonObject event = updates.json.value(QStringLiteral("data")).toArray().first().toObject();
    QVERIFY(event.value(QStringLiteral("id")).toString().startsWith(QLatin1String("evt_")));
    const QJsonObject data = event.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("object")).toObject().value(QStringLiteral("id")).toString(), id);
    const QJsonObject previous = data.value(QStringLiteral("previous_attributes")).toObject();
    QCOMPARE(previous.value(QStringLiteral("name")).toString(), QStringLiteral("Jenny Rosen"));
    QCOMPARE(previous.value(QStringLiteral("metadata")).toObject(),
             QJsonObject({{QStringLiteral("plan"), QStringLiteral("pro")},
                          {QStringLiteral("region"), QStringLiteral("eu west")}}));
    const SandboxReply creations = call("GET", QStringLiteral("/v1/events?type=customer.*"), account.apiKey);
    const QJsonArray customerEvents = creations.json.value(QStringLiteral("data")).toArray();
    const auto createdEvent = std::find_if(customerEvents.begin(), customerEvents.end(), [&](const QJsonValue &v) {
        return v.toObject().value(QStringLiteral("type")).toString() == QLatin1String("customer.created") &&
               v.toObject()
                       .value(QStringLiteral("data"))
                       .toObject()
                       .value(QStringLiteral("object"))
                       .toObject()
                       .value(QStringLiteral("id")) == QJsonValue(id);
    });
    QVERIFY(createdEvent != customerEvents.end());
    QCOMPARE(
        createdEvent->toObject().value(QStringLiteral("request")).toObject().value(QStringLiteral("id")).toString(),
        QString::fromLatin1(createRequest));
}

void TestStripeEmulator::writesRefuseInvalidParameters_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("code");
    QTest::newRow("malformed email") << "email"
                                     << "jenny.rosen"
                                     << "email_invalid";
    QTest::newRow("balance not an integer") << "balance"
                                            << "lots"
                                            << "parameter_invalid_integer";
    QTest::newRow("unknown parameter") << "nickname"
                                       << "JR"
                                       << "parameter_unknown";
    QTest::newRow("unknown address part") << "address[planet]"
                                          << "Mars"
                                          << "parameter_unknown";
}

void TestStripeEmulator::writesRefuseInvalidParameters()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, code);
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 2, 4);
    const SandboxReply refused = call("POST", QStringLiteral("/v1/customers"), account.apiKey,
                                      {{QStringLiteral("name"), QStringLiteral("Jenny")}, {name, value}});
    QCOMPARE(refused.status, 400);
    const QJsonObject error = errorOf(refused);
    QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
    QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
    QCOMPARE(error.value(QStringLiteral("param")).toString(), name);
    QVERIFY(error.value(QStringLiteral("doc_url")).toString().startsWith(QLatin1String("https://stripe.com/docs/")));
    QCOMPARE(m_emulator->stripeAccount(QStringLiteral("shop"))->table(QStringLiteral("customers"))->count(false), 2);

    const QString id = idsOf(call("GET", QStringLiteral("/v1/customers?limit=1"), account.apiKey)).first();
    QCOMPARE(call("POST", QStringLiteral("/v1/customers/") + id, account.apiKey, {{name, value}}).status, 400);
    const SandboxReply missing = call("POST", QStringLiteral("/v1/customers/cus_nobody"), account.apiKey,
                                      {{QStringLiteral("name"), QStringLiteral("X")}});
    QCOMPARE(missing.status, 404);
    QCOMPARE(errorOf(missing).value(QStringLiteral("code")).toString(), QStringLiteral("resource_missing"));
    QCOMPARE(errorOf(missing).value(QStringLiteral("message")).toString(),
             QStringLiteral("No such customer: 'cus_nobody'"));
}

void TestStripeEmulator::deletedCustomerLeavesListsButCanBeRetrieved()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 5, 4);
    const QString id = createCustomer(account.apiKey, {{QStringLiteral("email"), QStringLiteral("gone@example.com")}});
    const SandboxReply deleted = call("DELETE", QStringLiteral("/v1/customers/") + id, account.apiKey);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.json, QJsonObject({{QStringLiteral("id"), id},
                                        {QStringLiteral("object"), QStringLiteral("customer")},
                                        {QStringLiteral("deleted"), true}}));
    QVERIFY(!idsOf(call("GET", QStringLiteral("/v1/customers?limit=100"), account.apiKey)).contains(id));
    const SandboxReply retrieved = call("GET", QStringLiteral("/v1/customers/") + id, account.apiKey);
    QCOMPARE(retrieved.status, 200);
    QCOMPARE(retrieved.json.value(QStringLiteral("deleted")).toBool(), true);
    QCOMPARE(call("DELETE", QStringLiteral("/v1/customers/") + id, account.apiKey).status, 404);

    const SandboxReply events = call("GET", QStringLiteral("/v1/events?type=customer.deleted"), account.apiKey);
    const QJsonObject object = events.json.value(QStringLiteral("data"))
                                   .toArray()
                                   .first()
                                   .toObject()
                                   .value(QStringLiteral("data"))
                                   .toObject()
                                   .value(QStringLiteral("object"))
                                   .toObject();
    QCOMPARE(object.value(QStringLiteral("id")).toString(), id);
    QCOMPARE(object.value(QStringLiteral("email")).toString(), QStringLiteral("gone@example.com"));
}

void TestStripeEmulator::badMissingOrRolledKeyIsUnauthorized()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 2, 4);
    const QString wrong = QStringLiteral("sk_test_4eC39HqLyjWDarjtT1zdp7dcXYZW");
    const SandboxReply bad = call("GET", QStringLiteral("/v1/customers"), wrong);
    QCOMPARE(bad.status, 401);
    QCOMPARE(errorOf(bad).value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
    const QString message = errorOf(bad).value(QStringLiteral("message")).toString();
    QVERIFY2(message.startsWith(QLatin1String("Invalid API Key provided: sk_test_*")), qPrintable(message));
    QVERIFY(message.endsWith(QLatin1String("XYZW")));
    QVERIFY(!message.contains(wrong)); // the key is echoed masked
    QCOMPARE(call("GET", QStringLiteral("/v1/customers"), {}).status, 401);

    // Stripe's own examples authenticate with the key as the basic-auth user.
    const QByteArray basic = "Basic " + (account.apiKey + QLatin1Char(':')).toLatin1().toBase64();
    QCOMPARE(m_client->send("GET", QStringLiteral("/v1/customers"), {}, {{"Authorization", basic}}).status, 200);

    const SandboxReply rolled = call("POST", QStringLiteral("/_sandbox/accounts/shop/roll-api-key"), {});
    const QString fresh = rolled.json.value(QStringLiteral("apiKey")).toString();
    QVERIFY(fresh.startsWith(QLatin1String("sk_test_")) && fresh != account.apiKey);
    const SandboxReply expired = call("GET", QStringLiteral("/v1/customers"), account.apiKey);
    QCOMPARE(expired.status, 401);
    QCOMPARE(errorOf(expired).value(QStringLiteral("code")).toString(), QStringLiteral("api_key_expired"));
    QCOMPARE(call("GET", QStringLiteral("/v1/customers"), fresh).status, 200);
    QCOMPARE(m_emulator->tenantSummary(QStringLiteral("shop")).value(QStringLiteral("apiKey")).toString(), fresh);
}

void TestStripeEmulator::injectedRateLimitAnswers429()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 2, 4);
    m_emulator->failNextRequests(1, 1);
    const SandboxReply limited = call("GET", QStringLiteral("/v1/customers"), account.apiKey);
    QCOMPARE(limited.status, 429);
    QCOMPARE(errorOf(limited).value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
    QCOMPARE(errorOf(limited).value(QStringLiteral("code")).toString(), QStringLiteral("rate_limit"));
    QVERIFY(!limited.header("Request-Id").isEmpty());
    QCOMPARE(call("GET", QStringLiteral("/v1/customers"), account.apiKey).status, 200);

    QCOMPARE(m_client
                 ->postJson(QStringLiteral("/_sandbox/fail-next"),
                            {{QStringLiteral("count"), 1}, {QStringLiteral("code"), QStringLiteral("lock_timeout")}},
                            {})
                 .status,
             200);
    const SandboxReply locked = call("POST", QStringLiteral("/v1/customers"), account.apiKey,
                                     {{QStringLiteral("name"), QStringLiteral("Locked")}});
    QCOMPARE(locked.status, 429);
    QCOMPARE(errorOf(locked).value(QStringLiteral("code")).toString(), QStringLiteral("lock_timeout"));
    QCOMPARE(m_emulator->stripeAccount(QStringLiteral("shop"))->table(QStringLiteral("customers"))->count(false), 2);
}

void TestStripeEmulator::idempotencyKeyReplaysTheFirstAnswer()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 0, 4);
    const Form form{{QStringLiteral("email"), QStringLiteral("once@example.com")}};
    const SandboxReply first =
        call("POST", QStringLiteral("/v1/customers"), account.apiKey, form, {{"Idempotency-Key", "create-once-1"}});
    const SandboxReply again =
        call("POST", QStringLiteral("/v1/customers"), account.apiKey, form, {{"Idempotency-Key", "create-once-1"}});
    QCOMPARE(first.status, 200);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json.value(QStringLiteral("id")), first.json.value(QStringLiteral("id")));
    QCOMPARE(again.header("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(again.header("Original-Request"), first.header("Request-Id"));
    QCOMPARE(idsOf(call("GET", QStringLiteral("/v1/customers"), account.apiKey)).size(), 1);

    const SandboxReply other =
        call("POST", QStringLiteral("/v1/customers"), account.apiKey,
             {{QStringLiteral("email"), QStringLiteral("twice@example.com")}}, {{"Idempotency-Key", "create-once-1"}});
    QCOMPARE(other.status, 400);
    QCOMPARE(errorOf(other).value(QStringLiteral("type")).toString(), QStringLiteral("idempotency_error"));
}

void TestStripeEmulator::invoicesFilterByCustomerAndStatus()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 30, 8);
    const SandboxReply all = call("GET", QStringLiteral("/v1/invoices?limit=100"), account.apiKey);
    QCOMPARE(all.status, 200);
    const QJsonArray invoices = all.json.value(QStringLiteral("data")).toArray();
    QCOMPARE(invoices.size(), 30);
    const QJsonObject sample = invoices.first().toObject();
    QVERIFY(sample.value(QStringLiteral("id")).toString().startsWith(QLatin1String("in_")));
    QCOMPARE(sample.value(QStringLiteral("object")).toString(), QStringLiteral("invoice"));

    const QString status = sample.value(QStringLiteral("status")).toString();
    const SandboxReply byStatus =
        call("GET", QStringLiteral("/v1/invoices?limit=100&status=") + status, account.apiKey);
    QVERIFY(!byStatus.json.value(QStringLiteral("data")).toArray().isEmpty());
    for (const QJsonValue &value : byStatus.json.value(QStringLiteral("data")).toArray())
        QCOMPARE(value.toObject().value(QStringLiteral("status")).toString(), status);

    const QString customer = sample.value(QStringLiteral("customer")).toString();
    const SandboxReply byCustomer =
        call("GET", QStringLiteral("/v1/invoices?limit=100&customer=") + customer, account.apiKey);
    QVERIFY(idsOf(byCustomer).contains(sample.value(QStringLiteral("id")).toString()));
    for (const QJsonValue &value : byCustomer.json.value(QStringLiteral("data")).toArray())
        QCOMPARE(value.toObject().value(QStringLiteral("customer")).toString(), customer);

    QCOMPARE(call("GET", QStringLiteral("/v1/invoices?status=settled"), account.apiKey).status, 400);
    QCOMPARE(
        call("GET", QStringLiteral("/v1/invoices/") + sample.value(QStringLiteral("id")).toString(), account.apiKey)
            .json.value(QStringLiteral("amount_due")),
        sample.value(QStringLiteral("amount_due")));
}

void TestStripeEmulator::webhookSignatureCoversTimestampAndBody()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 2, 4);
    QVERIFY(account.webhookSecret.startsWith(QLatin1String("whsec_")));
    const QString id = createCustomer(account.apiKey, {{QStringLiteral("email"), QStringLiteral("hook@example.com")}});
    WebhookReceiver receiver;
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("shop"), receiver.url(), QStringLiteral("customers"), id));
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());

    const Signature signature = parseSignature(delivery->header("stripe-signature"));
    QVERIFY(qAbs(signature.timestamp.toLongLong() - QDateTime::currentSecsSinceEpoch()) < 60);
    QCOMPARE(signature.v1.size(), 1);
    QCOMPARE(signature.v1.first(), expectedV1(account.webhookSecret, signature.timestamp, delivery->body));
    const QJsonObject event = QJsonDocument::fromJson(delivery->body).object();
    QCOMPARE(event.value(QStringLiteral("object")).toString(), QStringLiteral("event"));
    QCOMPARE(event.value(QStringLiteral("type")).toString(), QStringLiteral("customer.created"));
    QCOMPARE(event.value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("object"))
                 .toObject()
                 .value(QStringLiteral("id")),
             QJsonValue(id));
    // The event is the one GET /v1/events lists, so its id de-duplicates deliveries.
    const QString eventId = event.value(QStringLiteral("id")).toString();
    QCOMPARE(call("GET", QStringLiteral("/v1/events/") + eventId, account.apiKey).json.value(QStringLiteral("type")),
             QJsonValue(QStringLiteral("customer.created")));
}

void TestStripeEmulator::webhookDuringRotationCarriesTwoSignaturesAndCanBeStale()
{
    const SandboxAccountCredentials account = m_emulator->addStripeAccount(QStringLiteral("shop"), 2, 4);
    const QString id = createCustomer(account.apiKey, {{QStringLiteral("name"), QStringLiteral("Rotating")}});
    const SandboxReply rolled = call("POST", QStringLiteral("/_sandbox/accounts/shop/roll-webhook-secret"), {});
    const QString secret = rolled.json.value(QStringLiteral("webhookSecret")).toString();
    QCOMPARE(rolled.json.value(QStringLiteral("previousWebhookSecret")).toString(), account.webhookSecret);
    QVERIFY(secret.startsWith(QLatin1String("whsec_")) && secret != account.webhookSecret);

    WebhookReceiver receiver;
    const SandboxReply sent = m_client->postJson(QStringLiteral("/_sandbox/accounts/shop/webhooks"),
                                                 {{QStringLiteral("url"), receiver.url().toString()},
                                                  {QStringLiteral("id"), id},
                                                  {QStringLiteral("rotation"), true},
                                                  {QStringLiteral("timestampAgeSeconds"), 600}},
                                                 {});
    QCOMPARE(sent.status, 200);
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());
    const Signature signature = parseSignature(delivery->header("stripe-signature"));
    QCOMPARE(signature.v1.size(), 2);
    QVERIFY(signature.v1.contains(expectedV1(secret, signature.timestamp, delivery->body)));
    QVERIFY(signature.v1.contains(expectedV1(account.webhookSecret, signature.timestamp, delivery->body)));
    const qint64 age = QDateTime::currentSecsSinceEpoch() - signature.timestamp.toLongLong();
    QVERIFY(age >= 600 && age < 660); // older than Stripe's default 5-minute tolerance

    QCOMPARE(m_client
                 ->postJson(QStringLiteral("/_sandbox/accounts/shop/webhooks"),
                            {{QStringLiteral("url"), receiver.url().toString()},
                             {QStringLiteral("event"), QStringLiteral("evt_unknown")}},
                            {})
                 .status,
             400);
}

void TestStripeEmulator::customFieldsAreRefused()
{
    m_emulator->addStripeAccount(QStringLiteral("shop"), 1, 4);
    QVERIFY(m_emulator
                ->addCustomField(QStringLiteral("shop"), QStringLiteral("customers"), QStringLiteral("Tier"),
                                 FieldKind::Text)
                .isEmpty());
    QCOMPARE(m_client
                 ->postJson(QStringLiteral("/_sandbox/accounts/shop/fields"),
                            {{QStringLiteral("label"), QStringLiteral("Tier")}}, {})
                 .status,
             400);
}

QTEST_GUILESS_MAIN(TestStripeEmulator)
#include "TestStripeEmulator.moc"
