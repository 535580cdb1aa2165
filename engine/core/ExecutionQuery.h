#pragma once

// Executions as the console's Runs view lists them, across tenants: the filter, and each row with the names it shows.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include "core/Executions.h"
#include "core/Tenancy.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay {

// What became of an execution, with partial failure told apart: status says "succeeded" over an execution that kept
// failed records (their mapping or their write failed), its outcome says "partial".
namespace ExecutionOutcome {
inline const QString Running = QStringLiteral("running");
inline const QString Succeeded = QStringLiteral("succeeded"); // and no record failed
inline const QString Partial = QStringLiteral("partial");     // succeeded, with failed records
inline const QString Failed = QStringLiteral("failed");
inline const QString Interrupted = QStringLiteral("interrupted");

inline QString of(const QString &status, qint64 failedRecords)
{
    return status == ExecutionStatus::Succeeded && failedRecords > 0 ? Partial : status;
}

inline bool isKnown(const QString &outcome)
{
    return outcome == Running || outcome == Succeeded || outcome == Partial || outcome == Failed
        || outcome == Interrupted;
}
} // namespace ExecutionOutcome

// Which executions to list: every condition given must hold. Newest first (by id), at most limit of them; for the
// next page pass the last id seen as beforeId.
struct ExecutionFilter
{
    std::optional<qint64> tenantId;
    std::optional<qint64> connectionId;
    QString kind;            // read, write, refresh, ...; empty: any
    QString outcome;         // an ExecutionOutcome; empty: any
    QDateTime startedFrom;   // started at or after; invalid: no bound
    QDateTime startedBefore; // started before; invalid: no bound
    QString text;            // in the error message, error code or object (ASCII case ignored); empty: any
    int limit = 50;
    std::optional<qint64> beforeId;

    bool operator==(const ExecutionFilter &) const = default;
};

// One execution as the Runs view shows it.
struct ExecutionRow
{
    Execution execution;
    QString outcome;        // ExecutionOutcome
    QString tenantName;     // the tenant's display name
    QString connectionName; // the connection's display name
    QString provider;
    qint64 durationMs = 0;     // finished minus started; 0 while it runs
    qint64 recordsRead = 0;    // the records a read (or webhook, replay of a read) stored
    qint64 recordsWritten = 0; // the records a write wrote
    qint64 recordsFailed = 0;  // kept raw (mapping failed) or not written
    qint64 replayOf = 0;       // the execution this one replays; 0 when none
    qint64 replayedBy = 0;     // its latest replay; 0 when none
    QString message;           // its error message; without one its last event (a success's summary)

    bool operator==(const ExecutionRow &) const = default;
};

// The kinds of execution that read or write records: a connection's last sync is the last of these (a token
// refresh, an authorisation, a schema discovery or a proxied call is none).
inline const QStringList kSyncKinds{QStringLiteral("read"), QStringLiteral("backfill"), QStringLiteral("write"),
                                    QStringLiteral("webhook"), QStringLiteral("replay")};
// The kinds of execution that obtain a connection's tokens.
inline const QStringList kTokenKinds{QStringLiteral("refresh"), QStringLiteral("authorize")};

// What a connection did lately, the facts its health is judged on.
struct ConnectionActivity
{
    Connection connection;
    QString tenantName;
    std::optional<ExecutionRow> lastSync; // its last finished read or write (kSyncKinds), if any
    qint64 failedRunsSince = 0;           // executions of any kind that failed since the time asked
};

// A connection's token operations (kTokenKinds), newest first, and how many failed in a row up to now.
struct TokenHistory
{
    QList<ExecutionRow> operations;
    qint64 consecutiveFailures = 0;
};

} // namespace patchbay
