// Writes, schema discovery and webhooks of the Pipedrive definition against the Pipedrive emulator: persons created
// (POST /v1/persons) and updated through the key link (PUT /v1/persons/{id}), a person without a name refused with
// Pipedrive's {success: false, error} and written again once fixed, GET /v1/personFields with custom fields keyed by
// 40-character hashes, and webhooks delivered over HTTP to the webhook endpoint with the basic auth credentials set on
// the webhook: v2 events (meta.id, entity, entity_id) fetched with get, a retried delivery skipped, a deletion
// applied, v1 events understood too, and forged credentials refused. Token refresh, revocation and 429 are in
// TestPipedriveRead.
#include "LoopbackHttp.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "core/Clock.h"
#include "pipedrive/PipedriveEmulator.h"
#include "server/WebhookEndpoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

const QString kCompany = QStringLiteral("acme");
const QString kPersons = QStringLiteral("persons");

} // namespace

class TestPipedriveWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void writesWithPartialFailure();
    void updatesThroughTheLink();
    void personFieldsListCustomFields();
    void webhooksAreAppliedOnce_data();
    void webhooksAreAppliedOnce();
    void forgedWebhooksAreRejected();

private:
    qint64 connectCompany();
    QByteArray webhookCredentials() const;
    const SandboxRecord *personAt(const QString &id) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<PipedriveEmulator> m_emulator;
    SandboxAccountCredentials m_company;
};

void TestPipedriveWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<PipedriveEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_company = m_emulator->addCompany(kCompany, 20, 95);
}

void TestPipedriveWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

QByteArray TestPipedriveWrite::webhookCredentials() const
{
    // http_auth_user:http_auth_password as set on the company's webhook.
    const auto *company = static_cast<const PipedriveCompany *>(m_emulator->account(kCompany));
    return (company->webhookUser() + QLatin1Char(':') + m_company.webhookSecret).toUtf8();
}

qint64 TestPipedriveWrite::connectCompany()
{
    const ProviderCase &row = providerCase(QStringLiteral("pipedrive"));
    Credential credential = credentialFor(row, m_company, QDateTime::currentDateTimeUtc().addSecs(3000));
    credential.webhookSecret = SecretBytes(webhookCredentials());
    return m_fixture->connect(row.provider, row.config(*m_emulator, m_company), credential);
}

const SandboxRecord *TestPipedriveWrite::personAt(const QString &id) const
{
    const SandboxRecord *record = m_emulator->account(kCompany)->table(kPersons)->find(id);
    return record && !record->deleted ? record : nullptr;
}

void TestPipedriveWrite::writesWithPartialFailure()
{
    const QString source =
        m_emulator->addCustomField(kCompany, kPersons, QStringLiteral("Lead Source"), FieldKind::Text);
    const qint64 connection = connectCompany();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    m_emulator->clearRequestLog();
    const auto write = sync->write(
        connection, kPersons,
        {{QStringLiteral("p-1"),
          QJsonObject{{QStringLiteral("name"), QStringLiteral("Ada Lovelace")},
                      {QStringLiteral("email"),
                       QJsonArray{QJsonObject{{QStringLiteral("value"), QStringLiteral("ada@example.com")},
                                              {QStringLiteral("primary"), true}}}},
                      {source, QStringLiteral("Referral")}},
          {}},
         {QStringLiteral("p-2"), QJsonObject{{QStringLiteral("email"), QStringLiteral("nameless@example.com")}}, {}},
         {QStringLiteral("p-3"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Grace Hopper")}}, {}}});
    QVERIFY(write.ok());
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    // One POST per person, to the company's api_domain.
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 3);
    for (const RequestLogEntry &entry : log)
        QCOMPARE(entry.pathAndQuery, QStringLiteral("/_company/acme/api/v1/persons"));
    QCOMPARE(log.at(1).status, 400);

    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(write->id);
    QCOMPARE(items.value(QStringLiteral("p-2")).status, QStringLiteral("failed"));
    QCOMPARE(items.value(QStringLiteral("p-2")).errorCode, QStringLiteral("400"));
    QVERIFY2(items.value(QStringLiteral("p-2")).errorMessage.contains(QLatin1String("Name must be given.")),
             qPrintable(items.value(QStringLiteral("p-2")).errorMessage));
    const QString adaId = items.value(QStringLiteral("p-1")).providerId;
    QVERIFY(personAt(adaId));
    QCOMPARE(personAt(adaId)->fields.value(QStringLiteral("last_name")).toString(), QStringLiteral("Lovelace"));
    QCOMPARE(personAt(adaId)->fields.value(QStringLiteral("email")).toString(), QStringLiteral("ada@example.com"));
    QCOMPARE(personAt(adaId)->fields.value(source).toString(), QStringLiteral("Referral"));
    QCOMPARE(
        personAt(items.value(QStringLiteral("p-3")).providerId)->fields.value(QStringLiteral("first_name")).toString(),
        QStringLiteral("Grace"));
    QCOMPARE(m_fixture->store().writes().linkedProviderId(connection, kPersons, QStringLiteral("p-1")), adaId);
    QVERIFY(!m_fixture->store().writes().linkedProviderId(connection, kPersons, QStringLiteral("p-2")));

    // The refused person is kept and goes out again once it has a name.
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, kPersons);
    QCOMPARE(failed->size(), 1);
    QCOMPARE(failed->first().key, QStringLiteral("p-2"));
    const auto again = sync->write(connection, kPersons,
                                   {{QStringLiteral("p-2"),
                                     QJsonObject{{QStringLiteral("name"), QStringLiteral("Named Now")},
                                                 {QStringLiteral("email"), QStringLiteral("nameless@example.com")}},
                                     {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 1);
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, kPersons)->isEmpty());
    QVERIFY(personAt(*m_fixture->store().writes().linkedProviderId(connection, kPersons, QStringLiteral("p-2"))));
}

void TestPipedriveWrite::updatesThroughTheLink()
{
    const qint64 connection = connectCompany();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created = sync->write(
        connection, kPersons,
        {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Alan Turing")}}, {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString id = m_fixture->store().writes().writeItems(created->id)->first().providerId;
    QVERIFY(personAt(id));

    // The same key again is an update of that person: PUT /v1/persons/{id}.
    m_emulator->clearRequestLog();
    const auto updated = sync->write(
        connection, kPersons,
        {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("phone"), QStringLiteral("+44 20 7946 0000")}}, {}}});
    QVERIFY2(updated->status == ExecutionStatus::Succeeded, qPrintable(updated->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(updated->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, id);
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("PUT"));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/_company/acme/api/v1/persons/") + id);
    QCOMPARE(personAt(id)->fields.value(QStringLiteral("phone")).toString(), QStringLiteral("+44 20 7946 0000"));
    QCOMPARE(personAt(id)->fields.value(QStringLiteral("last_name")).toString(), QStringLiteral("Turing"));

    // A person deleted in Pipedrive cannot be updated: the record fails with Pipedrive's words.
    QVERIFY(m_emulator->deleteRecord(kCompany, kPersons, id));
    const auto gone =
        sync->write(connection, kPersons,
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("name"), QStringLiteral("A. Turing")}}, {}}});
    QCOMPARE(gone->status, ExecutionStatus::Failed);
    const WriteItem missing = m_fixture->store().writes().writeItems(gone->id)->first();
    QCOMPARE(missing.errorCode, QStringLiteral("404"));
    QVERIFY2(missing.errorMessage.contains(QLatin1String("Person not found")), qPrintable(missing.errorMessage));
    QCOMPARE(m_fixture->store().writes().failedWriteItems(connection, kPersons)->size(), 1);
}

void TestPipedriveWrite::personFieldsListCustomFields()
{
    const QString source =
        m_emulator->addCustomField(kCompany, kPersons, QStringLiteral("Lead Source"), FieldKind::Picklist);
    const QString score = m_emulator->addCustomField(kCompany, kPersons, QStringLiteral("Score"), FieldKind::Number);
    QVERIFY(!m_emulator->addCustomField(kCompany, QStringLiteral("deals"), QStringLiteral("Region"), FieldKind::Text)
                 .isEmpty());
    const qint64 connection = connectCompany();
    SystemClock clock;
    m_emulator->clearRequestLog();
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, kPersons);
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QCOMPARE(QUrl(m_emulator->requestLog().first().pathAndQuery).path(),
             QStringLiteral("/_company/acme/api/v1/personFields"));
    const auto fields = m_fixture->store().schemas().schema(connection, kPersons);
    QVERIFY(fields.ok());
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : fields.value())
        byName.insert(field.name, field);
    // Standard fields by their keys, not custom; the company's own fields by their 40-character hashes.
    QVERIFY(byName.contains(QStringLiteral("name")));
    QVERIFY(!byName.value(QStringLiteral("name")).custom);
    QCOMPARE(byName.value(QStringLiteral("name")).label, QStringLiteral("Name"));
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{40}$")).match(source).hasMatch());
    QCOMPARE(byName.value(source).label, QStringLiteral("Lead Source"));
    QCOMPARE(byName.value(source).type, QStringLiteral("enum"));
    QVERIFY(byName.value(source).custom);
    QCOMPARE(byName.value(score).type, QStringLiteral("double"));
    QVERIFY(byName.value(score).custom);
    int custom = 0;
    for (const SchemaField &field : fields.value())
        custom += field.custom;
    QCOMPARE(custom, 2);
}

void TestPipedriveWrite::webhooksAreAppliedOnce_data()
{
    QTest::addColumn<int>("version");
    QTest::newRow("v2") << 2;
    QTest::newRow("v1") << 1;
}

void TestPipedriveWrite::webhooksAreAppliedOnce()
{
    QFETCH(int, version);
    m_emulator->setWebhookVersion(version);
    const qint64 connection = connectCompany();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QVERIFY(sync->read(connection, kPersons)->status == ExecutionStatus::Succeeded);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    const QUrl url = endpoint.urlFor(QStringLiteral("pipedrive"), connection);
    QList<WebhookOutcome> outcomes;
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [&](const QString &, const WebhookOutcome &outcome) { outcomes.append(outcome); });
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);

    // A person changes: the event names it, and it is fetched in the API's shape with get.
    const QString id = m_emulator->touchRecords(kCompany, kPersons, 1).first();
    m_emulator->clearRequestLog();
    QVERIFY(m_emulator->sendWebhook(kCompany, url, kPersons, id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 1), 200);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes.first().applied, 1);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/_company/acme/api/v1/persons/") + id);
    const QJsonObject stored = m_fixture->record(connection, kPersons, id);
    QCOMPARE(
        stored.value(QStringLiteral("phone")).toArray().first().toObject().value(QStringLiteral("value")).toString(),
        personAt(id)->fields.value(QStringLiteral("phone")).toString());
    QCOMPARE(stored.value(QStringLiteral("update_time")).toString(),
             PipedriveCompany::timestamp(personAt(id)->updatedAt));

    // Pipedrive retries the delivery. A v2 retry carries the same event id and is skipped; a v1 payload has no event
    // id and counts its retries in the body, so the retry is applied again (the person fetched as it is).
    QVERIFY(m_emulator->redeliverLastWebhook());
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 2), 200);
    QCOMPARE(outcomes.at(1).duplicates, version == 2 ? 1 : 0);
    QCOMPARE(outcomes.at(1).applied, version == 2 ? 0 : 1);

    // The person is deleted: the delete event takes it out of the store.
    QVERIFY(m_emulator->deleteRecord(kCompany, kPersons, id));
    QVERIFY(m_emulator->sendWebhook(kCompany, url, kPersons, id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 3), 200);
    QCOMPARE(outcomes.at(2).applied, 1);
    QVERIFY(!m_fixture->recordIds(connection, kPersons).contains(id));
    QCOMPARE(m_fixture->recordIds(connection, kPersons).size(), 19);
}

void TestPipedriveWrite::forgedWebhooksAreRejected()
{
    const qint64 connection = connectCompany();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    const QUrl url = endpoint.urlFor(QStringLiteral("pipedrive"), connection);
    QList<WebhookOutcome> outcomes;
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [&](const QString &, const WebhookOutcome &outcome) { outcomes.append(outcome); });
    const QString id = m_emulator->account(kCompany)->table(kPersons)->records().front().id;
    const QByteArray body =
        QJsonDocument(
            QJsonObject{{QStringLiteral("data"), QJsonObject{{QStringLiteral("id"), id.toLongLong()}}},
                        {QStringLiteral("meta"), QJsonObject{{QStringLiteral("action"), QStringLiteral("change")},
                                                             {QStringLiteral("entity"), QStringLiteral("person")},
                                                             {QStringLiteral("entity_id"), id},
                                                             {QStringLiteral("id"), QStringLiteral("5d6a2b1e-forged")},
                                                             {QStringLiteral("version"), QStringLiteral("2.0")}}}})
            .toJson(QJsonDocument::Compact);
    const auto post = [&](const QByteArray &authorization) {
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
        if (!authorization.isEmpty())
            headers.append({"Authorization", authorization});
        return LoopbackHttp::send("POST", url, headers, body).status;
    };

    // A guessed password, the right password for another user name, and no credentials at all.
    const QByteArray user = webhookCredentials().split(':').first();
    QCOMPARE(post("Basic " + QByteArray(user + ":guessed").toBase64()), 401);
    QCOMPARE(post("Basic " + QByteArray("admin:" + m_company.webhookSecret.toUtf8()).toBase64()), 401);
    QCOMPARE(post({}), 401);
    QCOMPARE(outcomes.size(), 3);
    for (const WebhookOutcome &outcome : std::as_const(outcomes)) {
        const Execution forged = m_fixture->store().executions().execution(outcome.executionId).value();
        QCOMPARE(forged.kind, QStringLiteral("webhook"));
        QCOMPARE(forged.status, ExecutionStatus::Failed);
        QCOMPARE(forged.errorCode, QStringLiteral("webhook.rejected"));
    }
    QVERIFY(m_fixture->recordIds(connection, kPersons).isEmpty());

    // With the webhook's credentials it goes through.
    QCOMPARE(post("Basic " + webhookCredentials().toBase64()), 200);
    QCOMPARE(outcomes.last().applied, 1);
    QCOMPARE(m_fixture->recordIds(connection, kPersons), QSet<QString>{id});
}

QTEST_GUILESS_MAIN(TestPipedriveWrite)
#include "TestPipedriveWrite.moc"
