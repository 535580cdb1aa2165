#pragma once

#include "core/Result.h"

#include <QObject>
#include <QTimer>

#include <chrono>

namespace patchbay {

class Clock;
class Store;

struct HousekeepingOptions
{
    int changeRetentionDays = 30; // changes older than this keep only each record's latest
    // An opened connect session not authorised by then is abandoned: its state lived 10 minutes
    // (AuthorizationFlow::kStateLifetimeSeconds), and a slow token exchange gets 5 more.
    std::chrono::seconds abandonedAfter{15 * 60};
    std::chrono::minutes interval{10}; // how often start() runs it
};

// What patchbayd tidies up on its own, on the scheduler's thread, once at start and then every interval:
// - the records change log past its retention (RecordStore::compactChanges: each record keeps its latest change,
//   so a feed reader with an old cursor still ends with every record as stored);
// - abandoned connect sessions: a customer opened the link and never came back from the provider (or the provider
//   refused), leaving a connection that waits for an authorisation that can no longer come (its state lives 10
//   minutes). That connection, when it still has never been authorised, is removed with an audit entry, then the
//   session. A connection that was authorised once is never touched, whatever its status now.
// Several processes on one database may run it at once: each step is idempotent.
class Housekeeping : public QObject
{
    Q_OBJECT
public:
    struct Report
    {
        qint64 compactedChanges = 0;
        int removedConnections = 0;
        int removedSessions = 0;
    };

    Housekeeping(Store &store, Clock &clock, HousekeepingOptions options = {}, QObject *parent = nullptr);

    // Runs now and then every interval.
    void start();
    // One round; what the timer calls, and tests after moving their clock.
    Result<Report> runOnce();

private:
    Result<void> removeAbandonedSessions(Report &report);

    Store &m_store;
    Clock &m_clock;
    HousekeepingOptions m_options;
    QTimer m_timer;
};

} // namespace patchbay
