#include "SandboxTestClient.h"
#include "jira/JiraEmulator.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

#include <algorithm>
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
    void bulkCreateReportsEachFailedElement();
    void editChangesOnlyTheFieldsSent();
    void webhookSignatureVerifiesWithIndependentHmac();
    void redeliveryKeepsTheWebhookIdentifier();
    void projectSearchPagesByOffsetWithTotal_data();
    void projectSearchPagesByOffsetWithTotal();
    void deletedProjectLeavesTheSearch();

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
    QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 4);
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
    const QString id = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("issues"),
                                                  QStringLiteral("Tier"), FieldKind::Picklist);
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

void TestJiraEmulator::bulkCreateReportsEachFailedElement()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 2, 1);
    const QString path = m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/issue/bulk");
    const auto update = [](const QJsonObject &fields) {
        QJsonObject all = fields;
        all.insert(QStringLiteral("project"), QJsonObject{{QStringLiteral("key"), QStringLiteral("ACM")}});
        all.insert(QStringLiteral("issuetype"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Task")}});
        return QJsonObject{{QStringLiteral("fields"), all}};
    };
    const SandboxReply partial =
        m_client->postJson(path,
                           {{QStringLiteral("issueUpdates"),
                             QJsonArray{update({{QStringLiteral("summary"), QStringLiteral("First")}}), update({}),
                                        update({{QStringLiteral("summary"), QStringLiteral("Third")}})}}},
                           site.accessToken);
    // Created issues and failed elements side by side, with a 201 as soon as one was created.
    QCOMPARE(partial.status, 201);
    const QJsonArray issues = partial.json.value(QStringLiteral("issues")).toArray();
    QCOMPARE(issues.size(), 2);
    QCOMPARE(issues.at(0).toObject().value(QStringLiteral("key")).toString(), QStringLiteral("ACM-3"));
    QCOMPARE(issues.at(1).toObject().value(QStringLiteral("key")).toString(), QStringLiteral("ACM-4"));
    const QJsonArray errors = partial.json.value(QStringLiteral("errors")).toArray();
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).toObject().value(QStringLiteral("failedElementNumber")).toInt(), 1);
    QCOMPARE(errors.at(0).toObject().value(QStringLiteral("status")).toInt(), 400);
    QVERIFY(errors.at(0)
                .toObject()
                .value(QStringLiteral("elementErrors"))
                .toObject()
                .value(QStringLiteral("errors"))
                .toObject()
                .contains(QStringLiteral("summary")));

    const SandboxReply none =
        m_client->postJson(path, {{QStringLiteral("issueUpdates"), QJsonArray{update({})}}}, site.accessToken);
    QCOMPARE(none.status, 400);
    QVERIFY(none.json.value(QStringLiteral("issues")).toArray().isEmpty());
    QCOMPARE(none.json.value(QStringLiteral("errors")).toArray().size(), 1);
}

void TestJiraEmulator::editChangesOnlyTheFieldsSent()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 2, 1);
    const QString path = m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/issue/ACM-1");
    const QString typeBefore = m_emulator->site(QStringLiteral("acme"))
                                   ->issue(QStringLiteral("ACM-1"))
                                   ->fields.value(QStringLiteral("issuetype"))
                                   .toString();
    const auto put = [&](const QString &target, const QByteArray &body) {
        return m_client->send(
            "PUT", target, body,
            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + site.accessToken.toLatin1()}});
    };
    const SandboxReply edited = put(path, R"({"fields":{"summary":"Renamed"}})");
    QCOMPARE(edited.status, 204);
    const SandboxRecord *issue = m_emulator->site(QStringLiteral("acme"))->issue(QStringLiteral("ACM-1"));
    QCOMPARE(issue->fields.value(QStringLiteral("summary")).toString(), QStringLiteral("Renamed"));
    QCOMPARE(issue->fields.value(QStringLiteral("issuetype")).toString(), typeBefore);
    // A status is changed through transitions, not edited; an empty summary is refused like on create.
    QCOMPARE(put(path, R"({"fields":{"status":{"name":"Done"}}})").status, 400);
    const SandboxReply blank = put(path, R"({"fields":{"summary":""}})");
    QCOMPARE(blank.status, 400);
    QVERIFY(blank.json.value(QStringLiteral("errors")).toObject().contains(QStringLiteral("summary")));
    const SandboxReply missing =
        put(m_emulator->apiBase(QStringLiteral("acme")) + QStringLiteral("/issue/ACM-99"), R"({"fields":{}})");
    QCOMPARE(missing.status, 404);
}

void TestJiraEmulator::webhookSignatureVerifiesWithIndependentHmac()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 2, 1);
    WebhookReceiver receiver;
    QVERIFY(m_emulator->sendIssueEvent(QStringLiteral("acme"), receiver.url(), QStringLiteral("jira:issue_updated"),
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

void TestJiraEmulator::redeliveryKeepsTheWebhookIdentifier()
{
    m_emulator->addSite(QStringLiteral("acme"), 2, 1);
    // Every delivery, in arrival order.
    QList<patchbay::HttpServerRequest> received;
    patchbay::HttpService receiver;
    receiver.setHandler([&](const patchbay::HttpServerRequest &request) {
        received.append(request);
        return patchbay::HttpServerResponse::text("ok");
    });
    QVERIFY(receiver.listen() != 0);
    const QUrl url = receiver.baseUrl().resolved(QUrl(QStringLiteral("/hooks/jira")));
    QVERIFY(!m_emulator->redeliverLastWebhook());
    QVERIFY(m_emulator->sendIssueEvent(QStringLiteral("acme"), url, QStringLiteral("jira:issue_created"),
                                       QStringLiteral("ACM-2")));
    QTRY_COMPARE(received.size(), 1);
    QVERIFY(m_emulator->redeliverLastWebhook());
    QTRY_COMPARE(received.size(), 2);
    const patchbay::HttpServerRequest &first = received.at(0);
    const patchbay::HttpServerRequest &retry = received.at(1);
    QCOMPARE(retry.body, first.body);
    QVERIFY(!first.header("x-atlassian-webhook-identifier").isEmpty());
    QCOMPARE(retry.header("x-atlassian-webhook-identifier"), first.header("x-atlassian-webhook-identifier"));
    QCOMPARE(retry.header("x-hub-signature"), first.header("x-hub-signature"));
    QCOMPARE(retry.header("x-atlassian-webhook-retry"), QByteArray("1"));
    QVERIFY(first.header("x-atlassian-webhook-retry").isEmpty());
}

void TestJiraEmulator::projectSearchPagesByOffsetWithTotal_data()
{
    QTest::addColumn<int>("added");
    QTest::addColumn<int>("maxResults");
    QTest::newRow("partial last page") << 64 << 20;
    QTest::newRow("exact pages") << 39 << 10;
    QTest::newRow("only the first project") << 0 << 50;
    QTest::newRow("more than 50 asked for") << 119 << 100;
}

void TestJiraEmulator::projectSearchPagesByOffsetWithTotal()
{
    QFETCH(int, added);
    QFETCH(int, maxResults);
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 2, 8);
    m_emulator->addProjects(QStringLiteral("acme"), added);
    const int total = added + 1;
    const int perPage = std::min(maxResults, 50); // Jira caps a page of projects at 50
    QSet<QString> seen;
    QString previousKey;
    int startAt = 0;
    int pages = 0;
    for (;;) {
        const SandboxReply page =
            m_client->get(m_emulator->apiBase(QStringLiteral("acme")) +
                              QStringLiteral("/project/search?startAt=%1&maxResults=%2").arg(startAt).arg(maxResults),
                          site.accessToken);
        QCOMPARE(page.status, 200);
        QCOMPARE(page.json.value(QStringLiteral("total")).toInt(), total);
        QCOMPARE(page.json.value(QStringLiteral("startAt")).toInt(), startAt);
        QCOMPARE(page.json.value(QStringLiteral("maxResults")).toInt(), perPage);
        const QJsonArray values = page.json.value(QStringLiteral("values")).toArray();
        for (const QJsonValue &value : values) {
            const QJsonObject project = value.toObject();
            QVERIFY(!seen.contains(project.value(QStringLiteral("id")).toString()));
            seen.insert(project.value(QStringLiteral("id")).toString());
            QVERIFY(project.value(QStringLiteral("key")).toString() > previousKey); // ordered by key
            previousKey = project.value(QStringLiteral("key")).toString();
            QVERIFY(project.value(QStringLiteral("self"))
                        .toString()
                        .endsWith(QStringLiteral("/project/") + project.value(QStringLiteral("id")).toString()));
        }
        ++pages;
        const bool isLast = page.json.value(QStringLiteral("isLast")).toBool();
        QCOMPARE(isLast, startAt + perPage >= total);
        QCOMPARE(page.json.contains(QStringLiteral("nextPage")), !isLast);
        if (isLast)
            break;
        QVERIFY(page.json.value(QStringLiteral("nextPage"))
                    .toString()
                    .contains(QStringLiteral("startAt=%1").arg(startAt + perPage)));
        startAt += static_cast<int>(values.size());
        QVERIFY(pages <= total);
    }
    QCOMPARE(seen.size(), total);
    QVERIFY(seen.contains(QStringLiteral("10000")));
    QCOMPARE(pages, (total + perPage - 1) / perPage);
}

void TestJiraEmulator::deletedProjectLeavesTheSearch()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 2, 9);
    const QStringList ids = m_emulator->addProjects(QStringLiteral("acme"), 3);
    const QString api = m_emulator->apiBase(QStringLiteral("acme"));
    const SandboxReply one = m_client->get(api + QStringLiteral("/project/P002"), site.accessToken);
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.value(QStringLiteral("id")).toString(), ids.at(1));
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("projects"), QStringLiteral("P002")));
    QVERIFY(!m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("projects"),
                                      QStringLiteral("10000"))); // it holds the issues
    QCOMPARE(m_client->get(api + QStringLiteral("/project/") + ids.at(1), site.accessToken).status, 404);
    const SandboxReply page = m_client->get(api + QStringLiteral("/project/search?orderBy=-name"), site.accessToken);
    QCOMPARE(page.json.value(QStringLiteral("total")).toInt(), 3);
    QStringList names;
    for (const QJsonValue &value : page.json.value(QStringLiteral("values")).toArray()) {
        QVERIFY(value.toObject().value(QStringLiteral("id")).toString() != ids.at(1));
        names.append(value.toObject().value(QStringLiteral("name")).toString());
    }
    QStringList sorted = names;
    std::sort(sorted.begin(), sorted.end(),
              [](const QString &a, const QString &b) { return QString::compare(a, b, Qt::CaseInsensitive) > 0; });
    QCOMPARE(names, sorted);
    QCOMPARE(m_client->get(api + QStringLiteral("/project/search?orderBy=owner"), site.accessToken).status, 400);
}

QTEST_GUILESS_MAIN(TestJiraEmulator)
#include "TestJiraEmulator.moc"
