#include "SandboxTestFixture.h"
#include "pipedrive/PipedriveEmulator.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace patchbay::sandbox;

// Drives the Pipedrive emulator over loopback HTTP, by api_domain and by Host header.
class TestPipedriveEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void offsetPagingVisitsEveryItemExactlyOnce_data();
    void offsetPagingVisitsEveryItemExactlyOnce();
    void oauthTokenCarriesApiDomain();
    void apiTokenAndHostHeader();
    void overLimitAnswers429WithHeaders();
    void recentsListChangesSince();
    void customFieldsHaveHashKeys();
    void createPersonNeedsAName();
    void webhookCarriesBasicAuth();

private:
    SandboxReply get(const SandboxAccountCredentials &company, const QString &path)
    {
        return m_client->send("GET", company.url + path, {}, {{"x-api-token", company.apiKey.toLatin1()}});
    }

    std::unique_ptr<PipedriveEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestPipedriveEmulator::init()
{
    QVERIFY(SandboxTestFixture::start(m_emulator, m_client));
}

void TestPipedriveEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

void TestPipedriveEmulator::offsetPagingVisitsEveryItemExactlyOnce_data()
{
    QTest::addColumn<QString>("object");
    QTest::addColumn<int>("items");
    QTest::addColumn<int>("limit");
    QTest::newRow("persons, partial last page") << QStringLiteral("persons") << 27 << 10;
    QTest::newRow("deals, exact pages") << QStringLiteral("deals") << 20 << 5;
    QTest::newRow("nothing") << QStringLiteral("persons") << 0 << 10;
}

void TestPipedriveEmulator::offsetPagingVisitsEveryItemExactlyOnce()
{
    QFETCH(QString, object);
    QFETCH(int, items);
    QFETCH(int, limit);
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("acme"), items, 6);
    QSet<qint64> seen;
    int start = 0;
    int pages = 0;
    for (bool more = true; more; ++pages) {
        const SandboxReply reply =
            get(company, QStringLiteral("/api/v1/%1?start=%2&limit=%3").arg(object).arg(start).arg(limit));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json.value(QStringLiteral("success")).toBool(), true);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("data")).toArray()) {
            QVERIFY(!seen.contains(value.toObject().value(QStringLiteral("id")).toInteger()));
            seen.insert(value.toObject().value(QStringLiteral("id")).toInteger());
        }
        const QJsonObject pagination = reply.json.value(QStringLiteral("additional_data"))
                                           .toObject()
                                           .value(QStringLiteral("pagination"))
                                           .toObject();
        QCOMPARE(pagination.value(QStringLiteral("start")).toInt(), start);
        more = pagination.value(QStringLiteral("more_items_in_collection")).toBool();
        QCOMPARE(pagination.contains(QStringLiteral("next_start")), more);
        start = pagination.value(QStringLiteral("next_start")).toInt();
        QVERIFY(pages <= items / limit + 1);
    }
    QCOMPARE(seen.size(), items);
    QCOMPARE(pages, std::max(1, (items + limit - 1) / limit));
}

void TestPipedriveEmulator::oauthTokenCarriesApiDomain()
{
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("acme"), 3, 1);
    const QByteArray form = "grant_type=refresh_token&refresh_token=" + company.refreshToken.toLatin1();
    const QByteArray client = (company.clientId + QLatin1Char(':') + company.clientSecret).toUtf8().toBase64();
    // The client must authenticate with a Basic header.
    const SandboxReply inBody = m_client->send("POST", QStringLiteral("/oauth/token"),
                                               form + "&client_id=" + company.clientId.toLatin1() +
                                                   "&client_secret=" + company.clientSecret.toLatin1(),
                                               {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(inBody.status, 401);
    const SandboxReply token =
        m_client->send("POST", QStringLiteral("/oauth/token"), form,
                       {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Basic " + client}});
    QCOMPARE(token.status, 200);
    const QString apiDomain = token.json.value(QStringLiteral("api_domain")).toString();
    QCOMPARE(apiDomain, company.url);
    const QString access = token.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_client->get(apiDomain + QStringLiteral("/api/v1/persons"), access).status, 200);
    // The token of one company does not open another.
    m_emulator->addCompany(QStringLiteral("globex"), 1, 2);
    QCOMPARE(m_client->get(m_emulator->tenantUrl(QStringLiteral("globex")) + QStringLiteral("/api/v1/persons"), access)
                 .status,
             401);
}

void TestPipedriveEmulator::apiTokenAndHostHeader()
{
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("acme"), 4, 1);
    QCOMPARE(company.apiKey.size(), 40);
    QCOMPARE(m_client
                 ->send("GET", QStringLiteral("/v1/persons?api_token=") + company.apiKey, {},
                        {{"Host", "acme.pipedrive.com"}})
                 .json.value(QStringLiteral("data"))
                 .toArray()
                 .size(),
             4);
    const SandboxReply denied = m_client->send("GET", company.url + QStringLiteral("/v1/persons"), {},
                                               {{"x-api-token", "0000000000000000000000000000000000000000"}});
    QCOMPARE(denied.status, 401);
    QCOMPARE(denied.json.value(QStringLiteral("success")).toBool(true), false);
}

void TestPipedriveEmulator::overLimitAnswers429WithHeaders()
{
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("acme"), 3, 1);
    const SandboxReply ok = get(company, QStringLiteral("/v1/persons"));
    QCOMPARE(ok.header("x-ratelimit-limit"), QByteArray("80"));
    QCOMPARE(ok.header("x-ratelimit-remaining"), QByteArray("79"));
    QVERIFY(ok.header("x-ratelimit-reset").toInt() >= 1);
    m_emulator->failNextRequests(1, 2);
    const SandboxReply limited = get(company, QStringLiteral("/v1/persons"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("x-ratelimit-remaining"), QByteArray("0"));
    QCOMPARE(limited.header("x-ratelimit-reset"), QByteArray("2"));
    QCOMPARE(limited.json.value(QStringLiteral("errorCode")).toInt(), 429);
}

void TestPipedriveEmulator::recentsListChangesSince()
{
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("acme"), 30, 3);
    const QString since = QDateTime::currentDateTimeUtc().addSecs(-1).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QStringList persons = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("persons"), 3);
    m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("deals"), 2);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since_timestamp"), since);
    query.addQueryItem(QStringLiteral("items"), QStringLiteral("person"));
    const SandboxReply changed = get(company, QStringLiteral("/v1/recents?") + query.toString(QUrl::FullyEncoded));
    QCOMPARE(changed.status, 200);
    QSet<QString> found;
    for (const QJsonValue &value : changed.json.value(QStringLiteral("data")).toArray()) {
        QCOMPARE(value.toObject().value(QStringLiteral("item")).toString(), QStringLiteral("person"));
        found.insert(QString::number(value.toObject().value(QStringLiteral("id")).toInteger()));
    }
    QCOMPARE(found, QSet<QString>(persons.begin(), persons.end()));
    // A deleted person still shows up in recents, no longer active; the list leaves it out.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("persons"), persons.first()));
    const QJsonArray after = get(company, QStringLiteral("/v1/recents?") + query.toString(QUrl::FullyEncoded))
                                 .json.value(QStringLiteral("data"))
                                 .toArray();
    QCOMPARE(after.size(), 3);
    QCOMPARE(get(company, QStringLiteral("/v1/persons?limit=500")).json.value(QStringLiteral("data")).toArray().size(),
             29);
}

void TestPipedriveEmulator::customFieldsHaveHashKeys()
{
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("acme"), 3, 1);
    const QString key = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("persons"),
                                                   QStringLiteral("Plan"), FieldKind::Picklist);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{40}$")).match(key).hasMatch());
    const SandboxReply fields = get(company, QStringLiteral("/v1/personFields"));
    QCOMPARE(fields.status, 200);
    QJsonObject custom;
    for (const QJsonValue &value : fields.json.value(QStringLiteral("data")).toArray()) {
        if (value.toObject().value(QStringLiteral("key")).toString() == key)
            custom = value.toObject();
        else
            QCOMPARE(value.toObject().value(QStringLiteral("edit_flag")).toBool(), false);
    }
    QCOMPARE(custom.value(QStringLiteral("name")).toString(), QStringLiteral("Plan"));
    QCOMPARE(custom.value(QStringLiteral("field_type")).toString(), QStringLiteral("enum"));
    QCOMPARE(custom.value(QStringLiteral("edit_flag")).toBool(), true);
    QCOMPARE(custom.value(QStringLiteral("options")).toArray().size(), 3);
    const QJsonObject person = get(company, QStringLiteral("/v1/persons?limit=1"))
                                   .json.value(QStringLiteral("data"))
                                   .toArray()
                                   .first()
                                   .toObject();
    QVERIFY(!person.value(key).toString().isEmpty());
}

void TestPipedriveEmulator::createPersonNeedsAName()
{
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("acme"), 2, 1);
    const auto post = [&](const QJsonObject &body) {
        return m_client->send("POST", company.url + QStringLiteral("/api/v1/persons"),
                              QJsonDocument(body).toJson(QJsonDocument::Compact),
                              {{"x-api-token", company.apiKey.toLatin1()}, {"Content-Type", "application/json"}});
    };
    const SandboxReply invalid = post({{QStringLiteral("email"), QStringLiteral("x@example.com")}});
    QCOMPARE(invalid.status, 400);
    QCOMPARE(invalid.json.value(QStringLiteral("success")).toBool(true), false);
    QVERIFY(invalid.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("Name")));
    const SandboxReply created = post({{QStringLiteral("name"), QStringLiteral("Ada Lovelace")}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("data")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("Ada Lovelace"));
}

void TestPipedriveEmulator::webhookCarriesBasicAuth()
{
    const SandboxAccountCredentials company = m_emulator->addCompany(QStringLiteral("acme"), 2, 1);
    WebhookReceiver receiver;
    QVERIFY(
        m_emulator->sendWebhook(QStringLiteral("acme"), receiver.url(), QStringLiteral("deals"), QStringLiteral("2")));
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());
    QCOMPARE(delivery->header("authorization"),
             "Basic " + QByteArray("patchbay:" + company.webhookSecret.toUtf8()).toBase64());
    const QJsonObject payload = QJsonDocument::fromJson(delivery->body).object();
    QCOMPARE(payload.value(QStringLiteral("event")).toString(), QStringLiteral("updated.deal"));
    QCOMPARE(payload.value(QStringLiteral("current")).toObject().value(QStringLiteral("id")).toInteger(), 2);
}

QTEST_GUILESS_MAIN(TestPipedriveEmulator)
#include "TestPipedriveEmulator.moc"
