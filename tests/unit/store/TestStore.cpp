#include "ManualClock.h"
#include "StoreFactory.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

// The store's contract, through its interfaces only, so that every implementation runs the same suite (see
// storeFactories()).
class TestStore : public QObject
{
    Q_OBJECT

public:
    explicit TestStore(StoreFactory &factory) : m_factory(factory) {}

private Q_SLOTS:
    void init();
    void reopeningKeepsData();
    void failedPageCommitChangesNothing();
    void commitPageUpsertsAndAdvancesCursor();
    void executionsPageNewestFirst();
    void executionsAcrossTenantsFilterAndPage();
    void partialFailureIsItsOwnOutcome();
    void executionTextSearchTakesWildcardsLiterally();
    void connectionActivityCountsSyncsNotTokenOperations();
    void tokenHistoryCountsFailuresSinceTheLastSuccess();
    void replayIsLinkedToItsOriginal();
    void failedRecordsOfOneExecution();
    void emptyObjectFilterFindsEveryFailedWrite();
    void nestedTransactionRollsBackOnlyItsPart();
    void runOfADeadOwnerIsInterruptedWithAnEvent();
    void runsOfALiveOwnerAreKept();
    void renewedLeaseKeepsARunAlive();
    void webhookEventsAreKeptPerConnection();
    void webhookRejectionsAreCountedPerSource();
    void webhookInboxKeepsACallOnceByItsDedupeKey();
    void webhookInboxClaimsInOrderPerConnectionAndRetries();
    void webhookInboxClaimOfADeadWorkerRunsOut();
    void webhookReplayIsAnEntryOfItsOwnLinkedToTheOriginal();
    void everyTimeWrittenComesFromTheClock();
    void jobsAreClaimedInDueOrderAndNeverTwice();
    void claimPassesOverPausedAndUnauthorisedConnections();
    void jobOfADeadOwnerIsClaimedAgain();
    void scheduledJobsDoNotStackUp();
    void unscheduledQueuedJobsAreRemoved();
    void apiKeyIsStoredOnlyAsAHashAndVerifies();
    void revokedApiKeyNoLongerVerifies();
    void apiKeyLastUseIsStampedAtMostOnceAMinute();
    void auditEntriesListNewestFirstWithFiltersAndPages();
    void deletingATenantRemovesAllItsDataAndNoOneElses();
    void deletingAConnectionRemovesItsDataOnly();
    void connectSessionOpensOnce();
    void abandonedConnectSessionsAreListedUntilRemoved();
    void reauthorizationSessionKeepsItsConnection();
    void changeLogNumbersCreatedAndUpdatedRecords();
    void identicalReReadLogsNoChange();
    void deletionsAreLoggedWithoutTheRecord();
    void changeFeedIsPerConnectionAndObject();
    void changeFeedPagesWithoutGapsOrRepeatsWhileWritesHappen();
    void failedLogWriteStoresNoRecord();
    void compactionKeepsEachRecordsLatestChange();
    void notificationIsQueuedOncePerEndpointAndEvent();
    void dueDeliveriesAreClaimedOnceUntilTheirLeaseEnds();
    void deliveriesListNewestFirstWithFiltersAndPages();
    void notifierSourcesSumUpWhatHappened();

private:
    std::unique_ptr<Store> openStore(const Clock &clock = SystemClock::instance());

    StoreFactory &m_factory;
};

namespace {

const QString kContacts = QStringLiteral("contacts");
const QDateTime kStart = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);

// A new execution of the connection reading contacts.
qint64 startExecution(Store &store, qint64 connection, const QString &kind = QStringLiteral("read"))
{
    return store.executions().startExecution(connection, kind, kContacts).value();
}

// The mapped record {"v": value} of the given id.
StoredRecord versionOf(const QString &id, int value)
{
    return StoredRecord{id, QStringLiteral("{\"v\":%1}").arg(value).toUtf8(), {}};
}

// The object's whole change log as "kind id" lines, oldest first.
QStringList changeLog(Store &store, qint64 connection, const QString &object)
{
    QStringList lines;
    const auto page = store.records().changes(connection, object, 0, 1000);
    if (!page)
        return {page.error().toString()};
    for (const RecordChange &change : page->changes)
        lines.append(change.change + QLatin1Char(' ') + change.recordId);
    return lines;
}

} // namespace

void TestStore::init()
{
    QVERIFY2(m_factory.createDatabase(), qPrintable(m_factory.name()));
}

std::unique_ptr<Store> TestStore::openStore(const Clock &clock)
{
    return openedOrNull(m_factory.open(clock));
}

void TestStore::reopeningKeepsData()
{
    {
        auto store = openStore();
        QVERIFY(store);
        addAcmeConnection(*store);
    }
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(store->tenants().tenants()->size(), 1);
    QCOMPARE(store->tenants().connections()->first().displayName, QStringLiteral("Acme HubSpot"));
}

void TestStore::failedPageCommitChangesNothing()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 execution =
        store->executions().startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts")).value();
    QVERIFY(store->records()
                .commitPage(connection, QStringLiteral("contacts"), execution,
                            {{QStringLiteral("1"), "{\"id\":\"1\"}", {}}}, QStringLiteral("{\"after\":\"1\"}"))
                .ok());

    // The cursor write fails after the records were written: the whole page must roll back.
    m_factory.failInsertsInto(*store, QStringLiteral("cursors"));
    const auto result = store->records().commitPage(
        connection, QStringLiteral("contacts"), execution,
        {{QStringLiteral("2"), "{\"id\":\"2\"}", {}}, {QStringLiteral("3"), "{\"id\":\"3\"}", {}}},
        QStringLiteral("{\"after\":\"3\"}"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("test.injected"));
    m_factory.clearFailures(*store);
    QCOMPARE(store->records().recordCount(connection, QStringLiteral("contacts")), 1);
    QCOMPARE(*store->records().cursor(connection, QStringLiteral("contacts")), QStringLiteral("{\"after\":\"1\"}"));
    // The rolled-back records left no change behind either.
    QCOMPARE(changeLog(*store, connection, QStringLiteral("contacts")), QStringList{QStringLiteral("created 1")});
}

void TestStore::commitPageUpsertsAndAdvancesCursor()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 execution =
        store->executions().startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts")).value();
    QVERIFY(store->records()
                .commitPage(connection, QStringLiteral("contacts"), execution,
                            {{QStringLiteral("1"), "{\"v\":1}", {}}, {QStringLiteral("2"), "{\"v\":1}", {}}},
                            QStringLiteral("a"))
                .ok());
    QVERIFY(store->records()
                .commitPage(connection, QStringLiteral("contacts"), execution, {{QStringLiteral("2"), "{\"v\":2}", {}}},
                            QStringLiteral("b"))
                .ok());
    QCOMPARE(store->records().recordCount(connection, QStringLiteral("contacts")), 2);
    QCOMPARE(store->records().record(connection, QStringLiteral("contacts"), QStringLiteral("2"))->data,
             QByteArray("{\"v\":2}"));
    QCOMPARE(*store->records().cursor(connection, QStringLiteral("contacts")), QStringLiteral("b"));
}

void TestStore::executionsPageNewestFirst()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(
            store->executions().startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts")).value());
    QVERIFY(store->executions()
                .finishExecution(ids.last(), ExecutionStatus::Failed, {3, 1, 2},
                                 Error{QStringLiteral("x"), QStringLiteral("boom")})
                .ok());
    const auto first = store->executions().executions(connection, 3).value();
    QCOMPARE(first.size(), 3);
    QCOMPARE(first.first().id, ids.last());
    QCOMPARE(first.first().status, ExecutionStatus::Failed);
    QCOMPARE(first.first().errorMessage, QStringLiteral("boom"));
    QCOMPARE(first.first().recordCount, 3);
    const auto second = store->executions().executions(connection, 3, first.last().id).value();
    QCOMPARE(second.size(), 2);
    QCOMPARE(second.last().id, ids.first());
    QCOMPARE(store->tenants().connection(connection)->lastSyncStatus, ExecutionStatus::Failed);
}

namespace {

// The ids of the rows, in order.
QList<qint64> idsOf(const Result<QList<ExecutionRow>> &rows)
{
    QList<qint64> ids;
    if (!rows) {
        qWarning() << rows.error().toString();
        return {-1};
    }
    for (const ExecutionRow &row : rows.value())
        ids.append(row.execution.id);
    return ids;
}

// A finished execution of the kind, with the counts given and, when failing, an error.
qint64 finishedExecution(Store &store, qint64 connection, const QString &kind, const QString &status,
                         const ExecutionCounts &counts = {}, const QString &error = {})
{
    const qint64 id = startExecution(store, connection, kind);
    std::optional<Error> failure;
    if (!error.isEmpty())
        failure = Error{QStringLiteral("sync.provider_error"), error};
    if (!store.executions().finishExecution(id, status, counts, failure))
        return -1;
    return id;
}

} // namespace

void TestStore::executionsAcrossTenantsFilterAndPage()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 acme = addAcmeConnection(*store);
    const qint64 initech = addHubSpotConnection(*store, QStringLiteral("initech"), QStringLiteral("Initech"),
                                                QStringLiteral("Initech CRM"));
    const qint64 initechTenant = store->tenants().connection(initech)->tenantId;
    // Alternating tenants, one a minute: a read, a write, a refresh, ...
    QList<qint64> ids;
    for (int i = 0; i < 9; ++i) {
        const qint64 connection = i % 2 ? initech : acme;
        const QString kind = QStringList{QStringLiteral("read"), QStringLiteral("write"), QStringLiteral("refresh")}
                                 .at(i % 3);
        const qint64 id = startExecution(*store, connection, kind);
        clock.advance(std::chrono::seconds(20));
        QVERIFY(store->executions().finishExecution(id, ExecutionStatus::Succeeded, {4, 1, 1, 0}, std::nullopt));
        clock.advance(std::chrono::seconds(40));
        ids.append(id);
    }
    auto &executions = store->executions();
    QList<qint64> newestFirst(ids.rbegin(), ids.rend());
    QCOMPARE(idsOf(executions.findExecutions({})), newestFirst);

    // Pages of 4 with the last id seen: nothing missed or repeated.
    ExecutionFilter page;
    page.limit = 4;
    QList<qint64> paged;
    for (;;) {
        const QList<qint64> got = idsOf(executions.findExecutions(page));
        paged += got;
        if (got.size() < page.limit)
            break;
        page.beforeId = got.last();
    }
    QCOMPARE(paged, newestFirst);

    ExecutionFilter byTenant;
    byTenant.tenantId = initechTenant;
    QCOMPARE(idsOf(executions.findExecutions(byTenant)), (QList<qint64>{ids[7], ids[5], ids[3], ids[1]}));
    ExecutionFilter byConnection;
    byConnection.connectionId = acme;
    byConnection.kind = QStringLiteral("write");
    QCOMPARE(idsOf(executions.findExecutions(byConnection)), (QList<qint64>{ids[4]}));
    ExecutionFilter byTime;
    byTime.startedFrom = kStart.addSecs(2 * 60);
    byTime.startedBefore = kStart.addSecs(4 * 60);
    QCOMPARE(idsOf(executions.findExecutions(byTime)), (QList<qint64>{ids[3], ids[2]}));

    // What the Runs view shows of each.
    const ExecutionRow write = executions.findExecutions(byConnection)->first();
    QCOMPARE(write.tenantName, QStringLiteral("Acme Corp"));
    QCOMPARE(write.connectionName, QStringLiteral("Acme HubSpot"));
    QCOMPARE(write.provider, QStringLiteral("hubspot"));
    QCOMPARE(write.durationMs, 20000);
    QCOMPARE(write.recordsWritten, 4);
    QCOMPARE(write.recordsRead, 0);
    QCOMPARE(write.outcome, ExecutionOutcome::Succeeded);
    QCOMPARE(write.replayOf, 0);
    byTenant.beforeId = ids[1];
    QVERIFY(executions.findExecutions(byTenant)->isEmpty());
}

void TestStore::partialFailureIsItsOwnOutcome()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 clean = finishedExecution(*store, connection, QStringLiteral("read"), ExecutionStatus::Succeeded,
                                           {500, 5, 5, 0});
    const qint64 partial = finishedExecution(*store, connection, QStringLiteral("read"), ExecutionStatus::Succeeded,
                                             {339, 5, 5, 161});
    const qint64 failed = finishedExecution(*store, connection, QStringLiteral("read"), ExecutionStatus::Failed,
                                            {0, 0, 1, 0}, QStringLiteral("HTTP 500 from the provider"));
    const qint64 running = startExecution(*store, connection);
    ExecutionFilter filter;
    const auto all = store->executions().findExecutions(filter).value();
    QCOMPARE(all.size(), 4);
    QCOMPARE(all[0].outcome, ExecutionOutcome::Running);
    QCOMPARE(all[0].durationMs, 0);
    QCOMPARE(all[1].outcome, ExecutionOutcome::Failed);
    QCOMPARE(all[1].message, QStringLiteral("HTTP 500 from the provider"));
    QCOMPARE(all[2].outcome, ExecutionOutcome::Partial);
    QCOMPARE(all[2].execution.status, ExecutionStatus::Succeeded);
    QCOMPARE(all[2].recordsFailed, 161);
    QCOMPARE(all[2].recordsRead, 339);
    QCOMPARE(all[3].outcome, ExecutionOutcome::Succeeded);
    for (const auto &[outcome, id] : {std::pair{ExecutionOutcome::Partial, partial},
                                      std::pair{ExecutionOutcome::Succeeded, clean},
                                      std::pair{ExecutionOutcome::Failed, failed},
                                      std::pair{ExecutionOutcome::Running, running}}) {
        filter.outcome = outcome;
        QCOMPARE(idsOf(store->executions().findExecutions(filter)), QList<qint64>{id});
    }
}

void TestStore::executionTextSearchTakesWildcardsLiterally()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 quota = finishedExecution(*store, connection, QStringLiteral("read"), ExecutionStatus::Failed, {},
                                           QStringLiteral("Daily API quota 100% used"));
    const qint64 other = finishedExecution(*store, connection, QStringLiteral("read"), ExecutionStatus::Failed, {},
                                           QStringLiteral("HTTP 503 from the provider"));
    ExecutionFilter filter;
    filter.text = QStringLiteral("QUOTA");
    QCOMPARE(idsOf(store->executions().findExecutions(filter)), QList<qint64>{quota});
    filter.text = QStringLiteral("100%");
    QCOMPARE(idsOf(store->executions().findExecutions(filter)), QList<qint64>{quota});
    filter.text = QStringLiteral("%");
    QCOMPARE(idsOf(store->executions().findExecutions(filter)), QList<qint64>{quota});
    filter.text = QStringLiteral("HTTP_503");
    QVERIFY(store->executions().findExecutions(filter)->isEmpty());
    filter.text = QStringLiteral("provider_error"); // the error code
    QCOMPARE(idsOf(store->executions().findExecutions(filter)), (QList<qint64>{other, quota}));
}

void TestStore::connectionActivityCountsSyncsNotTokenOperations()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 acme = addAcmeConnection(*store);
    const qint64 initech = addHubSpotConnection(*store, QStringLiteral("initech"), QStringLiteral("Initech"),
                                                QStringLiteral("Initech CRM"));
    const qint64 old = finishedExecution(*store, acme, QStringLiteral("read"), ExecutionStatus::Failed, {},
                                         QStringLiteral("old failure"));
    clock.advance(std::chrono::hours(30));
    const QDateTime since = clock.now();
    clock.advance(std::chrono::minutes(1));
    const qint64 write = finishedExecution(*store, acme, QStringLiteral("write"), ExecutionStatus::Succeeded,
                                           {3, 1, 1, 2});
    const QDateTime writeFinished = clock.now();
    clock.advance(std::chrono::minutes(1));
    finishedExecution(*store, acme, QStringLiteral("refresh"), ExecutionStatus::Failed, {},
                      QStringLiteral("invalid_grant"));
    finishedExecution(*store, acme, QStringLiteral("refresh"), ExecutionStatus::Succeeded);
    startExecution(*store, acme, QStringLiteral("read")); // running: not a sync yet
    QVERIFY(old > 0);

    const auto activity = store->executions().connectionActivity(since).value();
    QCOMPARE(activity.size(), 2);
    QCOMPARE(activity[0].connection.id, acme); // "Acme Corp" before "Initech"
    QCOMPARE(activity[0].tenantName, QStringLiteral("Acme Corp"));
    QVERIFY(activity[0].lastSync);
    QCOMPARE(activity[0].lastSync->execution.id, write);
    QCOMPARE(activity[0].lastSync->execution.finishedAt, writeFinished);
    QCOMPARE(activity[0].lastSync->outcome, ExecutionOutcome::Partial);
    QCOMPARE(activity[0].failedRunsSince, 1); // the refresh; the read failed before `since`
    QCOMPARE(activity[1].connection.id, initech);
    QVERIFY(!activity[1].lastSync);
    QCOMPARE(activity[1].failedRunsSince, 0);

    const qint64 initechTenant = store->tenants().connection(initech)->tenantId;
    const auto one = store->executions().connectionActivity(since, initechTenant).value();
    QCOMPARE(one.size(), 1);
    QCOMPARE(one[0].connection.id, initech);
}

void TestStore::tokenHistoryCountsFailuresSinceTheLastSuccess()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    QCOMPARE(store->executions().tokenHistory(connection, 10)->consecutiveFailures, 0);
    finishedExecution(*store, connection, QStringLiteral("refresh"), ExecutionStatus::Failed, {}, QStringLiteral("a"));
    const qint64 authorized =
        finishedExecution(*store, connection, QStringLiteral("authorize"), ExecutionStatus::Succeeded);
    finishedExecution(*store, connection, QStringLiteral("read"), ExecutionStatus::Failed, {}, QStringLiteral("x"));
    const qint64 second =
        finishedExecution(*store, connection, QStringLiteral("refresh"), ExecutionStatus::Failed, {},
                          QStringLiteral("invalid_grant: the refresh token was revoked"));
    const qint64 third = finishedExecution(*store, connection, QStringLiteral("refresh"), ExecutionStatus::Failed, {},
                                           QStringLiteral("invalid_grant: the refresh token was revoked"));
    const auto history = store->executions().tokenHistory(connection, 10).value();
    QCOMPARE(history.consecutiveFailures, 2);
    QCOMPARE(history.operations.size(), 4); // the read is no token operation
    QCOMPARE(history.operations[0].execution.id, third);
    QCOMPARE(history.operations[0].message, QStringLiteral("invalid_grant: the refresh token was revoked"));
    QCOMPARE(history.operations[1].execution.id, second);
    QCOMPARE(history.operations[2].execution.id, authorized);
    QCOMPARE(store->executions().tokenHistory(connection, 2)->operations.size(), 2);
}

void TestStore::replayIsLinkedToItsOriginal()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 original =
        finishedExecution(*store, connection, QStringLiteral("read"), ExecutionStatus::Failed, {}, QStringLiteral("x"));
    const qint64 replay = startExecution(*store, connection);
    QVERIFY(store->executions().setReplayOf(replay, original));
    const auto rows = store->executions().findExecutions({}).value();
    QCOMPARE(rows[0].replayOf, original);
    QCOMPARE(rows[1].replayOf, 0);
    // and the original names its replay, the latest when replayed again
    QCOMPARE(rows[0].replayedBy, 0);
    QCOMPARE(rows[1].replayedBy, replay);
    const qint64 again = startExecution(*store, connection);
    QVERIFY(store->executions().setReplayOf(again, original));
    QCOMPARE(store->executions().findExecutions({}).value().last().replayedBy, again);
    QCOMPARE(store->executions().setReplayOf(replay + 100, original).error().code, QStringLiteral("store.not_found"));
}

void TestStore::failedRecordsOfOneExecution()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 first = startExecution(*store, connection);
    const qint64 second = startExecution(*store, connection);
    const auto failedRecord = [](const QString &id) {
        FailedRecord failed;
        failed.object = kContacts;
        failed.recordId = id;
        failed.raw = "{\"email\":\"a@example.com\"}";
        failed.errors = QJsonArray{QJsonObject{{QStringLiteral("field"), QStringLiteral("email")},
                                               {QStringLiteral("code"), QStringLiteral("T2001")},
                                               {QStringLiteral("position"), 7},
                                               {QStringLiteral("message"), QStringLiteral("not a string")}}};
        return failed;
    };
    QVERIFY(store->records().commitPage(connection, kContacts, first, {}, std::nullopt, {failedRecord("1")}));
    QVERIFY(store->records().commitPage(connection, kContacts, second, {}, std::nullopt,
                                        {failedRecord("2"), failedRecord("3")}));
    const auto ofSecond = store->records().failedRecordsOf(second).value();
    QCOMPARE(ofSecond.size(), 2);
    QCOMPARE(ofSecond[0].recordId, QStringLiteral("2"));
    QCOMPARE(ofSecond[1].recordId, QStringLiteral("3"));
    QCOMPARE(ofSecond[0].errors, failedRecord("2").errors);
    QCOMPARE(ofSecond[0].raw, failedRecord("2").raw);
    QCOMPARE(store->records().failedRecordsOf(first)->size(), 1);
    QVERIFY(store->records().failedRecordsOf(second + 100)->isEmpty());
}

void TestStore::emptyObjectFilterFindsEveryFailedWrite()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 execution =
        store->executions().startExecution(connection, QStringLiteral("write"), QStringLiteral("contacts")).value();
    WriteItem refused;
    refused.executionId = execution;
    refused.object = QStringLiteral("contacts");
    refused.key = QStringLiteral("user-1002");
    refused.operation = QStringLiteral("create");
    refused.status = QStringLiteral("failed");
    refused.errorCode = QStringLiteral("http.400");
    refused.payload = "{}";
    QVERIFY(store->writes().addWriteItems(connection, {refused}).ok());

    // "Write failed records again" names no object: QString(), as the console passes it.
    const auto all = store->writes().failedWriteItems(connection, QString());
    QVERIFY(all.ok());
    QCOMPARE(all->size(), 1);
    QCOMPARE(all->first().key, QStringLiteral("user-1002"));
    QCOMPARE(store->writes().failedWriteItems(connection, QStringLiteral(""))->size(), 1);
    QCOMPARE(store->writes().failedWriteItems(connection, QStringLiteral("contacts"))->size(), 1);
    QCOMPARE(store->writes().failedWriteItems(connection, QStringLiteral("companies"))->size(), 0);
}

void TestStore::nestedTransactionRollsBackOnlyItsPart()
{
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(
        store
            ->inTransaction([&]() -> Result<void> {
                if (auto made = store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")); !made)
                    return made.error();
                // Fails: only globex goes.
                const auto failed = store->inTransaction([&]() -> Result<void> {
                    if (auto made = store->tenants().createTenant(QStringLiteral("globex"), QStringLiteral("Globex"));
                        !made)
                        return made.error();
                    return makeError("test.abandoned", QStringLiteral("given up"));
                });
                if (failed.ok())
                    return makeError("test.unexpected", QStringLiteral("the inner transaction succeeded"));
                return store->inTransaction([&]() -> Result<void> {
                    if (auto made = store->tenants().createTenant(QStringLiteral("initech"), QStringLiteral("Initech"));
                        !made)
                        return made.error();
                    return {};
                });
            })
            .ok());
    QStringList names;
    for (const Tenant &tenant : store->tenants().tenants().value())
        names.append(tenant.name);
    QCOMPARE(names, QStringList({QStringLiteral("acme"), QStringLiteral("initech")}));
}

void TestStore::runOfADeadOwnerIsInterruptedWithAnEvent()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    const ExecutionLease lease{QStringLiteral("worker-7 pid 4242 start 1f"), now.addSecs(90)};
    const qint64 execution = store->executions()
                                 .startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts"), lease)
                                 .value();
    QVERIFY(store->records()
                .commitPage(connection, QStringLiteral("contacts"), execution,
                            {{QStringLiteral("1"), "{\"id\":\"1\"}", {}}}, QStringLiteral("{\"after\":\"1\"}"))
                .ok());

    // Its process was killed: the lease is never renewed, and a sweep after it ran out closes the run.
    QCOMPARE(store->executions().interruptAbandonedExecutions(now.addSecs(60)).value(), QList<qint64>());
    QCOMPARE(store->executions().execution(execution)->status, ExecutionStatus::Running);
    QCOMPARE(store->executions().interruptAbandonedExecutions(now.addSecs(91)).value(), QList<qint64>{execution});

    const Execution closed = store->executions().execution(execution).value();
    QCOMPARE(closed.status, ExecutionStatus::Interrupted);
    QCOMPARE(closed.errorCode, QStringLiteral("sync.interrupted"));
    QCOMPARE(closed.finishedAt, now.addSecs(91));
    const QList<Event> events = store->executions().events(execution).value();
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.last().level, EventLevel::Error);
    QVERIFY2(events.last().message.contains(QStringLiteral("worker-7 pid 4242")), qPrintable(events.last().message));
    QVERIFY(events.last().message.contains(QStringLiteral("stored cursor")));
    QCOMPARE(store->tenants().connection(connection)->lastSyncStatus, ExecutionStatus::Interrupted);
    // What it stored stays, and the next run starts from there.
    QCOMPARE(*store->records().cursor(connection, QStringLiteral("contacts")), QStringLiteral("{\"after\":\"1\"}"));
    QCOMPARE(store->records().recordCount(connection, QStringLiteral("contacts")), 1);
    // Once.
    QCOMPARE(store->executions().interruptAbandonedExecutions(now.addSecs(500)).value(), QList<qint64>());
    QCOMPARE(store->executions().events(execution)->size(), events.size());
}

void TestStore::runsOfALiveOwnerAreKept()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    const qint64 dead = store->executions()
                            .startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts"),
                                            {QStringLiteral("gone pid 1 start a"), now.addSecs(-1)})
                            .value();
    const qint64 live = store->executions()
                            .startExecution(connection, QStringLiteral("read"), QStringLiteral("companies"),
                                            {QStringLiteral("other pid 2 start b"), now.addSecs(30)})
                            .value();
    // No lease (a run written by hand, as the demo data does): never taken for abandoned.
    const qint64 unowned =
        store->executions().startExecution(connection, QStringLiteral("read"), QStringLiteral("deals")).value();

    QCOMPARE(store->executions().interruptAbandonedExecutions(now).value(), QList<qint64>{dead});
    QCOMPARE(store->executions().execution(live)->status, ExecutionStatus::Running);
    QCOMPARE(store->executions().events(live)->size(), 0);
    QCOMPARE(store->executions().execution(unowned)->status, ExecutionStatus::Running);
}

void TestStore::renewedLeaseKeepsARunAlive()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    const QString owner = QStringLiteral("me pid 3 start c");
    const qint64 execution =
        store->executions()
            .startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts"), {owner, now.addSecs(90)})
            .value();
    QVERIFY(store->executions().renewExecutionLeases(owner, now.addSecs(180)).ok());
    QVERIFY(store->executions().interruptAbandonedExecutions(now.addSecs(120))->isEmpty());
    // Another owner's renewal is not this run's.
    QVERIFY(store->executions().renewExecutionLeases(QStringLiteral("someone else"), now.addSecs(900)).ok());
    QCOMPARE(store->executions().interruptAbandonedExecutions(now.addSecs(181)).value(), QList<qint64>{execution});
}

void TestStore::webhookEventsAreKeptPerConnection()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 first = addAcmeConnection(*store);
    Connection other;
    other.tenantId = store->tenants().createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).value();
    other.provider = QStringLiteral("hubspot");
    other.displayName = QStringLiteral("Globex HubSpot");
    const qint64 second = store->tenants().createConnection(other).value();

    QCOMPARE(store->webhooks().recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), first, 0).value(),
             true);
    QVERIFY(store->webhooks().webhookEventSeen(first, QStringLiteral("hubspot"), QStringLiteral("evt-1")));
    // Another tenant's event with the same id is its own.
    QVERIFY(!store->webhooks().webhookEventSeen(second, QStringLiteral("hubspot"), QStringLiteral("evt-1")));
    QCOMPARE(
        store->webhooks().recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), second, 0).value(),
        true);
    QCOMPARE(store->webhooks().recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), first, 0).value(),
             false);
}

void TestStore::webhookRejectionsAreCountedPerSource()
{
    auto store = openStore();
    QVERIFY(store);
    WebhookRejection call;
    call.provider = QStringLiteral("github");
    call.source = QStringLiteral("203.0.113.9");
    call.lastReason = QStringLiteral("its signature does not match");
    call.lastSize = 1024;
    call.lastBodySha256 = QStringLiteral("ab");
    for (int i = 0; i < 3; ++i)
        QVERIFY(store->webhooks().recordWebhookRejection(call).ok());
    call.source = QStringLiteral("198.51.100.4");
    QVERIFY(store->webhooks().recordWebhookRejection(call).ok());
    const QList<WebhookRejection> rows = store->webhooks().webhookRejections(QStringLiteral("github")).value();
    QCOMPARE(rows.size(), 2);
    QMap<QString, qint64> counts;
    for (const WebhookRejection &row : rows)
        counts.insert(row.source, row.count);
    QCOMPARE(counts.value(QStringLiteral("203.0.113.9")), 3);
    QCOMPARE(counts.value(QStringLiteral("198.51.100.4")), 1);
}

namespace {

WebhookInboxEntry inboxCall(qint64 connection, const QString &dedupeKey)
{
    WebhookInboxEntry entry;
    entry.connectionId = connection;
    entry.provider = QStringLiteral("hubspot");
    entry.dedupeKey = dedupeKey;
    entry.url = QStringLiteral("https://patchbay.example/webhooks/hubspot");
    entry.source = QStringLiteral("203.0.113.9");
    entry.headers = {{"x-hubspot-signature-v3", "c2ln"}};
    entry.body = QByteArrayLiteral("[{\"eventId\":1}]");
    return entry;
}

} // namespace

void TestStore::webhookInboxKeepsACallOnceByItsDedupeKey()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const WebhookEnqueued first = store->webhooks().enqueueWebhook(inboxCall(connection, QStringLiteral("e1"))).value();
    QVERIFY(first.id > 0);
    QVERIFY(!first.duplicate);
    const WebhookEnqueued again = store->webhooks().enqueueWebhook(inboxCall(connection, QStringLiteral("e1"))).value();
    QVERIFY(again.duplicate);
    QCOMPARE(again.id, first.id);
    QCOMPARE(store->webhooks().pendingWebhookCount().value(), 1);

    const WebhookInboxEntry stored = store->webhooks().webhookInboxEntry(first.id).value();
    QCOMPARE(stored.body, inboxCall(connection, QStringLiteral("e1")).body);
    QCOMPARE(stored.headers.size(), 1);
    QCOMPARE(stored.headers.first().second, QByteArray("c2ln"));
    QCOMPARE(stored.state, WebhookInboxState::Pending);
    QVERIFY(stored.tenantId > 0);
    QVERIFY(stored.receivedAt.isValid());
    // A tenant sees its own entries only.
    QCOMPARE(store->webhooks().webhookInbox(std::nullopt, stored.tenantId, 10)->size(), 1);
    QCOMPARE(store->webhooks().webhookInbox(std::nullopt, stored.tenantId + 1, 10)->size(), 0);
    // An unknown connection stores nothing.
    QVERIFY(!store->webhooks().enqueueWebhook(inboxCall(connection + 100, QStringLiteral("e2"))).ok());
}

void TestStore::webhookInboxClaimsInOrderPerConnectionAndRetries()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 first = store->webhooks().enqueueWebhook(inboxCall(connection, QStringLiteral("a")))->id;
    const qint64 second = store->webhooks().enqueueWebhook(inboxCall(connection, QStringLiteral("b")))->id;
    const QDateTime lease = kStart.addSecs(60);

    // Only the oldest entry of a connection is claimed, and not twice.
    QList<WebhookInboxEntry> claimed = store->webhooks().claimWebhooks(10, lease).value();
    QCOMPARE(claimed.size(), 1);
    QCOMPARE(claimed.first().id, first);
    QCOMPARE(claimed.first().attempts, 1);
    QVERIFY(store->webhooks().claimWebhooks(10, lease)->isEmpty());

    // A failed attempt waits for its retry time, and holds back the connection's later call until then.
    QVERIFY(store->webhooks()
                .finishWebhook(first, WebhookInboxState::Pending, QStringLiteral("HTTP 503"), 0, kStart.addSecs(5))
                .ok());
    QVERIFY(store->webhooks().claimWebhooks(10, lease)->isEmpty());
    clock.advance(std::chrono::seconds(5));
    claimed = store->webhooks().claimWebhooks(10, lease).value();
    QCOMPARE(claimed.size(), 1);
    QCOMPARE(claimed.first().id, first);
    QCOMPARE(claimed.first().attempts, 2);
    QCOMPARE(claimed.first().lastError, QStringLiteral("HTTP 503"));
    QVERIFY(store->webhooks().finishWebhook(first, WebhookInboxState::Failed, QStringLiteral("gave up"), 0).ok());

    claimed = store->webhooks().claimWebhooks(10, lease).value();
    QCOMPARE(claimed.size(), 1);
    QCOMPARE(claimed.first().id, second);
    QVERIFY(store->webhooks().finishWebhook(second, WebhookInboxState::Applied, {}, 0).ok());
    QCOMPARE(store->webhooks().pendingWebhookCount().value(), 0);

    const QList<WebhookInboxEntry> failed =
        store->webhooks().webhookInbox(WebhookInboxState::Failed, std::nullopt, 10).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().id, first);
    QCOMPARE(failed.first().lastError, QStringLiteral("gave up"));
    QCOMPARE(failed.first().finishedAt, clock.now());
    QVERIFY(failed.first().body.isEmpty()); // lists leave the bodies out
    QCOMPARE(store->webhooks().webhookInbox(WebhookInboxState::Applied, std::nullopt, 10)->first().id, second);
    QVERIFY(!store->webhooks().finishWebhook(second + 100, WebhookInboxState::Applied, {}, 0).ok());
}

void TestStore::webhookReplayIsAnEntryOfItsOwnLinkedToTheOriginal()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 original = store->webhooks().enqueueWebhook(inboxCall(connection, QStringLiteral("a")))->id;
    // Still pending: it will be applied anyway, so nothing is queued.
    QCOMPARE(store->webhooks().replayWebhook(original).error().code, QStringLiteral("webhook.pending"));
    QCOMPARE(store->webhooks().pendingWebhookCount().value(), 1);
    QVERIFY(store->webhooks().claimWebhooks(1, kStart.addSecs(60))->size() == 1);
    QVERIFY(store->webhooks().finishWebhook(original, WebhookInboxState::Failed, QStringLiteral("mapping"), 0).ok());

    clock.advance(std::chrono::seconds(30));
    const WebhookInboxEntry replay = store->webhooks().replayWebhook(original).value();
    QVERIFY(replay.id != original);
    QCOMPARE(replay.replayOf, original);
    QCOMPARE(replay.state, WebhookInboxState::Pending);
    QCOMPARE(replay.attempts, 0);
    QCOMPARE(replay.receivedAt, clock.now());
    QCOMPARE(replay.connectionId, connection);
    QVERIFY(replay.body.isEmpty()); // answered without the call; the entry holds it whole
    const WebhookInboxEntry whole = store->webhooks().webhookInboxEntry(replay.id).value();
    QCOMPARE(whole.body, inboxCall(connection, QStringLiteral("a")).body);
    QCOMPARE(whole.headers, inboxCall(connection, QStringLiteral("a")).headers);
    QVERIFY(whole.dedupeKey != QStringLiteral("a"));
    // The original stays as it was; the provider redelivering it is still known as a duplicate of the original.
    QCOMPARE(store->webhooks().webhookInboxEntry(original)->state, WebhookInboxState::Failed);
    QCOMPARE(store->webhooks().webhookInboxEntry(original)->replayOf, 0);
    QCOMPARE(store->webhooks().enqueueWebhook(inboxCall(connection, QStringLiteral("a")))->id, original);
    // Claimed and applied like any other, and listed with its link.
    const QList<WebhookInboxEntry> claimed = store->webhooks().claimWebhooks(1, kStart.addSecs(120)).value();
    QCOMPARE(claimed.size(), 1);
    QCOMPARE(claimed.first().id, replay.id);
    QCOMPARE(claimed.first().replayOf, original);
    QCOMPARE(store->webhooks().webhookInbox(std::nullopt, std::nullopt, 10)->first().replayOf, original);
    // A second replay of the same call is one more entry.
    QVERIFY(store->webhooks().finishWebhook(replay.id, WebhookInboxState::Applied, {}, 0).ok());
    QVERIFY(store->webhooks().replayWebhook(original)->id > replay.id);
    QCOMPARE(store->webhooks().replayWebhook(original + 100).error().code, QStringLiteral("store.not_found"));
    // A connection's calls, newest first, and none of another's.
    const QList<WebhookInboxEntry> ofConnection = store->webhooks().connectionWebhookInbox(connection, 10).value();
    QCOMPARE(ofConnection.size(), 3);
    QCOMPARE(ofConnection.last().id, original);
    QCOMPARE(ofConnection.first().replayOf, original);
    QVERIFY(ofConnection.first().body.isEmpty());
    QCOMPARE(store->webhooks().connectionWebhookInbox(connection, 2)->size(), 2);
    QVERIFY(store->webhooks().connectionWebhookInbox(connection + 100, 10)->isEmpty());
}

void TestStore::webhookInboxClaimOfADeadWorkerRunsOut()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 id = store->webhooks().enqueueWebhook(inboxCall(connection, QStringLiteral("a")))->id;
    QCOMPARE(store->webhooks().claimWebhooks(1, kStart.addSecs(60))->size(), 1);
    clock.advance(std::chrono::seconds(59));
    QVERIFY(store->webhooks().claimWebhooks(1, clock.now().addSecs(60))->isEmpty());
    clock.advance(std::chrono::seconds(1));
    const QList<WebhookInboxEntry> again = store->webhooks().claimWebhooks(1, clock.now().addSecs(60)).value();
    QCOMPARE(again.size(), 1);
    QCOMPARE(again.first().id, id);
    QCOMPARE(again.first().attempts, 2);
}

void TestStore::everyTimeWrittenComesFromTheClock()
{
    const QDateTime start = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    ManualClock clock(start);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    QCOMPARE(store->tenants().tenantByName(QStringLiteral("acme"))->createdAt, start);
    QCOMPARE(store->tenants().connection(connection)->createdAt, start);
    QVERIFY(store->credentials().saveCredential(connection, {connection, "sealed", {}, {}, {}}).ok());
    QCOMPARE(store->credentials().credential(connection)->updatedAt, start);

    const qint64 execution =
        store->executions().startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts")).value();
    QCOMPARE(store->executions().execution(execution)->startedAt, start);
    FailedRecord failed;
    failed.recordId = QStringLiteral("7");
    failed.raw = "{}";
    QVERIFY(store->records()
                .commitPage(connection, QStringLiteral("contacts"), execution, {}, std::nullopt, {failed})
                .ok());
    QCOMPARE(store->records().failedRecords(connection, QStringLiteral("contacts"))->first().createdAt, start);

    clock.advance(std::chrono::seconds(90));
    const QDateTime later = start.addSecs(90);
    const qint64 event =
        store->executions().addEvent({0, execution, {}, EventLevel::Info, QStringLiteral("x"), {}}).value();
    QCOMPARE(store->executions().events(execution)->first().id, event);
    QCOMPARE(store->executions().events(execution)->first().time, later);
    QVERIFY(store->executions().finishExecution(execution, ExecutionStatus::Succeeded, {}, std::nullopt).ok());
    QCOMPARE(store->executions().execution(execution)->finishedAt, later);
    QCOMPARE(store->tenants().connection(connection)->lastSyncAt, later);

    WriteItem item;
    item.executionId = execution;
    item.object = QStringLiteral("contacts");
    item.key = QStringLiteral("user-1");
    item.operation = QStringLiteral("create");
    item.status = QStringLiteral("succeeded");
    item.providerId = QStringLiteral("501");
    item.payload = "{}";
    QVERIFY(store->writes().addWriteItems(connection, {item}).ok());
    QCOMPARE(store->writes().writeItems(execution)->first().createdAt, later);

    MappingVersion version;
    version.level = MappingLevel::Environment;
    version.scope = QStringLiteral("production");
    version.integration = QStringLiteral("crm-contacts");
    version.object = QStringLiteral("contacts");
    version.direction = QStringLiteral("read");
    QCOMPARE(store->mappings().saveMappingVersion(version)->createdAt, later);
    QCOMPARE(store->mappings()
                 .currentMapping(version.level, version.scope, version.integration, version.object, version.direction)
                 ->createdAt,
             later);

    WebhookRejection call;
    call.provider = QStringLiteral("github");
    call.source = QStringLiteral("203.0.113.9");
    QVERIFY(store->webhooks().recordWebhookRejection(call).ok());
    QCOMPARE(store->webhooks().webhookRejections()->first().firstAt, later);
    QCOMPARE(store->webhooks().webhookRejections()->first().lastAt, later);

    // Authorisations that expired by the clock's time are dropped when the next one is added.
    QVERIFY(store->credentials()
                .addPendingAuthorization({QStringLiteral("old"), connection, {}, {}, later.addSecs(10)})
                .ok());
    QVERIFY(store->credentials()
                .addPendingAuthorization({QStringLiteral("kept"), connection, {}, {}, later.addSecs(600)})
                .ok());
    clock.advance(std::chrono::seconds(60));
    QVERIFY(store->credentials()
                .addPendingAuthorization({QStringLiteral("new"), connection, {}, {}, later.addSecs(600)})
                .ok());
    QVERIFY(!store->credentials().takePendingAuthorization(QStringLiteral("old")));
    QVERIFY(store->credentials().takePendingAuthorization(QStringLiteral("kept")));
}

namespace {

const QDateTime kJobsStart = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);

qint64 addSecondConnection(Store &store, const QString &integration = {})
{
    Connection connection;
    connection.tenantId = store.tenants().tenantByName(QStringLiteral("acme"))->id;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = QStringLiteral("Acme HubSpot 2");
    const qint64 id = store.tenants().createConnection(connection).value();
    if (!integration.isEmpty())
        (void)store.tenants().setConnectionIntegration(id, integration, QStringLiteral("production"));
    return id;
}

Job jobFor(qint64 connection, const QString &object, const QDateTime &due)
{
    Job job;
    job.connectionId = connection;
    job.object = object;
    job.dueAt = due;
    return job;
}

ExecutionLease leaseOf(const QString &owner, const QDateTime &now)
{
    return {owner, now.addSecs(90)};
}

} // namespace

void TestStore::jobsAreClaimedInDueOrderAndNeverTwice()
{
    auto first = openStore();
    auto second = openStore();
    QVERIFY(first && second);
    const qint64 acme = addAcmeConnection(*first);
    const qint64 other = addSecondConnection(*first);
    const qint64 later = first->jobs().addJob(jobFor(acme, QStringLiteral("contacts"), kJobsStart.addSecs(-10))).value();
    const qint64 earlier =
        first->jobs().addJob(jobFor(other, QStringLiteral("contacts"), kJobsStart.addSecs(-20))).value();
    const qint64 notYet = first->jobs().addJob(jobFor(other, QStringLiteral("deals"), kJobsStart.addSecs(60))).value();
    QCOMPARE(first->jobs().queuedJobCount().value(), 3); // due or not

    // Two claimers on two connections to the database take different jobs, the earliest due first.
    const auto a = first->jobs().claimJob(leaseOf(QStringLiteral("a"), kJobsStart), kJobsStart).value();
    const auto b = second->jobs().claimJob(leaseOf(QStringLiteral("b"), kJobsStart), kJobsStart).value();
    QVERIFY(a && b);
    QCOMPARE(a->id, earlier);
    QCOMPARE(b->id, later);
    QCOMPARE(a->state, JobState::Running);
    QCOMPARE(a->owner, QStringLiteral("a"));
    QCOMPARE(a->attempts, 1);
    QCOMPARE(a->leaseExpiresAt, kJobsStart.addSecs(90));
    QCOMPARE(second->jobs().queuedJobCount().value(), 1); // running ones are not queued
    // The third is not due, and would run on a connection that has a job running anyway.
    QVERIFY(!first->jobs().claimJob(leaseOf(QStringLiteral("a"), kJobsStart), kJobsStart).value());
    QVERIFY(first->jobs().finishJob(earlier, QStringLiteral("a"), JobState::Done, std::nullopt).value());
    const auto c = second->jobs().claimJob(leaseOf(QStringLiteral("b"), kJobsStart), kJobsStart.addSecs(60)).value();
    QVERIFY(c);
    QCOMPARE(c->id, notYet);

    // Only the holder ends a job; done is final.
    QVERIFY(!first->jobs().finishJob(later, QStringLiteral("a"), JobState::Done, std::nullopt).value());
    QVERIFY(second->jobs().finishJob(later, QStringLiteral("b"), JobState::Queued,
                                     makeError("sync.provider_error", QStringLiteral("HTTP 500")),
                                     kJobsStart.addSecs(120))
                .value());
    const Job retried = first->jobs().job(later).value();
    QCOMPARE(retried.state, JobState::Queued);
    QCOMPARE(retried.dueAt, kJobsStart.addSecs(120));
    QCOMPARE(retried.lastErrorCode, QStringLiteral("sync.provider_error"));
    QVERIFY(retried.owner.isEmpty());
    QVERIFY(first->jobs().job(earlier)->finishedAt.isValid());
    QCOMPARE(first->jobs().job(earlier)->state, JobState::Done);
    QCOMPARE(first->jobs().jobs(other, 10)->size(), 2);
    QCOMPARE(first->jobs().jobs(other, 10)->first().id, notYet); // newest first
    QCOMPARE(first->jobs().job(9999).error().code, QStringLiteral("store.not_found"));
}

void TestStore::claimPassesOverPausedAndUnauthorisedConnections()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 acme = addAcmeConnection(*store);
    const qint64 crm = addSecondConnection(*store, QStringLiteral("crm-contacts"));
    const qint64 acmeJob = store->jobs().addJob(jobFor(acme, QStringLiteral("contacts"), kJobsStart)).value();
    const qint64 crmJob = store->jobs().addJob(jobFor(crm, QStringLiteral("contacts"), kJobsStart)).value();
    const ExecutionLease lease = leaseOf(QStringLiteral("a"), kJobsStart);

    QVERIFY(store->tenants().setConnectionStatus(acme, ConnectionStatus::Paused, QString()).ok());
    QVERIFY(store->jobs().setIntegrationPaused(QStringLiteral("crm-contacts"), true).ok());
    QCOMPARE(store->jobs().pausedIntegrations().value(), QStringList{QStringLiteral("crm-contacts")});
    QVERIFY(!store->jobs().claimJob(lease, kJobsStart).value());

    QVERIFY(store->tenants().setConnectionStatus(acme, ConnectionStatus::NeedsReauth, QStringLiteral("revoked")).ok());
    QVERIFY(!store->jobs().claimJob(lease, kJobsStart).value());

    QVERIFY(store->jobs().setIntegrationPaused(QStringLiteral("crm-contacts"), false).ok());
    QVERIFY(store->jobs().pausedIntegrations()->isEmpty());
    QCOMPARE(store->jobs().claimJob(lease, kJobsStart).value()->id, crmJob);
    QVERIFY(store->tenants().setConnectionStatus(acme, ConnectionStatus::Active, QString()).ok());
    QCOMPARE(store->jobs().claimJob(lease, kJobsStart).value()->id, acmeJob);
}

void TestStore::jobOfADeadOwnerIsClaimedAgain()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 acme = addAcmeConnection(*store);
    const qint64 id = store->jobs().addJob(jobFor(acme, QStringLiteral("contacts"), kJobsStart)).value();
    QVERIFY(store->jobs().claimJob(leaseOf(QStringLiteral("dead"), kJobsStart), kJobsStart).value());
    const qint64 execution =
        store->executions().startExecution(acme, QStringLiteral("read"), QStringLiteral("contacts")).value();
    QVERIFY(store->jobs().setJobExecution(id, execution).ok());
    QCOMPARE(store->jobs().job(id)->executionId, execution);

    // While the lease lasts nobody else takes it, and a renewal makes it last longer.
    QVERIFY(!store->jobs().claimJob(leaseOf(QStringLiteral("new"), kJobsStart), kJobsStart.addSecs(60)).value());
    QVERIFY(store->jobs().renewJobLeases(QStringLiteral("dead"), kJobsStart.addSecs(150)).ok());
    QVERIFY(!store->jobs().claimJob(leaseOf(QStringLiteral("new"), kJobsStart), kJobsStart.addSecs(120)).value());
    // Its owner died: once the lease ran out, the job runs again under the new owner, counted as a second attempt.
    const QDateTime later = kJobsStart.addSecs(151);
    const auto again = store->jobs().claimJob(leaseOf(QStringLiteral("new"), later), later).value();
    QVERIFY(again);
    QCOMPARE(again->id, id);
    QCOMPARE(again->owner, QStringLiteral("new"));
    QCOMPARE(again->attempts, 2);
    // The dead owner, had it come back, no longer holds it.
    QVERIFY(!store->jobs().finishJob(id, QStringLiteral("dead"), JobState::Done, std::nullopt).value());
    QVERIFY(store->jobs().finishJob(id, QStringLiteral("new"), JobState::Done, std::nullopt).value());
}

void TestStore::scheduledJobsDoNotStackUp()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 acme = addAcmeConnection(*store);
    QVERIFY(!store->jobs().lastScheduledJob(acme, QStringLiteral("contacts")).value());
    const auto first = store->jobs().addScheduledJob(acme, QStringLiteral("contacts"), kJobsStart, 42).value();
    QVERIFY(first);
    QVERIFY(!store->jobs().addScheduledJob(acme, QStringLiteral("contacts"), kJobsStart.addSecs(60), 0).value());
    // Another object, or a sync asked for, is not held back by it.
    QVERIFY(store->jobs().addScheduledJob(acme, QStringLiteral("deals"), kJobsStart, 0).value());
    QVERIFY(store->jobs().addJob(jobFor(acme, QStringLiteral("contacts"), kJobsStart)).ok());

    const Job last = store->jobs().lastScheduledJob(acme, QStringLiteral("contacts")).value().value();
    QCOMPARE(last.id, *first);
    QCOMPARE(last.kind, JobKind::Scheduled);
    QCOMPARE(last.backfillSinceMs, 42);
    QVERIFY(store->jobs().claimJob(leaseOf(QStringLiteral("a"), kJobsStart), kJobsStart).value());
    QVERIFY(store->jobs().finishJob(*first, QStringLiteral("a"), JobState::Done, std::nullopt).value());
    // Once it ended, the next one is queued.
    QVERIFY(store->jobs().addScheduledJob(acme, QStringLiteral("contacts"), kJobsStart.addSecs(1800), 0).value());
    QCOMPARE(store->jobs().lastScheduledJob(acme, QStringLiteral("contacts")).value()->dueAt, kJobsStart.addSecs(1800));
}

void TestStore::unscheduledQueuedJobsAreRemoved()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 acme = addAcmeConnection(*store);
    const qint64 contacts = store->jobs().addScheduledJob(acme, QStringLiteral("contacts"), kJobsStart, 0)->value();
    const qint64 deals = store->jobs().addScheduledJob(acme, QStringLiteral("deals"), kJobsStart, 0)->value();
    const qint64 asked = store->jobs().addJob(jobFor(acme, QStringLiteral("tickets"), kJobsStart)).value();
    // Nothing to remove while every object is still scheduled.
    QCOMPARE(store->jobs().removeUnscheduledJobs(acme, {QStringLiteral("contacts"), QStringLiteral("deals")}).value(),
             0);
    // A running one finishes; only queued scheduled runs of objects no longer scheduled go, never a sync asked for.
    QCOMPARE(store->jobs().claimJob(leaseOf(QStringLiteral("a"), kJobsStart), kJobsStart).value()->id, contacts);
    QCOMPARE(store->jobs().removeUnscheduledJobs(acme, {}).value(), 1);
    QCOMPARE(store->jobs().job(deals).error().code, QStringLiteral("store.not_found"));
    QCOMPARE(store->jobs().job(contacts)->state, JobState::Running);
    QCOMPARE(store->jobs().job(asked)->state, JobState::Queued);
    QCOMPARE(store->jobs().removeUnscheduledJobs(acme, {}).value(), 0);
}

void TestStore::apiKeyIsStoredOnlyAsAHashAndVerifies()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 tenant = store->tenants().connection(connection)->tenantId;
    auto created = store->apiKeys().createApiKey(QStringLiteral("backend"), ApiRole::Product, tenant);
    QVERIFY2(created, qPrintable(created ? QString() : created.error().toString()));
    const QString secret = created->secret;
    QVERIFY(secret.startsWith(QLatin1String("pb_")));
    QCOMPARE(secret.size(), 3 + 43); // 32 random bytes in base64url
    QVERIFY(secret.startsWith(created->key.prefix));
    QVERIFY(created->key.prefix.size() < secret.size() / 2);

    const auto verified = store->apiKeys().verifyApiKey(secret);
    QVERIFY(verified);
    QCOMPARE(verified->id, created->key.id);
    QCOMPARE(verified->name, QStringLiteral("backend"));
    QCOMPARE(verified->role, ApiRole::Product);
    QCOMPARE(verified->tenantId, std::optional<qint64>(tenant));

    // A key differing in its last character, one of another length, and one without the prefix are all refused.
    QString altered = secret;
    altered[altered.size() - 1] = altered.at(altered.size() - 1) == QLatin1Char('A') ? QLatin1Char('B')
                                                                                     : QLatin1Char('A');
    for (const QString &wrong : {altered, secret + QLatin1Char('x'), secret.mid(3), QString()}) {
        const auto refused = store->apiKeys().verifyApiKey(wrong);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("store.bad_key"));
    }

    // Listing never carries the secret; a second key of another role and no tenant lists after the first.
    QVERIFY(store->apiKeys().createApiKey(QStringLiteral("console"), ApiRole::Support, std::nullopt));
    const auto keys = store->apiKeys().apiKeys();
    QVERIFY(keys);
    QCOMPARE(keys->size(), 2);
    QCOMPARE(keys->at(0).name, QStringLiteral("backend"));
    QCOMPARE(keys->at(1).role, ApiRole::Support);
    QCOMPARE(keys->at(1).tenantId, std::nullopt);
}

void TestStore::revokedApiKeyNoLongerVerifies()
{
    auto store = openStore();
    QVERIFY(store);
    auto created = store->apiKeys().createApiKey(QStringLiteral("old"), ApiRole::Admin, std::nullopt);
    QVERIFY(created);
    const auto revoked = store->apiKeys().revokeApiKey(created->key.id);
    QVERIFY(revoked);
    QVERIFY(revoked->revokedAt.isValid());
    QCOMPARE(store->apiKeys().verifyApiKey(created->secret).error().code, QStringLiteral("store.bad_key"));
    // Revoking again keeps the first revocation's time; an unknown key is not found.
    QCOMPARE(store->apiKeys().revokeApiKey(created->key.id)->revokedAt, revoked->revokedAt);
    QCOMPARE(store->apiKeys().revokeApiKey(created->key.id + 100).error().code, QStringLiteral("store.not_found"));
}

void TestStore::apiKeyLastUseIsStampedAtMostOnceAMinute()
{
    const QDateTime start = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    ManualClock clock(start);
    auto store = openStore(clock);
    QVERIFY(store);
    auto created = store->apiKeys().createApiKey(QStringLiteral("k"), ApiRole::Viewer, std::nullopt);
    QVERIFY(created);
    QCOMPARE(created->key.createdAt, start);
    QVERIFY(!created->key.lastUsedAt.isValid());
    QCOMPARE(store->apiKeys().verifyApiKey(created->secret)->lastUsedAt, start);
    clock.advance(std::chrono::seconds(30));
    QCOMPARE(store->apiKeys().verifyApiKey(created->secret)->lastUsedAt, start);
    clock.advance(std::chrono::seconds(31));
    QCOMPARE(store->apiKeys().verifyApiKey(created->secret)->lastUsedAt, start.addSecs(61));
    QCOMPARE(store->apiKeys().apiKeys()->first().lastUsedAt, start.addSecs(61));
}

void TestStore::auditEntriesListNewestFirstWithFiltersAndPages()
{
    const QDateTime start = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    ManualClock clock(start);
    auto store = openStore(clock);
    QVERIFY(store);
    const auto append = [&](qint64 key, const QString &action, std::optional<qint64> tenant) {
        AuditEntry entry;
        entry.keyId = key;
        entry.keyName = QStringLiteral("key %1").arg(key);
        entry.role = QStringLiteral("admin");
        entry.action = action;
        entry.target = QStringLiteral("tenant:%1").arg(tenant.value_or(0));
        entry.tenantId = tenant;
        entry.before = QJsonObject{{QStringLiteral("n"), 1}};
        entry.after = QStringLiteral("text");
        const auto id = store->audit().appendAudit(entry);
        clock.advance(std::chrono::seconds(10));
        return id ? id.value() : 0;
    };
    const qint64 first = append(1, QStringLiteral("tenant.create"), 5);
    append(1, QStringLiteral("tenant.delete"), 5);
    append(2, QStringLiteral("tenant.create"), 6);
    append(2, QStringLiteral("mapping.set"), 6);
    const qint64 last = append(1, QStringLiteral("tenantx.other"), std::nullopt);

    AuditFilter all;
    const auto entries = store->audit().auditEntries(all);
    QVERIFY(entries);
    QCOMPARE(entries->size(), 5);
    QCOMPARE(entries->first().id, last);
    QCOMPARE(entries->last().id, first);
    QCOMPARE(entries->last().at, start);
    QCOMPARE(entries->last().before, QJsonValue(QJsonObject{{QStringLiteral("n"), 1}}));
    QCOMPARE(entries->last().after, QJsonValue(QStringLiteral("text")));
    QCOMPARE(entries->first().tenantId, std::nullopt);

    AuditFilter byTenant;
    byTenant.tenantId = 6;
    QCOMPARE(store->audit().auditEntries(byTenant)->size(), 2);
    AuditFilter byPrefix;
    byPrefix.action = QStringLiteral("tenant."); // a prefix: not "tenantx.other"
    QCOMPARE(store->audit().auditEntries(byPrefix)->size(), 3);
    AuditFilter exact;
    exact.action = QStringLiteral("tenant.create");
    exact.keyId = 2;
    QCOMPARE(store->audit().auditEntries(exact)->size(), 1);
    AuditFilter window;
    window.since = start.addSecs(10);
    window.until = start.addSecs(30);
    QCOMPARE(store->audit().auditEntries(window)->size(), 2);

    // Keyset pages of two: 5, 4 | 3, 2 | 1.
    AuditFilter page;
    page.limit = 2;
    QList<qint64> seen;
    for (int i = 0; i < 4; ++i) {
        const auto entriesOfPage = store->audit().auditEntries(page);
        QVERIFY(entriesOfPage);
        if (entriesOfPage->isEmpty())
            break;
        for (const AuditEntry &entry : *entriesOfPage)
            seen.append(entry.id);
        page.beforeId = entriesOfPage->last().id;
    }
    QCOMPARE(seen, (QList<qint64>{last, last - 1, last - 2, last - 3, first}));
}

namespace {

// A connection of tenant with a credential, an execution with an event and a record, and a connection-level mapping
// override; returns the connection's id.
qint64 addConnectionWithData(Store &store, qint64 tenant, const QString &name)
{
    Connection connection;
    connection.tenantId = tenant;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = name;
    const qint64 id = store.tenants().createConnection(connection).value();
    [[maybe_unused]] const auto saved = store.credentials().saveCredential(id, {id, "sealed", {}, {}, {}});
    const qint64 execution =
        store.executions().startExecution(id, QStringLiteral("read"), QStringLiteral("contacts")).value();
    [[maybe_unused]] const auto event =
        store.executions().addEvent({0, execution, {}, EventLevel::Info, QStringLiteral("x"), {}});
    [[maybe_unused]] const auto page = store.records().commitPage(id, QStringLiteral("contacts"), execution,
                                                                  {{QStringLiteral("1"), "{\"id\":\"1\"}", {}}},
                                                                  QStringLiteral("{\"after\":\"1\"}"));
    MappingVersion version;
    version.level = MappingLevel::Connection;
    version.scope = QString::number(id);
    version.integration = QStringLiteral("crm");
    version.object = QStringLiteral("contacts");
    version.direction = QStringLiteral("read");
    version.author = QStringLiteral("test");
    [[maybe_unused]] const auto mapping = store.mappings().saveMappingVersion(version);
    return id;
}

// What the store still holds of a connection: its credential, executions, records and mapping history.
int heldRowsOf(Store &store, qint64 connection)
{
    const auto mappings = store.mappings().mappingHistory(MappingLevel::Connection, QString::number(connection),
                                                          QStringLiteral("crm"), QStringLiteral("contacts"),
                                                          QStringLiteral("read"));
    return (store.credentials().credential(connection) ? 1 : 0)
        + int(store.executions().executions(connection, 10).value().size())
        + int(store.records().recordCount(connection, QStringLiteral("contacts")))
        + int(mappings ? mappings->size() : 0);
}

} // namespace

void TestStore::deletingATenantRemovesAllItsDataAndNoOneElses()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 acme = store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    const qint64 globex = store->tenants().createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).value();
    const qint64 acmeOne = addConnectionWithData(*store, acme, QStringLiteral("one"));
    const qint64 acmeTwo = addConnectionWithData(*store, acme, QStringLiteral("two"));
    const qint64 globexOne = addConnectionWithData(*store, globex, QStringLiteral("g"));
    QVERIFY(store->apiKeys().createApiKey(QStringLiteral("acme key"), ApiRole::Product, acme));
    QCOMPARE(heldRowsOf(*store, acmeOne), 4);

    QVERIFY(store->tenants().deleteTenant(acme));
    QCOMPARE(store->tenants().tenant(acme).error().code, QStringLiteral("store.not_found"));
    QCOMPARE(store->tenants().connections(acme)->size(), 0);
    QCOMPARE(heldRowsOf(*store, acmeOne), 0);
    QCOMPARE(heldRowsOf(*store, acmeTwo), 0);
    QCOMPARE(store->apiKeys().apiKeys()->size(), 0);
    QCOMPARE(store->tenants().tenant(globex)->name, QStringLiteral("globex"));
    QCOMPARE(heldRowsOf(*store, globexOne), 4);
    QCOMPARE(store->tenants().deleteTenant(acme).error().code, QStringLiteral("store.not_found"));
}

void TestStore::deletingAConnectionRemovesItsDataOnly()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 acme = store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    const qint64 one = addConnectionWithData(*store, acme, QStringLiteral("one"));
    const qint64 two = addConnectionWithData(*store, acme, QStringLiteral("two"));
    QVERIFY(store->tenants().deleteConnection(one));
    QCOMPARE(store->tenants().connection(one).error().code, QStringLiteral("store.not_found"));
    QCOMPARE(heldRowsOf(*store, one), 0);
    QCOMPARE(heldRowsOf(*store, two), 4);
    QCOMPARE(store->tenants().connections(acme)->size(), 1);
    QCOMPARE(store->tenants().deleteConnection(one).error().code, QStringLiteral("store.not_found"));
}

namespace {

// A connect session of the tenant for HubSpot.
ConnectSession hubspotSession(qint64 tenant, const QString &id, const QDateTime &expiresAt)
{
    ConnectSession session;
    session.id = id;
    session.tenantId = tenant;
    session.provider = QStringLiteral("hubspot");
    session.expiresAt = expiresAt;
    return session;
}

} // namespace

void TestStore::connectSessionOpensOnce()
{
    ManualClock clock;
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 tenant = store->tenants().connection(connection)->tenantId;
    ConnectSession session = hubspotSession(tenant, QStringLiteral("s1"), clock.now().addSecs(900));
    session.redirectUrl = QStringLiteral("https://app.example.com/done");
    QVERIFY(store->credentials().addConnectSession(session).ok());

    const auto opened = store->credentials().openConnectSession(QStringLiteral("s1"));
    QVERIFY(opened.ok() && opened.value());
    QCOMPARE(opened.value()->provider, QStringLiteral("hubspot"));
    QCOMPARE(opened.value()->integration, QString());
    QCOMPARE(opened.value()->redirectUrl, session.redirectUrl);
    QCOMPARE(opened.value()->createdAt, clock.now());
    QCOMPARE(opened.value()->expiresAt, session.expiresAt);
    // Once only; an unknown one not at all.
    QVERIFY(!store->credentials().openConnectSession(QStringLiteral("s1")).value());
    QVERIFY(!store->credentials().openConnectSession(QStringLiteral("nope")).value());

    QVERIFY(!store->credentials().connectSessionByState(QStringLiteral("st")));
    QVERIFY(store->credentials().setConnectSessionAuthorization(QStringLiteral("s1"), connection,
                                                                QStringLiteral("st")).ok());
    const auto byState = store->credentials().connectSessionByState(QStringLiteral("st"));
    QVERIFY(byState);
    QCOMPARE(byState->id, QStringLiteral("s1"));
    QCOMPARE(byState->connectionId, connection);
    QCOMPARE(byState->openedAt, clock.now());

    // A session is kept a day past its expiry (so its callback page can still name it), then dropped.
    QVERIFY(store->credentials().completeConnectSession(QStringLiteral("s1")).ok());
    clock.advance(std::chrono::hours(24) + std::chrono::minutes(16));
    session.id = QStringLiteral("s2");
    session.expiresAt = clock.now().addSecs(900);
    QVERIFY(store->credentials().addConnectSession(session).ok());
    QVERIFY(!store->credentials().connectSessionByState(QStringLiteral("st")));
    QVERIFY(store->credentials().openConnectSession(QStringLiteral("s2")).value());
}

void TestStore::abandonedConnectSessionsAreListedUntilRemoved()
{
    ManualClock clock;
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 tenant = store->tenants().connection(connection)->tenantId;
    const auto add = [&](const QString &id) {
        ConnectSession session = hubspotSession(tenant, id, clock.now().addSecs(900));
        session.creatorKeyId = 7;
        session.creatorKeyName = QStringLiteral("backend");
        session.creatorRole = QStringLiteral("product");
        QVERIFY(store->credentials().addConnectSession(session).ok());
    };
    add(QStringLiteral("never-opened"));
    add(QStringLiteral("abandoned"));
    add(QStringLiteral("completed"));
    for (const QString &id : {QStringLiteral("abandoned"), QStringLiteral("completed")}) {
        QVERIFY(store->credentials().openConnectSession(id).value());
        QVERIFY(store->credentials().setConnectSessionAuthorization(id, connection, id + QStringLiteral("-state")).ok());
    }
    QVERIFY(store->credentials().completeConnectSession(QStringLiteral("completed")).ok());
    const auto completed = store->credentials().connectSessionByState(QStringLiteral("completed-state"));
    QCOMPARE(completed->completedAt, clock.now());
    QCOMPARE(completed->creatorKeyId, 7);
    QCOMPARE(completed->creatorKeyName, QStringLiteral("backend"));
    QCOMPARE(completed->creatorRole, QStringLiteral("product"));

    // Only sessions opened before the given time whose connection was never authorised.
    QVERIFY(store->credentials().abandonedConnectSessions(clock.now())->isEmpty());
    clock.advance(std::chrono::minutes(20));
    const auto abandoned = store->credentials().abandonedConnectSessions(clock.now().addSecs(-60));
    QCOMPARE(abandoned->size(), 1);
    QCOMPARE(abandoned->first().id, QStringLiteral("abandoned"));
    QCOMPARE(abandoned->first().connectionId, connection);
    QVERIFY(!abandoned->first().completedAt.isValid());

    // The daily purge leaves it to whoever cleans up its connection; removing it is what ends it.
    clock.advance(std::chrono::hours(25));
    add(QStringLiteral("later"));
    QCOMPARE(store->credentials().abandonedConnectSessions(clock.now())->size(), 1);
    QVERIFY(!store->credentials().connectSessionByState(QStringLiteral("completed-state")));
    QVERIFY(store->credentials().removeConnectSession(QStringLiteral("abandoned")).ok());
    QVERIFY(store->credentials().abandonedConnectSessions(clock.now())->isEmpty());
    QVERIFY(!store->credentials().connectSessionByState(QStringLiteral("abandoned-state")));
}

void TestStore::reauthorizationSessionKeepsItsConnection()
{
    ManualClock clock;
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 tenant = store->tenants().connection(connection)->tenantId;
    ConnectSession session = hubspotSession(tenant, QStringLiteral("again"), clock.now().addSecs(900));
    session.reauthorizes = connection;
    QVERIFY(store->credentials().addConnectSession(session).ok());
    const auto opened = store->credentials().openConnectSession(QStringLiteral("again"));
    QVERIFY(opened.ok() && opened.value());
    QCOMPARE(opened.value()->reauthorizes, connection);
    QVERIFY(store->credentials()
                .setConnectSessionAuthorization(QStringLiteral("again"), connection, QStringLiteral("again-state"))
                .ok());
    QCOMPARE(store->credentials().connectSessionByState(QStringLiteral("again-state"))->reauthorizes, connection);

    // Left half-way, it is never an abandoned session: its connection is not its own to remove.
    clock.advance(std::chrono::minutes(20));
    QVERIFY(store->credentials().abandonedConnectSessions(clock.now())->isEmpty());
    // A day past its expiry it is dropped by the daily purge all the same.
    clock.advance(std::chrono::hours(25));
    ConnectSession later = hubspotSession(tenant, QStringLiteral("later"), clock.now().addSecs(900));
    QVERIFY(store->credentials().addConnectSession(later).ok());
    QVERIFY(!store->credentials().connectSessionByState(QStringLiteral("again-state")));
    QVERIFY(store->tenants().connection(connection).ok());
}

void TestStore::changeLogNumbersCreatedAndUpdatedRecords()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 first = startExecution(*store, connection);
    QVERIFY(store->records()
                .commitPage(connection, kContacts, first, {versionOf(QStringLiteral("1"), 1),
                                                           versionOf(QStringLiteral("2"), 1)}, QStringLiteral("a"))
                .ok());
    clock.advance(std::chrono::seconds(60));
    const qint64 second = startExecution(*store, connection);
    QVERIFY(store->records()
                .commitPage(connection, kContacts, second, {versionOf(QStringLiteral("2"), 2)}, QStringLiteral("b"))
                .ok());

    const RecordChangePage page = store->records().changes(connection, kContacts, 0, 10).value();
    QVERIFY(!page.hasMore);
    QCOMPARE(page.changes.size(), 3);
    const RecordChange &created = page.changes.at(0);
    QCOMPARE(created.change, RecordChangeKind::Created);
    QCOMPARE(created.connectionId, connection);
    QCOMPARE(created.object, kContacts);
    QCOMPARE(created.recordId, QStringLiteral("1"));
    QCOMPARE(created.executionId, first);
    QCOMPARE(created.changedAt, kStart);
    QCOMPARE(created.data, QByteArray("{\"v\":1}"));
    const RecordChange &updated = page.changes.at(2);
    QCOMPARE(updated.change, RecordChangeKind::Updated);
    QCOMPARE(updated.recordId, QStringLiteral("2"));
    QCOMPARE(updated.executionId, second);
    QCOMPARE(updated.changedAt, kStart.addSecs(60));
    QCOMPARE(updated.data, QByteArray("{\"v\":2}"));
    QVERIFY(page.changes.at(0).sequence < page.changes.at(1).sequence);
    QVERIFY(page.changes.at(1).sequence < page.changes.at(2).sequence);

    const QList<RecordChange> history = store->records().recordHistory(connection, kContacts, QStringLiteral("2")).value();
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).change, RecordChangeKind::Created);
    QCOMPARE(history.at(0).data, QByteArray("{\"v\":1}"));
    QCOMPARE(history.at(1).sequence, updated.sequence);
    QVERIFY(store->records().recordHistory(connection, kContacts, QStringLiteral("9"))->isEmpty());
}

void TestStore::identicalReReadLogsNoChange()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 execution = startExecution(*store, connection);
    for (int pass = 0; pass < 3; ++pass) {
        StoredRecord record = versionOf(QStringLiteral("1"), 1);
        // The provider's modification time moved, the mapped record did not: no change for a feed reader.
        record.updatedAt = QStringLiteral("2026-03-0%1T00:00:00Z").arg(pass + 1);
        QVERIFY(store->records().commitPage(connection, kContacts, execution, {record}, QStringLiteral("a")).ok());
    }
    QCOMPARE(changeLog(*store, connection, kContacts), QStringList{QStringLiteral("created 1")});
    QCOMPARE(store->records().record(connection, kContacts, QStringLiteral("1"))->updatedAt,
             QStringLiteral("2026-03-03T00:00:00Z"));
}

void TestStore::deletionsAreLoggedWithoutTheRecord()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 read = startExecution(*store, connection);
    QVERIFY(store->records()
                .commitPage(connection, kContacts, read,
                            {versionOf(QStringLiteral("1"), 1), versionOf(QStringLiteral("2"), 1),
                             versionOf(QStringLiteral("3"), 1), versionOf(QStringLiteral("4"), 1)},
                            QStringLiteral("a"))
                .ok());

    // A webhook says 1 was deleted, and names a record never stored: only the stored one changes.
    clock.advance(std::chrono::seconds(10));
    const qint64 webhook = startExecution(*store, connection, QStringLiteral("webhook"));
    QVERIFY(store->records()
                .commitPage(connection, kContacts, webhook, {}, std::nullopt, {},
                            {QStringLiteral("1"), QStringLiteral("unknown")})
                .ok());

    // A complete full pass stores 3 only; 2 and 4 are gone from the provider.
    clock.advance(std::chrono::seconds(10));
    const QDateTime passStart = clock.now();
    const qint64 pass = startExecution(*store, connection);
    QVERIFY(store->records()
                .commitPage(connection, kContacts, pass, {versionOf(QStringLiteral("3"), 1)}, QStringLiteral("b"), {},
                            {}, passStart)
                .ok());

    QCOMPARE(changeLog(*store, connection, kContacts),
             QStringList({QStringLiteral("created 1"), QStringLiteral("created 2"), QStringLiteral("created 3"),
                          QStringLiteral("created 4"), QStringLiteral("deleted 1"), QStringLiteral("deleted 2"),
                          QStringLiteral("deleted 4")}));
    const QList<RecordChange> changes = store->records().changes(connection, kContacts, 0, 100)->changes;
    const RecordChange &providerDeletion = changes.at(4);
    QCOMPARE(providerDeletion.executionId, webhook);
    QCOMPARE(providerDeletion.changedAt, kStart.addSecs(10));
    QVERIFY(providerDeletion.data.isEmpty());
    QCOMPARE(changes.at(5).executionId, pass);
    QCOMPARE(changes.at(6).changedAt, passStart);
    QVERIFY(changes.at(6).data.isEmpty());
    QCOMPARE(store->records().recordCount(connection, kContacts), 1);

    // Deleted and then created again: the history shows all three.
    QVERIFY(store->records()
                .commitPage(connection, kContacts, pass, {versionOf(QStringLiteral("1"), 5)}, QStringLiteral("c"))
                .ok());
    QStringList history;
    for (const RecordChange &change : store->records().recordHistory(connection, kContacts, QStringLiteral("1")).value())
        history.append(change.change);
    QCOMPARE(history, QStringList({RecordChangeKind::Created, RecordChangeKind::Deleted, RecordChangeKind::Created}));
}

void TestStore::changeFeedIsPerConnectionAndObject()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 acme = addAcmeConnection(*store);
    const qint64 globex = addHubSpotConnection(*store, QStringLiteral("globex"), QStringLiteral("Globex"),
                                               QStringLiteral("Globex HubSpot"));
    const qint64 acmeRead = startExecution(*store, acme);
    const qint64 globexRead = startExecution(*store, globex);
    QVERIFY(store->records().commitPage(acme, kContacts, acmeRead, {versionOf(QStringLiteral("a"), 1)}, {}).ok());
    QVERIFY(store->records()
                .commitPage(acme, QStringLiteral("companies"), acmeRead, {versionOf(QStringLiteral("c"), 1)}, {})
                .ok());
    QVERIFY(store->records().commitPage(globex, kContacts, globexRead, {versionOf(QStringLiteral("a"), 2)}, {}).ok());

    QCOMPARE(changeLog(*store, acme, kContacts), QStringList{QStringLiteral("created a")});
    QCOMPARE(changeLog(*store, acme, QStringLiteral("companies")), QStringList{QStringLiteral("created c")});
    QCOMPARE(store->records().changes(globex, kContacts, 0, 10)->changes.first().data, QByteArray("{\"v\":2}"));
    QCOMPARE(store->records().recordHistory(acme, kContacts, QStringLiteral("a"))->size(), 1);
    QVERIFY(store->records().changes(acme, QStringLiteral("deals"), 0, 10)->changes.isEmpty());

    // A deleted connection's log goes with it; the others' stays.
    QVERIFY(store->tenants().deleteConnection(globex).ok());
    QVERIFY(store->records().changes(globex, kContacts, 0, 10)->changes.isEmpty());
    QCOMPARE(changeLog(*store, acme, kContacts), QStringList{QStringLiteral("created a")});
}

void TestStore::changeFeedPagesWithoutGapsOrRepeatsWhileWritesHappen()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 execution = startExecution(*store, connection);
    QList<StoredRecord> firstPage;
    for (int i = 0; i < 5; ++i)
        firstPage.append(versionOf(QString::number(i), 1));
    QVERIFY(store->records().commitPage(connection, kContacts, execution, firstPage, {}).ok());

    // A reader pages by 2; between its pages records are created, updated and deleted.
    QList<RecordChange> seen;
    qint64 after = 0;
    int round = 0;
    for (;;) {
        const RecordChangePage page = store->records().changes(connection, kContacts, after, 2).value();
        QVERIFY(page.changes.size() <= 2);
        seen.append(page.changes);
        if (!page.changes.isEmpty())
            after = page.changes.last().sequence;
        if (round < 3) {
            ++round;
            QVERIFY(store->records()
                        .commitPage(connection, kContacts, execution,
                                    {versionOf(QString::number(round), 2), versionOf(QStringLiteral("new-%1").arg(round), 1)},
                                    {}, {}, {QString::number(round + 1)})
                        .ok());
            continue;
        }
        if (!page.hasMore)
            break;
    }

    const QList<RecordChange> all = store->records().changes(connection, kContacts, 0, 1000)->changes;
    QCOMPARE(all.size(), 5 + 3 * 3);
    QCOMPARE(seen.size(), all.size());
    for (int i = 0; i < all.size(); ++i) {
        QCOMPARE(seen.at(i).sequence, all.at(i).sequence);
        QCOMPARE(seen.at(i).change, all.at(i).change);
        QCOMPARE(seen.at(i).recordId, all.at(i).recordId);
    }
    // Asking past the end answers an empty page that has no more.
    const RecordChangePage end = store->records().changes(connection, kContacts, after, 2).value();
    QVERIFY(end.changes.isEmpty());
    QVERIFY(!end.hasMore);
}

void TestStore::failedLogWriteStoresNoRecord()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 execution = startExecution(*store, connection);
    m_factory.failInsertsInto(*store, QStringLiteral("record_changes"));
    const auto result = store->records().commitPage(connection, kContacts, execution,
                                                    {versionOf(QStringLiteral("1"), 1)}, QStringLiteral("a"));
    m_factory.clearFailures(*store);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("test.injected"));
    QCOMPARE(store->records().recordCount(connection, kContacts), 0);
    QVERIFY(!store->records().cursor(connection, kContacts));
    QVERIFY(changeLog(*store, connection, kContacts).isEmpty());
}

void TestStore::compactionKeepsEachRecordsLatestChange()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    const qint64 connection = addAcmeConnection(*store);
    const qint64 execution = startExecution(*store, connection);
    const auto commit = [&](const QList<StoredRecord> &records, const QStringList &deleted = {}) {
        return store->records().commitPage(connection, kContacts, execution, records, {}, {}, deleted).ok();
    };
    // Old: 1 created and updated twice, 2 created and deleted, 3 created only.
    QVERIFY(commit({versionOf(QStringLiteral("1"), 1), versionOf(QStringLiteral("2"), 1),
                    versionOf(QStringLiteral("3"), 1)}));
    QVERIFY(commit({versionOf(QStringLiteral("1"), 2)}, {QStringLiteral("2")}));
    QVERIFY(commit({versionOf(QStringLiteral("1"), 3)}));
    const qint64 readerPosition = store->records().changes(connection, kContacts, 0, 1)->changes.first().sequence;
    // Recent: 3 updated after the cut-off.
    clock.advance(std::chrono::hours(24 * 30));
    QVERIFY(commit({versionOf(QStringLiteral("3"), 2)}));

    QCOMPARE(store->records().compactChanges(kStart.addDays(7)).value(), 4);
    QCOMPARE(changeLog(*store, connection, kContacts),
             QStringList({QStringLiteral("deleted 2"), QStringLiteral("updated 1"), QStringLiteral("updated 3")}));
    QCOMPARE(store->records().recordHistory(connection, kContacts, QStringLiteral("1"))->first().data,
             QByteArray("{\"v\":3}"));
    // A reader that had seen only the first change still ends with every record as stored.
    QMap<QString, QByteArray> replica{{QStringLiteral("1"), QByteArray("{\"v\":1}")}};
    const RecordChangePage unseen = store->records().changes(connection, kContacts, readerPosition, 100).value();
    for (const RecordChange &change : unseen.changes) {
        if (change.change == RecordChangeKind::Deleted)
            replica.remove(change.recordId);
        else
            replica.insert(change.recordId, change.data);
    }
    QMap<QString, QByteArray> stored;
    for (const StoredRecord &record : store->records().storedRecords(connection, kContacts).value())
        stored.insert(record.recordId, record.data);
    QCOMPARE(replica, stored);
    // Nothing more to compact.
    QCOMPARE(store->records().compactChanges(clock.now().addDays(1)).value(), 0);
}

namespace {

NotificationDelivery deliveryFor(const QString &endpoint, const QString &eventId, std::optional<qint64> tenant,
                                 const QDateTime &due)
{
    NotificationDelivery delivery;
    delivery.deliveryId = QStringLiteral("%1-%2-%3").arg(endpoint, eventId).arg(due.toMSecsSinceEpoch());
    delivery.eventId = eventId;
    delivery.eventType = NotificationType::ConnectionCreated;
    delivery.endpoint = endpoint;
    delivery.url = QStringLiteral("http://127.0.0.1:9/hooks");
    delivery.tenantId = tenant;
    delivery.payload = QByteArrayLiteral("{\"id\":\"") + eventId.toUtf8() + "\"}";
    delivery.nextAttemptAt = due;
    return delivery;
}

} // namespace

void TestStore::notificationIsQueuedOncePerEndpointAndEvent()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    NotificationStore &notifications = store->notifications();
    const qint64 first = notifications.addDelivery(deliveryFor("product", "evt_1", std::nullopt, kStart)).value();
    QVERIFY(first > 0);
    NotificationDelivery again = deliveryFor("product", "evt_1", std::nullopt, kStart);
    again.deliveryId = QStringLiteral("another");
    QCOMPARE(notifications.addDelivery(again).value(), 0); // already queued for this endpoint
    QVERIFY(notifications.addDelivery(deliveryFor("alerts", "evt_1", std::nullopt, kStart)).value() > 0);
    again.replayOf = first;
    const qint64 replay = notifications.addDelivery(again).value();
    QVERIFY(replay > first);

    const auto stored = notifications.delivery(first);
    QVERIFY(stored);
    QCOMPARE(stored->state, DeliveryState::Pending);
    QCOMPARE(stored->attempts, 0);
    QCOMPARE(stored->createdAt, kStart);
    QCOMPARE(stored->nextAttemptAt, kStart);
    QVERIFY(!stored->lastAttemptAt.isValid());
    QCOMPARE(stored->payload, QByteArray("{\"id\":\"evt_1\"}"));
    QCOMPARE(stored->replayOf, std::nullopt);
    QCOMPARE(notifications.delivery(replay)->replayOf, std::optional<qint64>(first));
    QCOMPARE(notifications.delivery(999).error().code, QStringLiteral("store.not_found"));
    QCOMPARE(notifications.pendingDeliveryCount().value(), 3);
}

void TestStore::dueDeliveriesAreClaimedOnceUntilTheirLeaseEnds()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    NotificationStore &notifications = store->notifications();
    const qint64 due = notifications.addDelivery(deliveryFor("product", "evt_due", std::nullopt, kStart)).value();
    notifications.addDelivery(deliveryFor("product", "evt_later", std::nullopt, kStart.addSecs(60))).value();

    const auto claimed = notifications.claimDueDeliveries(kStart, kStart.addSecs(30), 10);
    QVERIFY(claimed);
    QCOMPARE(claimed->size(), 1);
    QCOMPARE(claimed->first().id, due);
    QVERIFY(notifications.claimDueDeliveries(kStart.addSecs(29), kStart.addSecs(59), 10)->isEmpty());
    // Its sender died: due again once the lease ends (with the later one).
    QCOMPARE(notifications.claimDueDeliveries(kStart.addSecs(60), kStart.addSecs(90), 10)->size(), 2);

    clock.advance(std::chrono::seconds(61));
    QVERIFY(notifications.recordAttempt(due, {500, QStringLiteral("HTTP 500"), DeliveryState::Pending,
                                              kStart.addSecs(100)})
                .ok());
    auto stored = notifications.delivery(due).value();
    QCOMPARE(stored.attempts, 1);
    QCOMPARE(stored.lastStatus, 500);
    QCOMPARE(stored.lastError, QStringLiteral("HTTP 500"));
    QCOMPARE(stored.lastAttemptAt, kStart.addSecs(61));
    QCOMPARE(stored.nextAttemptAt, kStart.addSecs(100));
    QVERIFY(notifications.recordAttempt(due, {200, {}, DeliveryState::Delivered, {}}).ok());
    stored = notifications.delivery(due).value();
    QCOMPARE(stored.attempts, 2);
    QCOMPARE(stored.state, DeliveryState::Delivered);
    QVERIFY(stored.lastError.isEmpty());
    QVERIFY(!stored.nextAttemptAt.isValid());
    QVERIFY(notifications.claimDueDeliveries(kStart.addSecs(3600), kStart.addSecs(3700), 10)->size() == 1);
    QCOMPARE(notifications.recordAttempt(999, {}).error().code, QStringLiteral("store.not_found"));
}

void TestStore::deliveriesListNewestFirstWithFiltersAndPages()
{
    auto store = openStore();
    QVERIFY(store);
    const qint64 acme = store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    const qint64 globex = store->tenants().createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).value();
    Connection connection;
    connection.tenantId = acme;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = QStringLiteral("Acme HubSpot");
    const qint64 acmeConnection = store->tenants().createConnection(connection).value();
    NotificationStore &notifications = store->notifications();
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i) {
        NotificationDelivery delivery = deliveryFor(QStringLiteral("product"), QStringLiteral("evt_%1").arg(i),
                                                    i % 2 ? globex : acme, kStart);
        if (i == 4) {
            delivery.connectionId = acmeConnection;
            delivery.eventType = NotificationType::RecordsChanged;
        }
        ids.append(notifications.addDelivery(delivery).value());
    }
    ids.append(notifications.addDelivery(deliveryFor("product", "evt_all", std::nullopt, kStart)).value());
    QVERIFY(notifications.recordAttempt(ids.at(0), {200, {}, DeliveryState::Delivered, {}}).ok());

    DeliveryFilter all;
    const auto listed = notifications.deliveries(all).value();
    QCOMPARE(listed.size(), 6);
    QCOMPARE(listed.first().id, ids.last());
    DeliveryFilter page;
    page.limit = 4;
    const auto first = notifications.deliveries(page).value();
    QCOMPARE(first.size(), 4);
    page.beforeId = first.last().id;
    const auto second = notifications.deliveries(page).value();
    QCOMPARE(second.size(), 2);
    QCOMPARE(second.last().id, ids.first());
    DeliveryFilter ofAcme;
    ofAcme.tenantId = acme;
    QCOMPARE(notifications.deliveries(ofAcme)->size(), 3);
    DeliveryFilter delivered;
    delivered.state = DeliveryState::Delivered;
    QCOMPARE(notifications.deliveries(delivered)->size(), 1);
    DeliveryFilter byType;
    byType.eventType = NotificationType::RecordsChanged;
    byType.connectionId = acmeConnection;
    QCOMPARE(notifications.deliveries(byType)->size(), 1);
    DeliveryFilter otherEndpoint;
    otherEndpoint.endpoint = QStringLiteral("alerts");
    QVERIFY(notifications.deliveries(otherEndpoint)->isEmpty());

    // A deleted connection takes its deliveries along; a deleted tenant its own.
    QVERIFY(store->tenants().deleteConnection(acmeConnection).ok());
    QCOMPARE(notifications.deliveries(all)->size(), 5);
    QVERIFY(store->tenants().deleteTenant(globex).ok());
    QCOMPARE(notifications.deliveries(all)->size(), 3);
}

void TestStore::notifierSourcesSumUpWhatHappened()
{
    ManualClock clock(kStart);
    auto store = openStore(clock);
    QVERIFY(store);
    NotificationStore &notifications = store->notifications();
    QCOMPARE(notifications.notificationMark(QStringLiteral("m")), std::nullopt);
    QVERIFY(notifications.setNotificationMark(QStringLiteral("m"), 7).ok());
    QVERIFY(notifications.setNotificationMark(QStringLiteral("m"), 9).ok());
    QCOMPARE(notifications.notificationMark(QStringLiteral("m")), std::optional<qint64>(9));

    const qint64 tenant = store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    Connection connection;
    connection.tenantId = tenant;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = QStringLiteral("Acme HubSpot");
    const qint64 id = store->tenants().createConnection(connection).value();
    auto watched = notifications.watchedConnections().value();
    QCOMPARE(watched.size(), 1);
    QCOMPARE(watched.first().notifiedStatus, std::nullopt);
    QVERIFY(!watched.first().lastWebhookAt.isValid());
    QVERIFY(notifications.setNotifiedStatus(id, ConnectionStatus::Active).ok());
    // The last webhook is when one arrived (was stored in the inbox), not when events were applied, and a replay is
    // no arrival.
    QVERIFY(store->webhooks().recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("e1"), id, 0).ok());
    QVERIFY(!notifications.watchedConnections()->first().lastWebhookAt.isValid());
    const qint64 arrived = store->webhooks().enqueueWebhook(inboxCall(id, QStringLiteral("e1")))->id;
    QVERIFY(store->webhooks().finishWebhook(arrived, WebhookInboxState::Applied, {}, 0).ok());
    QVERIFY(notifications.setWebhooksSilentSince(id, kStart.addSecs(5)).ok());
    watched = notifications.watchedConnections().value();
    QCOMPARE(watched.first().notifiedStatus, std::optional<QString>(ConnectionStatus::Active));
    QCOMPARE(watched.first().lastWebhookAt, kStart);
    QCOMPARE(watched.first().silentSince, kStart.addSecs(5));
    clock.advance(std::chrono::seconds(10));
    QVERIFY(store->webhooks().replayWebhook(arrived).ok());
    QCOMPARE(notifications.watchedConnections()->first().lastWebhookAt, kStart);
    clock.advance(std::chrono::seconds(-10));

    // A read that stores two records, a webhook that deletes one: summed up per connection and object.
    const qint64 before = notifications.lastChangeSequence().value();
    const qint64 read = store->executions().startExecution(id, QStringLiteral("read"), kContacts).value();
    QVERIFY(store->records()
                .commitPage(id, kContacts, read,
                            {StoredRecord{QStringLiteral("1"), QByteArray("{\"a\":1}"), {}},
                             StoredRecord{QStringLiteral("2"), QByteArray("{\"a\":2}"), {}}},
                            QStringLiteral("c1"))
                .ok());
    const qint64 hook = store->executions().startExecution(id, QStringLiteral("webhook"), kContacts).value();
    QVERIFY(store->records().commitPage(id, kContacts, hook, {}, std::nullopt, {}, {QStringLiteral("1")}).ok());
    const qint64 upTo = notifications.lastChangeSequence().value();
    QCOMPARE(upTo, before + 3);
    const auto summaries = notifications.changeSummaries(before, upTo).value();
    QCOMPARE(summaries.size(), 1);
    QCOMPARE(summaries.first().created, 2);
    QCOMPARE(summaries.first().deleted, 1);
    QCOMPARE(summaries.first().byReads, 2);
    QCOMPARE(summaries.first().firstSequence, before + 1);
    QCOMPARE(summaries.first().lastSequence, upTo);
    QVERIFY(notifications.changeSummaries(upTo, upTo)->isEmpty());

    clock.advance(std::chrono::seconds(10));
    QVERIFY(store->executions()
                .finishExecution(read, ExecutionStatus::Failed, {}, makeError("http.status", QStringLiteral("500")))
                .ok());
    QVERIFY(store->executions().finishExecution(hook, ExecutionStatus::Failed, {}, std::nullopt).ok());
    const auto failed =
        notifications.finishedExecutions({QStringLiteral("read")}, ExecutionStatus::Failed, kStart, 10).value();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().id, read);
    QCOMPARE(failed.first().errorCode, QStringLiteral("http.status"));
    QVERIFY(notifications.finishedExecutions({QStringLiteral("read")}, ExecutionStatus::Failed, kStart.addSecs(11), 10)
                ->isEmpty());

    QCOMPARE(notifications.lastMappingVersionId().value(), 0);
    MappingVersion version{0, MappingLevel::Environment, QStringLiteral("production"), QStringLiteral("crm-contacts"),
                           kContacts, QStringLiteral("read"), 0, {}, QStringLiteral("me"), QStringLiteral("why"), {}};
    const qint64 saved = store->mappings().saveMappingVersion(version)->id;
    QCOMPARE(notifications.lastMappingVersionId().value(), saved);
    QCOMPARE(notifications.mappingVersionsAfter(0, 10)->size(), 1);
    QVERIFY(notifications.mappingVersionsAfter(saved, 10)->isEmpty());
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int failures = 0;
    for (const auto &factory : storeFactories()) {
        qInfo().noquote() << "Store implementation:" << factory->name();
        TestStore test(*factory);
        failures += QTest::qExec(&test, argc, argv);
    }
    return failures;
}

#include "TestStore.moc"
