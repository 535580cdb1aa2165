#pragma once

// The plain types the ops API answers with, beside the engine's vocabulary (engine/core). No engine code and no
// transport: a remote implementation builds them from JSON.

#include "core/Tenancy.h"
#include "core/TokenState.h"

#include <QDateTime>
#include <QString>

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

} // namespace patchbay
