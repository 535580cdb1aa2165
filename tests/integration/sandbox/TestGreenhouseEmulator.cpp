#include "SandboxTestFixture.h"
#include "greenhouse/GreenhouseEmulator.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

#include <memory>

using namespace patchbay::sandbox;

// Drives the Greenhouse Harvest emulator over loopback HTTP.
class TestGreenhouseEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void linkPagingVisitsEveryRecordExactlyOnce_data();
    void linkPagingVisitsEveryRecordExactlyOnce();
    void apiKeyIsTheUserWithABlankPassword();
    void throttlingAnswers429WithHeaders();
    void updatedAfterSelectsChanges();
    void customFieldsByFieldType();
    void createCandidateNeedsOnBehalfOfAndNames();
    void webhookSignatureVerifiesWithIndependentHmac();

private:
    SandboxReply get(const QString &pathOrUrl, const QString &apiKey, const QString &password = {})
    {
        return m_client->send(
            "GET", pathOrUrl, {},
            {{"Authorization", "Basic " + (apiKey + QLatin1Char(':') + password).toUtf8().toBase64()}});
    }

    std::unique_ptr<GreenhouseEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestGreenhouseEmulator::init()
{
    QVERIFY(SandboxTestFixture::start(m_emulator, m_client));
}

void TestGreenhouseEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

void TestGreenhouseEmulator::linkPagingVisitsEveryRecordExactlyOnce_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("perPage");
    QTest::newRow("candidates, partial last page") << QStringLiteral("/v1/candidates") << 23 << 10;
    QTest::newRow("applications, exact pages") << QStringLiteral("/v1/applications") << 20 << 5;
    QTest::newRow("nothing") << QStringLiteral("/v1/candidates") << 0 << 10;
}

void TestGreenhouseEmulator::linkPagingVisitsEveryRecordExactlyOnce()
{
    QFETCH(QString, endpoint);
    QFETCH(int, records);
    QFETCH(int, perPage);
    const SandboxAccountCredentials organization = m_emulator->addOrganization(QStringLiteral("acme"), records, 3);
    QSet<qint64> seen;
    int pages = 0;
    QString next = endpoint + QStringLiteral("?per_page=%1").arg(perPage);
    while (!next.isEmpty()) {
        const SandboxReply reply = get(next, organization.apiKey);
        QCOMPARE(reply.status, 200);
        for (const QJsonValue &value : reply.array) {
            QVERIFY(!seen.contains(value.toObject().value(QStringLiteral("id")).toInteger()));
            seen.insert(value.toObject().value(QStringLiteral("id")).toInteger());
        }
        const auto links = SandboxTestFixture::parseLinks(reply.header("Link"));
        next = links.value(QStringLiteral("next"));
        QCOMPARE(links.contains(QStringLiteral("last")), !next.isEmpty());
        QVERIFY(++pages <= records / perPage + 1);
    }
    QCOMPARE(seen.size(), records);
    QCOMPARE(pages, std::max(1, (records + perPage - 1) / perPage));
    // skip_count leaves out rel="last".
    if (records > perPage)
        QVERIFY(!get(endpoint + QStringLiteral("?per_page=1&skip_count=true"), organization.apiKey)
                     .header("Link")
                     .contains("last"));
}

void TestGreenhouseEmulator::apiKeyIsTheUserWithABlankPassword()
{
    const SandboxAccountCredentials organization = m_emulator->addOrganization(QStringLiteral("acme"), 3, 1);
    QCOMPARE(get(QStringLiteral("/v1/candidates"), organization.apiKey).status, 200);
    QCOMPARE(get(QStringLiteral("/v1/candidates"), organization.apiKey, organization.apiKey).status, 401);
    QCOMPARE(get(QStringLiteral("/v1/candidates"), QStringLiteral("wrong")).status, 401);
    QCOMPARE(m_client->get(QStringLiteral("/v1/candidates"), organization.apiKey).status, 401);
}

void TestGreenhouseEmulator::throttlingAnswers429WithHeaders()
{
    const SandboxAccountCredentials organization = m_emulator->addOrganization(QStringLiteral("acme"), 3, 1);
    const SandboxReply first = get(QStringLiteral("/v1/candidates"), organization.apiKey);
    QCOMPARE(first.header("X-RateLimit-Limit"), QByteArray("50"));
    QCOMPARE(first.header("X-RateLimit-Remaining"), QByteArray("49"));
    m_emulator->failNextRequests(1, 3);
    const SandboxReply limited = get(QStringLiteral("/v1/candidates"), organization.apiKey);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("3"));
    QCOMPARE(limited.header("X-RateLimit-Remaining"), QByteArray("0"));
    QVERIFY(limited.header("X-RateLimit-Reset").toLongLong() >= QDateTime::currentSecsSinceEpoch() + 2);
    QCOMPARE(get(QStringLiteral("/v1/candidates"), organization.apiKey).status, 200);
}

void TestGreenhouseEmulator::updatedAfterSelectsChanges()
{
    const SandboxAccountCredentials organization = m_emulator->addOrganization(QStringLiteral("acme"), 50, 4);
    const QString since = QDateTime::currentDateTimeUtc().addSecs(-1).toString(Qt::ISODate);
    const QStringList candidates = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("candidates"), 3);
    const QStringList applications =
        m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("applications"), 2);
    const auto ids = [](const SandboxReply &reply) {
        QSet<QString> found;
        for (const QJsonValue &value : reply.array)
            found.insert(QString::number(value.toObject().value(QStringLiteral("id")).toInteger()));
        return found;
    };
    QCOMPARE(ids(get(QStringLiteral("/v1/candidates?updated_after=") + since, organization.apiKey)),
             QSet<QString>(candidates.begin(), candidates.end()));
    QCOMPARE(ids(get(QStringLiteral("/v1/applications?last_activity_after=") + since, organization.apiKey)),
             QSet<QString>(applications.begin(), applications.end()));
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("candidates"), candidates.first()));
    QCOMPARE(get(QStringLiteral("/v1/candidates?updated_after=") + since, organization.apiKey).array.size(), 2);
    QCOMPARE(get(QStringLiteral("/v1/candidates?updated_after=yesterday"), organization.apiKey).status, 422);
}

void TestGreenhouseEmulator::customFieldsByFieldType()
{
    const SandboxAccountCredentials organization = m_emulator->addOrganization(QStringLiteral("acme"), 4, 1);
    QCOMPARE(m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("candidates"),
                                        QStringLiteral("Desired Salary"), FieldKind::Number),
             QStringLiteral("desired_salary"));
    const SandboxReply fields = get(QStringLiteral("/v1/custom_fields/candidate"), organization.apiKey);
    QCOMPARE(fields.status, 200);
    QCOMPARE(fields.array.size(), 1);
    const QJsonObject field = fields.array.first().toObject();
    QCOMPARE(field.value(QStringLiteral("name_key")).toString(), QStringLiteral("desired_salary"));
    QCOMPARE(field.value(QStringLiteral("field_type")).toString(), QStringLiteral("candidate"));
    QCOMPARE(field.value(QStringLiteral("value_type")).toString(), QStringLiteral("number"));
    QCOMPARE(get(QStringLiteral("/v1/custom_fields/application"), organization.apiKey).array.size(), 0);
    const QJsonObject candidate =
        get(QStringLiteral("/v1/candidates?per_page=1"), organization.apiKey).array.first().toObject();
    QVERIFY(
        candidate.value(QStringLiteral("custom_fields")).toObject().value(QStringLiteral("desired_salary")).isDouble());
    QCOMPARE(candidate.value(QStringLiteral("keyed_custom_fields"))
                 .toObject()
                 .value(QStringLiteral("desired_salary"))
                 .toObject()
                 .value(QStringLiteral("name"))
                 .toString(),
             QStringLiteral("Desired Salary"));
}

void TestGreenhouseEmulator::createCandidateNeedsOnBehalfOfAndNames()
{
    const SandboxAccountCredentials organization = m_emulator->addOrganization(QStringLiteral("acme"), 2, 1);
    const QByteArray auth = "Basic " + (organization.apiKey + QLatin1Char(':')).toUtf8().toBase64();
    const QByteArray named = R"({"first_name":"Ada","last_name":"Lovelace","company":"Analytical"})";
    const auto post = [&](const QByteArray &body, const SandboxTestClient::Headers &extra) {
        return m_client->send(
            "POST", QStringLiteral("/v1/candidates"), body,
            SandboxTestClient::Headers{{"Authorization", auth}, {"Content-Type", "application/json"}} + extra);
    };
    QCOMPARE(post(named, {}).status, 403);
    const SandboxReply invalid = post(R"({"first_name":"Ada"})", {{"On-Behalf-Of", "4080"}});
    QCOMPARE(invalid.status, 422);
    QCOMPARE(invalid.json.value(QStringLiteral("errors"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("field"))
                 .toString(),
             QStringLiteral("last_name"));
    const SandboxReply created = post(named, {{"On-Behalf-Of", "4080"}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("last_name")).toString(), QStringLiteral("Lovelace"));
    QCOMPARE(get(QStringLiteral("/v1/candidates"), organization.apiKey).array.size(), 3);
}

void TestGreenhouseEmulator::webhookSignatureVerifiesWithIndependentHmac()
{
    const SandboxAccountCredentials organization = m_emulator->addOrganization(QStringLiteral("acme"), 2, 1);
    const QString id = QString::number(get(QStringLiteral("/v1/applications"), organization.apiKey)
                                           .array.first()
                                           .toObject()
                                           .value(QStringLiteral("id"))
                                           .toInteger());
    WebhookReceiver receiver;
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), receiver.url(), QStringLiteral("applications"), id));
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());
    const QByteArray expected =
        "sha256 " + QMessageAuthenticationCode::hash(delivery->body, organization.webhookSecret.toUtf8(),
                                                     QCryptographicHash::Sha256)
                        .toHex();
    QCOMPARE(delivery->header("signature"), expected);
    const QJsonObject payload = QJsonDocument::fromJson(delivery->body).object();
    QCOMPARE(payload.value(QStringLiteral("action")).toString(), QStringLiteral("candidate_stage_change"));
    QCOMPARE(QString::number(payload.value(QStringLiteral("payload"))
                                 .toObject()
                                 .value(QStringLiteral("application"))
                                 .toObject()
                                 .value(QStringLiteral("id"))
                                 .toInteger()),
             id);
}

QTEST_GUILESS_MAIN(TestGreenhouseEmulator)
#include "TestGreenhouseEmulator.moc"
