// Stripe, added with a definition, an emulator and these tests only — no engine change: newest-first lists paged
// with starting_after + has_more, created[gte] changes, a secret key that is rolled (needs a new one, nothing
// lost), 429 without Retry-After, form-encoded writes with per-record results and idempotency keys, and
// Stripe-Signature webhooks (v1 over "t.body", secret rotation, stale timestamps, forgeries, duplicates).
// Stripe keys do not expire and have no refresh (nothing to test there), and Stripe has no custom-fields API
// (metadata is free-form), so the definition declares no schema.
#include "FakeClock.h"
#include "ProviderReadFixture.h"
#include "core/Clock.h"
#include "server/WebhookEndpoint.h"
#include "stripe/StripeAccount.h"
#include "stripe/StripeEmulator.h"

#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {
const QString kAccount = QStringLiteral("shop");
const QString kCustomers = QStringLiteral("customers");
} // namespace

class TestStripe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental();
    void rateLimitIsBackedOff();
    void rolledKeyNeedsANewOneAndLosesNothing();
    void writesWithPerRecordResults();
    void signedEventsAreAppliedOnce();
    void forgedAndStaleEventsAreRejected();

private:
    qint64 connect(const SandboxAccountCredentials &account);
    const StripeAccount *stripe() const { return m_emulator->stripeAccount(kAccount); }
    QSet<QString> liveIds(const QString &object, qint64 createdFromMs = 0) const;
    WebhookOutcome post(const QUrl &url, const QByteArray &body, const QByteArray &signatureHeader, int *status);

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<StripeEmulator> m_emulator;
    std::unique_ptr<WebhookEndpoint> m_endpoint;
    std::unique_ptr<SyncService> m_sync;
    SandboxAccountCredentials m_account;
};

void TestStripe::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<StripeEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_account = m_emulator->addStripeAccount(kAccount, 250, 91);
}

void TestStripe::cleanup()
{
    m_endpoint.reset();
    m_sync.reset();
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestStripe::connect(const SandboxAccountCredentials &account)
{
    Credential credential;
    credential.accessToken = SecretBytes(account.apiKey.toUtf8());
    credential.webhookSecret = SecretBytes(account.webhookSecret.toUtf8());
    const QJsonObject config{{QStringLiteral("account_id"), stripe()->accountId()},
                             {QStringLiteral("originOverrides"),
                              QJsonObject{{QStringLiteral("https://api.stripe.com"),
                                           m_emulator->baseUrl().toString(QUrl::StripTrailingSlash)}}}};
    return m_fixture->connect(QStringLiteral("stripe"), config, credential);
}

QSet<QString> TestStripe::liveIds(const QString &object, qint64 createdFromMs) const
{
    QSet<QString> ids;
    for (const SandboxRecord &record : stripe()->table(object)->records()) {
        if (!record.deleted && record.createdAt.toMSecsSinceEpoch() >= createdFromMs)
            ids.insert(record.id);
    }
    return ids;
}

WebhookOutcome TestStripe::post(const QUrl &url, const QByteArray &body, const QByteArray &signatureHeader, int *status)
{
    QSignalSpy handled(m_endpoint.get(), &WebhookEndpoint::webhookHandled);
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Stripe-Signature", signatureHeader);
    std::unique_ptr<QNetworkReply> reply(network.post(request, body));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 5000) || handled.isEmpty())
        return {};
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return handled.first().at(1).value<WebhookOutcome>();
}

void TestStripe::backfillThenIncremental()
{
    const qint64 connection = connect(m_account);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto backfill = sync->read(connection, kCustomers);
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 250);
    QCOMPARE(backfill->pageCount, 3); // 100 a page, newest first, starting_after the last id while has_more
    QCOMPARE(m_fixture->recordIds(connection, kCustomers), liveIds(kCustomers));
    const QList<RequestLogEntry> pages = m_emulator->requestLog();
    QVERIFY(pages.at(1).pathAndQuery.contains(QLatin1String("starting_after=cus_")));
    const auto invoices = sync->read(connection, QStringLiteral("invoices"));
    QVERIFY2(invoices->status == ExecutionStatus::Succeeded, qPrintable(invoices->errorMessage));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("invoices")), liveIds(QStringLiteral("invoices")));
    const QJsonObject cursor = m_fixture->cursor(connection, kCustomers);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));

    // Two customers created since: the changes-only pass asks for created[gte] the newest seen minus 60 s.
    const auto written = sync->write(connection, kCustomers,
                                     {{QStringLiteral("k-1"), QJsonObject{{QStringLiteral("email"), QStringLiteral("new1@example.com")}}, {}},
                                      {QStringLiteral("k-2"), QJsonObject{{QStringLiteral("email"), QStringLiteral("new2@example.com")}}, {}}});
    QVERIFY2(written->status == ExecutionStatus::Succeeded, qPrintable(written->errorMessage));
    const qint64 newest = static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble());
    const qint64 sinceMs = (newest - 60000) / 1000 * 1000;
    const QSet<QString> expected = liveIds(kCustomers, sinceMs);
    QVERIFY(expected.size() >= 2 && expected.size() < 250);
    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, kCustomers);
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    const QUrlQuery query(QUrl(m_emulator->requestLog().first().pathAndQuery));
    QCOMPARE(query.queryItemValue(QStringLiteral("created[gte]"), QUrl::FullyDecoded), QString::number(sinceMs / 1000));
    QCOMPARE(m_fixture->recordIds(connection, kCustomers), liveIds(kCustomers));
}

void TestStripe::rateLimitIsBackedOff()
{
    const qint64 connection = connect(m_account);
    m_emulator->failNextRequests(1, 0); // 429 code rate_limit, no Retry-After
    FakeClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, kCustomers);
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(m_fixture->recordIds(connection, kCustomers), liveIds(kCustomers));
    QCOMPARE(m_emulator->requestLog().first().status, 429);
    QCOMPARE(clock.sleeps().size(), 1);
    QVERIFY(clock.sleeps().first() <= 500); // full jitter under the definition's first backoff step
}

void TestStripe::rolledKeyNeedsANewOneAndLosesNothing()
{
    const qint64 connection = connect(m_account);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QVERIFY(sync->read(connection, kCustomers)->status == ExecutionStatus::Succeeded);
    QVERIFY(!m_emulator->rollSecretKey(kAccount).isEmpty());
    m_emulator->touchRecords(kAccount, kCustomers, 3);
    const auto refused = sync->read(connection, kCustomers);
    QCOMPARE(refused->status, ExecutionStatus::Failed);
    QCOMPARE(refused->errorCode, QStringLiteral("auth.revoked"));
    QVERIFY2(refused->errorMessage.contains(QLatin1String("Expired API Key")), qPrintable(refused->errorMessage));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    QCOMPARE(m_fixture->recordIds(connection, kCustomers).size(), 250);
    QCOMPARE(m_fixture->cursor(connection, kCustomers).value(QStringLiteral("phase")).toString(),
             QStringLiteral("complete"));
    // The key never shows up in what was recorded.
    for (const Exchange &exchange : m_fixture->store().executions().exchanges(refused->id).value()) {
        for (const auto &[name, value] : exchange.requestHeaders)
            QVERIFY(!value.contains(m_account.apiKey.toUtf8()));
    }
}

void TestStripe::writesWithPerRecordResults()
{
    const qint64 connection = connect(m_account);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QJsonObject metadata{{QStringLiteral("crm_id"), QStringLiteral("A-1")}, {QStringLiteral("tier"), QStringLiteral("gold")}};
    const auto write = sync->write(connection, kCustomers,
                                   {{QStringLiteral("a"), QJsonObject{{QStringLiteral("email"), QStringLiteral("a@example.com")},
                                                                      {QStringLiteral("name"), QStringLiteral("A Person")},
                                                                      {QStringLiteral("metadata"), metadata}}, {}},
                                    {QStringLiteral("b"), QJsonObject{{QStringLiteral("email"), QStringLiteral("not an email")}}, {}},
                                    {QStringLiteral("c"), QJsonObject{{QStringLiteral("name"), QStringLiteral("C Person")}}, {}}});
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    QMap<QString, WriteItem> items;
    for (const WriteItem &item : m_fixture->store().writes().writeItems(write->id).value())
        items.insert(item.key, item);
    QCOMPARE(items.value(QStringLiteral("b")).errorCode, QStringLiteral("email_invalid"));
    const QString id = items.value(QStringLiteral("a")).providerId;
    QVERIFY(id.startsWith(QLatin1String("cus_")));
    // Sent as a form, metadata as metadata[key]=value, with an idempotency key.
    QCOMPARE(items.value(QStringLiteral("a")).sent.contains("metadata%5Btier%5D=gold"), true);
    const SandboxRecord *created = stripe()->table(kCustomers)->find(id);
    QVERIFY(created);
    const QJsonObject json = stripe()->customerJson(*created);
    QCOMPARE(json.value(QStringLiteral("email")).toString(), QStringLiteral("a@example.com"));
    QCOMPARE(json.value(QStringLiteral("metadata")).toObject(), metadata);

    // The same key again updates that customer; metadata merges as Stripe merges it.
    const auto update = sync->write(connection, kCustomers,
                                    {{QStringLiteral("a"), QJsonObject{{QStringLiteral("metadata"),
                                                                        QJsonObject{{QStringLiteral("tier"), QStringLiteral("platinum")}}}}, {}},
                                     {QStringLiteral("b"), QJsonObject{{QStringLiteral("email"), QStringLiteral("b@example.com")}}, {}}});
    QVERIFY2(update->status == ExecutionStatus::Succeeded, qPrintable(update->errorMessage));
    QCOMPARE(update->recordCount, 2);
    const QJsonObject after = stripe()->customerJson(*stripe()->table(kCustomers)->find(id));
    QCOMPARE(after.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("tier")).toString(), QStringLiteral("platinum"));
    QCOMPARE(after.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("crm_id")).toString(), QStringLiteral("A-1"));
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, kCustomers)->isEmpty());
    QCOMPARE(liveIds(kCustomers).size(), 253);
}

void TestStripe::signedEventsAreAppliedOnce()
{
    const qint64 connection = connect(m_account);
    SystemClock clock;
    m_sync = m_fixture->sync(clock);
    QVERIFY(m_sync->read(connection, kCustomers)->status == ExecutionStatus::Succeeded);
    m_endpoint = std::make_unique<WebhookEndpoint>(*m_sync);
    QVERIFY(m_endpoint->listen() != 0);
    const QUrl url = m_endpoint->urlFor(QStringLiteral("stripe"), connection);
    QSignalSpy handled(m_endpoint.get(), &WebhookEndpoint::webhookHandled);
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);

    // customer.updated carries the customer: stored as it is now.
    const QString touched = m_emulator->touchRecords(kAccount, kCustomers, 1).first();
    QVERIFY(m_emulator->sendWebhook(kAccount, url, kCustomers, touched));
    QVERIFY(delivered.wait(5000));
    QCOMPARE(delivered.last().at(1).toInt(), 200);
    QCOMPARE(handled.last().at(1).value<WebhookOutcome>().applied, 1);
    const QString phone = stripe()->customerJson(*stripe()->table(kCustomers)->find(touched)).value(QStringLiteral("phone")).toString();
    QCOMPARE(m_fixture->record(connection, kCustomers, touched).value(QStringLiteral("phone")).toString(), phone);

    // Stripe may deliver an event twice: the second is skipped.
    const QString eventId = stripe()->events().back().id;
    QVERIFY(m_emulator->sendEvent(kAccount, url, eventId));
    QVERIFY(delivered.wait(5000));
    QCOMPARE(delivered.last().at(1).toInt(), 200);
    QCOMPARE(handled.last().at(1).value<WebhookOutcome>().duplicates, 1);

    // While the endpoint secret is rolled, deliveries carry two v1 signatures; the one made with the secret this
    // connection still has is enough.
    QVERIFY(!m_emulator->rollWebhookSecret(kAccount).isEmpty());
    QVERIFY(m_emulator->deleteRecord(kAccount, kCustomers, touched));
    StripeWebhookOptions rotation;
    rotation.rotation = true;
    QVERIFY(m_emulator->sendEvent(kAccount, url, stripe()->events().back().id, rotation));
    QVERIFY(delivered.wait(5000));
    QCOMPARE(delivered.last().at(1).toInt(), 200);
    QCOMPARE(stripe()->events().back().type, QStringLiteral("customer.deleted"));
    QVERIFY(!m_fixture->recordIds(connection, kCustomers).contains(touched));
    QCOMPARE(m_fixture->recordIds(connection, kCustomers).size(), 249);
}

void TestStripe::forgedAndStaleEventsAreRejected()
{
    const qint64 connection = connect(m_account);
    SystemClock clock;
    m_sync = m_fixture->sync(clock);
    m_endpoint = std::make_unique<WebhookEndpoint>(*m_sync);
    QVERIFY(m_endpoint->listen() != 0);
    const QUrl url = m_endpoint->urlFor(QStringLiteral("stripe"), connection);
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);

    StripeWebhookOptions stale;
    stale.timestampAgeSeconds = 600;
    QVERIFY(m_emulator->sendEvent(kAccount, url, stripe()->events().back().id, stale));
    QVERIFY(delivered.wait(5000));
    QCOMPARE(delivered.last().at(1).toInt(), 401);

    // A body changed after signing, and a signature made with another secret.
    const QByteArray body = QJsonDocument(stripe()->eventJson(stripe()->events().back())).toJson(QJsonDocument::Compact);
    const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
    const QByteArray good = QMessageAuthenticationCode::hash(timestamp + '.' + body, m_account.webhookSecret.toUtf8(),
                                                             QCryptographicHash::Sha256)
                                .toHex();
    int status = 0;
    WebhookOutcome outcome = post(url, QByteArray(body).replace("customer", "custommer"), "t=" + timestamp + ",v1=" + good, &status);
    QCOMPARE(status, 401);
    const QByteArray wrong = QMessageAuthenticationCode::hash(timestamp + '.' + body, "whsec_guess", QCryptographicHash::Sha256).toHex();
    outcome = post(url, body, "t=" + timestamp + ",v1=" + wrong, &status);
    QCOMPARE(status, 401);
    const Execution rejected = m_fixture->store().executions().execution(outcome.executionId).value();
    QCOMPARE(rejected.kind, QStringLiteral("webhook"));
    QCOMPARE(rejected.status, ExecutionStatus::Failed);
    QVERIFY(rejected.errorMessage.contains(QLatin1String("signature does not match")));
    // The genuine one goes through.
    outcome = post(url, body, "t=" + timestamp + ",v1=" + good, &status);
    QCOMPARE(status, 200);
    QCOMPARE(outcome.applied, 1);
}

QTEST_GUILESS_MAIN(TestStripe)
#include "TestStripe.moc"
