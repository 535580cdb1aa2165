// Writes, schema discovery and change notifications of the Microsoft Graph definition against the Graph emulator:
// calendar events created and updated in JSON batches (POST /$batch, one status per request, answered in any order)
// and one by one (POST /me/events, PATCH /me/events/{id}), the link from the product's key to the event id, a retry
// of the refused record, the properties of the connection's schema extension as custom fields, and change
// notifications delivered over HTTP to the webhook endpoint: the subscription's validationToken handshake answered as
// text/plain, notifications checked by clientState, the item fetched with get, a re-delivery skipped and a deletion
// applied. Token refresh, revocation and throttling are in TestGraphRead.
#include "LoopbackHttp.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "core/Clock.h"
#include "graph/MicrosoftGraphEmulator.h"
#include "server/WebhookEndpoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

const QString kTenant = QStringLiteral("acme");
const QString kEvents = QStringLiteral("events");
const QString kClientState = QStringLiteral("patchbay-client-state-5f1c9a");

QJsonObject at(const QString &dateTime)
{
    return {{QStringLiteral("dateTime"), dateTime}, {QStringLiteral("timeZone"), QStringLiteral("UTC")}};
}

QJsonObject calendarEvent(const QString &subject, const QString &start, const QString &end)
{
    return {
        {QStringLiteral("subject"), subject}, {QStringLiteral("start"), at(start)}, {QStringLiteral("end"), at(end)}};
}

} // namespace

class TestGraphWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void batchCreateWithPartialFailure();
    void updatesThroughTheLink();
    void schemaExtensionPropertiesAreCustomFields();
    void validationHandshakeIsAnsweredAsText();
    void notificationsAreAppliedOnce();
    void notificationsWithoutTheClientStateAreRejected();

private:
    qint64 connectMailbox();
    const GraphMailbox &mailbox() const;
    const SandboxRecord *eventAt(const QString &id) const;
    // Subscribes url to the mailbox's events with the connection's clientState; returns the subscription's status.
    int subscribe(const QUrl &url);

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<MicrosoftGraphEmulator> m_emulator;
    SandboxAccountCredentials m_account;
};

void TestGraphWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<MicrosoftGraphEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_account = m_emulator->addMailbox(kTenant, 20, 91);
}

void TestGraphWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestGraphWrite::connectMailbox()
{
    const ProviderCase &row = providerCase(QStringLiteral("graph"));
    QJsonObject config = row.config(*m_emulator, m_account);
    config.insert(QStringLiteral("events_extension_id"), mailbox().extensionId(kEvents));
    Credential credential = credentialFor(row, m_account, QDateTime::currentDateTimeUtc().addSecs(3000));
    credential.webhookSecret = SecretBytes(kClientState.toUtf8());
    return m_fixture->connect(row.provider, config, credential);
}

const GraphMailbox &TestGraphWrite::mailbox() const
{
    return *static_cast<const GraphMailbox *>(m_emulator->account(kTenant));
}

const SandboxRecord *TestGraphWrite::eventAt(const QString &id) const
{
    const SandboxRecord *record = mailbox().table(kEvents)->find(id);
    return record && !record->deleted ? record : nullptr;
}

int TestGraphWrite::subscribe(const QUrl &url)
{
    const QJsonObject subscription{
        {QStringLiteral("changeType"), QStringLiteral("created,updated,deleted")},
        {QStringLiteral("notificationUrl"), url.toString()},
        {QStringLiteral("resource"), QStringLiteral("me/events")},
        {QStringLiteral("expirationDateTime"), QDateTime::currentDateTimeUtc().addDays(2).toString(Qt::ISODateWithMs)},
        {QStringLiteral("clientState"), kClientState}};
    QUrl endpoint = m_emulator->baseUrl();
    endpoint.setPath(QStringLiteral("/v1.0/subscriptions"));
    return LoopbackHttp::send(
               "POST", endpoint,
               {{"Authorization", "Bearer " + m_account.accessToken.toUtf8()}, {"Content-Type", "application/json"}},
               QJsonDocument(subscription).toJson(QJsonDocument::Compact))
        .status;
}

void TestGraphWrite::batchCreateWithPartialFailure()
{
    const qint64 connection = connectMailbox();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QList<WriteInput> records{
        {QStringLiteral("p-1"),
         calendarEvent(QStringLiteral("Kick-off"), QStringLiteral("2026-03-02T09:00:00"),
                       QStringLiteral("2026-03-02T10:00:00")),
         {}},
        {QStringLiteral("p-2"), QJsonObject{{QStringLiteral("subject"), QStringLiteral("No time yet")}}, {}},
        {QStringLiteral("p-3"),
         calendarEvent(QStringLiteral("Review"), QStringLiteral("2026-03-03T14:00:00"),
                       QStringLiteral("2026-03-03T15:30:00")),
         {}},
    };
    m_emulator->clearRequestLog();
    const auto write = sync->write(connection, kEvents, records);
    QVERIFY(write.ok());
    // Two of three written: the execution succeeds and says what failed.
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    // One JSON batch, not three calls.
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 1);
    QCOMPARE(log.first().method, QStringLiteral("POST"));
    QCOMPARE(log.first().pathAndQuery, QStringLiteral("/v1.0/$batch"));
    QCOMPARE(log.first().status, 200);

    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(write->id);
    QCOMPARE(items.size(), 3);
    QCOMPARE(items.value(QStringLiteral("p-2")).status, QStringLiteral("failed"));
    QCOMPARE(items.value(QStringLiteral("p-2")).errorCode, QStringLiteral("ErrorInvalidRequest"));
    QVERIFY2(items.value(QStringLiteral("p-2")).errorMessage.contains(QLatin1String("HTTP 400")),
             qPrintable(items.value(QStringLiteral("p-2")).errorMessage));
    QVERIFY(items.value(QStringLiteral("p-2")).errorMessage.contains(QLatin1String("needs a start and an end")));
    // Graph answers the batch in its own order: each id lands on the record it belongs to.
    for (const auto &[key, subject] : {std::pair{QStringLiteral("p-1"), QStringLiteral("Kick-off")},
                                       std::pair{QStringLiteral("p-3"), QStringLiteral("Review")}}) {
        const WriteItem item = items.value(key);
        QCOMPARE(item.status, QStringLiteral("succeeded"));
        QVERIFY(item.providerId.startsWith(QLatin1String("AAMkAD")));
        QVERIFY(eventAt(item.providerId));
        QCOMPARE(eventAt(item.providerId)->fields.value(QStringLiteral("subject")).toString(), subject);
        QCOMPARE(m_fixture->store().writes().linkedProviderId(connection, kEvents, key), item.providerId);
    }
    QVERIFY(!m_fixture->store().writes().linkedProviderId(connection, kEvents, QStringLiteral("p-2")));
    QVERIFY(m_fixture->eventText(write->id).contains(QLatin1String("Record p-2 (create)")));

    // Nothing is lost: the refused record is kept, and goes out again (alone: POST /me/events) once it has times.
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, kEvents);
    QCOMPARE(failed->size(), 1);
    QCOMPARE(failed->first().key, QStringLiteral("p-2"));
    m_emulator->clearRequestLog();
    const auto again = sync->write(connection, kEvents,
                                   {{QStringLiteral("p-2"),
                                     calendarEvent(QStringLiteral("No time yet"), QStringLiteral("2026-03-04T08:00:00"),
                                                   QStringLiteral("2026-03-04T08:30:00")),
                                     {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 1);
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v1.0/me/events"));
    QCOMPARE(m_emulator->requestLog().first().status, 201);
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, kEvents)->isEmpty());
    QVERIFY(eventAt(*m_fixture->store().writes().linkedProviderId(connection, kEvents, QStringLiteral("p-2"))));
}

void TestGraphWrite::updatesThroughTheLink()
{
    const qint64 connection = connectMailbox();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created = sync->write(connection, kEvents,
                                     {{QStringLiteral("p-9"),
                                       calendarEvent(QStringLiteral("Planning"), QStringLiteral("2026-04-01T09:00:00"),
                                                     QStringLiteral("2026-04-01T10:00:00")),
                                       {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString id = m_fixture->store().writes().writeItems(created->id)->first().providerId;
    QVERIFY(eventAt(id));

    // The same key again is an update of the event it created: PATCH with only what changes.
    m_emulator->clearRequestLog();
    const auto updated = sync->write(
        connection, kEvents,
        {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("subject"), QStringLiteral("Planning (moved)")}}, {}}});
    QVERIFY2(updated->status == ExecutionStatus::Succeeded, qPrintable(updated->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(updated->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, id);
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("PATCH"));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v1.0/me/events/") + id);
    QCOMPARE(eventAt(id)->fields.value(QStringLiteral("subject")).toString(), QStringLiteral("Planning (moved)"));
    QCOMPARE(eventAt(id)->fields.value(QStringLiteral("start")).toString(), QStringLiteral("2026-04-01T09:00:00Z"));

    // Several updates go in one batch; the one whose event was deleted in Outlook fails alone with Graph's words.
    const auto other = sync->write(connection, kEvents,
                                   {{QStringLiteral("p-10"),
                                     calendarEvent(QStringLiteral("Retro"), QStringLiteral("2026-04-02T09:00:00"),
                                                   QStringLiteral("2026-04-02T10:00:00")),
                                     {}}});
    QVERIFY2(other->status == ExecutionStatus::Succeeded, qPrintable(other->errorMessage));
    const QString otherId = m_fixture->store().writes().writeItems(other->id)->first().providerId;
    QVERIFY(m_emulator->deleteRecord(kTenant, kEvents, id));
    m_emulator->clearRequestLog();
    const auto mixed =
        sync->write(connection, kEvents,
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("subject"), QStringLiteral("x")}}, {}},
                     {QStringLiteral("p-10"),
                      QJsonObject{{QStringLiteral("end"), at(QStringLiteral("2026-04-02T11:00:00"))}},
                      {}}});
    QVERIFY2(mixed->status == ExecutionStatus::Succeeded, qPrintable(mixed->errorMessage));
    QCOMPARE(mixed->recordCount, 1);
    QCOMPARE(mixed->failedRecordCount, 1);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v1.0/$batch"));
    QCOMPARE(eventAt(otherId)->fields.value(QStringLiteral("end")).toString(), QStringLiteral("2026-04-02T11:00:00Z"));
    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(mixed->id);
    QCOMPARE(items.value(QStringLiteral("p-10")).operation, QStringLiteral("update"));
    QCOMPARE(items.value(QStringLiteral("p-10")).providerId, otherId);
    QCOMPARE(items.value(QStringLiteral("p-9")).status, QStringLiteral("failed"));
    QCOMPARE(items.value(QStringLiteral("p-9")).errorCode, QStringLiteral("ErrorItemNotFound"));
    QCOMPARE(items.value(QStringLiteral("p-9")).providerId, id);
    QCOMPARE(m_fixture->store().writes().failedWriteItems(connection, kEvents)->size(), 1);
}

void TestGraphWrite::schemaExtensionPropertiesAreCustomFields()
{
    QCOMPARE(m_emulator->addCustomField(kTenant, kEvents, QStringLiteral("Room Code"), FieldKind::Text),
             QStringLiteral("roomCode"));
    QCOMPARE(m_emulator->addCustomField(kTenant, kEvents, QStringLiteral("Attendee Count"), FieldKind::Number),
             QStringLiteral("attendeeCount"));
    // The message extension is another one; the events' schema does not list it.
    QVERIFY(!m_emulator->addCustomField(kTenant, QStringLiteral("messages"), QStringLiteral("Case"), FieldKind::Text)
                 .isEmpty());
    const qint64 connection = connectMailbox();
    SystemClock clock;
    m_emulator->clearRequestLog();
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, kEvents);
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery,
             QStringLiteral("/v1.0/schemaExtensions/") + mailbox().extensionId(kEvents));
    const auto fields = m_fixture->store().schemas().schema(connection, kEvents);
    QVERIFY(fields.ok());
    QCOMPARE(fields->size(), 2);
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : fields.value())
        byName.insert(field.name, field);
    QCOMPARE(byName.value(QStringLiteral("roomCode")).type, QStringLiteral("String"));
    QCOMPARE(byName.value(QStringLiteral("attendeeCount")).type, QStringLiteral("Integer"));
    QVERIFY(byName.value(QStringLiteral("roomCode")).custom);
    QVERIFY(byName.value(QStringLiteral("attendeeCount")).custom);

    // The values a read brings sit under the extension id.
    const QString extension = mailbox().extensionId(kEvents);
    const auto read = m_fixture->sync(clock)->read(connection, kEvents);
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    const QString any = *m_fixture->recordIds(connection, kEvents).begin();
    QVERIFY(
        m_fixture->record(connection, kEvents, any).value(extension).toObject().contains(QStringLiteral("roomCode")));
}

void TestGraphWrite::validationHandshakeIsAnsweredAsText()
{
    const qint64 connection = connectMailbox();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    const QUrl url = endpoint.urlFor(QStringLiteral("graph"), connection);

    // Graph's validation request: POST {url}?validationToken=T, answered 200 with T as text/plain.
    QUrl validation = url;
    validation.setQuery(QStringLiteral("validationToken=Validation%3A%20Testing%20client%20application"));
    QNetworkAccessManager network;
    QNetworkRequest request(validation);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain; charset=utf-8"));
    std::unique_ptr<QNetworkReply> reply(network.post(request, QByteArray()));
    QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QLatin1String("text/plain")));
    QCOMPARE(reply->readAll(), QByteArray("Validation: Testing client application"));

    // Creating a subscription runs the same handshake from the emulator, which refuses the subscription otherwise.
    QCOMPARE(subscribe(url), 201);
    QCOMPARE(m_emulator->subscriptions(kTenant).size(), 1);
    QCOMPARE(m_emulator->subscriptions(kTenant).first().clientState, kClientState);
}

void TestGraphWrite::notificationsAreAppliedOnce()
{
    const qint64 connection = connectMailbox();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QVERIFY(sync->read(connection, kEvents)->status == ExecutionStatus::Succeeded);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    const QUrl url = endpoint.urlFor(QStringLiteral("graph"), connection);
    QCOMPARE(subscribe(url), 201);
    QList<WebhookOutcome> outcomes;
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [&](const QString &, const WebhookOutcome &outcome) { outcomes.append(outcome); });
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);

    // An event changes: the notification names it, and the event is fetched whole with get.
    const QString id = m_emulator->touchRecords(kTenant, kEvents, 1).first();
    m_emulator->clearRequestLog();
    QVERIFY(m_emulator->sendWebhook(kTenant, url, kEvents, id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 1), 200);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes.first().applied, 1);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v1.0/me/events/") + id);
    QCOMPARE(m_fixture->record(connection, kEvents, id).value(QStringLiteral("lastModifiedDateTime")).toString(),
             eventAt(id)->updatedAt.toUTC().toString(Qt::ISODate));

    // Graph delivers the same notification again: acknowledged and skipped, nothing fetched.
    m_emulator->clearRequestLog();
    QVERIFY(m_emulator->redeliverLastWebhook());
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 2), 200);
    QCOMPARE(outcomes.at(1).duplicates, 1);
    QCOMPARE(outcomes.at(1).applied, 0);
    QVERIFY(m_emulator->requestLog().isEmpty());

    // The event is deleted in Outlook: changeType "deleted" takes it out of the store.
    QVERIFY(m_emulator->deleteRecord(kTenant, kEvents, id));
    QVERIFY(m_emulator->sendWebhook(kTenant, url, kEvents, id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 3), 200);
    QCOMPARE(outcomes.at(2).applied, 1);
    QVERIFY(m_emulator->requestLog().isEmpty()); // the notification says so: nothing to fetch
    QVERIFY(!m_fixture->recordIds(connection, kEvents).contains(id));
    QCOMPARE(m_fixture->recordIds(connection, kEvents).size(), 19);
}

void TestGraphWrite::notificationsWithoutTheClientStateAreRejected()
{
    const qint64 connection = connectMailbox();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    const QUrl url = endpoint.urlFor(QStringLiteral("graph"), connection);
    QList<WebhookOutcome> outcomes;
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [&](const QString &, const WebhookOutcome &outcome) { outcomes.append(outcome); });
    const QString id = mailbox().table(kEvents)->records().front().id;
    const auto notification = [&](const QJsonValue &clientState) {
        QJsonObject change{
            {QStringLiteral("subscriptionId"), QStringLiteral("7f105c7d-2dc5-4530-97cd-4e7ae6534c07")},
            {QStringLiteral("changeType"), QStringLiteral("updated")},
            {QStringLiteral("resource"), QStringLiteral("Users/%1/Events/%2").arg(mailbox().userId(), id)},
            {QStringLiteral("resourceData"), QJsonObject{{QStringLiteral("id"), id}}},
            {QStringLiteral("tenantId"), mailbox().tenantId()}};
        if (!clientState.isUndefined())
            change.insert(QStringLiteral("clientState"), clientState);
        return QJsonDocument(QJsonObject{{QStringLiteral("value"), QJsonArray{change}}}).toJson(QJsonDocument::Compact);
    };
    const QList<QPair<QByteArray, QByteArray>> json{{"Content-Type", "application/json"}};

    // A guessed clientState, and none at all: refused with 401 and kept as failed webhook executions.
    for (const QJsonValue &forgedState :
         {QJsonValue(QStringLiteral("guessed-state")), QJsonValue(QJsonValue::Undefined)}) {
        QCOMPARE(LoopbackHttp::send("POST", url, json, notification(forgedState)).status, 401);
        const Execution forged = m_fixture->store().executions().execution(outcomes.last().executionId).value();
        QCOMPARE(forged.kind, QStringLiteral("webhook"));
        QCOMPARE(forged.status, ExecutionStatus::Failed);
        QCOMPARE(forged.errorCode, QStringLiteral("webhook.rejected"));
        QVERIFY2(forged.errorMessage.contains(QLatin1String("check")), qPrintable(forged.errorMessage));
    }
    QCOMPARE(outcomes.size(), 2);
    QVERIFY(m_fixture->recordIds(connection, kEvents).isEmpty());

    // The same notification with the connection's clientState goes through.
    QCOMPARE(LoopbackHttp::send("POST", url, json, notification(kClientState)).status, 200);
    QCOMPARE(outcomes.last().applied, 1);
    QCOMPARE(m_fixture->recordIds(connection, kEvents), QSet<QString>{id});
}

QTEST_GUILESS_MAIN(TestGraphWrite)
#include "TestGraphWrite.moc"
