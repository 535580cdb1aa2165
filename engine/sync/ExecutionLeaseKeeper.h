#pragma once

#include "core/Executions.h"

#include <QString>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace patchbay {

class Clock;

// Keeps this process's executions alive in the database: while it exists, a thread renews the lease of every
// running execution the process owns, so that another process (or this one after a restart) can tell a live run
// from one whose process was killed. Lease times come from the injected clock.
class ExecutionLeaseKeeper
{
public:
    // How long a lease lasts without renewal, and how often it is renewed (several times per lease, so one slow
    // write to a busy database does not let it run out).
    static constexpr std::chrono::seconds kLeaseDuration{90};
    static constexpr std::chrono::seconds kRenewInterval{20};

    ExecutionLeaseKeeper(QString databasePath, Clock &clock);
    ~ExecutionLeaseKeeper();
    ExecutionLeaseKeeper(const ExecutionLeaseKeeper &) = delete;
    ExecutionLeaseKeeper &operator=(const ExecutionLeaseKeeper &) = delete;

    // The lease for an execution this process starts now; renewal begins with the first one.
    ExecutionLease newLease();

    // This process's owner id: host, pid and a random token of this start (a pid is reused, the token is not).
    static QString processOwner();

private:
    void renewLoop();

    QString m_databasePath;
    Clock &m_clock;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace patchbay
