// Writes and schema discovery of the ServiceNow definition against the ServiceNow emulator: incidents created (POST)
// and updated (PATCH) one by one through the Table API, a data policy refusing a record (403 Operation Failed) while
// the others are written, the link from the product's key to the sys_id, the incident's columns from sys_dictionary
// with the instance's u_ columns marked custom, what a changed password does to a write, and OAuth tokens (refreshed
// when expired, a revoked grant keeping the write). ServiceNow has no standard signed webhooks, so the definition
// declares none.
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "catalog/DefinitionLoader.h"
#include "core/Clock.h"
#include "servicenow/ServiceNowEmulator.h"

#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

// The shipped definition with OAuth instead of basic auth. ServiceNow takes both, but a definition declares one way to
// authenticate, so the OAuth one lives here until the language can offer both.
std::optional<ProviderDefinition> withOAuth()
{
    QFile file(QStringLiteral(":/patchbay/providers/servicenow.yaml"));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray text = file.readAll();
    const qsizetype start = text.indexOf("\nauth:\n") + 1;
    const qsizetype end = text.indexOf("\nerrors:", start) + 1;
    if (start <= 0 || end <= start)
        return std::nullopt;
    // POST /oauth_token.do (form); access tokens live 30 minutes; a refused refresh token answers 401
    // {"error": "server_error", "error_description": "access_denied"}, which is what revocation looks like there.
    text.replace(start, end - start,
                 "auth:\n"
                 "  type: oauth2\n"
                 "  tokenUrl: \"https://{{$connection.instance}}.service-now.com/oauth_token.do\"\n"
                 "  revokedErrors: [server_error]\n");
    return DefinitionLoader::loadText(text, QStringLiteral("servicenow-oauth.yaml")).definition;
}

} // namespace

class TestServiceNowWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void createsWithPartialFailure();
    void updatesGoThroughTheKeyLink();
    void dictionaryListsCustomColumns();
    void changedPasswordKeepsTheWrite();
    void oauthTokenIsRefreshedAndARevokedGrantKeepsTheWrite();

private:
    qint64 connectInstance(const QString &password);
    const SandboxRecord *incident(const QString &sysId) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<ServiceNowEmulator> m_emulator;
    SandboxAccountCredentials m_instance;
};

void TestServiceNowWrite::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<ServiceNowEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_instance = m_emulator->addInstance(QStringLiteral("acme"), 5, 47);
}

void TestServiceNowWrite::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestServiceNowWrite::connectInstance(const QString &password)
{
    const ProviderCase &row = providerCase(QStringLiteral("servicenow"));
    return m_fixture->connect(row.provider, row.config(*m_emulator, m_instance),
                              credentialFor(row, m_instance, {}, password));
}

const SandboxRecord *TestServiceNowWrite::incident(const QString &sysId) const
{
    const SandboxRecord *found =
        m_emulator->account(QStringLiteral("acme"))->table(QStringLiteral("incident"))->find(sysId);
    return found && !found->deleted ? found : nullptr;
}

void TestServiceNowWrite::createsWithPartialFailure()
{
    const qint64 connection = connectInstance(m_instance.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const QList<WriteInput> records{
        {QStringLiteral("p-1"),
         QJsonObject{{QStringLiteral("short_description"), QStringLiteral("Email down")},
                     {QStringLiteral("urgency"), QStringLiteral("1")}},
         {}},
        // The instance's data policy makes short_description mandatory: ServiceNow refuses this one.
        {QStringLiteral("p-2"), QJsonObject{{QStringLiteral("description"), QStringLiteral("No summary")}}, {}},
        {QStringLiteral("p-3"), QJsonObject{{QStringLiteral("short_description"), QStringLiteral("VPN slow")}}, {}},
    };
    m_emulator->clearRequestLog();
    const auto write = sync->write(connection, QStringLiteral("incidents"), records);
    QVERIFY(write.ok());
    QVERIFY2(write->status == ExecutionStatus::Succeeded, qPrintable(write->errorMessage));
    QCOMPARE(write->recordCount, 2);
    QCOMPARE(write->failedRecordCount, 1);
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 3);
    for (const RequestLogEntry &entry : log) {
        QCOMPARE(entry.method, QStringLiteral("POST"));
        QVERIFY(entry.pathAndQuery.contains(QLatin1String("/_instance/acme/api/now/table/incident?")));
    }
    QCOMPARE(log.at(0).status, 201);
    QCOMPARE(log.at(1).status, 403);

    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(write->id);
    const WriteItem refused = items.value(QStringLiteral("p-2"));
    QCOMPARE(refused.status, QStringLiteral("failed"));
    QCOMPARE(refused.errorCode, QStringLiteral("Operation Failed"));
    QVERIFY2(refused.errorMessage.contains(QLatin1String("Short description is mandatory")),
             qPrintable(refused.errorMessage));
    const SandboxRecord *first = incident(items.value(QStringLiteral("p-1")).providerId);
    QVERIFY(first);
    QCOMPARE(first->fields.value(QStringLiteral("short_description")).toString(), QStringLiteral("Email down"));
    QCOMPARE(first->fields.value(QStringLiteral("urgency")).toString(), QStringLiteral("1"));
    QVERIFY(incident(items.value(QStringLiteral("p-3")).providerId));
    QCOMPARE(
        m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("incidents"), QStringLiteral("p-1")),
        first->id);
    QVERIFY(
        !m_fixture->store().writes().linkedProviderId(connection, QStringLiteral("incidents"), QStringLiteral("p-2")));

    // Nothing is lost: the refused incident is kept, and goes out once it has its short description.
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("incidents")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-2"));
    const auto again = sync->write(connection, QStringLiteral("incidents"),
                                   {{QStringLiteral("p-2"),
                                     QJsonObject{{QStringLiteral("short_description"), QStringLiteral("Now titled")},
                                                 {QStringLiteral("description"), QStringLiteral("No summary")}},
                                     {}}});
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 1);
    QVERIFY(incident(m_fixture->store().writes().writeItems(again->id)->first().providerId));
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("incidents"))->isEmpty());
}

void TestServiceNowWrite::updatesGoThroughTheKeyLink()
{
    const qint64 connection = connectInstance(m_instance.apiKey);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto created =
        sync->write(connection, QStringLiteral("incidents"),
                    {{QStringLiteral("p-9"),
                      QJsonObject{{QStringLiteral("short_description"), QStringLiteral("Laptop will not boot")}},
                      {}}});
    QVERIFY2(created->status == ExecutionStatus::Succeeded, qPrintable(created->errorMessage));
    const QString sysId = m_fixture->store().writes().writeItems(created->id)->first().providerId;
    QCOMPARE(sysId.size(), 32);

    // The same key again updates that incident: PATCH /api/now/table/incident/{sys_id}, only the columns sent change.
    m_emulator->clearRequestLog();
    const auto updated =
        sync->write(connection, QStringLiteral("incidents"),
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("state"), QStringLiteral("2")}}, {}}});
    QVERIFY2(updated->status == ExecutionStatus::Succeeded, qPrintable(updated->errorMessage));
    const WriteItem item = m_fixture->store().writes().writeItems(updated->id)->first();
    QCOMPARE(item.operation, QStringLiteral("update"));
    QCOMPARE(item.providerId, sysId);
    const RequestLogEntry patch = m_emulator->requestLog().first();
    QCOMPARE(patch.method, QStringLiteral("PATCH"));
    QVERIFY(patch.pathAndQuery.contains(QStringLiteral("/api/now/table/incident/") + sysId));
    QCOMPARE(patch.status, 200);
    QCOMPARE(incident(sysId)->fields.value(QStringLiteral("state")).toString(), QStringLiteral("2"));
    QCOMPARE(incident(sysId)->fields.value(QStringLiteral("short_description")).toString(),
             QStringLiteral("Laptop will not boot"));
    QCOMPARE(incident(sysId)->fields.value(QStringLiteral("sys_mod_count")).toInt(), 1);

    // An update the data policy refuses fails alone and leaves the incident as it was; the other record is written.
    const auto mixed = sync->write(
        connection, QStringLiteral("incidents"),
        {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("short_description"), QString()}}, {}},
         {QStringLiteral("p-10"), QJsonObject{{QStringLiteral("short_description"), QStringLiteral("Second")}}, {}}});
    QVERIFY2(mixed->status == ExecutionStatus::Succeeded, qPrintable(mixed->errorMessage));
    QCOMPARE(mixed->recordCount, 1);
    QCOMPARE(mixed->failedRecordCount, 1);
    const auto failed = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("incidents")).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().key, QStringLiteral("p-9"));
    QCOMPARE(failed.first().operation, QStringLiteral("update"));
    QCOMPARE(failed.first().errorCode, QStringLiteral("Operation Failed"));
    QCOMPARE(incident(sysId)->fields.value(QStringLiteral("short_description")).toString(),
             QStringLiteral("Laptop will not boot"));

    // An incident deleted in the instance: the update fails with ServiceNow's 404.
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("incident"), sysId));
    const auto gone =
        sync->write(connection, QStringLiteral("incidents"),
                    {{QStringLiteral("p-9"), QJsonObject{{QStringLiteral("state"), QStringLiteral("6")}}, {}}});
    QCOMPARE(gone->status, ExecutionStatus::Failed);
    const WriteItem missing = m_fixture->store().writes().writeItems(gone->id)->first();
    QCOMPARE(missing.errorCode, QStringLiteral("No Record found"));
    QVERIFY2(missing.errorMessage.contains(QLatin1String("HTTP 404")), qPrintable(missing.errorMessage));
}

void TestServiceNowWrite::dictionaryListsCustomColumns()
{
    const QString cost = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("incident"),
                                                    QStringLiteral("Cost centre"), FieldKind::Text);
    const QString impact = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("incident"),
                                                      QStringLiteral("Revenue impact"), FieldKind::Number);
    QCOMPARE(cost, QStringLiteral("u_cost_centre"));
    const qint64 connection = connectInstance(m_instance.apiKey);
    SystemClock clock;
    m_emulator->clearRequestLog();
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("incidents"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    // The columns of incident and of task, which it extends.
    QVERIFY2(m_emulator->requestLog().first().pathAndQuery.contains(QLatin1String("nameINincident%2Ctask")) ||
                 m_emulator->requestLog().first().pathAndQuery.contains(QLatin1String("nameINincident,task")),
             qPrintable(m_emulator->requestLog().first().pathAndQuery));
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field :
         m_fixture->store().schemas().schema(connection, QStringLiteral("incidents")).value())
        byName.insert(field.name, field);
    // Every column once; the table's own row (no element) is not a field.
    QVERIFY(!byName.contains(QString()));
    QCOMPARE(byName.value(QStringLiteral("short_description")).label, QStringLiteral("Short description"));
    QCOMPARE(byName.value(QStringLiteral("short_description")).type, QStringLiteral("string"));
    QVERIFY(!byName.value(QStringLiteral("short_description")).custom);
    QVERIFY(!byName.value(QStringLiteral("sys_id")).custom);
    QCOMPARE(byName.value(cost).label, QStringLiteral("Cost centre"));
    QVERIFY(byName.value(cost).custom);
    QCOMPARE(byName.value(impact).type, QStringLiteral("integer"));
    QVERIFY(byName.value(impact).custom);
    int custom = 0;
    for (const SchemaField &field : std::as_const(byName))
        custom += field.custom;
    QCOMPARE(custom, 2);
}

void TestServiceNowWrite::changedPasswordKeepsTheWrite()
{
    // The definition uses basic auth: no token to refresh. A password changed in the instance answers 401; the
    // connection then needs the new password, and the records of the write are kept until it has it.
    const qint64 connection = connectInstance(QStringLiteral("old-password"));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    m_emulator->clearRequestLog();
    const auto write = sync->write(
        connection, QStringLiteral("incidents"),
        {{QStringLiteral("p-1"), QJsonObject{{QStringLiteral("short_description"), QStringLiteral("One")}}, {}},
         {QStringLiteral("p-2"), QJsonObject{{QStringLiteral("short_description"), QStringLiteral("Two")}}, {}}});
    QCOMPARE(write->status, ExecutionStatus::Failed);
    QCOMPARE(write->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_emulator->requestLog().size(), 1); // no request is spent on the second record
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    const auto kept = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("incidents")).value();
    QCOMPARE(kept.size(), 2);
    for (const WriteItem &item : kept) {
        QCOMPARE(item.errorCode, QStringLiteral("auth.revoked"));
        QVERIFY2(item.errorMessage.contains(QLatin1String("User Not Authenticated")) ||
                     item.errorMessage.contains(QLatin1String("Required to provide Auth information")),
                 qPrintable(item.errorMessage));
    }

    const QByteArray sealed =
        CredentialVault(m_fixture->key()).seal(connection, ProviderReadFixture::apiKey(m_instance.apiKey)).value();
    QVERIFY(m_fixture->store().credentials().saveCredential(connection, {connection, sealed, {}, {}, {}}));
    QVERIFY(m_fixture->store().tenants().setConnectionStatus(connection, ConnectionStatus::Active, {}));
    const auto retried = sync->retryFailedWrites(connection, QStringLiteral("incidents"));
    QVERIFY2(retried->status == ExecutionStatus::Succeeded, qPrintable(retried->errorMessage));
    QCOMPARE(retried->recordCount, 2);
    QVERIFY(m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("incidents"))->isEmpty());
    const QMap<QString, WriteItem> items = m_fixture->writeItemsByKey(retried->id);
    QCOMPARE(incident(items.value(QStringLiteral("p-2")).providerId)
                 ->fields.value(QStringLiteral("short_description"))
                 .toString(),
             QStringLiteral("Two"));
}

void TestServiceNowWrite::oauthTokenIsRefreshedAndARevokedGrantKeepsTheWrite()
{
    const std::optional<ProviderDefinition> oauth = withOAuth();
    QVERIFY(oauth);
    const QJsonObject config{
        {QStringLiteral("originOverrides"),
         QJsonObject{{QStringLiteral("https://acme.service-now.com"), m_emulator->tenantUrl(QStringLiteral("acme"))}}},
        {QStringLiteral("instance"), QStringLiteral("acme")}};
    // The stored access token has expired: the write refreshes it first.
    const qint64 connection = m_fixture->connect(
        QStringLiteral("servicenow"), config,
        ProviderReadFixture::oauth(m_instance.clientId, m_instance.clientSecret, m_instance.accessToken,
                                   m_instance.refreshToken, QDateTime::currentDateTimeUtc().addSecs(-10)));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    sync->addDefinition(*oauth);
    const auto written = sync->write(
        connection, QStringLiteral("incidents"),
        {{QStringLiteral("p-1"), QJsonObject{{QStringLiteral("short_description"), QStringLiteral("Bearer")}}, {}}});
    QVERIFY2(written->status == ExecutionStatus::Succeeded, qPrintable(written->errorMessage));
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    QVERIFY(incident(m_fixture->store().writes().writeItems(written->id)->first().providerId));

    // The instance has expired the token and the OAuth grant has been revoked: the connection needs
    // re-authorisation and the records are kept as not written.
    m_emulator->expireAccessTokens(QStringLiteral("acme"));
    m_emulator->revokeRefreshToken(QStringLiteral("acme"));
    const auto refused = sync->write(
        connection, QStringLiteral("incidents"),
        {{QStringLiteral("p-2"), QJsonObject{{QStringLiteral("short_description"), QStringLiteral("Two")}}, {}},
         {QStringLiteral("p-3"), QJsonObject{{QStringLiteral("short_description"), QStringLiteral("Three")}}, {}}});
    QCOMPARE(refused->status, ExecutionStatus::Failed);
    QCOMPARE(refused->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
    const auto kept = m_fixture->store().writes().failedWriteItems(connection, QStringLiteral("incidents")).value();
    QCOMPARE(kept.size(), 2);
    for (const WriteItem &item : kept)
        QCOMPARE(item.errorCode, QStringLiteral("auth.revoked"));
}

QTEST_GUILESS_MAIN(TestServiceNowWrite)
#include "TestServiceNowWrite.moc"
