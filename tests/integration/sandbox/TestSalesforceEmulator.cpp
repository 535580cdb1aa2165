#include "SandboxTestClient.h"
#include "salesforce/SalesforceEmulator.h"

#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace patchbay::sandbox;

// Drives the Salesforce emulator as a client would, over loopback HTTP, against Salesforce's documented behaviour.
class TestSalesforceEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void queryPagingVisitsEveryRecordExactlyOnce_data();
    void queryPagingVisitsEveryRecordExactlyOnce();
    void tokenResponseHasNoExpiresInAndAVerifiableSignature();
    void expiredSessionIsInvalidSessionIdAndRevokedRefreshIsInvalidGrant();
    void rotationRetiresTheUsedRefreshToken();
    void injectedLimitAnswers403RequestLimitExceeded();
    void systemModstampFilterFindsTouchedRecordsAndQueryAllShowsDeleted();
    void describeListsCustomFieldsAndCustomObjects();
    void compositeCreateReportsPartialFailureInside200();
    void badQueriesAnswerTheDocumentedErrorCodes();

private:
    static QString queryPath(const QString &soql, const QString &resource = QStringLiteral("query"));

    std::unique_ptr<SalesforceEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestSalesforceEmulator::init()
{
    m_emulator = std::make_unique<SalesforceEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_client = std::make_unique<SandboxTestClient>(m_emulator->baseUrl());
}

void TestSalesforceEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

QString TestSalesforceEmulator::queryPath(const QString &soql, const QString &resource)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("q"), QString::fromLatin1(QUrl::toPercentEncoding(soql)));
    return QStringLiteral("/services/data/v59.0/%1?%2").arg(resource, query.toString(QUrl::FullyEncoded));
}

void TestSalesforceEmulator::queryPagingVisitsEveryRecordExactlyOnce_data()
{
    QTest::addColumn<int>("contacts");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<int>("pages");
    QTest::newRow("default batch of 2000") << 2500 << 0 << 2;
    QTest::newRow("batchSize=200 header") << 450 << 200 << 3;
    QTest::newRow("below the minimum is raised to 200") << 250 << 50 << 2;
    QTest::newRow("empty org") << 0 << 0 << 1;
}

void TestSalesforceEmulator::queryPagingVisitsEveryRecordExactlyOnce()
{
    QFETCH(int, contacts);
    QFETCH(int, batchSize);
    QFETCH(int, pages);
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), contacts, 7);
    SandboxTestClient::Headers headers = {{"Authorization", "Bearer " + org.accessToken.toLatin1()}};
    if (batchSize > 0)
        headers.append({"Sforce-Query-Options", "batchSize=" + QByteArray::number(batchSize)});

    QSet<QString> seen;
    int visited = 0;
    QString next = queryPath(QStringLiteral("SELECT Id, LastName, Email FROM Contact"));
    while (!next.isEmpty()) {
        const SandboxReply reply = m_client->send("GET", next, {}, headers);
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("Sforce-Limit-Info").startsWith("api-usage="));
        QCOMPARE(reply.json.value(QStringLiteral("totalSize")).toInt(), contacts);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("records")).toArray()) {
            const QJsonObject record = value.toObject();
            QCOMPARE(record.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("type")).toString(),
                     QStringLiteral("Contact"));
            QVERIFY(!record.value(QStringLiteral("LastName")).toString().isEmpty());
            seen.insert(record.value(QStringLiteral("Id")).toString());
        }
        ++visited;
        const bool done = reply.json.value(QStringLiteral("done")).toBool();
        next = reply.json.value(QStringLiteral("nextRecordsUrl")).toString();
        QCOMPARE(done, next.isEmpty());
    }
    QCOMPARE(seen.size(), contacts);
    QCOMPARE(visited, pages);
}

void TestSalesforceEmulator::tokenResponseHasNoExpiresInAndAVerifiableSignature()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 5, 1);
    const SandboxReply reply = m_client->postForm(QStringLiteral("/services/oauth2/token"),
                                                  {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                   {QStringLiteral("client_id"), org.clientId},
                                                   {QStringLiteral("client_secret"), org.clientSecret},
                                                   {QStringLiteral("refresh_token"), org.refreshToken}});
    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.json.contains(QStringLiteral("expires_in")));
    QVERIFY(!reply.json.contains(QStringLiteral("refresh_token"))); // no rotation configured
    QCOMPARE(reply.json.value(QStringLiteral("instance_url")).toString(), org.instanceUrl);
    const QString id = reply.json.value(QStringLiteral("id")).toString();
    QVERIFY(id.endsWith(org.orgId + QLatin1Char('/') + id.section(QLatin1Char('/'), -1)));
    const QString issuedAt = reply.json.value(QStringLiteral("issued_at")).toString();
    QVERIFY(qAbs(issuedAt.toLongLong() - QDateTime::currentMSecsSinceEpoch()) < 60'000);
    const QByteArray expected = QMessageAuthenticationCode::hash((id + issuedAt).toUtf8(), org.clientSecret.toUtf8(),
                                                                 QCryptographicHash::Sha256)
                                    .toBase64();
    QCOMPARE(reply.json.value(QStringLiteral("signature")).toString().toLatin1(), expected);

    const QString token = reply.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_client->get(queryPath(QStringLiteral("SELECT Id FROM Account")), token).status, 200);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
}

void TestSalesforceEmulator::expiredSessionIsInvalidSessionIdAndRevokedRefreshIsInvalidGrant()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 5, 1);
    QVERIFY(m_emulator->expireAccessTokens(QStringLiteral("acme")));
    const SandboxReply expired = m_client->get(queryPath(QStringLiteral("SELECT Id FROM Contact")), org.accessToken);
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.array.first().toObject().value(QStringLiteral("errorCode")).toString(),
             QStringLiteral("INVALID_SESSION_ID"));

    QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("acme")));
    const SandboxReply refused = m_client->postForm(QStringLiteral("/services/oauth2/token"),
                                                    {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                     {QStringLiteral("client_id"), org.clientId},
                                                     {QStringLiteral("client_secret"), org.clientSecret},
                                                     {QStringLiteral("refresh_token"), org.refreshToken}});
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
}

void TestSalesforceEmulator::rotationRetiresTheUsedRefreshToken()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 5, 1);
    m_emulator->setRefreshTokenRotation(true);
    const QList<QPair<QString, QString>> form = {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                 {QStringLiteral("client_id"), org.clientId},
                                                 {QStringLiteral("client_secret"), org.clientSecret},
                                                 {QStringLiteral("refresh_token"), org.refreshToken}};
    const SandboxReply first = m_client->postForm(QStringLiteral("/services/oauth2/token"), form);
    QCOMPARE(first.status, 200);
    const QString rotated = first.json.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!rotated.isEmpty() && rotated != org.refreshToken);
    QCOMPARE(m_client->postForm(QStringLiteral("/services/oauth2/token"), form).status, 400);
}

void TestSalesforceEmulator::injectedLimitAnswers403RequestLimitExceeded()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 5, 1);
    m_emulator->failNextRequests(1, 30);
    const SandboxReply limited = m_client->get(queryPath(QStringLiteral("SELECT Id FROM Contact")), org.accessToken);
    QCOMPARE(limited.status, 403);
    QCOMPARE(limited.array.first().toObject().value(QStringLiteral("errorCode")).toString(),
             QStringLiteral("REQUEST_LIMIT_EXCEEDED"));
    QCOMPARE(m_client->get(queryPath(QStringLiteral("SELECT Id FROM Contact")), org.accessToken).status, 200);
    QCOMPARE(m_emulator->requestLog().size(), 2);
    QCOMPARE(m_emulator->requestLog().first().portal, QStringLiteral("acme"));
}

void TestSalesforceEmulator::systemModstampFilterFindsTouchedRecordsAndQueryAllShowsDeleted()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 300, 3);
    const QString since = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    QTest::qWait(5);
    QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("Contact"), 6);
    QCOMPARE(touched.size(), 6);
    const QString soql = QStringLiteral("SELECT Id, SystemModstamp FROM Contact WHERE SystemModstamp > %1 "
                                        "ORDER BY SystemModstamp")
                             .arg(since);
    const SandboxReply changed = m_client->get(queryPath(soql), org.accessToken);
    QCOMPARE(changed.status, 200);
    QStringList found;
    for (const QJsonValue &value : changed.json.value(QStringLiteral("records")).toArray())
        found.append(value.toObject().value(QStringLiteral("Id")).toString());
    found.sort();
    touched.sort();
    QCOMPARE(found, touched);

    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("Contact"), touched.first()));
    const QString all = QStringLiteral("SELECT Id, IsDeleted FROM Contact WHERE IsDeleted = true");
    QCOMPARE(m_client->get(queryPath(all), org.accessToken).json.value(QStringLiteral("totalSize")).toInt(), 0);
    const SandboxReply withDeleted = m_client->get(queryPath(all, QStringLiteral("queryAll")), org.accessToken);
    QCOMPARE(withDeleted.json.value(QStringLiteral("totalSize")).toInt(), 1);
    const QJsonObject deleted = withDeleted.json.value(QStringLiteral("records")).toArray().first().toObject();
    QCOMPARE(deleted.value(QStringLiteral("Id")).toString(), touched.first());
    QCOMPARE(deleted.value(QStringLiteral("IsDeleted")).toBool(), true);
}

void TestSalesforceEmulator::describeListsCustomFieldsAndCustomObjects()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 20, 3);
    QVERIFY(m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("Contact"), QStringLiteral("Tier__c"),
                                       QStringLiteral("Tier"), QStringLiteral("picklist")));
    QVERIFY(!m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("Contact"), QStringLiteral("Tier"),
                                        QStringLiteral("Tier"), QStringLiteral("picklist")));
    QVERIFY(m_emulator->addCustomObject(QStringLiteral("acme"), QStringLiteral("Invoice__c"), QStringLiteral("Invoice"),
                                        12));

    const SandboxReply describe =
        m_client->get(QStringLiteral("/services/data/v59.0/sobjects/Contact/describe"), org.accessToken);
    QCOMPARE(describe.status, 200);
    QJsonObject tier;
    for (const QJsonValue &value : describe.json.value(QStringLiteral("fields")).toArray()) {
        if (value.toObject().value(QStringLiteral("name")).toString() == QLatin1String("Tier__c"))
            tier = value.toObject();
    }
    QCOMPARE(tier.value(QStringLiteral("custom")).toBool(), true);
    QCOMPARE(tier.value(QStringLiteral("type")).toString(), QStringLiteral("picklist"));
    QCOMPARE(tier.value(QStringLiteral("picklistValues")).toArray().size(), 3);

    const SandboxReply tiers =
        m_client->get(queryPath(QStringLiteral("SELECT Id, Tier__c FROM Contact")), org.accessToken);
    for (const QJsonValue &value : tiers.json.value(QStringLiteral("records")).toArray())
        QVERIFY(!value.toObject().value(QStringLiteral("Tier__c")).toString().isEmpty());

    const SandboxReply invoices =
        m_client->get(queryPath(QStringLiteral("SELECT Id, Name FROM Invoice__c")), org.accessToken);
    QCOMPARE(invoices.json.value(QStringLiteral("totalSize")).toInt(), 12);
    const SandboxReply invoiceDescribe =
        m_client->get(QStringLiteral("/services/data/v59.0/sobjects/Invoice__c/describe"), org.accessToken);
    QCOMPARE(invoiceDescribe.json.value(QStringLiteral("custom")).toBool(), true);
}

void TestSalesforceEmulator::compositeCreateReportsPartialFailureInside200()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 10, 3);
    const auto contact = [](const QString &lastName) {
        QJsonObject record{
            {QStringLiteral("attributes"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Contact")}}},
            {QStringLiteral("FirstName"), QStringLiteral("Ada")}};
        if (!lastName.isEmpty())
            record.insert(QStringLiteral("LastName"), lastName);
        return record;
    };
    const QJsonArray records{contact(QStringLiteral("Lovelace")), contact({}), contact(QStringLiteral("Byron"))};
    const QString path = QStringLiteral("/services/data/v59.0/composite/sobjects");

    const SandboxReply allOrNone = m_client->postJson(
        path, {{QStringLiteral("allOrNone"), true}, {QStringLiteral("records"), records}}, org.accessToken);
    QCOMPARE(allOrNone.status, 200);
    for (const QJsonValue &result : allOrNone.array)
        QCOMPARE(result.toObject().value(QStringLiteral("success")).toBool(), false);
    QCOMPARE(m_emulator->org(QStringLiteral("acme"))->object(QStringLiteral("Contact"))->table.count(false), 10);

    const SandboxReply partial = m_client->postJson(path, {{QStringLiteral("records"), records}}, org.accessToken);
    QCOMPARE(partial.status, 200);
    QCOMPARE(partial.array.size(), 3);
    QCOMPARE(partial.array.at(0).toObject().value(QStringLiteral("success")).toBool(), true);
    QVERIFY(partial.array.at(0).toObject().value(QStringLiteral("id")).toString().startsWith(QLatin1String("003")));
    const QJsonObject failed = partial.array.at(1).toObject();
    QCOMPARE(failed.value(QStringLiteral("success")).toBool(), false);
    const QJsonObject error = failed.value(QStringLiteral("errors")).toArray().first().toObject();
    QCOMPARE(error.value(QStringLiteral("statusCode")).toString(), QStringLiteral("REQUIRED_FIELD_MISSING"));
    QCOMPARE(error.value(QStringLiteral("fields")).toArray().first().toString(), QStringLiteral("LastName"));
    QCOMPARE(partial.array.at(2).toObject().value(QStringLiteral("success")).toBool(), true);
    QCOMPARE(m_emulator->org(QStringLiteral("acme"))->object(QStringLiteral("Contact"))->table.count(false), 12);
}

void TestSalesforceEmulator::badQueriesAnswerTheDocumentedErrorCodes()
{
    const SalesforceOrgCredentials org = m_emulator->addOrg(QStringLiteral("acme"), 3, 3);
    const auto errorCode = [&](const QString &soql) {
        const SandboxReply reply = m_client->get(queryPath(soql), org.accessToken);
        return reply.status == 400 ? reply.array.first().toObject().value(QStringLiteral("errorCode")).toString()
                                   : QString::number(reply.status);
    };
    QCOMPARE(errorCode(QStringLiteral("SELECT FROM Contact")), QStringLiteral("MALFORMED_QUERY"));
    QCOMPARE(errorCode(QStringLiteral("SELECT Id, Nope FROM Contact")), QStringLiteral("INVALID_FIELD"));
    QCOMPARE(errorCode(QStringLiteral("SELECT Id FROM Nothing__c")), QStringLiteral("INVALID_TYPE"));
}

QTEST_GUILESS_MAIN(TestSalesforceEmulator)
#include "TestSalesforceEmulator.moc"
