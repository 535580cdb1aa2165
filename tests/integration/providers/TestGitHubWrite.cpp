// Writes, schema discovery and webhooks of the GitHub definition against the GitHub emulator: issues created one by
// one (GitHub has no batch endpoint) with a 422 validation failure kept per record, updates (PATCH) through the link
// from the product's key to the issue number, the organization's custom properties as the custom fields of the
// repository (read as one record), signed webhooks delivered over HTTP to a WebhookEndpoint (applied once, redeliveries
// skipped, forgeries refused and recorded), and a revoked token that leaves the connection needing a new one with
// its writes kept.
//
// Tokens: the definition authenticates with a personal access token (or an installation token), which has no
// refresh token; OAuth apps' tokens do not expire either. Expiry and refresh therefore do not apply to this
// definition; rate limits are covered by TestGitHubRead::rateLimitIsWaitedOut.
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "common/WebhookSigner.h"
#include "core/Clock.h"
#include "github/GitHubEmulator.h"
#include "server/WebhookEndpoint.h"

#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestGitHubWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void createsWithPartialFailure();
    void updatesThroughTheLink();
    void customPropertiesAreTheRepositorySchema();
    void signedWebhookIsAppliedOnce();
    void forgedWebhooksAreRejected();
    void revokedTokenKeepsTheWrites();

private:
    qint64 connectOwner(const QString &token);
    const SandboxRecord *issue(const QString &number) const;
    // Sends one delivery to the endpoint and waits for its answer; returns the HTTP status GitHub saw.
    int deliver(const std::function<void()> &send);

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<GitHubEmulator> m_emulator;
    SandboxAccountCredentials m_owner;
    QList<WebhookOutcome> m_outcomes;
};

void TestGitHubWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<GitHubEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_owner = m_emulator->addOwner(QStringLiteral("acme"), 12, 41);
    m_outcomes.clear();
}

void TestGitHubWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestGitHubWrite::connectOwner(const QString &token)
{
    const ProviderCase &row = providerCase(QStringLiteral("github"));
    Credential credential = credentialFor(row, m_owner, {}, token);
    credential.webhookSecret = SecretBytes(m_owner.webhookSecret.toUtf8());
    return m_fixture->connect(row.provider, row.config(*m_emulator, m_owner), credential);
}

const SandboxRecord *TestGitHubWrite::issue(const QString &number) const
{
    const SandboxRecord *record =
        m_emulator->account(QStringLiteral("acme"))->table(QStringLiteral("issues"))->find(number);
    return record && !record->deleted ? record : nullptr;
}

int TestGitHubWrite::deliver(const std::function<void()> &send)
{
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);
    send();
    if (!delivered.wait(10000))
        return -1;
    return delivered.first().at(1).toInt();
}

void TestGitHubWrite::createsWithPartialFailure()
{
    const qint64 connection = connectOwner(m_owner.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QList<WriteInput> records{
        {QStringLiteral("p-1"),
         QJsonObject{{QStringLiteral("title"), QStringLiteral("Login fails")},
                     {QStringLiteral("body"), QStringLiteral("Since Monday.")}},
         {}},
        {QStringLiteral("p-2"), QJsonObject{{QStringLiteral("body"), QStringLiteral("No title here")}}, {}},
        {QStringLiteral("p-3"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Export is slow")}}, {}},
    };
    m_emulator->clearRequestLog();
    const auto write = sync->write(connection, QStringLiteral("issues"), records);
    QVERIFY(write.ok());
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    // No batch endpoint: one POST per issue, the refused one included.
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 3);
    for (const RequestLogEntry &entry : log) {
        QCOMPARE(entry.method, QStringLiteral("POST"));
        QCOMPARE(entry.pathAndQuery, QStringLiteral("/repos/acme/widgets/issues"));
    }
    QCOMPARE(log.at(1).status, 422);

    QMap<QString, WriteItem> byKey;
    for (const WriteItem &item : m_fixture->store().writes().writeItems(write->id).value())
        byKey.insert(item.key, item);
    QCOMPARE(byKey.size(), 3);
    const WriteItem refused = byKey.value(QStringLiteral("p-2"));
    QCOMPARE(refused.status, QStringLiteral("failed"));
    QCOMPARE(refused.errorCode, QStringLiteral("missing_field"));
    QVERIFY2(refused.errorMessage.contains(QLatin1String("422")) &&
                 refused.errorMessage.contains(QLatin1String("Validation Failed")),
             qPrintable(refused.errorMessage));
    // The ids stored are GitHub's issue numbers, the id reads use, of issues that now exist there.
    const QString login = byKey.value(QStringLiteral("p-1")).providerId;
    QCOMPARE(byKey.value(QStringLiteral("p-1")).status, QStringLiteral("succeeded"));
    QVERIFY(issue(login));
    QCOMPARE(issue(login)->fields.value(QStringLiteral("title")).toString(), QStringLiteral("Login fails"));
    QCOMPARE(issue(login)->fields.value(QStringLiteral("body")).toString(), QStringLiteral("Since Monday."));
    QVERIFY(issue(byKey.value(QStringLiteral("p-3")).providerId));
    QCOMPARE(m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("issues"), QStringLiteral("p-1")),
             login);
    QVERIFY(!m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("issues"), QStringLiteral("p-2")));
    QVERIFY(m_fixture->eventText(write->id).contains(QLatin1String("Record p-2 (create)")));

    // Nothing is lost: the refused record is kept, and goes out again once it has a title.
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-2"));
    const auto again = sync->write(connection, QStringLiteral("issues"),
                                   {{QStringLiteral("p-2"),
                                     QJsonObject{{QStringLiteral("title"), QStringLiteral("Now titled")},
                                                 {QStringLiteral("body"), QStringLiteral("No title here")}},
                                     {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 1);
    const QString fixed = m_fixture->store().writes().writeItems(again->id)->first().providerId;
    QCOMPARE(issue(fixed)->fields.value(QStringLiteral("title")).toString(), QStringLiteral("Now titled"));
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues"))->isEmpty());
}

void TestGitHubWrite::updatesThroughTheLink()
{
    const qint64 connection = connectOwner(m_owner.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created = sync->write(
        connection, QStringLiteral("issues"),
        {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Crash on save")}}, {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString number = m_fixture->store().writes().writeItems(created->id)->first().providerId;
    QCOMPARE(issue(number)->fields.value(QStringLiteral("state")).toString(), QStringLiteral("open"));

    // The same key again is a PATCH of the issue it created.
    m_emulator->clearRequestLog();
    const auto closed =
        sync->write(connection, QStringLiteral("issues"),
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("state"), QStringLiteral("closed")}}, {}}});
    QVERIFY2(closed->status == ExecutionStatus::Succeeded, qPrintable(closed->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(closed->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, number);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("PATCH"));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/repos/acme/widgets/issues/") + number);
    QCOMPARE(issue(number)->fields.value(QStringLiteral("state")).toString(), QStringLiteral("closed"));
    QVERIFY(!issue(number)->fields.value(QStringLiteral("closed_at")).toString().isEmpty());
    QCOMPARE(issue(number)->fields.value(QStringLiteral("title")).toString(), QStringLiteral("Crash on save"));

    // A state GitHub does not know is refused for that record alone (422 invalid); a new key is still created.
    const auto mixed =
        sync->write(connection, QStringLiteral("issues"),
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("state"), QStringLiteral("archived")}}, {}},
                     {QStringLiteral("p-10"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Ok")}}, {}}});
    QVERIFY2(mixed->status == ExecutionStatus::Succeeded, qPrintable(mixed->errorMessage));
    QCOMPARE(mixed->recordCount, 1);
    QCOMPARE(mixed->failedRecordCount, 1);
    auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-9"));
    QCOMPARE(failed.first().operation, QStringLiteral("update"));
    QCOMPARE(failed.first().errorCode, QStringLiteral("invalid"));
    QCOMPARE(issue(number)->fields.value(QStringLiteral("state")).toString(), QStringLiteral("closed"));

    // An issue deleted on GitHub answers 410 Gone; the update fails with GitHub's words and stays to be dealt with.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("issues"), number));
    const auto gone =
        sync->write(connection, QStringLiteral("issues"),
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("state"), QStringLiteral("open")}}, {}}});
    QCOMPARE(gone->status, ExecutionStatus::Failed);
    QCOMPARE(gone->errorCode, QStringLiteral("write.all_failed"));
    failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().errorCode, QStringLiteral("http.410"));
    QVERIFY2(failed.first().errorMessage.contains(QLatin1String("deleted")), qPrintable(failed.first().errorMessage));
}

void TestGitHubWrite::customPropertiesAreTheRepositorySchema()
{
    const qint64 connection = connectOwner(m_owner.apiKey);
    const QString costCenter = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("issues"),
                                                          QStringLiteral("Cost center"), FieldKind::Text);
    const QString tier = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("issues"),
                                                    QStringLiteral("Tier"), FieldKind::Picklist);
    QCOMPARE(costCenter, QStringLiteral("cost_center"));
    SystemClock clock;
    m_emulator->clearRequestLog();
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("repository"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/orgs/acme/properties/schema"));
    const QList<SchemaField> fields =
        m_fixture->store().schemas().schema(connection, QStringLiteral("repository")).value();
    QCOMPARE(fields.size(), 2);
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : fields)
        byName.insert(field.name, field);
    QCOMPARE(byName.value(costCenter).label, QStringLiteral("Cost center"));
    QCOMPARE(byName.value(costCenter).type, QStringLiteral("string"));
    QVERIFY(byName.value(costCenter).custom);
    QCOMPARE(byName.value(tier).type, QStringLiteral("single_select"));
    QVERIFY(byName.value(tier).custom);

    // The repository is read as one record carrying the values of those fields; "sync now" reads every object.
    const auto everything = m_fixture->sync(clock)->read(connection);
    QVERIFY2(everything->status == ExecutionStatus::Succeeded, qPrintable(everything->errorMessage));
    const QSet<QString> repositories = m_fixture->recordIds(connection, QStringLiteral("repository"));
    QCOMPARE(repositories.size(), 1);
    const QJsonObject repository = m_fixture->record(connection, QStringLiteral("repository"), *repositories.begin());
    QCOMPARE(repository.value(QStringLiteral("full_name")).toString(), QStringLiteral("acme/widgets"));
    const QJsonObject values = repository.value(QStringLiteral("custom_properties")).toObject();
    QVERIFY(values.contains(costCenter));
    QVERIFY(values.contains(tier));
}

void TestGitHubWrite::signedWebhookIsAppliedOnce()
{
    const qint64 connection = connectOwner(m_owner.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [this](const QString &, const WebhookOutcome &outcome) { m_outcomes.append(outcome); });
    const QString number = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    const QString title = issue(number)->fields.value(QStringLiteral("title")).toString();

    const QUrl url = endpoint.urlFor(QStringLiteral("github"), connection);
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), url, QStringLiteral("issues"), number));
             }),
             200);
    QCOMPARE(m_outcomes.size(), 1);
    WebhookOutcome outcome = m_outcomes.last();
    QCOMPARE(outcome.events, 1);
    QCOMPARE(outcome.applied, 1);
    QCOMPARE(outcome.duplicates, 0);
    // The issue the event carries is stored as a read would store it.
    QCOMPARE(m_fixture->record(connection, QStringLiteral("issues"), number).value(QStringLiteral("title")).toString(),
             title);
    const Execution received = m_fixture->store().executions().execution(outcome.executionId).value();
    QCOMPARE(received.kind, QStringLiteral("webhook"));
    QCOMPARE(received.status, ExecutionStatus::Succeeded);
    QCOMPARE(received.connectionId, connection);

    // A redelivery carries the same X-GitHub-Delivery: accepted, and skipped as a duplicate.
    QCOMPARE(deliver([&] { QVERIFY(m_emulator->redeliverLastWebhook()); }), 200);
    outcome = m_outcomes.last();
    QCOMPARE(outcome.applied, 0);
    QCOMPARE(outcome.duplicates, 1);

    // /webhooks/github without a connection id finds the connection by the repository the event names.
    const QString other = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("pulls"), 1).first();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), endpoint.urlFor(QStringLiteral("github")),
                                                 QStringLiteral("pulls"), other));
             }),
             200);
    outcome = m_outcomes.last();
    QCOMPARE(outcome.applied, 1);
    QCOMPARE(m_fixture->store().executions().execution(outcome.executionId)->connectionId, connection);
    QVERIFY(m_fixture->record(connection, QStringLiteral("pulls"), other).contains(QStringLiteral("head")));
}

void TestGitHubWrite::forgedWebhooksAreRejected()
{
    const qint64 connection = connectOwner(m_owner.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [this](const QString &, const WebhookOutcome &outcome) { m_outcomes.append(outcome); });
    const QUrl url = endpoint.urlFor(QStringLiteral("github"), connection);
    const QString number = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    const QString title = issue(number)->fields.value(QStringLiteral("title")).toString();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), url, QStringLiteral("issues"), number));
             }),
             200);
    const WebhookDelivery genuine = *m_emulator->lastWebhook();

    // The genuine signature over a tampered body.
    WebhookDelivery tampered = genuine;
    tampered.body.replace(title.toUtf8(), QByteArrayLiteral("Pay to account 123"));
    QVERIFY(tampered.body != genuine.body);
    for (auto &[name, value] : tampered.headers) {
        if (name == "X-GitHub-Delivery")
            value = "8d2a1c3e-0000-4000-8000-000000000001";
    }
    // A correctly built signature with another secret.
    WebhookDelivery wrongSecret = genuine;
    for (auto &[name, value] : wrongSecret.headers) {
        if (name == "X-Hub-Signature-256")
            value = "sha256=" + WebhookSigner::hexSignature("not-the-webhook-secret", genuine.body);
    }
    // No signature at all.
    WebhookDelivery withoutSignature = genuine;
    withoutSignature.headers.removeIf([](const auto &header) { return header.first == "X-Hub-Signature-256"; });

    for (const WebhookDelivery &forged : {tampered, wrongSecret, withoutSignature}) {
        QCOMPARE(deliver([&] { m_emulator->webhookSender().send(forged); }), 401);
        const WebhookOutcome outcome = m_outcomes.last();
        QCOMPARE(outcome.status, 401);
        QCOMPARE(outcome.applied, 0);
        // Recorded against the connection, so a support engineer sees forged or misconfigured deliveries.
        const Execution rejected = m_fixture->store().executions().execution(outcome.executionId).value();
        QCOMPARE(rejected.kind, QStringLiteral("webhook"));
        QCOMPARE(rejected.status, ExecutionStatus::Failed);
        QCOMPARE(rejected.errorCode, QStringLiteral("webhook.rejected"));
        QCOMPARE(rejected.connectionId, connection);
    }
    QCOMPARE(m_fixture->record(connection, QStringLiteral("issues"), number).value(QStringLiteral("title")).toString(),
             title);
}

void TestGitHubWrite::revokedTokenKeepsTheWrites()
{
    // A revoked (or expired fine-grained) token: GitHub answers 401 "Bad credentials". A token cannot be refreshed,
    // so the first 401 marks the connection as needing a new one and stops the write; every record is kept.
    const qint64 connection = connectOwner(QStringLiteral("ghp_revokedrevokedrevokedrevokedrevo"));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    m_emulator->clearRequestLog();
    const auto refused =
        sync->write(connection, QStringLiteral("issues"),
                    {{QStringLiteral("p-1"), QJsonObject{{QStringLiteral("title"), QStringLiteral("One")}}, {}},
                     {QStringLiteral("p-2"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Two")}}, {}}});
    QCOMPARE(refused->status, ExecutionStatus::Failed);
    QCOMPARE(refused->errorCode, QStringLiteral("auth.revoked"));
    QVERIFY2(refused->errorMessage.contains(QLatin1String("Bad credentials")), qPrintable(refused->errorMessage));
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues")).value();
    QCOMPARE(failed.size(), 2);
    for (const WriteItem &item : failed)
        QCOMPARE(item.errorCode, QStringLiteral("auth.revoked"));

    // Until a new token is entered, nothing is sent.
    m_emulator->clearRequestLog();
    const auto waiting = sync->retryFailedWrites(connection, QStringLiteral("issues"));
    QCOMPARE(waiting->status, ExecutionStatus::Failed);
    QCOMPARE(waiting->errorCode, QStringLiteral("auth.needs_reauth"));
    QVERIFY(m_emulator->requestLog().isEmpty());
    QCOMPARE(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues"))->size(), 2);

    // A new token is entered (stored, and the connection active again); the kept records go out as they were.
    Credential renewed = ProviderReadFixture::apiKey(m_owner.apiKey);
    renewed.webhookSecret = SecretBytes(m_owner.webhookSecret.toUtf8());
    const QByteArray sealed = CredentialVault(m_fixture->key()).seal(connection, renewed).value();
    QVERIFY(m_fixture->store().credentials().saveCredential(connection, {connection, sealed, {}, {}, {}}));
    QVERIFY(m_fixture->store().tenants().setConnectionStatus(connection, ConnectionStatus::Active, QString()));
    const auto retried = sync->retryFailedWrites(connection, QStringLiteral("issues"));
    QVERIFY2(retried->status == ExecutionStatus::Succeeded, qPrintable(retried->errorMessage));
    QCOMPARE(retried->recordCount, 2);
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("issues"))->isEmpty());
    const QString two =
        *m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("issues"), QStringLiteral("p-2"));
    QCOMPARE(issue(two)->fields.value(QStringLiteral("title")).toString(), QStringLiteral("Two"));
}

QTEST_GUILESS_MAIN(TestGitHubWrite)
#include "TestGitHubWrite.moc"
