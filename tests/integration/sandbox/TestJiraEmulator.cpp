#include "SandboxTestClient.h"
#include "jira/JiraEmulator.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

#include <memory>

using namespace patchbay::sandbox;

// Drives the Jira Cloud emulator as an OAuth 2.0 (3LO) app would, over loopback HTTP.
class TestJiraEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void searchPagingVisitsEveryIssueExactlyOnce_data();
    void searchPagingVisitsEveryIssueExactlyOnce();
    void refreshTokensRotateAndTheOldOneIsRefused();
    void revokedRefreshTokenIsInvalidGrant();
    void accessibleResourcesGiveTheCloudIdTheApiNeeds();
    void injected429CarriesRetryAfterAndIsoReset();
    void updatedFilterFindsTouchedIssues();
    void customFieldsAppearInFieldListAndIssues();
    void createIssueValidatesAndCreates();
    void webhookSignatureVerifiesWithIndependentHmac();

private:
    SandboxReply refresh(const JiraSiteCredentials &site, const QString &refreshToken);

    std::unique_ptr<JiraEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestJiraEmulator::init()
{
    m_emulator = std::make_unique<JiraEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_client = std::make_unique<SandboxTestClient>(m_emulator->baseUrl());
}

void TestJiraEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

SandboxReply TestJiraEmulator::refresh(const JiraSiteCredentials &site, const QString &refreshToken)
{
    // Atlassian's token endpoint takes a JSON body.
    return m_client->postJson(QStringLiteral("/oauth/token"),
                              {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                               {QStringLiteral("client_id"), site.clientId},
                               {QStringLiteral("client_secret"), site.clientSecret},
                               {QStringLiteral("refresh_token"), refreshToken}},
                              {});
}

void TestJiraEmulator::searchPagingVisitsEveryIssueExactlyOnce_data()
{
    QTest::addColumn<int>("issues");
    QTest::addColumn<int>("maxResults");
    QTest::newRow("partial last page") << 130 << 50;
    QTest::newRow("exact pages") << 100 << 50;
    QTest::newRow("empty site") << 0 << 50;
}

void TestJiraEmulator::searchPagingVisitsEveryIssueExactlyOnce()
{
    QFETCH(int, issues);
    QFETCH(int, maxResults);
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), issues, 4);
    const QString search = m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/search/jql");
    QSet<QString> seen;
    QString token;
    int pages = 0;
    do {
        QJsonObject body{{QStringLiteral("jql"), QStringLiteral("project = ACM ORDER BY created ASC")},
                         {QStringLiteral("fields"), QJsonArray{QStringLiteral("summary"), QStringLiteral("updated")}},
                         {QStringLiteral("maxResults"), maxResults}};
        if (!token.isEmpty())
            body.insert(QStringLiteral("nextPageToken"), token);
        const SandboxReply reply = m_client->postJson(search, body, site.accessToken);
        QCOMPARE(reply.status, 200);
        QVERIFY(!reply.json.contains(QStringLiteral("total")));
        for (const QJsonValue &value : reply.json.value(QStringLiteral("issues")).toArray()) {
            const QJsonObject issue = value.toObject();
            QVERIFY(!issue.value(QStringLiteral("fields"))
                         .toObject()
                         .value(QStringLiteral("summary"))
                         .toString()
                         .isEmpty());
            QVERIFY(!seen.contains(issue.value(QStringLiteral("key")).toString()));
            seen.insert(issue.value(QStringLiteral("key")).toString());
        }
        ++pages;
        token = reply.json.value(QStringLiteral("nextPageToken")).toString();
        // Absent, not null, on the last page.
        QCOMPARE(reply.json.contains(QStringLiteral("nextPageToken")),
                 !reply.json.value(QStringLiteral("isLast")).toBool());
    } while (!token.isEmpty() && pages <= issues);
    QCOMPARE(seen.size(), issues);
    QCOMPARE(pages, std::max(1, (issues + maxResults - 1) / maxResults));
}

void TestJiraEmulator::refreshTokensRotateAndTheOldOneIsRefused()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 3, 1);
    const SandboxReply first = refresh(site, site.refreshToken);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json.value(QStringLiteral("expires_in")).toInt(), 3600);
    const QString rotated = first.json.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!rotated.isEmpty() && rotated != site.refreshToken);
    const QString access = first.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_client->get(m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/field"), access).status, 200);

    const SandboxReply reused = refresh(site, site.refreshToken);
    QCOMPARE(reused.status, 403);
    QCOMPARE(reused.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QCOMPARE(refresh(site, rotated).status, 200);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 2);

    QVERIFY(m_emulator->expireAccessTokens(QStringLiteral("acme")));
    QCOMPARE(m_client->get(m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/field"), access).status, 401);
}

void TestJiraEmulator::revokedRefreshTokenIsInvalidGrant()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 3, 1);
    QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("acme")));
    const SandboxReply reply = refresh(site, site.refreshToken);
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json.value(QStringLiteral("error_description")).toString(),
             QStringLiteral("Unknown or invalid refresh token."));
}

void TestJiraEmulator::accessibleResourcesGiveTheCloudIdTheApiNeeds()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 3, 1);
    const JiraSiteCredentials other = m_emulator->addSite(QStringLiteral("globex"), 3, 2);
    const SandboxReply resources = m_client->get(QStringLiteral("/oauth/token/accessible-resources"), site.accessToken);
    QCOMPARE(resources.status, 200);
    const QJsonObject resource = resources.array.first().toObject();
    QCOMPARE(resource.value(QStringLiteral("id")).toString(), site.cloudId);
    QCOMPARE(resource.value(QStringLiteral("url")).toString(), QStringLiteral("https://acme.atlassian.net"));
    QVERIFY(!resource.value(QStringLiteral("scopes")).toArray().isEmpty());
    // One site's token does not open another site's cloud id.
    QCOMPARE(m_client->get(m_emulator->apiBase(QStringLiteral("globex")) + QStringLiteral("/field"), site.accessToken)
                 .status,
             401);
    QCOMPARE(m_client->get(m_emulator->apiBase(QStringLiteral("globex")) + QStringLiteral("/field"), other.accessToken)
                 .status,
             200);
}

void TestJiraEmulator::injected429CarriesRetryAfterAndIsoReset()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 3, 1);
    m_emulator->failNextRequests(1, 7);
    const SandboxReply limited =
        m_client->get(m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/field"), site.accessToken);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("7"));
    QVERIFY(!limited.header("RateLimit-Reason").isEmpty());
    const QDateTime reset = QDateTime::fromString(QString::fromLatin1(limited.header("X-RateLimit-Reset")),
                                                  QStringLiteral("yyyy-MM-ddTHH:mm'Z'"));
    QVERIFY2(reset.isValid(), limited.header("X-RateLimit-Reset").constData());
    QCOMPARE(
        m_client->get(m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/field"), site.accessToken).status,
        200);
}

void TestJiraEmulator::updatedFilterFindsTouchedIssues()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 200, 6);
    const QString since = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    QStringList touched = m_emulator->touchIssues(QStringLiteral("acme"), 4);
    const SandboxReply reply = m_client->postJson(
        m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/search/jql"),
        {{QStringLiteral("jql"), QStringLiteral("updated >= \"%1\" ORDER BY updated ASC").arg(since)},
         {QStringLiteral("fields"), QJsonArray{QStringLiteral("updated")}}},
        site.accessToken);
    QCOMPARE(reply.status, 200);
    QStringList found;
    for (const QJsonValue &value : reply.json.value(QStringLiteral("issues")).toArray())
        found.append(value.toObject().value(QStringLiteral("id")).toString());
    found.sort();
    touched.sort();
    QCOMPARE(found, touched);

    const SandboxReply bad =
        m_client->postJson(m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/search/jql"),
                           {{QStringLiteral("jql"), QStringLiteral("nosuchfield = 1")}}, site.accessToken);
    QCOMPARE(bad.status, 400);
    QVERIFY(!bad.json.value(QStringLiteral("errorMessages")).toArray().isEmpty());
}

void TestJiraEmulator::customFieldsAppearInFieldListAndIssues()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 10, 1);
    const QString id = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("Tier"), FieldKind::Picklist);
    QCOMPARE(id, QStringLiteral("customfield_10020"));
    const SandboxReply fields =
        m_client->get(m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/field"), site.accessToken);
    QJsonObject custom;
    for (const QJsonValue &value : fields.array) {
        if (value.toObject().value(QStringLiteral("id")).toString() == id)
            custom = value.toObject();
    }
    QCOMPARE(custom.value(QStringLiteral("custom")).toBool(), true);
    QCOMPARE(custom.value(QStringLiteral("name")).toString(), QStringLiteral("Tier"));
    const QJsonObject schema = custom.value(QStringLiteral("schema")).toObject();
    QCOMPARE(schema.value(QStringLiteral("customId")).toInt(), 10020);
    QVERIFY(schema.value(QStringLiteral("custom"))
                .toString()
                .startsWith(QLatin1String("com.atlassian.jira.plugin.system.customfieldtypes:")));

    const SandboxReply issues = m_client->postJson(
        m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/search/jql"),
        {{QStringLiteral("jql"), QStringLiteral("project = ACM")}, {QStringLiteral("fields"), QJsonArray{id}}},
        site.accessToken);
    const QJsonObject first = issues.json.value(QStringLiteral("issues")).toArray().first().toObject();
    QVERIFY(!first.value(QStringLiteral("fields"))
                 .toObject()
                 .value(id)
                 .toObject()
                 .value(QStringLiteral("value"))
                 .toString()
                 .isEmpty());
}

void TestJiraEmulator::createIssueValidatesAndCreates()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 2, 1);
    const QString path = m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/issue");
    const QJsonObject project{{QStringLiteral("key"), QStringLiteral("ACM")}};
    const QJsonObject task{{QStringLiteral("name"), QStringLiteral("Task")}};
    const SandboxReply invalid =
        m_client->postJson(path,
                           {{QStringLiteral("fields"),
                             QJsonObject{{QStringLiteral("project"), project}, {QStringLiteral("issuetype"), task}}}},
                           site.accessToken);
    QCOMPARE(invalid.status, 400);
    QVERIFY(invalid.json.value(QStringLiteral("errors")).toObject().contains(QStringLiteral("summary")));

    const SandboxReply created = m_client->postJson(
        path,
        {{QStringLiteral("fields"), QJsonObject{{QStringLiteral("project"), project},
                                                {QStringLiteral("issuetype"), task},
                                                {QStringLiteral("summary"), QStringLiteral("Sync stalls on page 3")}}}},
        site.accessToken);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("key")).toString(), QStringLiteral("ACM-3"));
    QCOMPARE(m_client->get(path + QStringLiteral("/ACM-3"), site.accessToken).status, 200);
}

void TestJiraEmulator::webhookSignatureVerifiesWithIndependentHmac()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 2, 1);
    WebhookReceiver receiver;
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), receiver.url(), QStringLiteral("jira:issue_updated"),
                                    QStringLiteral("ACM-1")));
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());
    const QByteArray expected = "sha256=" + QMessageAuthenticationCode::hash(
                                                delivery->body, site.webhookSecret.toUtf8(), QCryptographicHash::Sha256)
                                                .toHex();
    QCOMPARE(delivery->header("x-hub-signature"), expected);
    const QJsonObject event = QJsonDocument::fromJson(delivery->body).object();
    QCOMPARE(event.value(QStringLiteral("webhookEvent")).toString(), QStringLiteral("jira:issue_updated"));
    QCOMPARE(event.value(QStringLiteral("issue")).toObject().value(QStringLiteral("key")).toString(),
             QStringLiteral("ACM-1"));
}

QTEST_GUILESS_MAIN(TestJiraEmulator)
#include "TestJiraEmulator.moc"
