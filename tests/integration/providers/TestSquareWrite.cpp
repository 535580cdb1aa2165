// Writes, schema discovery, webhooks and a revoked grant of the Square definition against the Square emulator:
// BulkCreateCustomers whose 200 answer reports each customer alone (keyed by idempotency key), CreateCustomer with
// an idempotency key, UpdateCustomer and BulkUpdateCustomers through the link from the product's key to the customer
// id, customer custom attribute definitions as the custom fields, signed notifications delivered over HTTP to a
// WebhookEndpoint (applied once, retries skipped, forgeries refused and recorded), and a revoked refresh token that
// leaves the connection needing re-authorisation with its records and cursor intact.
//
// Token expiry and refresh (expires_at, no expires_in) and rate limits are covered by TestSquareRead.
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "common/WebhookSigner.h"
#include "core/Clock.h"
#include "server/WebhookEndpoint.h"
#include "square/SquareEmulator.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestSquareWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void bulkCreateWithPartialFailure();
    void updatesThroughTheLink();
    void customAttributeDefinitionsAreTheSchema();
    void signedWebhookIsAppliedOnce();
    void forgedWebhooksAreRejected();
    void revokedRefreshTokenNeedsReauth();

private:
    qint64 connectMerchant(const QDateTime &expiresAt);
    const SandboxRecord *customer(const QString &id) const;
    QString merchantId() const;
    int deliver(const std::function<void()> &send);
    // The seller authorises the app again (the code flow against the emulator); returns the new credential.
    Credential authoriseAgain();

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<SquareEmulator> m_emulator;
    SandboxAccountCredentials m_merchant;
    QList<WebhookOutcome> m_outcomes;
};

void TestSquareWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<SquareEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_merchant = m_emulator->addMerchant(QStringLiteral("acme"), 20, 61);
    m_outcomes.clear();
}

void TestSquareWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestSquareWrite::connectMerchant(const QDateTime &expiresAt)
{
    // merchant_id is captured from the token response at authorisation; /webhooks/square routes by it.
    const ProviderCase &row = providerCase(QStringLiteral("square"));
    QJsonObject config = row.config(*m_emulator, m_merchant);
    config.insert(QStringLiteral("merchant_id"), merchantId());
    Credential credential = credentialFor(row, m_merchant, expiresAt);
    credential.webhookSecret = SecretBytes(m_merchant.webhookSecret.toUtf8());
    return m_fixture->connect(row.provider, config, credential);
}

const SandboxRecord *TestSquareWrite::customer(const QString &id) const
{
    const SandboxRecord *record =
        m_emulator->account(QStringLiteral("acme"))->table(QStringLiteral("customers"))->find(id);
    return record && !record->deleted ? record : nullptr;
}

QString TestSquareWrite::merchantId() const
{
    return static_cast<const SquareMerchant *>(m_emulator->account(QStringLiteral("acme")))->merchantId();
}

int TestSquareWrite::deliver(const std::function<void()> &send)
{
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);
    send();
    if (!delivered.wait(10000))
        return -1;
    return delivered.first().at(1).toInt();
}

Credential TestSquareWrite::authoriseAgain()
{
    QNetworkAccessManager network;
    const QString redirect = QStringLiteral("https://app.example.com/oauth/square");
    QUrl authorize = m_emulator->baseUrl().resolved(QUrl(QStringLiteral("/oauth2/authorize")));
    authorize.setQuery(QUrlQuery{{QStringLiteral("client_id"), m_merchant.clientId},
                                 {QStringLiteral("scope"), QStringLiteral("CUSTOMERS_READ CUSTOMERS_WRITE")},
                                 {QStringLiteral("redirect_uri"), redirect}});
    QNetworkRequest consent(authorize);
    consent.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    std::unique_ptr<QNetworkReply> redirected(network.get(consent));
    QSignalSpy consented(redirected.get(), &QNetworkReply::finished);
    if (!consented.wait(5000))
        return {};
    const QString code =
        QUrlQuery(redirected->header(QNetworkRequest::LocationHeader).toUrl()).queryItemValue(QStringLiteral("code"));

    QNetworkRequest exchange(m_emulator->baseUrl().resolved(QUrl(QStringLiteral("/oauth2/token"))));
    exchange.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    const QJsonObject body{{QStringLiteral("client_id"), m_merchant.clientId},
                           {QStringLiteral("client_secret"), m_merchant.clientSecret},
                           {QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                           {QStringLiteral("code"), code},
                           {QStringLiteral("redirect_uri"), redirect}};
    std::unique_ptr<QNetworkReply> tokens(network.post(exchange, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    QSignalSpy exchanged(tokens.get(), &QNetworkReply::finished);
    if (!exchanged.wait(5000))
        return {};
    const QJsonObject grant = QJsonDocument::fromJson(tokens->readAll()).object();
    Credential credential = ProviderReadFixture::oauth(
        m_merchant.clientId, m_merchant.clientSecret, grant.value(QStringLiteral("access_token")).toString(),
        grant.value(QStringLiteral("refresh_token")).toString(),
        QDateTime::fromString(grant.value(QStringLiteral("expires_at")).toString(), Qt::ISODate));
    credential.webhookSecret = SecretBytes(m_merchant.webhookSecret.toUtf8());
    return credential;
}

void TestSquareWrite::bulkCreateWithPartialFailure()
{
    const qint64 connection = connectMerchant(QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QList<WriteInput> records{
        {QStringLiteral("p-1"),
         QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Ada")},
                     {QStringLiteral("family_name"), QStringLiteral("Lovelace")}},
         {}},
        {QStringLiteral("p-2"),
         QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Bad")},
                     {QStringLiteral("email_address"), QStringLiteral("not-an-address")}},
         {}},
        {QStringLiteral("p-3"),
         QJsonObject{{QStringLiteral("email_address"), QStringLiteral("grace@example.com")}},
         {}},
    };
    m_emulator->clearRequestLog();
    const auto write = sync->write(connection, QStringLiteral("customers"), records);
    QVERIFY(write.ok());
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    // One BulkCreateCustomers call, answered 200 although one customer was refused.
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.first().method, QStringLiteral("POST"));
    QCOMPARE(log.first().pathAndQuery, QStringLiteral("/v2/customers/bulk-create"));
    QCOMPARE(log.first().status, 200);

    QMap<QString, WriteItem> byKey;
    for (const WriteItem &item : m_fixture->store().writes().writeItems(write->id).value())
        byKey.insert(item.key, item);
    QCOMPARE(byKey.size(), 3);
    const WriteItem refused = byKey.value(QStringLiteral("p-2"));
    QCOMPARE(refused.status, QStringLiteral("failed"));
    QCOMPARE(refused.errorCode, QStringLiteral("INVALID_EMAIL_ADDRESS"));
    QVERIFY2(refused.errorMessage.contains(QLatin1String("valid email address")), qPrintable(refused.errorMessage));
    // Each answer reached its own record: the ids are the customers that now exist with that record's data.
    const QString ada = byKey.value(QStringLiteral("p-1")).providerId;
    QCOMPARE(customer(ada)->fields.value(QStringLiteral("family_name")).toString(), QStringLiteral("Lovelace"));
    const QString grace = byKey.value(QStringLiteral("p-3")).providerId;
    QCOMPARE(customer(grace)->fields.value(QStringLiteral("email_address")).toString(),
             QStringLiteral("grace@example.com"));
    QCOMPARE(
        m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("customers"), QStringLiteral("p-3")),
        grace);
    QVERIFY(
        !m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("customers"), QStringLiteral("p-2")));
    // The bulk body is keyed by one idempotency key per customer.
    QJsonObject bulkBody;
    for (const Exchange &exchange : m_fixture->store().executions().exchanges(write->id).value()) {
        if (exchange.url.endsWith(QLatin1String("/v2/customers/bulk-create")))
            bulkBody = QJsonDocument::fromJson(exchange.requestBody).object();
    }
    const QJsonObject requests = bulkBody.value(QStringLiteral("customers")).toObject();
    QCOMPARE(requests.size(), 3); // three distinct keys
    for (auto it = requests.begin(); it != requests.end(); ++it)
        QVERIFY2(it.key().contains(QLatin1String("patchbay-")), qPrintable(it.key()));

    // Nothing is lost: the refused customer is kept, and goes out again once fixed, as one CreateCustomer with an
    // idempotency key.
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("customers")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-2"));
    m_emulator->clearRequestLog();
    const auto again = sync->write(connection, QStringLiteral("customers"),
                                   {{QStringLiteral("p-2"),
                                     QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Bad")},
                                                 {QStringLiteral("email_address"), QStringLiteral("bad@example.com")}},
                                     {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v2/customers"));
    const WriteItem fixed = m_fixture->store().writes().writeItems(again->id)->first();
    QVERIFY(QJsonDocument::fromJson(fixed.sent)
                .object()
                .value(QStringLiteral("idempotency_key"))
                .toString()
                .contains(QLatin1String("p-2")));
    QCOMPARE(customer(fixed.providerId)->fields.value(QStringLiteral("email_address")).toString(),
             QStringLiteral("bad@example.com"));
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("customers"))->isEmpty());
}

void TestSquareWrite::updatesThroughTheLink()
{
    const qint64 connection = connectMerchant(QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created = sync->write(
        connection, QStringLiteral("customers"),
        {{QStringLiteral("p-1"), QJsonObject{{QStringLiteral("family_name"), QStringLiteral("Turing")}}, {}},
         {QStringLiteral("p-2"), QJsonObject{{QStringLiteral("family_name"), QStringLiteral("Hopper")}}, {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString turing =
        *m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("customers"), QStringLiteral("p-1"));
    const QString hopper =
        *m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("customers"), QStringLiteral("p-2"));

    // One key again: UpdateCustomer (PUT) of the customer it created, only the field given changes.
    m_emulator->clearRequestLog();
    const auto updated =
        sync->write(connection, QStringLiteral("customers"),
                    {{QStringLiteral("p-1"), QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Alan")}}, {}}});
    QVERIFY2(updated->status == ExecutionStatus::Succeeded, qPrintable(updated->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(updated->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, turing);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("PUT"));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v2/customers/") + turing);
    QCOMPARE(customer(turing)->fields.value(QStringLiteral("given_name")).toString(), QStringLiteral("Alan"));
    QCOMPARE(customer(turing)->fields.value(QStringLiteral("family_name")).toString(), QStringLiteral("Turing"));
    QCOMPARE(customer(turing)->fields.value(QStringLiteral("version")).toInt(), 1);

    // Both keys, one of them deleted in Square meanwhile: one BulkUpdateCustomers call, the missing customer fails
    // alone with Square's NOT_FOUND, the other is updated.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("customers"), hopper));
    m_emulator->clearRequestLog();
    const auto mixed = sync->write(
        connection, QStringLiteral("customers"),
        {{QStringLiteral("p-2"), QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Grace")}}, {}},
         {QStringLiteral("p-1"), QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+14155550123")}}, {}}});
    QVERIFY2(mixed->status == ExecutionStatus::Succeeded, qPrintable(mixed->errorMessage));
    QCOMPARE(mixed->recordCount, 1);
    QCOMPARE(mixed->failedRecordCount, 1);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v2/customers/bulk-update"));
    QCOMPARE(customer(turing)->fields.value(QStringLiteral("phone_number")).toString(), QStringLiteral("+14155550123"));
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("customers")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-2"));
    QCOMPARE(failed.first().operation, QStringLiteral("update"));
    QCOMPARE(failed.first().providerId, hopper);
    QCOMPARE(failed.first().errorCode, QStringLiteral("NOT_FOUND"));
}

void TestSquareWrite::customAttributeDefinitionsAreTheSchema()
{
    const qint64 connection = connectMerchant(QDateTime::currentDateTimeUtc().addDays(20));
    const QString tier = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("customers"),
                                                    QStringLiteral("Loyalty tier"), FieldKind::Text);
    const QString visits = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("customers"),
                                                      QStringLiteral("Visits"), FieldKind::Number);
    QCOMPARE(tier, QStringLiteral("loyalty-tier"));
    SystemClock clock;
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("customers"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    const QList<SchemaField> fields =
        m_fixture->store().schemas().schema(connection, QStringLiteral("customers")).value();
    QCOMPARE(fields.size(), 2);
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : fields)
        byName.insert(field.name, field);
    QCOMPARE(byName.value(tier).label, QStringLiteral("Loyalty tier"));
    QCOMPARE(byName.value(tier).type, QStringLiteral("String"));
    QVERIFY(byName.value(tier).custom);
    QCOMPARE(byName.value(visits).label, QStringLiteral("Visits"));
    QCOMPARE(byName.value(visits).type, QStringLiteral("Number"));
    QVERIFY(byName.value(visits).custom);
}

void TestSquareWrite::signedWebhookIsAppliedOnce()
{
    const qint64 connection = connectMerchant(QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [this](const QString &, const WebhookOutcome &outcome) { m_outcomes.append(outcome); });
    const QString id = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("customers"), 1).first();
    const QString phone = customer(id)->fields.value(QStringLiteral("phone_number")).toString();

    // Signed for exactly this notification URL.
    const QUrl url = endpoint.urlFor(QStringLiteral("square"), connection);
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), url, QStringLiteral("customers"), id));
             }),
             200);
    QCOMPARE(m_outcomes.size(), 1);
    WebhookOutcome outcome = m_outcomes.last();
    QCOMPARE(outcome.events, 1);
    QCOMPARE(outcome.applied, 1);
    QCOMPARE(outcome.duplicates, 0);
    QCOMPARE(
        m_fixture->record(connection, QStringLiteral("customers"), id).value(QStringLiteral("phone_number")).toString(),
        phone);
    const Execution received = m_fixture->store().executions().execution(outcome.executionId).value();
    QCOMPARE(received.kind, QStringLiteral("webhook"));
    QCOMPARE(received.status, ExecutionStatus::Succeeded);

    // Square retries a delivery with the same event_id: accepted, and skipped as a duplicate.
    QCOMPARE(deliver([&] { QVERIFY(m_emulator->redeliverLastWebhook()); }), 200);
    outcome = m_outcomes.last();
    QCOMPARE(outcome.applied, 0);
    QCOMPARE(outcome.duplicates, 1);

    // /webhooks/square without a connection id finds the connection by merchant_id; customer.deleted removes it.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("customers"), id));
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), endpoint.urlFor(QStringLiteral("square")),
                                                 QStringLiteral("customers"), id));
             }),
             200);
    outcome = m_outcomes.last();
    QCOMPARE(outcome.applied, 1);
    QCOMPARE(m_fixture->store().executions().execution(outcome.executionId)->connectionId, connection);
    QVERIFY(m_fixture->record(connection, QStringLiteral("customers"), id).isEmpty());
}

void TestSquareWrite::forgedWebhooksAreRejected()
{
    const qint64 connection = connectMerchant(QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [this](const QString &, const WebhookOutcome &outcome) { m_outcomes.append(outcome); });
    const QUrl url = endpoint.urlFor(QStringLiteral("square"), connection);
    const QString id = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("customers"), 1).first();
    const QString phone = customer(id)->fields.value(QStringLiteral("phone_number")).toString();
    QCOMPARE(deliver([&] {
                 QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), url, QStringLiteral("customers"), id));
             }),
             200);
    const WebhookDelivery genuine = *m_emulator->lastWebhook();

    // The genuine signature over a tampered body (a new event_id too, so it is not merely a duplicate).
    WebhookDelivery tampered = genuine;
    QJsonObject payload = QJsonDocument::fromJson(genuine.body).object();
    payload.insert(QStringLiteral("event_id"), QStringLiteral("forged-event-1"));
    tampered.body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    // A genuine notification signed for another subscription's URL, replayed to this one: Square signs the URL.
    WebhookDelivery otherUrl = genuine;
    otherUrl.url = endpoint.urlFor(QStringLiteral("square"));
    // Signed with the wrong key.
    WebhookDelivery wrongKey = genuine;
    for (auto &[name, value] : wrongKey.headers) {
        if (name == "x-square-hmacsha256-signature")
            value = WebhookSigner::base64Signature("not-the-signature-key", url.toEncoded() + genuine.body);
    }

    for (const WebhookDelivery &forged : {tampered, otherUrl, wrongKey}) {
        QCOMPARE(deliver([&] { m_emulator->webhookSender().send(forged); }), 401);
        const WebhookOutcome outcome = m_outcomes.last();
        QCOMPARE(outcome.status, 401);
        QCOMPARE(outcome.applied, 0);
        const Execution rejected = m_fixture->store().executions().execution(outcome.executionId).value();
        QCOMPARE(rejected.kind, QStringLiteral("webhook"));
        QCOMPARE(rejected.status, ExecutionStatus::Failed);
        QCOMPARE(rejected.errorCode, QStringLiteral("webhook.rejected"));
        QCOMPARE(rejected.connectionId, connection);
    }
    QCOMPARE(
        m_fixture->record(connection, QStringLiteral("customers"), id).value(QStringLiteral("phone_number")).toString(),
        phone);
}

void TestSquareWrite::revokedRefreshTokenNeedsReauth()
{
    const qint64 connection = connectMerchant(QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto first = sync->read(connection, QStringLiteral("customers"));
    QVERIFY2(first->status == ExecutionStatus::Succeeded, qPrintable(first->errorMessage));
    const QSet<QString> stored = m_fixture->recordIds(connection, QStringLiteral("customers"));
    QCOMPARE(stored.size(), 20);
    const QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("customers"));

    // The seller revokes the app: the access token stops working and the refresh token with it.
    QVERIFY(m_emulator->expireAccessTokens(QStringLiteral("acme")));
    QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("acme")));
    const auto refused = sync->read(connection, QStringLiteral("customers"));
    QCOMPARE(refused->status, ExecutionStatus::Failed);
    QCOMPARE(refused->errorCode, QStringLiteral("auth.revoked"));
    Connection needing = m_fixture->store().tenants().connection(connection).value();
    QCOMPARE(needing.status, ConnectionStatus::NeedsReauth);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 0);

    // Nothing is lost, and Square is not called again until the seller authorises the app again.
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("customers")), stored);
    QCOMPARE(m_fixture->cursor(connection, QStringLiteral("customers")), cursor);
    QVERIFY(m_fixture->store().credentials().credential(connection).ok());
    m_emulator->clearRequestLog();
    const auto waiting =
        sync->write(connection, QStringLiteral("customers"),
                    {{QStringLiteral("p-1"), QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Ada")}}, {}}});
    QCOMPARE(waiting->status, ExecutionStatus::Failed);
    QCOMPARE(waiting->errorCode, QStringLiteral("auth.needs_reauth"));
    QVERIFY(m_emulator->requestLog().isEmpty());

    // Authorised again: the new grant is stored, a refresh reactivates the connection, and the read carries on
    // from its cursor with the changes only.
    const Credential renewed = authoriseAgain();
    QVERIFY(!renewed.accessToken.isEmpty());
    const QByteArray sealed = CredentialVault(m_fixture->key()).seal(connection, renewed).value();
    QVERIFY(
        m_fixture->store().credentials().saveCredential(connection, {connection, sealed, renewed.expiresAt, {}, {}}));
    const auto refreshed = sync->refreshToken(connection);
    QVERIFY2(refreshed->status == ExecutionStatus::Succeeded, qPrintable(refreshed->errorMessage));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::Active);
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("customers"), 3);
    m_emulator->clearRequestLog();
    const auto resumed = sync->read(connection, QStringLiteral("customers"));
    QVERIFY2(resumed->status == ExecutionStatus::Succeeded, qPrintable(resumed->errorMessage));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v2/customers/search"));
    for (const QString &id : touched)
        QVERIFY(m_fixture->idsWrittenBy(resumed->id).contains(id));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("customers")), stored);
}

QTEST_GUILESS_MAIN(TestSquareWrite)
#include "TestSquareWrite.moc"
