#pragma once

// The plain types the ops API answers with, beside the engine's vocabulary (engine/core). No engine code and no
// transport: a remote implementation builds them from JSON.

#include "core/ExecutionQuery.h"
#include "core/Records.h"
#include "core/Tenancy.h"
#include "core/TokenState.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay {

// A connection as the console lists it: with its tenant's name and what is known of its access token.
struct ConnectionSummary
{
    Connection connection;
    QString tenantDisplayName;
    TokenState tokenState = TokenState::Unknown;
    QDateTime tokenExpiresAt;

    bool operator==(const ConnectionSummary &) const = default;
};

// The answer to a command that starts background work (a sync, a token refresh, ...): the work was accepted and
// has started. The execution id is known when the work has recorded its execution by the time the answer is
// sent, 0 otherwise; executionFinished reports the end either way.
struct CommandStarted
{
    qint64 connectionId = 0;
    qint64 executionId = 0;

    bool operator==(const CommandStarted &) const = default;
};

// One of OpsApi's signals as the server's live updates carry it (GET /api/v1/ops/live), with the tenant of its
// connection so that a tenant-bound listener gets only its own. executionId is 0 for ConnectionChanged, and for
// ExecutionFinished when the work ended before it recorded an execution; succeeded and message are set for
// ExecutionFinished only.
struct LiveUpdate
{
    enum class Kind { ExecutionStarted, ExecutionProgressed, ExecutionFinished, ConnectionChanged };

    Kind kind = Kind::ConnectionChanged;
    qint64 tenantId = 0;
    qint64 connectionId = 0;
    qint64 executionId = 0;
    bool succeeded = false;
    QString message;

    bool operator==(const LiveUpdate &) const = default;
};

// How a connection is doing, worst last: each is also what a tenant shows when it is the worst of its connections.
namespace ConnectionHealth {
inline const QString Healthy = QStringLiteral("healthy");
inline const QString Paused = QStringLiteral("paused");           // paused by someone, not by a problem
inline const QString Degraded = QStringLiteral("degraded");       // it syncs, but runs or records failed lately
inline const QString NeedsReauth = QStringLiteral("needs_reauth"); // the provider no longer accepts its grant
inline const QString Failing = QStringLiteral("failing");         // its last sync failed
// 0 (healthy) to 4 (failing); -1 for a name that is none of these.
inline int rank(const QString &health)
{
    return QStringList{Healthy, Paused, Degraded, NeedsReauth, Failing}.indexOf(health);
}
} // namespace ConnectionHealth

// Which connections a health report covers; every condition given must hold (the tenant roll-up counts the
// connections the tenant and provider conditions leave, and health then filters both lists).
struct HealthFilter
{
    std::optional<qint64> tenantId;
    QString health;   // a ConnectionHealth; empty: any
    QString provider; // empty: any

    bool operator==(const HealthFilter &) const = default;
};

struct ConnectionHealthRow
{
    qint64 connectionId = 0;
    qint64 tenantId = 0;
    QString tenantName;
    QString connectionName;
    QString provider;
    QString health;             // ConnectionHealth
    QString reason;             // why, in a sentence; empty when healthy
    qint64 failedRunsLast24h = 0;
    QDateTime lastSyncAt;       // the last read or write that finished (never a token operation); unset: none yet
    QString lastSyncOutcome;    // its ExecutionOutcome
    qint64 lastSyncExecutionId = 0;
    qint64 lastSyncFailedRecords = 0; // the records its last sync kept raw or did not write

    bool operator==(const ConnectionHealthRow &) const = default;
};

// A tenant: the worst health of its connections, and how many are in each.
struct TenantHealthRow
{
    qint64 tenantId = 0;
    QString tenantName;
    QString health;
    qint64 connections = 0;
    qint64 healthy = 0;
    qint64 paused = 0;
    qint64 degraded = 0;
    qint64 needsReauth = 0;
    qint64 failing = 0;
    qint64 failedRunsLast24h = 0;

    bool operator==(const TenantHealthRow &) const = default;
};

struct HealthReport
{
    QList<ConnectionHealthRow> connections; // by tenant name, then connection name
    QList<TenantHealthRow> tenants;         // by tenant name

    bool operator==(const HealthReport &) const = default;
};

// A connection's token operations (refreshes and authorisations) and where its grant stands. Messages are the
// provider's as the engine kept them (redacted): never a token.
struct RefreshHistory
{
    qint64 connectionId = 0;
    QList<ExecutionRow> operations; // newest first; each one's message is the provider's answer or the summary
    qint64 consecutiveFailures = 0; // failed operations since the last that succeeded
    QStringList scopes;             // granted with the current token; empty when the provider said none
    QDateTime accessTokenExpiresAt; // unset: unknown, or it does not expire
    QDateTime refreshedAt;
    TokenState tokenState = TokenState::Unknown;

    bool operator==(const RefreshHistory &) const = default;
};

// A link for a connection's customer to authorise it again in their own browser (a connect session of patchbayd's
// for that connection): it works once, until expiresAt. The link is the customer's key to do so: give it to them
// only.
struct ReauthorizationLink
{
    qint64 connectionId = 0;
    QString url;
    QDateTime expiresAt;

    bool operator==(const ReauthorizationLink &) const = default;
};

// A failed record as the failed-records tab lists it: the record (raw, and every field error in full) with the
// connection it came through and a label a person recognises it by.
struct FailedRecordDetail
{
    FailedRecord record;
    qint64 connectionId = 0;
    // What the record's mapping gives for a name-like output field (name, full name, title, subject, email, ...),
    // evaluated field by field so the fields that fail do not hide the others; empty when none gives text.
    QString label;

    bool operator==(const FailedRecordDetail &) const = default;
};

// --- Replay of webhook events and notification deliveries (issue 13 item 6)

// Which webhook events or notification deliveries to list: newest first, those of one connection (all the tenant's,
// or every tenant's, when unset), at most limit (1..OpsApi::kMaxPageSize).
struct ReplayListFilter
{
    std::optional<qint64> tenantId;
    std::optional<qint64> connectionId;
    int limit = 50;

    bool operator==(const ReplayListFilter &) const = default;
};

// A provider webhook call as the inbox keeps it (WebhookInboxEntry): what became of it, never its body or headers.
struct WebhookEventRow
{
    qint64 id = 0;
    qint64 tenantId = 0;
    qint64 connectionId = 0;
    QString provider;
    QString source;      // where the call came from (its address)
    QDateTime receivedAt;
    QString state;       // pending, applied, failed
    qint64 attempts = 0;
    QString error;       // why the last attempt failed; empty when none did
    qint64 executionId = 0; // the last attempt's execution; 0 when none started
    QDateTime finishedAt;
    qint64 replayOf = 0; // the call this one replays; 0 when the provider sent it

    bool operator==(const WebhookEventRow &) const = default;
};

// A notification to the product's endpoint (NotificationDelivery), without its payload.
struct NotificationDeliveryRow
{
    qint64 id = 0;
    QString deliveryId;
    QString eventId;
    QString type;        // NotificationType
    QString endpoint;
    qint64 tenantId = 0;     // 0: an event of every tenant
    qint64 connectionId = 0; // 0: none
    QString state;       // pending, delivered, failed
    qint64 attempts = 0;
    qint64 lastStatus = 0;   // the endpoint's last HTTP status; 0: none
    QString error;
    QDateTime createdAt;
    QDateTime lastAttemptAt;
    qint64 replayOf = 0; // the delivery this one replays; 0 when none

    bool operator==(const NotificationDeliveryRow &) const = default;
};

} // namespace patchbay
