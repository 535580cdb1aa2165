#include "Scheduler.h"

#include "JobPlanner.h"
#include "core/Clock.h"
#include "core/Logging.h"
#include "store/Store.h"
#include "sync/ExecutionLeaseKeeper.h"

#include <QPointer>

namespace patchbay {

namespace {

QString jobLabel(const Job &job)
{
    return QStringLiteral("job %1 (%2 read of %3, connection %4)")
        .arg(job.id)
        .arg(job.kind, job.object.isEmpty() ? QStringLiteral("every object") : job.object)
        .arg(job.connectionId);
}

} // namespace

Scheduler::Scheduler(Store &store, SyncService &sync, Clock &clock, SchedulerOptions options, QObject *parent)
    : QObject(parent), m_store(store), m_sync(sync), m_clock(clock), m_options(options),
      m_owner(ExecutionLeaseKeeper::processOwner())
{
    m_pool.setMaxThreadCount(std::max(1, m_options.workers));
    m_runner = [this](const Job &job, const ReadOptions &readOptions, const SyncService::EventListener &listener) {
        return m_sync.read(job.connectionId, job.object, listener, readOptions);
    };
    m_poll.setInterval(m_options.pollInterval);
    connect(&m_poll, &QTimer::timeout, this, &Scheduler::poll);
}

Scheduler::~Scheduler()
{
    // Workers report back to this object; none may outlive it.
    for (const Running &running : std::as_const(m_running))
        running.stop->store(true);
    m_pool.waitForDone();
}

void Scheduler::start()
{
    m_poll.start();
    runDueJobs();
}

void Scheduler::poll()
{
    // Jobs asked for through the API are claimed within a poll; the schedules (a walk over every connection) are
    // looked at less often, and after every job. While shutting down, the running jobs' leases are still renewed.
    if (m_stopping || (m_lastPlan.isValid() && m_lastPlan.secsTo(m_clock.now()) < m_options.planInterval.count())) {
        renewLeases();
        claimWhileFree();
        return;
    }
    runDueJobs();
}

void Scheduler::runDueJobs()
{
    if (m_stopping)
        return;
    const QDateTime now = m_clock.now();
    JobPlanner planner(m_store, m_sync.integrations(), m_sync.catalog());
    if (auto queued = planner.queueDueJobs(now); !queued)
        qCWarning(lcSchedule).noquote() << "cannot queue scheduled jobs:" << queued.error().toString();
    m_lastPlan = now;
    renewLeases();
    claimWhileFree();
}

void Scheduler::renewLeases()
{
    // Several renewals per lease, so one slow write to a busy database does not let a lease run out.
    const QDateTime now = m_clock.now();
    if (m_running.isEmpty() || (m_lastRenewal.isValid() && m_lastRenewal.secsTo(now) < m_options.leaseDuration.count() / 4))
        return;
    if (auto renewed = m_store.jobs().renewJobLeases(m_owner, now.addSecs(m_options.leaseDuration.count())); !renewed)
        qCWarning(lcSchedule).noquote() << "cannot renew job leases:" << renewed.error().toString();
    m_lastRenewal = now;
}

void Scheduler::claimWhileFree()
{
    while (!m_stopping && m_running.size() < m_options.workers) {
        const QDateTime now = m_clock.now();
        auto claimed = m_store.jobs().claimJob({m_owner, now.addSecs(m_options.leaseDuration.count())}, now);
        if (!claimed) {
            qCWarning(lcSchedule).noquote() << "cannot claim a job:" << claimed.error().toString();
            return;
        }
        if (!claimed.value())
            return;
        dispatch(*claimed.value());
    }
}

void Scheduler::dispatch(const Job &job)
{
    // A full resync starts over: its first attempt clears the cursors; a later attempt (after a crash or a stop)
    // goes on from what the first one stored.
    if (job.kind == JobKind::Resync && job.attempts == 1) {
        QStringList objects{job.object};
        if (job.object.isEmpty()) {
            objects.clear();
            const auto connection = m_store.tenants().connection(job.connectionId);
            const auto definition = connection ? m_sync.catalog().get(connection->provider)
                                               : Result<ProviderDefinition>(connection.error());
            for (const ObjectSpec &spec : definition ? definition->objects : QMap<QString, ObjectSpec>())
                objects.append(spec.name);
        }
        for (const QString &object : std::as_const(objects)) {
            if (auto cleared = m_store.records().clearCursor(job.connectionId, object); !cleared)
                qCWarning(lcSchedule).noquote() << "cannot clear the cursor of" << object << cleared.error().toString();
        }
    }
    const Running running{job, std::make_shared<std::atomic_bool>(false), std::make_shared<std::atomic<qint64>>(0)};
    m_running.insert(job.id, running);
    qCInfo(lcSchedule).noquote() << "started" << jobLabel(job) << "attempt" << job.attempts;
    Q_EMIT jobStarted(job.id);

    ReadOptions options;
    options.backfillSinceMs = job.backfillSinceMs;
    options.stopRequested = [stop = running.stop] { return stop->load(); };
    const SyncService::EventListener listener = [executionId = running.executionId](const Event &event) {
        executionId->store(event.executionId);
    };
    QPointer<Scheduler> self(this);
    m_pool.start([self, runner = m_runner, job, options, listener] {
        Result<Execution> result = runner(job, options, listener);
        // Back on the scheduler's thread; the destructor waits for the pool, so self is still there.
        QMetaObject::invokeMethod(self, [self, id = job.id, result] {
            if (self)
                self->finish(id, result);
        }, Qt::QueuedConnection);
    });
}

void Scheduler::finish(qint64 jobId, const Result<Execution> &result)
{
    const auto found = m_running.constFind(jobId);
    if (found == m_running.constEnd())
        return; // released to the queue while it was stuck; the store no longer has it as ours
    const Running running = found.value();
    m_running.erase(found);
    settle(running, result);
    if (m_stopping) {
        if (m_running.isEmpty())
            Q_EMIT idle();
        return;
    }
    runDueJobs();
}

void Scheduler::settle(const Running &running, const Result<Execution> &result)
{
    const Job &job = running.job;
    const qint64 executionId = result ? result->id : running.executionId->load();
    if (executionId > 0) {
        if (auto set = m_store.jobs().setJobExecution(job.id, executionId); !set)
            qCWarning(lcSchedule).noquote() << "cannot note the execution of job" << job.id << set.error().toString();
    }
    QString state = JobState::Done;
    std::optional<Error> error;
    QDateTime due;
    if (!result) {
        error = result.error();
    } else if (result->status != ExecutionStatus::Succeeded) {
        error = Error{result->errorCode, result->errorMessage};
    }
    if (result && result->status == ExecutionStatus::Interrupted) {
        state = JobState::Queued; // stopped by a shutdown: resumable, at once, by whoever runs next
        due = m_clock.now();
    } else if (error && job.attempts < m_options.maxAttempts) {
        state = JobState::Queued;
        due = retryAt(job.attempts);
    } else if (error) {
        state = JobState::Failed;
    }
    auto finished = m_store.jobs().finishJob(job.id, m_owner, state, error, due);
    if (!finished) {
        qCWarning(lcSchedule).noquote() << "cannot finish" << jobLabel(job) << finished.error().toString();
        return;
    }
    if (!finished.value()) {
        qCWarning(lcSchedule).noquote() << jobLabel(job) << "was taken over by another process (its lease ran out)";
        return;
    }
    if (state == JobState::Queued && error && error->code != QLatin1String("sync.interrupted")) {
        qCWarning(lcSchedule).noquote() << jobLabel(job) << "failed (" << error->code << "), attempt"
                                        << job.attempts << "of" << m_options.maxAttempts << "; retry at"
                                        << due.toString(Qt::ISODate);
    } else if (error) {
        qCInfo(lcSchedule).noquote() << jobLabel(job) << (state == JobState::Queued ? "stopped" : "failed")
                                     << "execution" << executionId << error->code;
    } else {
        qCInfo(lcSchedule).noquote() << "finished" << jobLabel(job) << "execution" << executionId;
    }
    Q_EMIT jobFinished(job.id, state);
}

QDateTime Scheduler::retryAt(int attempts) const
{
    qint64 delay = m_options.firstRetryDelay.count();
    for (int i = 1; i < attempts && delay < m_options.maxRetryDelay.count(); ++i)
        delay *= 2;
    return m_clock.now().addSecs(std::min<qint64>(delay, m_options.maxRetryDelay.count()));
}

void Scheduler::stopClaiming()
{
    m_stopping = true;
}

void Scheduler::interruptRunning()
{
    for (const Running &running : std::as_const(m_running))
        running.stop->store(true);
}

int Scheduler::releaseRunning()
{
    const QDateTime now = m_clock.now();
    const Error stopped = makeError("sync.interrupted", QStringLiteral("The server stopped before this job finished; "
                                                                       "it goes on from the stored cursor"));
    int released = 0;
    for (const Running &running : std::as_const(m_running)) {
        running.stop->store(true);
        if (auto set = m_store.jobs().finishJob(running.job.id, m_owner, JobState::Queued, stopped, now); set && *set)
            ++released;
        if (const qint64 execution = running.executionId->load(); execution > 0)
            (void)m_store.jobs().setJobExecution(running.job.id, execution);
    }
    m_running.clear();
    return released;
}

} // namespace patchbay
