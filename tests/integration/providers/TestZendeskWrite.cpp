// Writes, schema discovery and webhooks of the Zendesk definition against the Zendesk emulator: tickets created and
// updated one by one (422 RecordInvalid refusals kept per record), the link from the product's key to the ticket id,
// custom ticket fields (removable) from GET /ticket_fields, signed ticket-event webhooks delivered over HTTP to the
// webhook endpoint (the ticket fetched with get), what a revoked API token does to a write, and OAuth tokens (refreshed
// when expired, a revoked grant keeping the write).
#include "FakeClock.h"
#include "LoopbackHttp.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "catalog/DefinitionLoader.h"
#include "server/WebhookEndpoint.h"
#include "zendesk/ZendeskEmulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

QJsonObject ticket(const QString &subject, const QString &body = {})
{
    QJsonObject ticket{{QStringLiteral("subject"), subject}};
    if (!body.isEmpty())
        ticket.insert(QStringLiteral("comment"), QJsonObject{{QStringLiteral("body"), body}});
    return ticket;
}

// The shipped definition with OAuth instead of the API token. Zendesk takes both, but a definition declares one way to
// authenticate, so the OAuth one lives here until the language can offer both.
std::optional<ProviderDefinition> withOAuth()
{
    QFile file(QStringLiteral(":/patchbay/providers/zendesk.yaml"));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray text = file.readAll();
    const qsizetype start = text.indexOf("\nauth:\n") + 1;
    const qsizetype end = text.indexOf("\nerrors:", start) + 1;
    if (start <= 0 || end <= start)
        return std::nullopt;
    // POST /oauth/tokens; a refresh returns a new refresh token and retires the previous pair; a refused refresh
    // token answers 400 invalid_grant.
    text.replace(start, end - start,
                 "auth:\n"
                 "  type: oauth2\n"
                 "  authorizeUrl: \"https://{{$connection.subdomain}}.zendesk.com/oauth/authorizations/new\"\n"
                 "  tokenUrl: \"https://{{$connection.subdomain}}.zendesk.com/oauth/tokens\"\n"
                 "  scopes: [read, write]\n"
                 "  revokedErrors: [invalid_grant]\n");
    return DefinitionLoader::loadText(text, QStringLiteral("zendesk-oauth.yaml")).definition;
}

} // namespace

class TestZendeskWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void createsWithPartialFailure();
    void updatesGoThroughTheKeyLink();
    void ticketFieldsListCustomFields();
    void signedWebhooksAreAppliedOnce();
    void revokedApiTokenKeepsTheWrite();
    void oauthTokenIsRefreshedAndARevokedGrantKeepsTheWrite();

private:
    qint64 connectAccount(const QString &apiToken);
    const SandboxRecord *ticketAt(const QString &id) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<ZendeskEmulator> m_emulator;
    ZendeskCredentials m_account;
};

void TestZendeskWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<ZendeskEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_account = m_emulator->addSubdomain(QStringLiteral("acme"), 5, 23);
}

void TestZendeskWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestZendeskWrite::connectAccount(const QString &apiToken)
{
    const ProviderCase &row = providerCase(QStringLiteral("zendesk"));
    Credential credential = credentialFor(row, m_account, {}, apiToken);
    credential.webhookSecret = SecretBytes(m_account.webhookSecret.toUtf8());
    return m_fixture->connect(row.provider, row.config(*m_emulator, m_account), credential);
}

const SandboxRecord *TestZendeskWrite::ticketAt(const QString &id) const
{
    const SandboxRecord *found = m_emulator->account(QStringLiteral("acme"))->tickets().find(id);
    return found && !found->deleted ? found : nullptr;
}

void TestZendeskWrite::createsWithPartialFailure()
{
    const qint64 connection = connectAccount(m_account.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QJsonObject urgent = ticket(QStringLiteral("Printer on fire"), QStringLiteral("Smoke since 9am."));
    urgent.insert(QStringLiteral("priority"), QStringLiteral("urgent"));
    const QList<WriteInput> records{
        {QStringLiteral("p-1"), ticket(QStringLiteral("Cannot log in"), QStringLiteral("Password reset loops.")), {}},
        // A ticket needs its first comment (the description): Zendesk refuses this one with 422 RecordInvalid.
        {QStringLiteral("p-2"), ticket(QStringLiteral("No description")), {}},
        {QStringLiteral("p-3"), urgent, {}},
    };
    m_emulator->clearRequestLog();
    const auto write = sync->write(connection, QStringLiteral("tickets"), records);
    QVERIFY(write.ok());
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    // One POST /api/v2/tickets.json per ticket, {"ticket": {...}}.
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 3);
    for (const RequestLogEntry &entry : log) {
        QCOMPARE(entry.method, QStringLiteral("POST"));
        QVERIFY(entry.pathAndQuery.endsWith(QLatin1String("/api/v2/tickets.json")));
    }
    QCOMPARE(log.at(1).status, 422);

    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(write->id);
    const WriteItem refused = items.value(QStringLiteral("p-2"));
    QCOMPARE(refused.status, QStringLiteral("failed"));
    QCOMPARE(refused.errorCode, QStringLiteral("RecordInvalid"));
    QVERIFY2(refused.errorMessage.contains(QLatin1String("Description: cannot be blank")),
             qPrintable(refused.errorMessage));
    QVERIFY(QJsonDocument::fromJson(refused.sent).object().contains(QStringLiteral("ticket")));
    QCOMPARE(items.value(QStringLiteral("p-1")).status, QStringLiteral("succeeded"));
    const SandboxRecord *first = ticketAt(items.value(QStringLiteral("p-1")).providerId);
    QVERIFY(first);
    QCOMPARE(first->fields.value(QStringLiteral("subject")).toString(), QStringLiteral("Cannot log in"));
    QCOMPARE(first->fields.value(QStringLiteral("description")).toString(), QStringLiteral("Password reset loops."));
    const SandboxRecord *third = ticketAt(items.value(QStringLiteral("p-3")).providerId);
    QVERIFY(third);
    QCOMPARE(third->fields.value(QStringLiteral("priority")).toString(), QStringLiteral("urgent"));
    QCOMPARE(m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("tickets"), QStringLiteral("p-3")),
             third->id);
    QVERIFY(
        !m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("tickets"), QStringLiteral("p-2")));

    // Nothing is lost: the refused ticket is kept, and goes out once it has its description.
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("tickets")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-2"));
    const auto again =
        sync->write(connection, QStringLiteral("tickets"),
                    {{QStringLiteral("p-2"), ticket(QStringLiteral("Described now"), QStringLiteral("Details.")), {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 1);
    QVERIFY(ticketAt(m_fixture->store().writes().writeItems(again->id)->first().providerId));
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("tickets"))->isEmpty());
}

void TestZendeskWrite::updatesGoThroughTheKeyLink()
{
    const qint64 connection = connectAccount(m_account.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created = sync->write(
        connection, QStringLiteral("tickets"),
        {{QStringLiteral("p-9"), ticket(QStringLiteral("VPN drops"), QStringLiteral("Every 10 minutes.")), {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString id = m_fixture->store().writes().writeItems(created->id)->first().providerId;
    QVERIFY(ticketAt(id));

    // The same key again updates that ticket: PUT /api/v2/tickets/{id}.json, only the properties sent change.
    m_emulator->clearRequestLog();
    const auto updated =
        sync->write(connection, QStringLiteral("tickets"),
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("status"), QStringLiteral("solved")}}, {}}});
    QVERIFY2(updated->status == ExecutionStatus::Succeeded, qPrintable(updated->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(updated->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, id);
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("PUT"));
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.endsWith(QStringLiteral("/api/v2/tickets/%1.json").arg(id)));
    QCOMPARE(ticketAt(id)->fields.value(QStringLiteral("status")).toString(), QStringLiteral("solved"));
    QCOMPARE(ticketAt(id)->fields.value(QStringLiteral("subject")).toString(), QStringLiteral("VPN drops"));

    // An update Zendesk refuses fails alone, with Zendesk's words, and leaves the ticket as it was.
    const auto mixed =
        sync->write(connection, QStringLiteral("tickets"),
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("priority"), QStringLiteral("whenever")}}, {}},
                     {QStringLiteral("p-10"), ticket(QStringLiteral("Second"), QStringLiteral("Fine.")), {}}});
    QVERIFY2(mixed->status == ExecutionStatus::Succeeded, qPrintable(mixed->errorMessage));
    QCOMPARE(mixed->recordCount, 1);
    QCOMPARE(mixed->failedRecordCount, 1);
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("tickets")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-9"));
    QCOMPARE(failed.first().errorCode, QStringLiteral("RecordInvalid"));
    QVERIFY2(failed.first().errorMessage.contains(QLatin1String("Priority: is not valid")),
             qPrintable(failed.first().errorMessage));
    QVERIFY(ticketAt(id)->fields.value(QStringLiteral("priority")).toString() != QLatin1String("whenever"));
}

void TestZendeskWrite::ticketFieldsListCustomFields()
{
    const qint64 order = m_emulator
                             ->addCustomField(QStringLiteral("acme"), QStringLiteral("tickets"),
                                              QStringLiteral("Order number"), FieldKind::Text)
                             .toLongLong();
    const qint64 plan = m_emulator
                            ->addCustomField(QStringLiteral("acme"), QStringLiteral("tickets"), QStringLiteral("Plan"),
                                             FieldKind::Picklist)
                            .toLongLong();
    const qint64 connection = connectAccount(m_account.apiKey);
    SystemClock clock;
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("tickets"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : m_fixture->store().schemas().schema(connection, QStringLiteral("tickets")).value())
        byName.insert(field.name, field);
    QCOMPARE(byName.size(), m_emulator->account(QStringLiteral("acme"))->ticketFields().size());
    // System fields by their type, not custom; custom fields by the id tickets carry in custom_fields.
    QCOMPARE(byName.value(QStringLiteral("subject")).label, QStringLiteral("Subject"));
    QVERIFY(!byName.value(QStringLiteral("subject")).custom);
    QVERIFY(!byName.value(QStringLiteral("priority")).custom);
    QCOMPARE(byName.value(QString::number(order)).label, QStringLiteral("Order number"));
    QCOMPARE(byName.value(QString::number(order)).type, QStringLiteral("text"));
    QVERIFY(byName.value(QString::number(order)).custom);
    QCOMPARE(byName.value(QString::number(plan)).type, QStringLiteral("tagger"));
    QVERIFY(byName.value(QString::number(plan)).custom);
    int custom = 0;
    for (const SchemaField &field : std::as_const(byName))
        custom += field.custom;
    QCOMPARE(custom, 2);
}

void TestZendeskWrite::signedWebhooksAreAppliedOnce()
{
    const qint64 custom = m_emulator
                              ->addCustomField(QStringLiteral("acme"), QStringLiteral("tickets"),
                                               QStringLiteral("Order number"), FieldKind::Text)
                              .toLongLong();
    const qint64 connection = connectAccount(m_account.apiKey);
    FakeClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    QList<WebhookOutcome> outcomes;
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [&](const QString &, const WebhookOutcome &outcome) { outcomes.append(outcome); });
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);
    const QUrl url = endpoint.urlFor(QStringLiteral("zendesk"), connection);

    // A ticket changes: the event names it (subject zen:ticket:{id}) and the ticket is fetched whole with get.
    const QString id = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("tickets"), 1).first();
    m_emulator->clearRequestLog();
    QVERIFY(m_emulator->sendTicketEvent(QStringLiteral("acme"), url, id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 1), 200);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes.first().applied, 1);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.endsWith(QStringLiteral("/api/v2/tickets/%1.json").arg(id)));
    const QJsonObject stored = m_fixture->record(connection, QStringLiteral("tickets"), id);
    QCOMPARE(stored.value(QStringLiteral("status")).toString(),
             ticketAt(id)->fields.value(QStringLiteral("status")).toString());
    // The fetched ticket, not the event's detail: it has the custom field values.
    QCOMPARE(stored.value(QStringLiteral("custom_fields"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("id"))
                 .toInteger(),
             custom);

    // Zendesk delivers the same event again (same event id, a new signature): acknowledged and skipped.
    QVERIFY(m_emulator->redeliverLastWebhook());
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 2), 200);
    QCOMPARE(outcomes.at(1).duplicates, 1);
    QCOMPARE(outcomes.at(1).applied, 0);

    // The ticket is deleted: ticket.soft_deleted takes it out of the store.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("tickets"), id));
    QVERIFY(m_emulator->sendTicketEvent(QStringLiteral("acme"), url, id,
                                        QStringLiteral("zen:event-type:ticket.soft_deleted")));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 3), 200);
    QCOMPARE(outcomes.at(2).applied, 1);
    QVERIFY(m_fixture->record(connection, QStringLiteral("tickets"), id).isEmpty());

    // A call signed with a guessed secret is refused with 401 and kept as a failed execution.
    QString other;
    for (const SandboxRecord &record : m_emulator->account(QStringLiteral("acme"))->tickets().records())
        other = record.id != id ? record.id : other;
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("zen:event-type:ticket.created")},
                                  {QStringLiteral("id"), QStringLiteral("forged-1")},
                                  {QStringLiteral("subject"), QStringLiteral("zen:ticket:") + other}})
            .toJson(QJsonDocument::Compact);
    const QByteArray timestamp = clock.now().toString(Qt::ISODate).toLatin1();
    const QByteArray signature =
        QMessageAuthenticationCode::hash(timestamp + body, "guessed-secret", QCryptographicHash::Sha256).toBase64();
    const LoopbackHttp::Answer refused = LoopbackHttp::send("POST", url,
                                                            {{"Content-Type", "application/json"},
                                                             {"X-Zendesk-Webhook-Signature", signature},
                                                             {"X-Zendesk-Webhook-Signature-Timestamp", timestamp}},
                                                            body);
    QCOMPARE(refused.status, 401);
    QCOMPARE(outcomes.size(), 4);
    const Execution forged = m_fixture->store().executions().execution(outcomes.at(3).executionId).value();
    QCOMPARE(forged.kind, QStringLiteral("webhook"));
    QCOMPARE(forged.status, ExecutionStatus::Failed);
    QCOMPARE(forged.errorCode, QStringLiteral("webhook.rejected"));
    QVERIFY2(forged.errorMessage.contains(QLatin1String("signature does not match")), qPrintable(forged.errorMessage));
    QVERIFY(m_fixture->record(connection, QStringLiteral("tickets"), other).isEmpty());

    // A genuine call that arrives ten minutes late (or is replayed) is refused by its timestamp.
    clock.sleep(std::chrono::minutes(10));
    QVERIFY(m_emulator->sendTicketEvent(QStringLiteral("acme"), url, other));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 4), 401);
    QCOMPARE(outcomes.size(), 5);
    const Execution stale = m_fixture->store().executions().execution(outcomes.at(4).executionId).value();
    QCOMPARE(stale.status, ExecutionStatus::Failed);
    QCOMPARE(stale.errorCode, QStringLiteral("webhook.rejected"));
    QVERIFY2(stale.errorMessage.contains(QLatin1String("timestamp")), qPrintable(stale.errorMessage));
    QVERIFY(m_fixture->record(connection, QStringLiteral("tickets"), other).isEmpty());
}

void TestZendeskWrite::revokedApiTokenKeepsTheWrite()
{
    // The definition authenticates with an API token, which has no expiry to refresh: a token revoked in Zendesk
    // answers 401. The connection then needs a new token, and the records of the write are kept until it has one.
    const qint64 connection = connectAccount(QStringLiteral("revoked-token"));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    m_emulator->clearRequestLog();
    const auto write =
        sync->write(connection, QStringLiteral("tickets"),
                    {{QStringLiteral("p-1"), ticket(QStringLiteral("One"), QStringLiteral("First.")), {}},
                     {QStringLiteral("p-2"), ticket(QStringLiteral("Two"), QStringLiteral("Second.")), {}}});
    QCOMPARE(write->status, ExecutionStatus::Failed);
    QCOMPARE(write->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_emulator->requestLog().size(), 1); // no request is spent on the second record
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    const auto kept = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("tickets")).value();
    QCOMPARE(kept.size(), 2);
    for (const WriteItem &item : kept) {
        QCOMPARE(item.errorCode, QStringLiteral("auth.revoked"));
        QVERIFY2(item.errorMessage.contains(QLatin1String("Couldn't authenticate you")), qPrintable(item.errorMessage));
    }

    // A new token is entered: the kept records are written.
    Credential replaced = ProviderReadFixture::apiKey(m_account.apiKey);
    replaced.webhookSecret = SecretBytes(m_account.webhookSecret.toUtf8());
    const QByteArray sealed = CredentialVault(m_fixture->key()).seal(connection, replaced).value();
    QVERIFY(m_fixture->store().credentials().saveCredential(connection, {connection, sealed, {}, {}, {}}));
    QVERIFY(m_fixture->store().tenants().setConnectionStatus(connection, ConnectionStatus::Active, {}));
    const auto retried = sync->retryFailedWrites(connection, QStringLiteral("tickets"));
    QVERIFY2(retried->status == ExecutionStatus::Succeeded, qPrintable(retried->errorMessage));
    QCOMPARE(retried->recordCount, 2);
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("tickets"))->isEmpty());
    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(retried->id);
    QCOMPARE(
        ticketAt(items.value(QStringLiteral("p-2")).providerId)->fields.value(QStringLiteral("subject")).toString(),
        QStringLiteral("Two"));
}

void TestZendeskWrite::oauthTokenIsRefreshedAndARevokedGrantKeepsTheWrite()
{
    const std::optional<ProviderDefinition> oauth = withOAuth();
    QVERIFY(oauth);
    const QJsonObject config{
        {QStringLiteral("originOverrides"),
         QJsonObject{{QStringLiteral("https://acme.zendesk.com"), m_emulator->tenantUrl(QStringLiteral("acme"))}}},
        {QStringLiteral("subdomain"), QStringLiteral("acme")}};
    // The stored access token has expired: the write refreshes it first.
    const qint64 connection = m_fixture->connect(
        QStringLiteral("zendesk"), config,
        ProviderReadFixture::oauth(m_account.clientId, m_account.clientSecret, m_account.accessToken,
                                   m_account.refreshToken, QDateTime::currentDateTimeUtc().addSecs(-10)));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    sync->addDefinition(*oauth);
    const auto written = sync->write(
        connection, QStringLiteral("tickets"),
        {{QStringLiteral("p-1"), ticket(QStringLiteral("Bearer"), QStringLiteral("Written with OAuth.")), {}}});
    QVERIFY2(written->status == ExecutionStatus::Succeeded, qPrintable(written->errorMessage));
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    QVERIFY(ticketAt(m_fixture->store().writes().writeItems(written->id)->first().providerId));

    // Zendesk has retired the token and the user has revoked the grant: the connection needs re-authorisation and
    // the records are kept as not written.
    m_emulator->expireAccessTokens(QStringLiteral("acme"));
    m_emulator->revokeRefreshToken(QStringLiteral("acme"));
    const auto refused =
        sync->write(connection, QStringLiteral("tickets"),
                    {{QStringLiteral("p-2"), ticket(QStringLiteral("Two"), QStringLiteral("Second.")), {}},
                     {QStringLiteral("p-3"), ticket(QStringLiteral("Three"), QStringLiteral("Third.")), {}}});
    QCOMPARE(refused->status, ExecutionStatus::Failed);
    QCOMPARE(refused->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    const auto kept = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("tickets")).value();
    QCOMPARE(kept.size(), 2);
    for (const WriteItem &item : kept)
        QCOMPARE(item.errorCode, QStringLiteral("auth.revoked"));
}

QTEST_GUILESS_MAIN(TestZendeskWrite)
#include "TestZendeskWrite.moc"
