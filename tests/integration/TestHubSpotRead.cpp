// The read execution against the HubSpot emulator over real loopback HTTP.
#include "FakeClock.h"
#include "SandboxConnector.h"
#include "core/Timestamps.h"
#include "hubspot/HubSpotEmulator.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/ExecutionLeaseKeeper.h"
#include "sync/SyncService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;

class TestHubSpotRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void readsEveryContactOnceAndRefreshesAnExpiredToken();
    void honoursRetryAfterOn429();
    void resumesFromTheCursorAfterAFailedPage();
    void runOfAKilledProcessIsInterruptedAndTheNextReadResumes();
    void revokedRefreshTokenMarksTheConnectionAndLosesNothing();
    void unreachableProviderFailsWithAClearMessage();
    void refreshNowRotatesTheToken();
    void backfillsCompaniesThenReadsOnlyTheChangedOnes();

private:
    qint64 connectPortal(const PortalCredentials &portal, const QDateTime &expiresAt, const QUrl &url);
    SyncService makeService(Clock &clock);
    QString allRecordedText(qint64 executionId);
    QSet<QString> storedIds(qint64 connection, const QString &object, qint64 executionId = 0);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dbPath;
    SecretBytes m_key;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    std::unique_ptr<Store> m_store;
    qint64 m_tenant = 0;
};

void TestHubSpotRead::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_dbPath = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_key = CredentialVault::generateKey();
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_store = SqliteStore::open(m_dbPath).value();
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme Corp")).value();
}

void TestHubSpotRead::cleanup()
{
    m_store.reset();
    m_emulator.reset();
    m_dir.reset();
}

qint64 TestHubSpotRead::connectPortal(const PortalCredentials &portal, const QDateTime &expiresAt, const QUrl &url)
{
    CredentialVault vault(m_key);
    SandboxConnector connector(*m_store, vault);
    return connector
        .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                 QStringLiteral("https://api.hubapi.com"), url, portal, expiresAt)
        .value();
}

SyncService TestHubSpotRead::makeService(Clock &clock)
{
    return SyncService(m_dbPath, m_key, ProviderCatalog::builtIn(), clock);
}

QString TestHubSpotRead::allRecordedText(qint64 executionId)
{
    QString text;
    for (const Exchange &x : m_store->executions().exchanges(executionId).value()) {
        text += x.url;
        for (const auto &[name, value] : x.requestHeaders + x.responseHeaders)
            text += QString::fromUtf8(name + ": " + value + "\n");
        text += QString::fromUtf8(x.requestBody + x.responseBody);
    }
    for (const Event &e : m_store->executions().events(executionId).value())
        text += e.message + QString::fromUtf8(QJsonDocument(e.context).toJson());
    return text;
}

QSet<QString> TestHubSpotRead::storedIds(qint64 connection, const QString &object, qint64 executionId)
{
    QSet<QString> ids;
    for (const StoredRecord &record : m_store->records().storedRecords(connection, object, executionId).value())
        ids.insert(record.recordId);
    return ids;
}

void TestHubSpotRead::readsEveryContactOnceAndRefreshesAnExpiredToken()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 2345, 7);
    m_emulator->expireAccessTokens(QStringLiteral("acme"));
    const qint64 connection = connectPortal(portal, QDateTime::currentDateTimeUtc().addSecs(-60), m_emulator->baseUrl());

    SystemClock clock;
    SyncService sync = makeService(clock);
    const auto execution = sync.read(connection, QStringLiteral("contacts"));
    QVERIFY2(execution.ok(), qPrintable(execution.ok() ? QString() : execution.error().message));
    QCOMPARE(execution->status, ExecutionStatus::Succeeded);
    QCOMPARE(execution->recordCount, 2345);
    QCOMPARE(execution->pageCount, 24);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);

    // Exactly the emulator's contacts, each once.
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 2345);
    QCOMPARE(storedIds(connection, QStringLiteral("contacts")).size(), 2345);
    const QJsonObject cursor =
        QJsonDocument::fromJson(m_store->records().cursor(connection, QStringLiteral("contacts"))->toUtf8()).object();
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QVERIFY(!cursor.value(QStringLiteral("maxUpdatedAt")).toString().isEmpty());

    // Every request is an exchange; none of them, nor any event, holds a secret.
    const auto exchanges = m_store->executions().exchanges(execution->id).value();
    QCOMPARE(exchanges.size(), 25); // one refresh + 24 pages
    QVERIFY(exchanges.first().url.endsWith(QStringLiteral("/oauth/v1/token")));
    QVERIFY(exchanges.at(1).requestHeaders.contains({"Authorization", "Bearer [redacted]"}));
    const QString recorded = allRecordedText(execution->id);
    const PortalCredentials now = *m_emulator->credentials(QStringLiteral("acme"));
    for (const QString &secret : {portal.accessToken, portal.refreshToken, portal.clientSecret, now.accessToken,
                                  now.refreshToken})
        QVERIFY2(!recorded.contains(secret), qPrintable(secret));
    QVERIFY(recorded.contains(QStringLiteral("Access token expired")));

    // The next read asks the search endpoint only for what changed (plus the 60 s lookback), without
    // refreshing again and without duplicates.
    const qint64 newest = static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble());
    QSet<QString> expected;
    for (const StoredRecord &record :
         m_store->records().storedRecords(connection, QStringLiteral("contacts")).value()) {
        if (parseTimestampMs(record.updatedAt).value_or(0) >= newest - 60000)
            expected.insert(record.recordId);
    }
    const QStringList touched = m_emulator->touchContacts(QStringLiteral("acme"), 5);
    expected.unite(QSet<QString>(touched.begin(), touched.end()));
    m_emulator->clearRequestLog();
    const auto again = sync.read(connection, QStringLiteral("contacts"));
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, expected.size());
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("POST"));
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.startsWith(QStringLiteral("/crm/v3/objects/contacts/search")));
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 2345);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    QCOMPARE(QJsonDocument::fromJson(m_store->records().cursor(connection, QStringLiteral("contacts"))->toUtf8())
                 .object()
                 .value(QStringLiteral("mode"))
                 .toString(),
             QStringLiteral("incremental"));
}

void TestHubSpotRead::honoursRetryAfterOn429()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 250, 3);
    const qint64 connection = connectPortal(portal, QDateTime::currentDateTimeUtc().addSecs(1800), m_emulator->baseUrl());
    m_emulator->failNextRequests(1, 1);

    SystemClock clock;
    SyncService sync = makeService(clock);
    const auto execution = sync.read(connection, QStringLiteral("contacts"));
    QVERIFY(execution.ok());
    QCOMPARE(execution->status, ExecutionStatus::Succeeded);
    QCOMPARE(execution->recordCount, 250);

    const auto log = m_emulator->requestLog();
    QVERIFY(log.size() >= 2);
    QCOMPARE(log.at(0).status, 429);
    QCOMPARE(log.at(1).status, 200);
    QVERIFY2(log.at(0).received.msecsTo(log.at(1).received) >= 1000,
             "the retry came before Retry-After allowed it");
    bool explained = false;
    for (const Event &event : m_store->executions().events(execution->id).value())
        explained = explained || event.message.contains(QStringLiteral("waiting 1 s as told by Retry-After"));
    QVERIFY(explained);
}

void TestHubSpotRead::resumesFromTheCursorAfterAFailedPage()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 1000, 5);
    const qint64 connection = connectPortal(portal, QDateTime::currentDateTimeUtc().addSecs(1800), m_emulator->baseUrl());
    test::FakeClock clock;
    SyncService sync = makeService(clock);

    // After the third page is stored, the provider starts refusing every call.
    int pagesSeen = 0;
    const auto failed = sync.read(connection, QStringLiteral("contacts"), [&](const Event &event) {
        if (event.message.startsWith(QStringLiteral("Page ")) && ++pagesSeen == 3)
            m_emulator->failNextRequests(100, 0);
    });
    QVERIFY(failed.ok());
    QCOMPARE(failed->status, ExecutionStatus::Failed);
    QVERIFY2(failed->errorMessage.contains(QStringLiteral("HTTP 429")), qPrintable(failed->errorMessage));
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 300);

    m_emulator->failNextRequests(0, 0);
    m_emulator->clearRequestLog();
    const auto resumed = sync.read(connection, QStringLiteral("contacts"));
    QCOMPARE(resumed->status, ExecutionStatus::Succeeded);
    QCOMPARE(resumed->recordCount, 700); // only what was missing
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 1000);
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.contains(QStringLiteral("after=")));
}

void TestHubSpotRead::runOfAKilledProcessIsInterruptedAndTheNextReadResumes()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 1000, 5);
    const qint64 connection =
        connectPortal(portal, QDateTime::currentDateTimeUtc().addSecs(1800), m_emulator->baseUrl());

    // Another Patchbay process reads the connection and stops after its third page, until it is killed.
    QProcess other;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATCHBAY_MASTER_KEY"), QString::fromLatin1(m_key.reveal().toBase64()));
    other.setProcessEnvironment(env);
    QByteArray output;
    connect(&other, &QProcess::readyReadStandardOutput, this, [&] { output += other.readAllStandardOutput(); });
    other.start(QStringLiteral(PATCHBAY_TEST_PROBE_PATH),
                {QStringLiteral("read"), m_dbPath, QString::number(connection), QStringLiteral("3")});
    // The emulator answers from this thread's event loop, which QTRY keeps turning.
    QTRY_VERIFY2_WITH_TIMEOUT(output.contains("holding\n"), qPrintable(QString::fromUtf8(output)), 120000);
    const qint64 run = m_store->executions().executions(connection, 1)->first().id;
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 300);

    // While it lives, this process's sweep leaves its run alone.
    test::FakeClock clock;
    SyncService sync = makeService(clock);
    QVERIFY(sync.interruptAbandonedExecutions()->isEmpty());
    QCOMPARE(m_store->executions().execution(run)->status, ExecutionStatus::Running);

    const qint64 pid = other.processId();
    other.kill(); // SIGKILL: no chance to close its execution
    QVERIFY(other.waitForFinished(30000));
    QCOMPARE(m_store->executions().execution(run)->status, ExecutionStatus::Running);

    // Once its lease has run out, the next read closes the run as interrupted and goes on from its cursor.
    clock.sleep(std::chrono::duration_cast<std::chrono::milliseconds>(ExecutionLeaseKeeper::kLeaseDuration) +
                std::chrono::seconds(1));
    m_emulator->clearRequestLog();
    const auto resumed = sync.read(connection, QStringLiteral("contacts"));
    QVERIFY(resumed.ok());
    QCOMPARE(resumed->status, ExecutionStatus::Succeeded);
    QCOMPARE(resumed->recordCount, 700); // only what the killed run had not stored
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 1000);
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.contains(QStringLiteral("after=")));

    const Execution interrupted = m_store->executions().execution(run).value();
    QCOMPARE(interrupted.status, ExecutionStatus::Interrupted);
    QCOMPARE(interrupted.recordCount, 300);
    const QList<Event> events = m_store->executions().events(run).value();
    QVERIFY(events.last().message.startsWith(QStringLiteral("Interrupted: the process that ran this execution")));
    QVERIFY2(events.last().message.contains(QStringLiteral(" pid %1 ").arg(pid)), qPrintable(events.last().message));
}

void TestHubSpotRead::revokedRefreshTokenMarksTheConnectionAndLosesNothing()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 120, 9);
    const qint64 connection = connectPortal(portal, QDateTime::currentDateTimeUtc().addSecs(1800), m_emulator->baseUrl());
    SystemClock clock;
    SyncService sync = makeService(clock);
    QCOMPARE(sync.read(connection, QStringLiteral("contacts"))->recordCount, 120);
    const QByteArray sealedBefore = m_store->credentials().credential(connection)->sealed;

    m_emulator->revokeRefreshToken(QStringLiteral("acme"));
    m_emulator->expireAccessTokens(QStringLiteral("acme"));
    const auto failed = sync.read(connection, QStringLiteral("contacts"));
    QVERIFY(failed.ok());
    QCOMPARE(failed->status, ExecutionStatus::Failed);
    QCOMPARE(failed->errorCode, QStringLiteral("auth.revoked"));
    QVERIFY2(failed->errorMessage.contains(QStringLiteral("re-authorisation")), qPrintable(failed->errorMessage));
    const auto refreshExchange = m_store->executions().exchanges(failed->id)->last();
    QCOMPARE(refreshExchange.status, 400);
    // The provider's own words reach the support person.
    const QString providerMessage = QJsonDocument::fromJson(refreshExchange.responseBody).object()
                                        .value(QStringLiteral("message")).toString();
    QVERIFY(!providerMessage.isEmpty());
    QVERIFY2(failed->errorMessage.contains(providerMessage), qPrintable(failed->errorMessage));

    const Connection after = m_store->tenants().connection(connection).value();
    QCOMPARE(after.status, ConnectionStatus::NeedsReauth);
    QVERIFY(!after.statusMessage.isEmpty());
    // Nothing lost: records, cursor and the stored credential are as they were.
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 120);
    QCOMPARE(m_store->credentials().credential(connection)->sealed, sealedBefore);

    // Later reads fail fast with the reason, without calling the provider.
    m_emulator->clearRequestLog();
    const auto blocked = sync.read(connection, QStringLiteral("contacts"));
    QCOMPARE(blocked->status, ExecutionStatus::Failed);
    QCOMPARE(blocked->errorCode, QStringLiteral("auth.needs_reauth"));
    QVERIFY(m_emulator->requestLog().isEmpty());
}

void TestHubSpotRead::unreachableProviderFailsWithAClearMessage()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 10, 1);
    // A port that was just free: nothing listens there.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const QUrl closed(QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort()));
    probe.close();
    const qint64 connection = connectPortal(portal, QDateTime::currentDateTimeUtc().addSecs(1800), closed);

    test::FakeClock clock;
    SyncService sync = makeService(clock);
    const auto execution = sync.read(connection);
    QVERIFY(execution.ok());
    QCOMPARE(execution->status, ExecutionStatus::Failed);
    QCOMPARE(execution->errorCode, QStringLiteral("http.unreachable"));
    QVERIFY2(execution->errorMessage.contains(QStringLiteral("Cannot reach the provider after 6 attempts")),
             qPrintable(execution->errorMessage));
    QCOMPARE(clock.sleeps().size(), 5); // backed off between attempts, as the definition allows
    QCOMPARE(m_store->executions().exchanges(execution->id)->size(), 6);
    QCOMPARE(m_store->tenants().connection(connection)->status, ConnectionStatus::Active);
}

void TestHubSpotRead::refreshNowRotatesTheToken()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 10, 1);
    const qint64 connection = connectPortal(portal, QDateTime::currentDateTimeUtc().addSecs(1800), m_emulator->baseUrl());
    SystemClock clock;
    SyncService sync = makeService(clock);
    const auto execution = sync.refreshToken(connection);
    QCOMPARE(execution->status, ExecutionStatus::Succeeded);
    QCOMPARE(execution->kind, QStringLiteral("refresh"));
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    const auto opened = CredentialVault(m_key).open(connection, m_store->credentials().credential(connection)->sealed);
    QCOMPARE(QString::fromUtf8(opened->accessToken.reveal()), m_emulator->credentials(QStringLiteral("acme"))->accessToken);
    QVERIFY(m_store->credentials().credential(connection)->expiresAt > QDateTime::currentDateTimeUtc().addSecs(1700));
}

void TestHubSpotRead::backfillsCompaniesThenReadsOnlyTheChangedOnes()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 40, 13, 250);
    const qint64 connection = connectPortal(portal, QDateTime::currentDateTimeUtc().addSecs(1800), m_emulator->baseUrl());
    const HubSpotObjectStore &companies =
        *m_emulator->objectStore(QStringLiteral("acme"), QStringLiteral("companies"));
    QSet<QString> emulated;
    for (const HubSpotRecord &company : companies.records())
        emulated.insert(QString::number(company.id));
    QCOMPARE(emulated.size(), 250);

    SystemClock clock;
    SyncService sync = makeService(clock);
    m_emulator->clearRequestLog();
    const auto backfill = sync.read(connection, QStringLiteral("companies"));
    QVERIFY2(backfill.ok(), qPrintable(backfill.ok() ? QString() : backfill.error().message));
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 250);
    QCOMPARE(backfill->pageCount, 3);

    // Exactly the emulator's companies, each once, and nothing of the contacts object.
    QCOMPARE(storedIds(connection, QStringLiteral("companies")), emulated);
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("companies")), 250);
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 0);
    const QList<RequestLogEntry> pages = m_emulator->requestLog();
    QCOMPARE(pages.size(), 3);
    for (int i = 0; i < pages.size(); ++i) {
        QCOMPARE(pages.at(i).method, QStringLiteral("GET"));
        QVERIFY2(pages.at(i).pathAndQuery.startsWith(QStringLiteral("/crm/v3/objects/companies?")),
                 qPrintable(pages.at(i).pathAndQuery));
        QVERIFY(pages.at(i).pathAndQuery.contains(QStringLiteral("hs_lastmodifieddate")));
        QCOMPARE(pages.at(i).pathAndQuery.contains(QStringLiteral("after=")), i > 0);
    }
    const QJsonObject cursor =
        QJsonDocument::fromJson(m_store->records().cursor(connection, QStringLiteral("companies"))->toUtf8()).object();
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const qint64 newest = static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble());
    qint64 newestEmulated = 0;
    for (const HubSpotRecord &company : companies.records())
        newestEmulated = std::max(newestEmulated, company.updatedAt.toMSecsSinceEpoch());
    QCOMPARE(newest, newestEmulated);

    // What the next read must write: the companies touched now, plus those inside the 60 s lookback.
    const qint64 since = newest - 60000;
    QSet<QString> expected;
    for (const HubSpotRecord &company : companies.records()) {
        if (company.updatedAt.toMSecsSinceEpoch() >= since)
            expected.insert(QString::number(company.id));
    }
    const QStringList touched = m_emulator->touch(QStringLiteral("acme"), QStringLiteral("companies"), 4);
    QCOMPARE(touched.size(), 4);
    expected.unite(QSet<QString>(touched.begin(), touched.end()));
    m_emulator->touchContacts(QStringLiteral("acme"), 3); // other objects' changes stay out of this read

    m_emulator->clearRequestLog();
    const auto again = sync.read(connection, QStringLiteral("companies"));
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, expected.size());
    QCOMPARE(storedIds(connection, QStringLiteral("companies"), again->id), expected);
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("companies")), 250);
    QCOMPARE(m_store->records().recordCount(connection, QStringLiteral("contacts")), 0);
    for (const QString &id : touched) {
        const QJsonObject stored =
            QJsonDocument::fromJson(m_store->records().record(connection, QStringLiteral("companies"), id)->data)
                .object();
        QCOMPARE(stored.value(QStringLiteral("properties")).toObject().value(QStringLiteral("phone")).toString(),
                 companies.record(id.toLongLong())->properties.value(QStringLiteral("phone")));
    }

    // One search request, on the companies' own last-modified property.
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QCOMPARE(m_emulator->requestLog().first().method, QStringLiteral("POST"));
    // (The list's properties parameter rides along: an incremental request cannot drop an inherited parameter.)
    QVERIFY2(m_emulator->requestLog().first().pathAndQuery.startsWith(QStringLiteral("/crm/v3/objects/companies/search")),
             qPrintable(m_emulator->requestLog().first().pathAndQuery));
    const auto exchanges = m_store->executions().exchanges(again->id).value();
    QCOMPARE(exchanges.size(), 1);
    const QJsonObject body = QJsonDocument::fromJson(exchanges.first().requestBody).object();
    const QJsonObject filter = body.value(QStringLiteral("filterGroups")).toArray().first().toObject()
                                   .value(QStringLiteral("filters")).toArray().first().toObject();
    QCOMPARE(filter.value(QStringLiteral("propertyName")).toString(), QStringLiteral("hs_lastmodifieddate"));
    QCOMPARE(filter.value(QStringLiteral("operator")).toString(), QStringLiteral("GTE"));
    QCOMPARE(filter.value(QStringLiteral("value")).toVariant().toLongLong(), since);
    QCOMPARE(body.value(QStringLiteral("sorts")).toArray().first().toObject().value(QStringLiteral("propertyName")).toString(),
             QStringLiteral("hs_lastmodifieddate"));
    QCOMPARE(QJsonDocument::fromJson(m_store->records().cursor(connection, QStringLiteral("companies"))->toUtf8())
                 .object()
                 .value(QStringLiteral("mode"))
                 .toString(),
             QStringLiteral("incremental"));
}

QTEST_GUILESS_MAIN(TestHubSpotRead)
#include "TestHubSpotRead.moc"
