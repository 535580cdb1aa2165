#include "ManualClock.h"
#include "auth/CredentialVault.h"
#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "scheduler/JobPlanner.h"
#include "scheduler/Scheduler.h"
#include "scheduler/SyncControl.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <mutex>
#include <thread>

using namespace patchbay;
using namespace patchbay::test;

// The scheduler against a real SQLite database, its time from a manual clock: what is due when (every, cron,
// backfill), what is not run (paused, needs re-auth), one job per connection at a time, retries with backoff, a job
// of a crashed process run again, claimers that never share a job, and a stop that leaves the job resumable. The
// worker's read is replaced by a runner that records what it was asked; no test sleeps.
class TestScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void scheduledObjectsRunWhenDue();
    void scheduleRemovedFromTheManifestRunsNoMore();
    void pausedAndUnauthorisedConnectionsAreNotRun();
    void oneJobPerConnectionRunsAtATime();
    void failedRunIsRetriedWithBackoffNotAtOnce();
    void jobOfACrashedProcessRunsAgainAfterItsLease();
    void concurrentClaimersNeverShareAJob();
    void stopLeavesTheJobQueuedAndResumable();
    void syncNowAndResyncAreQueuedAsAsked();
    void controlPausesResumesAndRefusesWhatCannotRun();

private:
    // What the runner saw of one job.
    struct Call
    {
        qint64 jobId;
        qint64 connectionId;
        QString object;
        qint64 backfillSinceMs;
    };

    qint64 addConnection(const QString &name, const QString &integration = QStringLiteral("scheduled-crm"));
    std::unique_ptr<Scheduler> makeScheduler(int workers = 4);
    // Runs due jobs and waits until count jobs finished.
    bool runAndWait(Scheduler &scheduler, int count);
    QList<Call> calls();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dbPath;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SyncService> m_sync;
    qint64 m_tenant = 0;
    std::mutex m_mutex;
    QList<Call> m_calls;
    std::function<Result<Execution>(const Job &, const ReadOptions &)> m_outcome;
};

namespace {

const QDateTime kStart = QDateTime::fromString(QStringLiteral("2026-03-02T10:07:00Z"), Qt::ISODate);

// Contacts every 30 minutes with a 90-day backfill, companies at the top of every hour.
const QByteArray kManifest = "integrations:\n"
                             "  - name: scheduled-crm\n"
                             "    provider: hubspot\n"
                             "    read:\n"
                             "      objects:\n"
                             "        - object: contacts\n"
                             "          schedule: { every: 30m }\n"
                             "          since: 90d\n"
                             "        - object: companies\n"
                             "          schedule: { cron: \"0 * * * *\" }\n";

Execution executionWith(const QString &status, const QString &code = {})
{
    Execution execution;
    execution.status = status;
    execution.errorCode = code;
    execution.errorMessage = code.isEmpty() ? QString() : QStringLiteral("it went wrong");
    return execution;
}

} // namespace

void TestScheduler::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_dbPath = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_clock = std::make_unique<ManualClock>(kStart);
    m_store = SqliteStore::open(m_dbPath, *m_clock).value();
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    const ProviderCatalog providers = ProviderCatalog::builtIn();
    m_sync = std::make_unique<SyncService>(m_dbPath, CredentialVault::generateKey(), providers, *m_clock);
    IntegrationCatalog integrations = IntegrationCatalog::builtIn(providers);
    const IntegrationLoadResult loaded = IntegrationLoader::loadText(kManifest, QStringLiteral("test.yaml"), providers);
    QVERIFY(loaded.ok());
    integrations.add(loaded.integrations.first());
    m_sync->setIntegrations(integrations);
    m_calls.clear();
    m_outcome = [](const Job &, const ReadOptions &) { return Result<Execution>(executionWith(ExecutionStatus::Succeeded)); };
}

void TestScheduler::cleanup()
{
    m_sync.reset();
    m_store.reset();
    m_clock.reset();
    m_dir.reset();
}

qint64 TestScheduler::addConnection(const QString &name, const QString &integration)
{
    Connection connection;
    connection.tenantId = m_tenant;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = name;
    const qint64 id = m_store->tenants().createConnection(connection).value();
    if (!integration.isEmpty())
        (void)m_store->tenants().setConnectionIntegration(id, integration, QStringLiteral("production"));
    return id;
}

std::unique_ptr<Scheduler> TestScheduler::makeScheduler(int workers)
{
    SchedulerOptions options;
    options.workers = workers;
    options.maxAttempts = 3;
    auto scheduler = std::make_unique<Scheduler>(*m_store, *m_sync, *m_clock, options);
    scheduler->setJobRunner([this](const Job &job, const ReadOptions &readOptions, const SyncService::EventListener &) {
        {
            std::lock_guard lock(m_mutex);
            m_calls.append({job.id, job.connectionId, job.object, readOptions.backfillSinceMs});
        }
        return m_outcome(job, readOptions);
    });
    return scheduler;
}

bool TestScheduler::runAndWait(Scheduler &scheduler, int count)
{
    QSignalSpy finished(&scheduler, &Scheduler::jobFinished);
    scheduler.runDueJobs();
    while (finished.size() < count) {
        if (!finished.wait(10000))
            return false;
    }
    return true;
}

QList<TestScheduler::Call> TestScheduler::calls()
{
    std::lock_guard lock(m_mutex);
    return m_calls;
}

void TestScheduler::scheduledObjectsRunWhenDue()
{
    const qint64 connection = addConnection(QStringLiteral("Acme HubSpot"));
    addConnection(QStringLiteral("Raw HubSpot"), QString()); // no integration: no schedule
    auto scheduler = makeScheduler();

    // The first runs are due at once; the contacts' one is its backfill, from 90 days back.
    QVERIFY(runAndWait(*scheduler, 2));
    QCOMPARE(calls().size(), 2);
    QCOMPARE(calls().at(0).object, QStringLiteral("contacts"));
    QCOMPARE(calls().at(0).connectionId, connection);
    QCOMPARE(calls().at(0).backfillSinceMs, kStart.addDays(-90).toMSecsSinceEpoch());
    QCOMPARE(calls().at(1).object, QStringLiteral("companies"));
    QCOMPARE(calls().at(1).backfillSinceMs, 0);
    // Next: contacts 30 minutes after the last one was due, companies at the top of the hour.
    QCOMPARE(m_store->jobs().lastScheduledJob(connection, QStringLiteral("contacts")).value()->dueAt,
             kStart.addSecs(30 * 60));
    QCOMPARE(m_store->jobs().lastScheduledJob(connection, QStringLiteral("companies")).value()->dueAt,
             QDateTime::fromString(QStringLiteral("2026-03-02T11:00:00Z"), Qt::ISODate));
    QCOMPARE(m_store->jobs().lastScheduledJob(connection, QStringLiteral("contacts")).value()->state, JobState::Queued);

    // Nothing before its time.
    m_clock->advance(std::chrono::minutes(29));
    scheduler->runDueJobs();
    QCOMPARE(scheduler->runningCount(), 0);
    m_clock->advance(std::chrono::minutes(1));
    QVERIFY(runAndWait(*scheduler, 1));
    QCOMPARE(calls().size(), 3);
    QCOMPARE(calls().last().object, QStringLiteral("contacts"));
    m_clock->setNow(QDateTime::fromString(QStringLiteral("2026-03-02T11:00:00Z"), Qt::ISODate));
    QVERIFY(runAndWait(*scheduler, 1));
    QCOMPARE(calls().last().object, QStringLiteral("companies"));

    // A server that was down for a day catches up once per object, not once per missed run.
    m_clock->advance(std::chrono::hours(24));
    QVERIFY(runAndWait(*scheduler, 2));
    m_clock->advance(std::chrono::seconds(1));
    scheduler->runDueJobs();
    QCOMPARE(scheduler->runningCount(), 0);
    QCOMPARE(calls().size(), 6);
    const QList<Job> jobs = m_store->jobs().jobs(connection, 20).value();
    QCOMPARE(jobs.size(), 8); // six done, and the next of each object queued
    const QDateTime dayLater = QDateTime::fromString(QStringLiteral("2026-03-03T11:00:00Z"), Qt::ISODate);
    QCOMPARE(m_store->jobs().lastScheduledJob(connection, QStringLiteral("contacts")).value()->dueAt,
             dayLater.addSecs(30 * 60));
    QCOMPARE(m_store->jobs().lastScheduledJob(connection, QStringLiteral("companies")).value()->dueAt,
             dayLater.addSecs(3600));
}

void TestScheduler::scheduleRemovedFromTheManifestRunsNoMore()
{
    const qint64 connection = addConnection(QStringLiteral("Acme HubSpot"));
    {
        auto scheduler = makeScheduler();
        QVERIFY(runAndWait(*scheduler, 2));
    }
    QCOMPARE(m_store->jobs().lastScheduledJob(connection, QStringLiteral("contacts")).value()->state, JobState::Queued);

    // patchbayd starts again with a manifest whose contacts have no schedule any more (companies keep theirs): the
    // contacts' run queued before is dropped at once, and never runs.
    const QByteArray changed = "integrations:\n"
                               "  - name: scheduled-crm\n"
                               "    provider: hubspot\n"
                               "    read:\n"
                               "      objects:\n"
                               "        - object: contacts\n"
                               "        - object: companies\n"
                               "          schedule: { cron: \"0 * * * *\" }\n";
    IntegrationCatalog integrations = IntegrationCatalog::builtIn(m_sync->catalog());
    const IntegrationLoadResult loaded =
        IntegrationLoader::loadText(changed, QStringLiteral("test.yaml"), m_sync->catalog());
    QVERIFY(loaded.ok());
    integrations.add(loaded.integrations.first());
    m_sync->setIntegrations(integrations);
    auto restarted = makeScheduler();
    restarted->runDueJobs();
    QCOMPARE(m_store->jobs().lastScheduledJob(connection, QStringLiteral("contacts")).value()->state, JobState::Done);
    m_clock->setNow(QDateTime::fromString(QStringLiteral("2026-03-02T11:00:00Z"), Qt::ISODate));
    QVERIFY(runAndWait(*restarted, 1));
    QCOMPARE(calls().size(), 3);
    QCOMPARE(calls().last().object, QStringLiteral("companies"));
    // Nor is a new one queued for it.
    QCOMPARE(m_store->jobs().lastScheduledJob(connection, QStringLiteral("contacts")).value()->state, JobState::Done);
}

void TestScheduler::pausedAndUnauthorisedConnectionsAreNotRun()
{
    const qint64 paused = addConnection(QStringLiteral("Paused"));
    const qint64 reauth = addConnection(QStringLiteral("Revoked"));
    const qint64 active = addConnection(QStringLiteral("Active"));
    QVERIFY(m_store->tenants().setConnectionStatus(paused, ConnectionStatus::Paused, QString()).ok());
    QVERIFY(m_store->tenants().setConnectionStatus(reauth, ConnectionStatus::NeedsReauth, QStringLiteral("revoked")).ok());
    auto scheduler = makeScheduler();
    QVERIFY(runAndWait(*scheduler, 2));
    for (const Call &call : calls())
        QCOMPARE(call.connectionId, active);
    QVERIFY(m_store->jobs().jobs(paused, 10)->isEmpty());
    QVERIFY(m_store->jobs().jobs(reauth, 10)->isEmpty());

    // A paused integration holds back even a sync asked for by hand, until it is resumed.
    QVERIFY(m_store->jobs().setIntegrationPaused(QStringLiteral("scheduled-crm"), true).ok());
    JobPlanner planner(*m_store, m_sync->integrations(), m_sync->catalog());
    QVERIFY(planner.queueSync(active, QStringLiteral("contacts"), false, QString(), m_clock->now()).ok());
    scheduler->runDueJobs();
    QCOMPARE(scheduler->runningCount(), 0);
    QVERIFY(m_store->jobs().setIntegrationPaused(QStringLiteral("scheduled-crm"), false).ok());

    // Re-authorised and resumed: scheduled again.
    QVERIFY(m_store->tenants().setConnectionStatus(reauth, ConnectionStatus::Active, QString()).ok());
    QVERIFY(m_store->tenants().setConnectionStatus(paused, ConnectionStatus::Active, QString()).ok());
    QVERIFY(runAndWait(*scheduler, 5));
    QSet<qint64> connections;
    for (const Call &call : calls())
        connections.insert(call.connectionId);
    QCOMPARE(connections, QSet<qint64>({paused, reauth, active}));
}

void TestScheduler::oneJobPerConnectionRunsAtATime()
{
    const qint64 first = addConnection(QStringLiteral("First"), QString());
    const qint64 second = addConnection(QStringLiteral("Second"), QString());
    JobPlanner planner(*m_store, m_sync->integrations(), m_sync->catalog());
    for (qint64 connection : {first, first, first, second})
        QVERIFY(planner.queueSync(connection, QStringLiteral("contacts"), false, QString(), m_clock->now()).ok());

    std::mutex gate;
    std::condition_variable opened;
    bool open = false;
    QHash<qint64, int> runningPer;
    int mostAtOnce = 0;
    m_outcome = [&](const Job &job, const ReadOptions &) {
        std::unique_lock lock(gate);
        mostAtOnce = std::max(mostAtOnce, ++runningPer[job.connectionId]);
        opened.wait(lock, [&] { return open; });
        --runningPer[job.connectionId];
        return Result<Execution>(executionWith(ExecutionStatus::Succeeded));
    };
    auto scheduler = makeScheduler(4);
    QSignalSpy finished(scheduler.get(), &Scheduler::jobFinished);
    scheduler->runDueJobs();
    // Four workers, but only one job of each connection runs.
    QCOMPARE(scheduler->runningCount(), 2);
    {
        std::lock_guard lock(gate);
        open = true;
    }
    opened.notify_all();
    while (finished.size() < 4)
        QVERIFY(finished.wait(10000));
    QCOMPARE(mostAtOnce, 1);
    // In the order they were asked.
    QList<qint64> firstJobs;
    for (const Call &call : calls()) {
        if (call.connectionId == first)
            firstJobs.append(call.jobId);
    }
    QCOMPARE(firstJobs.size(), 3);
    QVERIFY(std::is_sorted(firstJobs.begin(), firstJobs.end()));
}

void TestScheduler::failedRunIsRetriedWithBackoffNotAtOnce()
{
    const qint64 connection = addConnection(QStringLiteral("Flaky"), QString());
    JobPlanner planner(*m_store, m_sync->integrations(), m_sync->catalog());
    const qint64 id =
        planner.queueSync(connection, QStringLiteral("contacts"), false, QString(), m_clock->now()).value().id;
    m_outcome = [](const Job &, const ReadOptions &) {
        return Result<Execution>(executionWith(ExecutionStatus::Failed, QStringLiteral("sync.provider_error")));
    };
    auto scheduler = makeScheduler();
    QVERIFY(runAndWait(*scheduler, 1));
    Job job = m_store->jobs().job(id).value();
    QCOMPARE(job.state, JobState::Queued);
    QCOMPARE(job.lastErrorCode, QStringLiteral("sync.provider_error"));
    QCOMPARE(job.dueAt, kStart.addSecs(60));

    // Not again before the delay, however often the scheduler looks.
    for (int i = 0; i < 5; ++i)
        scheduler->runDueJobs();
    m_clock->advance(std::chrono::seconds(59));
    scheduler->runDueJobs();
    QCOMPARE(calls().size(), 1);
    m_clock->advance(std::chrono::seconds(1));
    QVERIFY(runAndWait(*scheduler, 1));
    QCOMPARE(m_store->jobs().job(id)->dueAt, m_clock->now().addSecs(120)); // the delay doubles
    m_clock->advance(std::chrono::seconds(120));
    QVERIFY(runAndWait(*scheduler, 1));
    // The third failure is the last (maxAttempts 3): failed, and never run again.
    job = m_store->jobs().job(id).value();
    QCOMPARE(job.state, JobState::Failed);
    QCOMPARE(job.attempts, 3);
    m_clock->advance(std::chrono::hours(10));
    scheduler->runDueJobs();
    QCOMPARE(calls().size(), 3);
}

void TestScheduler::jobOfACrashedProcessRunsAgainAfterItsLease()
{
    const qint64 connection = addConnection(QStringLiteral("Acme"), QString());
    JobPlanner planner(*m_store, m_sync->integrations(), m_sync->catalog());
    const qint64 id =
        planner.queueSync(connection, QStringLiteral("contacts"), false, QString(), m_clock->now()).value().id;
    // A process claimed it and was killed: its lease is never renewed.
    QVERIFY(m_store->jobs().claimJob({QStringLiteral("crashed pid 1 start x"), kStart.addSecs(90)}, kStart).value());

    auto scheduler = makeScheduler();
    m_clock->advance(std::chrono::seconds(60));
    scheduler->runDueJobs();
    QCOMPARE(scheduler->runningCount(), 0);
    m_clock->advance(std::chrono::seconds(31));
    QVERIFY(runAndWait(*scheduler, 1));
    QCOMPARE(calls().size(), 1);
    const Job job = m_store->jobs().job(id).value();
    QCOMPARE(job.state, JobState::Done);
    QCOMPARE(job.attempts, 2);
}

void TestScheduler::concurrentClaimersNeverShareAJob()
{
    QList<qint64> connections;
    for (int i = 0; i < 8; ++i)
        connections.append(addConnection(QStringLiteral("Connection %1").arg(i), QString()));
    QSet<qint64> queued;
    for (int round = 0; round < 5; ++round) {
        for (qint64 connection : std::as_const(connections)) {
            Job job;
            job.connectionId = connection;
            job.object = QStringLiteral("contacts");
            job.dueAt = kStart;
            queued.insert(m_store->jobs().addJob(job).value());
        }
    }
    // Four claimers, each on its own connection to the database and thread, as four processes would be; each ends
    // every job it takes at once, so the next job of that connection can be taken by anyone.
    std::mutex mutex;
    QList<qint64> taken;
    std::vector<std::thread> claimers;
    for (int i = 0; i < 4; ++i) {
        claimers.emplace_back([&, i] {
            auto store = SqliteStore::open(m_dbPath, *m_clock).value();
            const QString owner = QStringLiteral("claimer %1").arg(i);
            int idle = 0;
            while (idle < 50) {
                auto job = store->jobs().claimJob({owner, kStart.addSecs(90)}, kStart);
                if (!job || !job.value()) {
                    ++idle;
                    std::this_thread::yield();
                    continue;
                }
                idle = 0;
                {
                    std::lock_guard lock(mutex);
                    taken.append(job.value()->id);
                }
                (void)store->jobs().finishJob(job.value()->id, owner, JobState::Done, std::nullopt);
            }
        });
    }
    for (std::thread &claimer : claimers)
        claimer.join();
    QCOMPARE(taken.size(), queued.size());
    QCOMPARE(QSet<qint64>(taken.begin(), taken.end()), queued);
}

void TestScheduler::stopLeavesTheJobQueuedAndResumable()
{
    const qint64 connection = addConnection(QStringLiteral("Acme"), QString());
    JobPlanner planner(*m_store, m_sync->integrations(), m_sync->catalog());
    const qint64 id =
        planner.queueSync(connection, QStringLiteral("contacts"), false, QString(), m_clock->now()).value().id;
    std::atomic_bool started = false;
    m_outcome = [&](const Job &, const ReadOptions &options) {
        started = true;
        // A long read: page after page until asked to stop, as ReadExecution does.
        while (!options.stopRequested())
            std::this_thread::yield();
        return Result<Execution>(executionWith(ExecutionStatus::Interrupted, QStringLiteral("sync.interrupted")));
    };
    auto scheduler = makeScheduler();
    QSignalSpy idle(scheduler.get(), &Scheduler::idle);
    QSignalSpy finished(scheduler.get(), &Scheduler::jobFinished);
    scheduler->runDueJobs();
    QTRY_VERIFY(started);
    scheduler->stopClaiming();
    scheduler->runDueJobs(); // claims nothing any more
    QCOMPARE(scheduler->runningCount(), 1);
    scheduler->interruptRunning();
    QVERIFY(idle.wait(10000));
    QCOMPARE(finished.first().at(1).toString(), JobState::Queued);
    const Job job = m_store->jobs().job(id).value();
    QCOMPARE(job.state, JobState::Queued);
    QCOMPARE(job.lastErrorCode, QStringLiteral("sync.interrupted"));
    QCOMPARE(job.dueAt, m_clock->now()); // due at once for the next process
    QVERIFY(job.owner.isEmpty());
}

void TestScheduler::syncNowAndResyncAreQueuedAsAsked()
{
    const qint64 connection = addConnection(QStringLiteral("Acme"));
    JobPlanner planner(*m_store, m_sync->integrations(), m_sync->catalog());
    const Job sync = planner.queueSync(connection, QStringLiteral("contacts"), false, QString(), kStart).value();
    QCOMPARE(sync.kind, JobKind::Sync);
    QCOMPARE(sync.backfillSinceMs, kStart.addDays(-90).toMSecsSinceEpoch()); // the object's since
    const Job resync =
        planner.queueSync(connection, QStringLiteral("contacts"), true, QStringLiteral("2026-01-01"), kStart).value();
    QCOMPARE(resync.kind, JobKind::Resync);
    QCOMPARE(resync.backfillSinceMs,
             QDateTime::fromString(QStringLiteral("2026-01-01T00:00:00Z"), Qt::ISODate).toMSecsSinceEpoch());
    QCOMPARE(planner.queueSync(connection, QStringLiteral("tickets"), false, QString(), kStart).error().code,
             QStringLiteral("sync.unknown_object"));
    QCOMPARE(planner.queueSync(connection, QString(), true, QStringLiteral("soon"), kStart).error().code,
             QStringLiteral("catalog.bad_since"));
    QCOMPARE(planner.queueSync(9999, QString(), false, QString(), kStart).error().code,
             QStringLiteral("store.not_found"));
    QCOMPARE(m_store->jobs().jobs(connection, 10)->size(), 2); // the refused ones queued nothing
    // No schedule from here on: only the two jobs asked for run.
    QVERIFY(m_store->tenants().setConnectionIntegration(connection, QString(), QStringLiteral("production")).ok());

    // The resync's first attempt clears the cursor, so the read starts over.
    QVERIFY(m_store->records()
                .commitPage(connection, QStringLiteral("contacts"), m_store->executions()
                                                                        .startExecution(connection, QStringLiteral("read"),
                                                                                        QStringLiteral("contacts"))
                                                                        .value(),
                            {}, QStringLiteral("{\"phase\":\"complete\"}"))
                .ok());
    QStringList cursorsSeen;
    m_outcome = [&](const Job &, const ReadOptions &) {
        auto store = SqliteStore::open(m_dbPath, *m_clock).value();
        cursorsSeen.append(store->records().cursor(connection, QStringLiteral("contacts")).value_or(QStringLiteral("none")));
        return Result<Execution>(executionWith(ExecutionStatus::Succeeded));
    };
    auto scheduler = makeScheduler(1);
    QVERIFY(runAndWait(*scheduler, 2));
    QCOMPARE(cursorsSeen.size(), 2);
    QCOMPARE(cursorsSeen.last(), QStringLiteral("none"));
}

void TestScheduler::controlPausesResumesAndRefusesWhatCannotRun()
{
    const qint64 connection = addConnection(QStringLiteral("Acme"));
    const qint64 revoked = addConnection(QStringLiteral("Revoked"));
    QVERIFY(m_store->tenants().setConnectionStatus(revoked, ConnectionStatus::NeedsReauth, QStringLiteral("revoked")).ok());
    SyncControl control(*m_store, m_sync->integrations(), m_sync->catalog());

    QCOMPARE(control.pauseConnection(connection)->status, ConnectionStatus::Paused);
    QCOMPARE(control.pauseConnection(connection)->status, ConnectionStatus::Paused); // twice is no error
    QCOMPARE(control.requestSync(connection, QString(), false, QString(), kStart).error().code,
             QStringLiteral("connection.paused"));
    QCOMPARE(control.resumeConnection(connection)->status, ConnectionStatus::Active);
    const Job queued = control.requestSync(connection, QString(), false, QString(), kStart).value();
    QCOMPARE(queued.state, JobState::Queued);
    // As the API shows it: every object (null), due now, no error, no execution yet.
    const QJsonObject json = SyncControl::toJson(queued);
    QCOMPARE(json.value(QStringLiteral("id")).toInteger(), queued.id);
    QCOMPARE(json.value(QStringLiteral("kind")).toString(), JobKind::Sync);
    QCOMPARE(json.value(QStringLiteral("state")).toString(), JobState::Queued);
    QCOMPARE(json.value(QStringLiteral("dueAt")).toString(), QStringLiteral("2026-03-02T10:07:00.000Z"));
    for (const char *null : {"object", "lastError", "executionId", "finishedAt", "backfillSince"})
        QVERIFY2(json.value(QLatin1String(null)).isNull(), null);
    QVERIFY(!json.contains(QStringLiteral("owner")));

    // A connection that needs re-authorisation is neither synced nor paused nor resumed: it is re-authorised.
    QCOMPARE(control.requestSync(revoked, QString(), false, QString(), kStart).error().code,
             QStringLiteral("connection.needs_reauth"));
    QCOMPARE(control.pauseConnection(revoked).error().code, QStringLiteral("connection.not_active"));
    QCOMPARE(control.resumeConnection(revoked).error().code, QStringLiteral("connection.not_paused"));
    QCOMPARE(m_store->tenants().connection(revoked)->status, ConnectionStatus::NeedsReauth);
    QCOMPARE(control.pauseConnection(9999).error().code, QStringLiteral("store.not_found"));
    QCOMPARE(control.jobs(9999, 10).error().code, QStringLiteral("store.not_found"));
    QCOMPARE(control.jobs(connection, 10)->size(), 1);
    QVERIFY(control.jobs(revoked, 10)->isEmpty());

    QVERIFY(control.pauseIntegration(QStringLiteral("scheduled-crm")).ok());
    QCOMPARE(m_store->jobs().pausedIntegrations().value(), QStringList{QStringLiteral("scheduled-crm")});
    QVERIFY(control.resumeIntegration(QStringLiteral("scheduled-crm")).ok());
    QVERIFY(m_store->jobs().pausedIntegrations()->isEmpty());
    QCOMPARE(control.pauseIntegration(QStringLiteral("nope")).error().code, QStringLiteral("integration.not_found"));
    QVERIFY(m_store->jobs().pausedIntegrations()->isEmpty());
}

QTEST_GUILESS_MAIN(TestScheduler)
#include "TestScheduler.moc"
