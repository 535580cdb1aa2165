// Writes, schema discovery and web hooks of the Greenhouse definition against the Harvest emulator: candidates created
// and updated one by one on behalf of the connection's Greenhouse user (On-Behalf-Of), a 422 validation error kept
// for the refused record with the field it names, the link from the product's key to the candidate id, custom fields
// written as [{name_key, value}], GET /custom_fields/candidate, signed web hooks ("Signature: sha256 HEX") delivered
// over HTTP to the webhook endpoint (the candidate fetched with get, a re-delivery skipped by its Greenhouse-Event-ID,
// delete_candidate applied, forgeries refused), and a revoked Harvest key. Harvest keys do not expire and have no
// refresh, so there is no token refresh to test; throttling is in TestGreenhouseRead.
#include "FakeClock.h"
#include "LoopbackHttp.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "common/SandboxHttp.h"
#include "core/Clock.h"
#include "greenhouse/GreenhouseEmulator.h"
#include "server/WebhookEndpoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

const QString kOrganization = QStringLiteral("acme");
const QString kCandidates = QStringLiteral("candidates");

QJsonObject candidate(const QString &first, const QString &last)
{
    QJsonObject json{{QStringLiteral("applications"), QJsonArray{QJsonObject{{QStringLiteral("job_id"), 9001}}}}};
    if (!first.isEmpty())
        json.insert(QStringLiteral("first_name"), first);
    if (!last.isEmpty())
        json.insert(QStringLiteral("last_name"), last);
    return json;
}

} // namespace

class TestGreenhouseWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void writesWithPartialFailure();
    void updatesThroughTheLink();
    void customFieldsAreDiscovered();
    void signedWebHooksAreAppliedOnce();
    void forgedWebHooksAreRejected();
    void revokedKeyNeedsANewOneAndLosesNothing();

private:
    qint64 connectOrganization();
    const SandboxRecord *candidateAt(const QString &id) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<GreenhouseEmulator> m_emulator;
    SandboxAccountCredentials m_organization;
};

void TestGreenhouseWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<GreenhouseEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_organization = m_emulator->addOrganization(kOrganization, 20, 93);
}

void TestGreenhouseWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestGreenhouseWrite::connectOrganization()
{
    const ProviderCase &row = providerCase(QStringLiteral("greenhouse"));
    const auto *organization = static_cast<const GreenhouseOrganization *>(m_emulator->account(kOrganization));
    QJsonObject config = row.config(*m_emulator, m_organization);
    config.insert(QStringLiteral("on_behalf_of"), QString::number(organization->userId()));
    Credential credential = credentialFor(row, m_organization, {});
    credential.webhookSecret = SecretBytes(m_organization.webhookSecret.toUtf8());
    return m_fixture->connect(row.provider, config, credential);
}

const SandboxRecord *TestGreenhouseWrite::candidateAt(const QString &id) const
{
    const SandboxRecord *record = m_emulator->account(kOrganization)->table(kCandidates)->find(id);
    return record && !record->deleted ? record : nullptr;
}

void TestGreenhouseWrite::writesWithPartialFailure()
{
    const QString salary =
        m_emulator->addCustomField(kOrganization, kCandidates, QStringLiteral("Desired Salary"), FieldKind::Text);
    QCOMPARE(salary, QStringLiteral("desired_salary"));
    const qint64 connection = connectOrganization();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QJsonObject ada = candidate(QStringLiteral("Ada"), QStringLiteral("Lovelace"));
    ada.insert(QStringLiteral("email_addresses"),
               QJsonArray{QJsonObject{{QStringLiteral("value"), QStringLiteral("ada@example.com")},
                                      {QStringLiteral("type"), QStringLiteral("personal")}}});
    ada.insert(QStringLiteral("custom_fields"), QJsonObject{{salary, QStringLiteral("$120k")}});
    m_emulator->clearRequestLog();
    const auto write =
        sync->write(connection, kCandidates,
                    {{QStringLiteral("c-1"), ada, {}},
                     {QStringLiteral("c-2"), candidate(QStringLiteral("Nameless"), {}), {}},
                     {QStringLiteral("c-3"), candidate(QStringLiteral("Grace"), QStringLiteral("Hopper")), {}}});
    QVERIFY(write.ok());
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    // Harvest has no batch endpoint: one POST per candidate, each accepted only on behalf of a user.
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 3);
    for (const RequestLogEntry &entry : log) {
        QCOMPARE(entry.method, QStringLiteral("POST"));
        QCOMPARE(entry.pathAndQuery, QStringLiteral("/v1/candidates"));
    }
    QCOMPARE(log.at(0).status, 201);
    QCOMPARE(log.at(1).status, 422);

    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(write->id);
    QCOMPARE(items.value(QStringLiteral("c-2")).status, QStringLiteral("failed"));
    QCOMPARE(items.value(QStringLiteral("c-2")).errorCode, QStringLiteral("last_name"));
    QVERIFY2(items.value(QStringLiteral("c-2")).errorMessage.contains(QLatin1String("HTTP 422")),
             qPrintable(items.value(QStringLiteral("c-2")).errorMessage));
    QVERIFY(items.value(QStringLiteral("c-2")).errorMessage.contains(QLatin1String("Must be present.")));
    const QString adaId = items.value(QStringLiteral("c-1")).providerId;
    QVERIFY(candidateAt(adaId));
    QCOMPARE(candidateAt(adaId)->fields.value(QStringLiteral("last_name")).toString(), QStringLiteral("Lovelace"));
    QCOMPARE(candidateAt(adaId)->fields.value(QStringLiteral("email")).toString(), QStringLiteral("ada@example.com"));
    // The custom field went out as [{name_key, value}], the shape Harvest writes take.
    QCOMPARE(candidateAt(adaId)->fields.value(salary).toString(), QStringLiteral("$120k"));
    QVERIFY(items.value(QStringLiteral("c-1")).sent.contains(R"("custom_fields":[{"name_key":"desired_salary")"));
    QCOMPARE(candidateAt(items.value(QStringLiteral("c-3")).providerId)
                 ->fields.value(QStringLiteral("first_name"))
                 .toString(),
             QStringLiteral("Grace"));
    QCOMPARE(m_fixture->store().writes().linkedProviderId(connection, kCandidates, QStringLiteral("c-1")), adaId);
    QVERIFY(!m_fixture->store().writes().linkedProviderId(connection, kCandidates, QStringLiteral("c-2")));

    // The refused candidate is kept and goes out again once it has a last name.
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, kCandidates);
    QCOMPARE(failed->size(), 1);
    QCOMPARE(failed->first().key, QStringLiteral("c-2"));
    const auto again =
        sync->write(connection, kCandidates,
                    {{QStringLiteral("c-2"), candidate(QStringLiteral("Named"), QStringLiteral("Now")), {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 1);
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, kCandidates)->isEmpty());
    QVERIFY(candidateAt(*m_fixture->store().writes().linkedProviderId(connection, kCandidates, QStringLiteral("c-2"))));
}

void TestGreenhouseWrite::updatesThroughTheLink()
{
    const qint64 connection = connectOrganization();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created =
        sync->write(connection, kCandidates,
                    {{QStringLiteral("c-9"), candidate(QStringLiteral("Alan"), QStringLiteral("Turing")), {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString id = m_fixture->store().writes().writeItems(created->id)->first().providerId;
    QVERIFY(candidateAt(id));

    // The same key again is an update of that candidate: PATCH /v1/candidates/{id}, on behalf of the same user.
    m_emulator->clearRequestLog();
    const auto updated = sync->write(
        connection, kCandidates,
        {{QStringLiteral("c-9"), QJsonObject{{QStringLiteral("company"), QStringLiteral("Bletchley Park")}}, {}}});
    QVERIFY2(updated->status == ExecutionStatus::Succeeded, qPrintable(updated->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(updated->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, id);
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("PATCH"));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v1/candidates/") + id);
    QCOMPARE(candidateAt(id)->fields.value(QStringLiteral("company")).toString(), QStringLiteral("Bletchley Park"));
    QCOMPARE(candidateAt(id)->fields.value(QStringLiteral("last_name")).toString(), QStringLiteral("Turing"));

    // Blanking a required name is refused with the field; a candidate deleted in Greenhouse is not found.
    const auto blank = sync->write(
        connection, kCandidates, {{QStringLiteral("c-9"), QJsonObject{{QStringLiteral("first_name"), QString()}}, {}}});
    QCOMPARE(blank->status, ExecutionStatus::Failed);
    QCOMPARE(m_fixture->store().writes().writeItems(blank->id)->first().errorCode, QStringLiteral("first_name"));
    QCOMPARE(candidateAt(id)->fields.value(QStringLiteral("first_name")).toString(), QStringLiteral("Alan"));
    QVERIFY(m_emulator->deleteRecord(kOrganization, kCandidates, id));
    const auto gone =
        sync->write(connection, kCandidates,
                    {{QStringLiteral("c-9"), QJsonObject{{QStringLiteral("company"), QStringLiteral("x")}}, {}}});
    const WriteItem missing = m_fixture->store().writes().writeItems(gone->id)->first();
    QCOMPARE(missing.errorCode, QStringLiteral("http.404"));
    QVERIFY2(missing.errorMessage.contains(QLatin1String("Resource not found")), qPrintable(missing.errorMessage));
}

void TestGreenhouseWrite::customFieldsAreDiscovered()
{
    QVERIFY(!m_emulator->addCustomField(kOrganization, kCandidates, QStringLiteral("Desired Salary"), FieldKind::Text)
                 .isEmpty());
    QVERIFY(
        !m_emulator->addCustomField(kOrganization, kCandidates, QStringLiteral("Graduation Year"), FieldKind::Number)
             .isEmpty());
    QVERIFY(!m_emulator
                 ->addCustomField(kOrganization, QStringLiteral("applications"), QStringLiteral("Referral Bonus"),
                                  FieldKind::Bool)
                 .isEmpty());
    const qint64 connection = connectOrganization();
    SystemClock clock;
    m_emulator->clearRequestLog();
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, kCandidates);
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v1/custom_fields/candidate"));
    const auto fields = m_fixture->store().schemas().schema(connection, kCandidates);
    QVERIFY(fields.ok());
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : fields.value())
        byName.insert(field.name, field);
    // Named by the name_key records carry them under; the application field is not a candidate's.
    QCOMPARE(byName.keys(), (QStringList{QStringLiteral("desired_salary"), QStringLiteral("graduation_year")}));
    QCOMPARE(byName.value(QStringLiteral("desired_salary")).label, QStringLiteral("Desired Salary"));
    QCOMPARE(byName.value(QStringLiteral("desired_salary")).type, QStringLiteral("short_text"));
    QCOMPARE(byName.value(QStringLiteral("graduation_year")).type, QStringLiteral("number"));
    QVERIFY(byName.value(QStringLiteral("desired_salary")).custom);
    QVERIFY(byName.value(QStringLiteral("graduation_year")).custom);
}

void TestGreenhouseWrite::signedWebHooksAreAppliedOnce()
{
    const qint64 connection = connectOrganization();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    QVERIFY(sync->read(connection, kCandidates)->status == ExecutionStatus::Succeeded);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    const QUrl url = endpoint.urlFor(QStringLiteral("greenhouse"), connection);
    QList<WebhookOutcome> outcomes;
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [&](const QString &, const WebhookOutcome &outcome) { outcomes.append(outcome); });
    QSignalSpy delivered(&m_emulator->webhookSender(), &WebhookSender::webhookDelivered);

    // A candidate changes: update_candidate names it, and it is fetched in Harvest's shape with get.
    const QString id = m_emulator->touchRecords(kOrganization, kCandidates, 1).first();
    m_emulator->clearRequestLog();
    QVERIFY(m_emulator->sendWebhook(kOrganization, url, kCandidates, id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 1), 200);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes.first().applied, 1);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().pathAndQuery, QStringLiteral("/v1/candidates/") + id);
    const QJsonObject stored = m_fixture->record(connection, kCandidates, id);
    QCOMPARE(stored.value(QStringLiteral("phone_numbers"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("value"))
                 .toString(),
             candidateAt(id)->fields.value(QStringLiteral("phone")).toString());
    QCOMPARE(stored.value(QStringLiteral("updated_at")).toString(),
             SandboxHttp::isoTimestamp(candidateAt(id)->updatedAt));

    // Greenhouse retries the delivery (same Greenhouse-Event-ID): acknowledged and skipped.
    QVERIFY(m_emulator->redeliverLastWebhook());
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 2), 200);
    QCOMPARE(outcomes.at(1).duplicates, 1);
    QCOMPARE(outcomes.at(1).applied, 0);

    // The candidate is deleted: delete_candidate takes it out of the store.
    QVERIFY(m_emulator->deleteRecord(kOrganization, kCandidates, id));
    m_emulator->clearRequestLog();
    QVERIFY(m_emulator->sendWebhook(kOrganization, url, kCandidates, id));
    QCOMPARE(ProviderReadFixture::deliveredStatus(delivered, 3), 200);
    QCOMPARE(outcomes.at(2).applied, 1);
    QVERIFY(m_emulator->requestLog().isEmpty()); // the event says so: nothing to fetch
    QVERIFY(!m_fixture->recordIds(connection, kCandidates).contains(id));
    QCOMPARE(m_fixture->recordIds(connection, kCandidates).size(), 19);
}

void TestGreenhouseWrite::forgedWebHooksAreRejected()
{
    const qint64 connection = connectOrganization();
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    WebhookEndpoint endpoint(*sync);
    QVERIFY(endpoint.listen() != 0);
    const QUrl url = endpoint.urlFor(QStringLiteral("greenhouse"), connection);
    QList<WebhookOutcome> outcomes;
    connect(&endpoint, &WebhookEndpoint::webhookHandled, this,
            [&](const QString &, const WebhookOutcome &outcome) { outcomes.append(outcome); });
    const QString id = m_emulator->account(kOrganization)->table(kCandidates)->records().front().id;
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("action"), QStringLiteral("update_candidate")},
                                  {QStringLiteral("payload"),
                                   QJsonObject{{QStringLiteral("candidate"),
                                                QJsonObject{{QStringLiteral("id"), id.toLongLong()}}}}}})
            .toJson(QJsonDocument::Compact);
    const auto signature = [&](const QByteArray &secret, const QByteArray &signed_) {
        return "sha256 " + QMessageAuthenticationCode::hash(signed_, secret, QCryptographicHash::Sha256).toHex();
    };
    const QByteArray secret = m_organization.webhookSecret.toUtf8();
    const auto post = [&](const QByteArray &eventId, const QByteArray &signatureHeader, const QByteArray &payload) {
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"},
                                                     {"Greenhouse-Event-ID", eventId}};
        if (!signatureHeader.isEmpty())
            headers.append({"Signature", signatureHeader});
        return LoopbackHttp::send("POST", url, headers, payload).status;
    };

    // Signed with a guessed key, signed over another body, with another algorithm's label, and not signed at all.
    const QByteArray other = QByteArray(body).replace("update_candidate", "delete_candidate");
    QCOMPARE(post("e-1", signature("guessed-secret", body), body), 401);
    QCOMPARE(post("e-2", signature(secret, body), other), 401);
    QCOMPARE(post("e-3", signature(secret, body).replace("sha256", "sha1"), body), 401);
    QCOMPARE(post("e-4", {}, body), 401);
    QCOMPARE(outcomes.size(), 4);
    for (const WebhookOutcome &outcome : std::as_const(outcomes)) {
        const Execution forged = m_fixture->store().executions().execution(outcome.executionId).value();
        QCOMPARE(forged.kind, QStringLiteral("webhook"));
        QCOMPARE(forged.status, ExecutionStatus::Failed);
        QCOMPARE(forged.errorCode, QStringLiteral("webhook.rejected"));
    }
    QVERIFY(m_fixture->store()
                .executions()
                .execution(outcomes.first().executionId)
                ->errorMessage.contains(QLatin1String("signature does not match")));
    QVERIFY(m_fixture->recordIds(connection, kCandidates).isEmpty());

    // Signed with the connection's secret key, it goes through.
    QCOMPARE(post("e-5", signature(secret, body), body), 200);
    QCOMPARE(outcomes.last().applied, 1);
    QCOMPARE(m_fixture->recordIds(connection, kCandidates), QSet<QString>{id});
}

void TestGreenhouseWrite::revokedKeyNeedsANewOneAndLosesNothing()
{
    const qint64 connection = connectOrganization();
    FakeClock clock;
    auto sync = m_fixture->sync(clock);
    QVERIFY(sync->read(connection, kCandidates)->status == ExecutionStatus::Succeeded);
    const QSet<QString> stored = m_fixture->recordIds(connection, kCandidates);
    QCOMPARE(stored.size(), 20);
    const QJsonObject cursor = m_fixture->cursor(connection, kCandidates);

    // The key is revoked in the Dev Center while candidates change.
    QVERIFY(m_emulator->revokeApiKey(kOrganization));
    QCOMPARE(m_emulator->touchRecords(kOrganization, kCandidates, 3).size(), 3);
    const auto refused = sync->read(connection, kCandidates);
    QCOMPARE(refused->status, ExecutionStatus::Failed);
    QCOMPARE(refused->errorCode, QStringLiteral("auth.revoked"));
    QVERIFY2(refused->errorMessage.contains(QLatin1String("Invalid Basic Auth credentials")),
             qPrintable(refused->errorMessage));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    // Nothing read so far is lost, and the next read with a new key starts where this one stood.
    QCOMPARE(m_fixture->recordIds(connection, kCandidates), stored);
    QCOMPARE(m_fixture->cursor(connection, kCandidates), cursor);
    // A write while the connection needs a new key sends nothing.
    const int requests = static_cast<int>(m_emulator->requestLog().size());
    const auto write =
        sync->write(connection, kCandidates,
                    {{QStringLiteral("c-1"), candidate(QStringLiteral("Ada"), QStringLiteral("Lovelace")), {}}});
    QCOMPARE(write->status, ExecutionStatus::Failed);
    QCOMPARE(write->errorCode, QStringLiteral("auth.needs_reauth"));
    QCOMPARE(m_emulator->requestLog().size(), requests);
}

QTEST_GUILESS_MAIN(TestGreenhouseWrite)
#include "TestGreenhouseWrite.moc"
