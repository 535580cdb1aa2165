#pragma once

#include "core/Executions.h"
#include "core/Jobs.h"
#include "core/Result.h"
#include "sync/SyncService.h"

#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace patchbay {

class Clock;
class Store;

struct SchedulerOptions
{
    int workers = 4;                                  // jobs running at once
    std::chrono::seconds leaseDuration{90};           // a claimed job whose process stops renewing runs again after it
    std::chrono::milliseconds pollInterval{1000};     // how often due jobs are claimed (start() only)
    std::chrono::seconds planInterval{10};            // how often the polls look for scheduled reads to queue
    int maxAttempts = 5;                              // a job that failed this often stays failed
    std::chrono::seconds firstRetryDelay{60};         // then doubling per failed attempt, up to maxRetryDelay
    std::chrono::seconds maxRetryDelay{3600};
};

// patchbayd's scheduler: queues the scheduled reads (JobPlanner), claims due jobs from the store under a lease
// (JobStore::claimJob, so several processes can share the queue and a restarted one goes on where it stopped) and
// runs them on a bounded pool of worker threads, one job per connection at a time. A failed job is retried with a
// growing delay; a stopped one (shutdown) is queued again, resumable from its cursor. Lives on the thread that
// created it (the event loop's); store is used on that thread only, and time comes from clock.
class Scheduler : public QObject
{
    Q_OBJECT
public:
    // What a worker runs for a job (on its thread): by default SyncService::read of the job's object with its
    // backfill start. options.stopRequested turns true once interruptRunning() was called; listener sees the
    // execution's events (they name its id).
    using JobRunner = std::function<Result<Execution>(const Job &job, const ReadOptions &options,
                                                      const SyncService::EventListener &listener)>;

    Scheduler(Store &store, SyncService &sync, Clock &clock, SchedulerOptions options = {},
              QObject *parent = nullptr);
    ~Scheduler() override;

    // Tests replace what a job runs.
    void setJobRunner(JobRunner runner) { m_runner = std::move(runner); }
    // This process's lease owner (ExecutionLeaseKeeper::processOwner() unless set, e.g. to act as a second process).
    void setOwner(const QString &owner) { m_owner = owner; }
    const QString &owner() const { return m_owner; }

    // Claims due jobs every pollInterval from now on, and queues scheduled reads every planInterval.
    void start();
    // Queues the scheduled jobs that are due, renews the running jobs' leases and claims due jobs while workers are
    // free. What the poll timer calls; tests call it after moving their clock.
    void runDueJobs();

    // Shutting down: no job is claimed from now on; running ones go on, their leases renewed.
    void stopClaiming();
    // Asks running jobs to stop after the page they are on; each ends with its execution interrupted and the job
    // queued again (jobFinished, then idle() when none runs).
    void interruptRunning();
    // Jobs that did not stop (a worker stuck in a long wait) are given back as queued, resumable from their cursor;
    // their executions are closed as interrupted by the next run, once their lease runs out. Returns how many.
    int releaseRunning();
    int runningCount() const { return int(m_running.size()); }

Q_SIGNALS:
    void jobStarted(qint64 jobId);
    // state: done, failed, or queued (to be retried, or stopped by a shutdown).
    void jobFinished(qint64 jobId, const QString &state);
    // No job runs any more after stopClaiming().
    void idle();

private:
    void poll();

    struct Running
    {
        Job job;
        std::shared_ptr<std::atomic_bool> stop;
        std::shared_ptr<std::atomic<qint64>> executionId;
    };

    void renewLeases();
    void claimWhileFree();
    void dispatch(const Job &job);
    void finish(qint64 jobId, const Result<Execution> &result);
    // Where a job goes after its run: done, retried later, failed for good, or queued again after a stop.
    void settle(const Running &running, const Result<Execution> &result);
    QDateTime retryAt(int attempts) const;

    Store &m_store;
    SyncService &m_sync;
    Clock &m_clock;
    SchedulerOptions m_options;
    JobRunner m_runner;
    QString m_owner;
    QThreadPool m_pool;
    QTimer m_poll;
    QHash<qint64, Running> m_running;
    QDateTime m_lastRenewal;
    QDateTime m_lastPlan;
    bool m_stopping = false;
};

} // namespace patchbay
