// Writes, schema discovery and webhooks of the Jira Cloud definition against the Jira emulator: bulk create whose 201
// answer reports a failure per element, single creates and edits through the link from the product's key to the issue
// id, the site's custom fields from GET /field, admin webhooks signed with X-Hub-Signature delivered over HTTP to the
// webhook endpoint, and a write that meets a revoked grant keeping its records until the connection is authorised
// again.
#include "LoopbackHttp.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "core/Clock.h"
#include "jira/JiraEmulator.h"
#include "server/WebhookEndpoint.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

QJsonObject issueFields(const QJsonObject &fields)
{
    QJsonObject all{{QStringLiteral("project"), QJsonObject{{QStringLiteral("key"), QStringLiteral("ACM")}}}};
    for (auto it = fields.begin(); it != fields.end(); ++it)
        all.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("fields"), all}};
}

QJsonObject named(const char *name)
{
    return QJsonObject{{QStringLiteral("name"), QLatin1String(name)}};
}

} // namespace

class TestJiraWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void bulkCreateWithPartialFailure();
    void editsGoThroughTheKeyLink();
    void fieldsListCustomFields();
    void signedWebhooksAreAppliedOnce();
    void revokedGrantKeepsTheWrite();

private:
    qint64 connectSite(const QDateTime &expiresAt);
    QJsonObject issue(const QString &id) const;
    // Lets the emulator's webhook reach the endpoint and come back; returns the HTTP status the emulator saw.
    // What the user does to authorise the connection again: the authorization code flow, then the tokens saved.
    void authoriseAgain(qint64 connection);

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<JiraEmulator> m_emulator;
    JiraSiteCredentials m_site;
};

void TestJiraWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<JiraEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_site = m_emulator->addSite(QStringLiteral("acme"), 5, 17);
}

void TestJiraWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestJiraWrite::connectSite(const QDateTime &expiresAt)
{
    const ProviderCase &row = providerCase(QStringLiteral("jira"));
    Credential credential = credentialFor(row, m_site, expiresAt);
    credential.webhookSecret = SecretBytes(m_site.webhookSecret.toUtf8());
    return m_fixture->connect(row.provider, row.config(*m_emulator, m_site), credential);
}

QJsonObject TestJiraWrite::issue(const QString &id) const
{
    const SandboxRecord *found = m_emulator->site(QStringLiteral("acme"))->issue(id);
    return found && !found->deleted ? found->fields : QJsonObject();
}

void TestJiraWrite::authoriseAgain(qint64 connection)
{
    const QString emulator = m_emulator->baseUrl().toString(QUrl::StripTrailingSlash);
    const QString redirect = QStringLiteral("https://patchbay.example/oauth/callback");
    QUrl authorize(emulator + QStringLiteral("/authorize"));
    authorize.setQuery(QStringLiteral("audience=api.atlassian.com&response_type=code&prompt=consent&client_id=%1"
                                      "&redirect_uri=%2")
                           .arg(m_site.clientId, QString::fromLatin1(QUrl::toPercentEncoding(redirect))));
    const LoopbackHttp::Answer consent = LoopbackHttp::send("GET", authorize, {});
    QCOMPARE(consent.status, 302);
    const QString code = QUrlQuery(QUrl(QString::fromLatin1(consent.location))).queryItemValue(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());
    const QJsonObject exchange{{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                               {QStringLiteral("client_id"), m_site.clientId},
                               {QStringLiteral("client_secret"), m_site.clientSecret},
                               {QStringLiteral("code"), code},
                               {QStringLiteral("redirect_uri"), redirect}};
    const LoopbackHttp::Answer tokens =
        LoopbackHttp::send("POST", QUrl(emulator + QStringLiteral("/oauth/token")),
                           {{"Content-Type", "application/json"}}, QJsonDocument(exchange).toJson());
    QCOMPARE(tokens.status, 200);
    const QJsonObject grant = QJsonDocument::fromJson(tokens.body).object();
    Credential credential = ProviderReadFixture::oauth(
        m_site.clientId, m_site.clientSecret, grant.value(QStringLiteral("access_token")).toString(),
        grant.value(QStringLiteral("refresh_token")).toString(),
        QDateTime::currentDateTimeUtc().addSecs(grant.value(QStringLiteral("expires_in")).toInt()));
    credential.webhookSecret = SecretBytes(m_site.webhookSecret.toUtf8());
    const QByteArray sealed = CredentialVault(m_fixture->key()).seal(connection, credential).value();
    QVERIFY(m_fixture->store().credentials().saveCredential(connection,
                                                            {connection, sealed, credential.expiresAt, {}, {}}));
    QVERIFY(m_fixture->store().tenants().setConnectionStatus(connection, ConnectionStatus::Active, {}));
}

void TestJiraWrite::bulkCreateWithPartialFailure()
{
    const qint64 connection = connectSite(QDateTime::currentDateTimeUtc().addSecs(3600));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QList<WriteInput> records{
        {QStringLiteral("p-1"),
         issueFields({{QStringLiteral("issuetype"), named("Task")},
                      {QStringLiteral("summary"), QStringLiteral("Sync stalls on page 3")}}),
         {}},
        // Jira requires a summary: this one is refused, the others are created.
        {QStringLiteral("p-2"), issueFields({{QStringLiteral("issuetype"), named("Bug")}}), {}},
        {QStringLiteral("p-3"),
         issueFields({{QStringLiteral("issuetype"), named("Story")},
                      {QStringLiteral("summary"), QStringLiteral("Retry budget per account")},
                      {QStringLiteral("labels"), QJsonArray{QStringLiteral("sync")}}}),
         {}},
    };
    m_emulator->clearRequestLog();
    const auto write = sync->write(connection, QStringLiteral("issues"), records);
    QVERIFY(write.ok());
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    // One bulk call; Jira answered 201 although one element failed.
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.first().method, QStringLiteral("POST"));
    QVERIFY(log.first().pathAndQuery.endsWith(QLatin1String("/rest/api/3/issue/bulk")));
    QCOMPARE(log.first().status, 201);

    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(write->id);
    QCOMPARE(items.size(), 3);
    QCOMPARE(items.value(QStringLiteral("p-1")).status, QStringLiteral("succeeded"));
    QCOMPARE(items.value(QStringLiteral("p-3")).status, QStringLiteral("succeeded"));
    const WriteItem refused = items.value(QStringLiteral("p-2"));
    QCOMPARE(refused.status, QStringLiteral("failed"));
    QCOMPARE(refused.errorCode, QStringLiteral("http.400"));
    QVERIFY2(refused.errorMessage.contains(QLatin1String("summary: You must specify a summary of the issue.")),
             qPrintable(refused.errorMessage));
    QVERIFY(refused.providerId.isEmpty());
    // The ids are the issues Jira created, each matched to its own record though Jira lists only the created ones.
    QCOMPARE(issue(items.value(QStringLiteral("p-1")).providerId).value(QStringLiteral("summary")).toString(),
             QStringLiteral("Sync stalls on page 3"));
    QCOMPARE(issue(items.value(QStringLiteral("p-3")).providerId).value(QStringLiteral("summary")).toString(),
             QStringLiteral("Retry budget per account"));
    QCOMPARE(issue(items.value(QStringLiteral("p-3")).providerId).value(QStringLiteral("labels")).toArray(),
             QJsonArray{QStringLiteral("sync")});
    QCOMPARE(m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("issues"), QStringLiteral("p-1")),
             items.value(QStringLiteral("p-1")).providerId);
    QVERIFY(!m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("issues"), QStringLiteral("p-2")));
    QVERIFY(m_fixture->eventText(write->id).contains(QLatin1String("Record p-2 (create)")));

    // Nothing is lost: the refused record is kept, and goes out again once it has a summary (alone: POST /issue).
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-2"));
    m_emulator->clearRequestLog();
    const auto again = sync->write(connection, QStringLiteral("issues"),
                                   {{QStringLiteral("p-2"),
                                     issueFields({{QStringLiteral("issuetype"), named("Bug")},
                                                  {QStringLiteral("summary"), QStringLiteral("Now with a summary")}}),
                                     {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 1);
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.endsWith(QLatin1String("/rest/api/3/issue")));
    const QString fixedId = m_fixture->store().writes().writeItems(again->id)->first().providerId;
    QCOMPARE(issue(fixedId).value(QStringLiteral("issuetype")).toString(), QStringLiteral("Bug"));
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues"))->isEmpty());
}

void TestJiraWrite::editsGoThroughTheKeyLink()
{
    const qint64 connection = connectSite(QDateTime::currentDateTimeUtc().addSecs(3600));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created = sync->write(connection, QStringLiteral("issues"),
                                     {{QStringLiteral("p-9"),
                                       issueFields({{QStringLiteral("issuetype"), named("Task")},
                                                    {QStringLiteral("summary"), QStringLiteral("Draft")}}),
                                       {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString id = m_fixture->store().writes().writeItems(created->id)->first().providerId;
    QVERIFY(!issue(id).isEmpty());

    // The same key again edits the issue it created: PUT /issue/{id}, 204, only the fields sent change.
    m_emulator->clearRequestLog();
    const auto edited = sync->write(
        connection, QStringLiteral("issues"),
        {{QStringLiteral("p-9"),
          QJsonObject{{QStringLiteral("fields"), QJsonObject{{QStringLiteral("summary"), QStringLiteral("Final")},
                                                             {QStringLiteral("priority"), named("High")}}}},
          {}}});
    QVERIFY2(edited->status == ExecutionStatus::Succeeded, qPrintable(edited->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(edited->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, id);
    const RequestLogEntry put = m_emulator->requestLog().first();
    QCOMPARE(put.method, QStringLiteral("PUT"));
    QVERIFY(put.pathAndQuery.endsWith(QStringLiteral("/rest/api/3/issue/") + id));
    QCOMPARE(put.status, 204);
    QCOMPARE(issue(id).value(QStringLiteral("summary")).toString(), QStringLiteral("Final"));
    QCOMPARE(issue(id).value(QStringLiteral("priority")).toString(), QStringLiteral("High"));
    QCOMPARE(issue(id).value(QStringLiteral("issuetype")).toString(), QStringLiteral("Task"));

    // An edit of an issue deleted in Jira fails alone, with Jira's words; the other record is written.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("issues"), id));
    const auto mixed = sync->write(
        connection, QStringLiteral("issues"),
        {{QStringLiteral("p-9"),
          QJsonObject{{QStringLiteral("fields"), QJsonObject{{QStringLiteral("summary"), QStringLiteral("Again")}}}},
          {}},
         {QStringLiteral("p-10"),
          issueFields(
              {{QStringLiteral("issuetype"), named("Task")}, {QStringLiteral("summary"), QStringLiteral("Ok")}}),
          {}}});
    QVERIFY2(mixed->status == ExecutionStatus::Succeeded, qPrintable(mixed->errorMessage));
    QCOMPARE(mixed->recordCount, 1);
    QCOMPARE(mixed->failedRecordCount, 1);
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-9"));
    QCOMPARE(failed.first().operation, QStringLiteral("update"));
    QCOMPARE(failed.first().errorCode, QStringLiteral("http.404"));
    QVERIFY2(failed.first().errorMessage.contains(QLatin1String("Issue does not exist")),
             qPrintable(failed.first().errorMessage));
}

void TestJiraWrite::fieldsListCustomFields()
{
    const QString points = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("issues"),
                                                      QStringLiteral("Story points"), FieldKind::Number);
    const QString tier = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("issues"),
                                                    QStringLiteral("Customer tier"), FieldKind::Picklist);
    QVERIFY(points.startsWith(QLatin1String("customfield_")));
    const qint64 connection = connectSite(QDateTime::currentDateTimeUtc().addSecs(3600));
    SystemClock clock;
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("issues"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : m_fixture->store().schemas().schema(connection, QStringLiteral("issues")).value())
        byName.insert(field.name, field);
    QCOMPARE(byName.size(), m_emulator->site(QStringLiteral("acme"))->fields().size());
    QCOMPARE(byName.value(QStringLiteral("summary")).label, QStringLiteral("Summary"));
    QVERIFY(!byName.value(QStringLiteral("summary")).custom);
    QVERIFY(!byName.value(QStringLiteral("status")).custom);
    QCOMPARE(byName.value(points).label, QStringLiteral("Story points"));
    QCOMPARE(byName.value(points).type, QStringLiteral("number"));
    QVERIFY(byName.value(points).custom);
    QCOMPARE(byName.value(tier).type, QStringLiteral("option"));
    QVERIFY(byName.value(tier).custom);
    int custom = 0;
    for (const SchemaField &field : std::as_const(byName))
        custom += field.custom;
    QCOMPARE(custom, 2);
}

void TestJiraWrite::signedWebhooksAreAppliedOnce()
{
    const qint64 connection = connectSite(QDateTime::currentDateTimeUtc().addSecs(3600));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    QList<WebhookOutcome> outcomes;
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [&](const QString &provider, const WebhookOutcome &outcome) {
                QCOMPARE(provider, QStringLiteral("jira"));
                outcomes.append(outcome);
            });
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);
    const QUrl url = endpoint.urlFor(QStringLiteral("jira"), connection);

    // An issue changes in Jira: the signed jira:issue_updated call carries it, and it is stored as it is now.
    const QString id = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    QVERIFY(m_emulator->sendIssueEvent(QStringLiteral("acme"), url, QStringLiteral("jira:issue_updated"), id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 1), 200);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes.first().events, 1);
    QCOMPARE(outcomes.first().applied, 1);
    const QJsonObject stored = m_fixture->record(connection, QStringLiteral("issues"), id);
    QCOMPARE(stored.value(QStringLiteral("fields"))
                 .toObject()
                 .value(QStringLiteral("status"))
                 .toObject()
                 .value(QStringLiteral("name"))
                 .toString(),
             issue(id).value(QStringLiteral("status")).toString());
    QCOMPARE(m_fixture->store().executions().execution(outcomes.first().executionId)->kind, QStringLiteral("webhook"));

    // Jira retries a delivery with the same X-Atlassian-Webhook-Identifier: it is acknowledged and skipped.
    QVERIFY(m_emulator->redeliverLastWebhook());
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 2), 200);
    QCOMPARE(outcomes.at(1).duplicates, 1);
    QCOMPARE(outcomes.at(1).applied, 0);

    // The issue is deleted in Jira: jira:issue_deleted takes it out of the store.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("issues"), id));
    QVERIFY(m_emulator->sendIssueEvent(QStringLiteral("acme"), url, QStringLiteral("jira:issue_deleted"), id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 3), 200);
    QCOMPARE(outcomes.at(2).applied, 1);
    QVERIFY(m_fixture->record(connection, QStringLiteral("issues"), id).isEmpty());

    // A call signed with any other secret is refused with 401, changes nothing and is kept as a failed execution.
    QString other;
    for (const SandboxRecord &record : m_emulator->site(QStringLiteral("acme"))->issues().records())
        other = record.id != id ? record.id : other;
    const QJsonObject forged{
        {QStringLiteral("webhookEvent"), QStringLiteral("jira:issue_updated")},
        {QStringLiteral("issue"),
         QJsonObject{{QStringLiteral("id"), other},
                     {QStringLiteral("fields"), QJsonObject{{QStringLiteral("summary"), QStringLiteral("Forged")}}}}}};
    const QByteArray body = QJsonDocument(forged).toJson(QJsonDocument::Compact);
    const QByteArray signature =
        "sha256=" + QMessageAuthenticationCode::hash(body, "guessed-secret", QCryptographicHash::Sha256).toHex();
    const LoopbackHttp::Answer refused = LoopbackHttp::send("POST", url,
                                                            {{"Content-Type", "application/json"},
                                                             {"X-Hub-Signature", signature},
                                                             {"X-Atlassian-Webhook-Identifier", "999"}},
                                                            body);
    QCOMPARE(refused.status, 401);
    QCOMPARE(outcomes.size(), 4);
    const Execution rejected = m_fixture->store().executions().execution(outcomes.at(3).executionId).value();
    QCOMPARE(rejected.kind, QStringLiteral("webhook"));
    QCOMPARE(rejected.connectionId, connection);
    QCOMPARE(rejected.status, ExecutionStatus::Failed);
    QCOMPARE(rejected.errorCode, QStringLiteral("webhook.rejected"));
    QVERIFY2(rejected.errorMessage.contains(QLatin1String("signature does not match")),
             qPrintable(rejected.errorMessage));
    QVERIFY(m_fixture->record(connection, QStringLiteral("issues"), other).isEmpty());
}

void TestJiraWrite::revokedGrantKeepsTheWrite()
{
    // The stored token looks valid, but Jira has expired it and the user has revoked the app's grant meanwhile.
    const qint64 connection = connectSite(QDateTime::currentDateTimeUtc().addSecs(3600));
    m_emulator->expireAccessTokens(QStringLiteral("acme"));
    m_emulator->revokeRefreshToken(QStringLiteral("acme"));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QList<WriteInput> records{
        {QStringLiteral("p-1"),
         issueFields(
             {{QStringLiteral("issuetype"), named("Task")}, {QStringLiteral("summary"), QStringLiteral("One")}}),
         {}},
        {QStringLiteral("p-2"),
         issueFields(
             {{QStringLiteral("issuetype"), named("Task")}, {QStringLiteral("summary"), QStringLiteral("Two")}}),
         {}},
    };
    const qsizetype issuesBefore = m_emulator->site(QStringLiteral("acme"))->issues().records().size();
    const auto write = sync->write(connection, QStringLiteral("issues"), records);
    QCOMPARE(write->status, ExecutionStatus::Failed);
    QCOMPARE(write->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    QCOMPARE(m_emulator->site(QStringLiteral("acme"))->issues().records().size(), issuesBefore);
    // Nothing is lost: both records are kept as not written, with the reason.
    const auto kept = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues")).value();
    QCOMPARE(kept.size(), 2);
    for (const WriteItem &item : kept)
        QCOMPARE(item.errorCode, QStringLiteral("auth.revoked"));

    // Once the user has authorised the connection again, the kept records are written.
    authoriseAgain(connection);
    const auto retried = sync->retryFailedWrites(connection, QStringLiteral("issues"));
    QVERIFY2(retried->status == ExecutionStatus::Succeeded, qPrintable(retried->errorMessage));
    QCOMPARE(retried->recordCount, 2);
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues"))->isEmpty());
    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(retried->id);
    QCOMPARE(issue(items.value(QStringLiteral("p-1")).providerId).value(QStringLiteral("summary")).toString(),
             QStringLiteral("One"));
    QCOMPARE(issue(items.value(QStringLiteral("p-2")).providerId).value(QStringLiteral("summary")).toString(),
             QStringLiteral("Two"));
}

QTEST_GUILESS_MAIN(TestJiraWrite)
#include "TestJiraWrite.moc"
