#include "Migrations.h"

#include "SqliteDatabase.h"
#include "core/Logging.h"

#include <QStringList>

#include <algorithm>

namespace patchbay {

namespace {

// Never edit a migration that has shipped; append a new one.
const QStringList &migrations()
{
    static const QStringList list = {
        // 1: the walking-skeleton schema. Every row carries its tenant.
        QStringLiteral(R"sql(
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE connections (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    display_name TEXT NOT NULL,
    config TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'active',
    status_message TEXT,
    created_at INTEGER NOT NULL,
    last_sync_at INTEGER,
    last_sync_status TEXT
);
CREATE INDEX connections_by_tenant ON connections(tenant_id);
CREATE TABLE credentials (
    connection_id INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    sealed BLOB NOT NULL,
    expires_at INTEGER,
    refreshed_at INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE TABLE executions (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    object TEXT,
    status TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    record_count INTEGER NOT NULL DEFAULT 0,
    page_count INTEGER NOT NULL DEFAULT 0,
    request_count INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT
);
CREATE INDEX executions_by_connection ON executions(connection_id, id DESC);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    execution_id INTEGER NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
    time INTEGER NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    context TEXT
);
CREATE INDEX events_by_execution ON events(execution_id, id);
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    execution_id INTEGER NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    request_body BLOB,
    status INTEGER NOT NULL,
    response_headers TEXT NOT NULL,
    response_body BLOB,
    error TEXT
);
CREATE INDEX exchanges_by_execution ON exchanges(execution_id, id);
CREATE TABLE cursors (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, object)
);
CREATE TABLE records (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at TEXT,
    execution_id INTEGER,
    stored_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, object, record_id)
) WITHOUT ROWID;
)sql"),
        // 2: integrations and their mappings. Overrides are kept as versions (who, when, why); a record that
        // fails its mapping is kept raw until it maps.
        QStringLiteral(R"sql(
ALTER TABLE connections ADD COLUMN integration TEXT;
ALTER TABLE connections ADD COLUMN environment TEXT NOT NULL DEFAULT 'production';
ALTER TABLE executions ADD COLUMN failed_record_count INTEGER NOT NULL DEFAULT 0;
CREATE TABLE mapping_versions (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
    level TEXT NOT NULL CHECK (level IN ('environment', 'connection')),
    scope TEXT NOT NULL,
    integration TEXT NOT NULL,
    object TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('read', 'write')),
    version INTEGER NOT NULL,
    overrides TEXT NOT NULL,
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (level, scope, integration, object, direction, version)
);
CREATE TABLE failed_records (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    execution_id INTEGER NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    updated_at TEXT,
    raw TEXT NOT NULL,
    errors TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_execution_id INTEGER
);
CREATE UNIQUE INDEX failed_records_open ON failed_records(connection_id, object, record_id) WHERE resolved_at IS NULL;
)sql"),
        // 3: writes with per-item results, the provider id each product record was written to, received webhook
        // events (for de-duplication) and discovered object schemas.
        QStringLiteral(R"sql(
CREATE TABLE write_items (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    execution_id INTEGER NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    item_key TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('create', 'update')),
    provider_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
    error_code TEXT,
    error_message TEXT,
    payload TEXT NOT NULL,
    sent TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX write_items_by_execution ON write_items(execution_id);
CREATE INDEX write_items_by_key ON write_items(connection_id, object, item_key);
CREATE TABLE record_links (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    item_key TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, object, item_key)
) WITHOUT ROWID;
CREATE TABLE webhook_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    connection_id INTEGER REFERENCES connections(id) ON DELETE CASCADE,
    execution_id INTEGER,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (provider, event_id)
) WITHOUT ROWID;
CREATE TABLE object_schemas (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    fields TEXT NOT NULL,
    execution_id INTEGER,
    discovered_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, object)
) WITHOUT ROWID;
)sql"),
        // 4: who is refreshing a connection's token right now, so that processes sharing the database (workers of
        // patchbayd, the console) refresh it once between them.
        QStringLiteral(R"sql(
CREATE TABLE refresh_leases (
    connection_id INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
)sql"),
        // 5: authorisations on their way (the state sent to the provider, the sealed PKCE verifier), so that the
        // callback can finish them in whichever process receives it.
        QStringLiteral(R"sql(
CREATE TABLE pending_authorizations (
    state TEXT PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    sealed_verifier BLOB,
    redirect_uri TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql"),
        // 6: settings of the database itself (a sealed check value of the master key, so a wrong key is refused at
        // start), and the lease of the process running each execution, so a run whose process died is closed as
        // interrupted. Runs left running by a program without leases have no owner that can come back.
        QStringLiteral(R"sql(
CREATE TABLE store_settings (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
ALTER TABLE executions ADD COLUMN owner TEXT;
ALTER TABLE executions ADD COLUMN lease_expires_at INTEGER;
UPDATE executions SET owner = 'unknown (before leases)', lease_expires_at = 0 WHERE status = 'running';
CREATE INDEX executions_running ON executions(lease_expires_at) WHERE status = 'running';
)sql"),
        // 7: webhook de-duplication per connection: an event id is unique within one provider account, not across
        // tenants, so one tenant's event id must never suppress another's. Rows without a connection cannot be
        // told apart and are dropped (at worst an event is applied once more; applying is idempotent).
        QStringLiteral(R"sql(
CREATE TABLE webhook_events_per_connection (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    execution_id INTEGER,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, provider, event_id)
) WITHOUT ROWID;
INSERT INTO webhook_events_per_connection (connection_id, provider, event_id, execution_id, received_at)
    SELECT connection_id, provider, event_id, execution_id, received_at FROM webhook_events
    WHERE connection_id IS NOT NULL;
DROP TABLE webhook_events;
ALTER TABLE webhook_events_per_connection RENAME TO webhook_events;
)sql"),
        // 8: refused webhook calls, summed up per provider and source address: how many, when, the last reason and
        // size and a hash of the last body, never a body itself (a forger decides how large those are).
        QStringLiteral(R"sql(
CREATE TABLE webhook_rejections (
    provider TEXT NOT NULL,
    source TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    last_reason TEXT NOT NULL,
    last_connection_id INTEGER,
    last_size INTEGER NOT NULL,
    last_body_sha256 TEXT NOT NULL,
    PRIMARY KEY (provider, source)
) WITHOUT ROWID;
CREATE INDEX webhook_rejections_by_time ON webhook_rejections(last_at);
)sql"),
        // 9 (api branch: API keys and the audit log): keys are kept as the SHA-256 of the whole key, found by a
        // short non-secret prefix; audit entries outlive the tenants and keys they name, so neither is a foreign key.
        QStringLiteral(R"sql(
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    prefix TEXT NOT NULL,
    secret_sha256 BLOB NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    tenant_id INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_keys_by_prefix ON api_keys(prefix);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    key_id INTEGER,
    key_name TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    tenant_id INTEGER,
    at INTEGER NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_log_by_tenant ON audit_log(tenant_id, id);
)sql"),
        // 10 (connect branch: connect sessions): the links a product shows its customers to connect a provider,
        // each used once. The connection an opened link created is not a foreign key: the session outlives a
        // refused connection, so the callback can still say what happened.
        QStringLiteral(R"sql(
CREATE TABLE connect_sessions (
    id TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    integration TEXT,
    redirect_url TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    opened_at INTEGER,
    connection_id INTEGER,
    state TEXT
) WITHOUT ROWID;
CREATE INDEX connect_sessions_by_state ON connect_sessions(state) WHERE state IS NOT NULL;
)sql"),
        // 11 (scheduler branch): the scheduler's jobs, one row each, claimed under a lease like executions, so a
        // restarted or second process goes on where one stopped; at most one open scheduled job per connection and
        // object; and the integrations paused as a whole.
        QStringLiteral(R"sql(
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('scheduled', 'sync', 'resync')),
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    due_at INTEGER NOT NULL,
    backfill_since INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error_code TEXT,
    last_error TEXT,
    execution_id INTEGER REFERENCES executions(id) ON DELETE SET NULL,
    owner TEXT,
    lease_expires_at INTEGER,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_claimable ON jobs(state, due_at);
CREATE INDEX jobs_by_connection ON jobs(connection_id, id DESC);
CREATE UNIQUE INDEX jobs_one_open_scheduled ON jobs(connection_id, object)
    WHERE kind = 'scheduled' AND state IN ('queued', 'running');
CREATE TABLE paused_integrations (
    name TEXT PRIMARY KEY,
    paused_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql"),
        // 12 (branch feed: the records change feed): the change log of stored records, one row per created,
        // updated or deleted record, numbered by an AUTOINCREMENT sequence that never goes back, even after the newest
        // rows were deleted (with their connection). SQLite appends the rowid (the sequence) to every index, so a feed
        // page is a range scan of record_changes_feed and a record's history one of record_changes_history. The
        // records stored before the log existed enter it as created, so a reader starting from the beginning sees
        // every record.
        QStringLiteral(R"sql(
CREATE TABLE record_changes (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('created', 'updated', 'deleted')),
    execution_id INTEGER,
    changed_at INTEGER NOT NULL,
    data TEXT
);
CREATE INDEX record_changes_feed ON record_changes(connection_id, object);
CREATE INDEX record_changes_history ON record_changes(connection_id, object, record_id);
INSERT INTO record_changes (tenant_id, connection_id, object, record_id, change, execution_id, changed_at, data)
    SELECT tenant_id, connection_id, object, record_id, 'created', execution_id, stored_at, data FROM records
    ORDER BY stored_at, connection_id, object, record_id;
)sql"),
        // 13 (e2e branch: housekeeping): who asked for a connect session, for the audit entry of the connection its
        // browser flow makes, and whether the provider authorised it, so that the connections of abandoned sessions
        // can be removed. Sessions opened before this version count as complete unless their connection still waits
        // for its first authorisation. Retention removes old changes by time.
        QStringLiteral(R"sql(
ALTER TABLE connect_sessions ADD COLUMN completed_at INTEGER;
ALTER TABLE connect_sessions ADD COLUMN creator_key_id INTEGER;
ALTER TABLE connect_sessions ADD COLUMN creator_key_name TEXT;
ALTER TABLE connect_sessions ADD COLUMN creator_role TEXT;
UPDATE connect_sessions SET completed_at = opened_at WHERE connection_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM connections c WHERE c.id = connect_sessions.connection_id AND c.status = 'needs_reauth'
    AND c.status_message = 'Waiting for the customer to authorise the connection');
CREATE INDEX record_changes_by_time ON record_changes(changed_at);
)sql"),
        // 14 (provider webhooks in patchbayd): verified calls stored before they are acknowledged, applied
        // later by a worker. A call is known again by its dedupe key within its connection; state is pending, applied
        // or failed; a claim (claimed_until) keeps one worker on an entry and runs out when that worker dies.
        QStringLiteral(R"sql(
CREATE TABLE webhook_inbox (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER,
    last_error TEXT,
    execution_id INTEGER REFERENCES executions(id) ON DELETE SET NULL,
    finished_at INTEGER,
    UNIQUE (connection_id, provider, dedupe_key)
);
CREATE INDEX webhook_inbox_pending ON webhook_inbox(state, connection_id, id);
CREATE INDEX webhook_inbox_by_tenant ON webhook_inbox(tenant_id, id DESC);
)sql"),
        // 15 (notifications to the product): the delivery log, one row per event and endpoint with its
        // attempts (an event goes to an endpoint once; a replay is a row of its own pointing at the original); how far
        // the notifier has read the change log, executions and mapping versions; and per connection the status it last
        // told the product about and since when its webhooks have been reported silent.
        QStringLiteral(R"sql(
CREATE TABLE notification_deliveries (
    id INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    url TEXT NOT NULL,
    tenant_id INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
    connection_id INTEGER REFERENCES connections(id) ON DELETE CASCADE,
    payload BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    next_attempt_at INTEGER,
    replay_of INTEGER REFERENCES notification_deliveries(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX notification_deliveries_once ON notification_deliveries(endpoint, event_id) WHERE replay_of IS NULL;
CREATE INDEX notification_deliveries_due ON notification_deliveries(next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_deliveries_by_tenant ON notification_deliveries(tenant_id, id);
CREATE TABLE notification_marks (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE notification_connections (
    connection_id INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    notified_status TEXT NOT NULL,
    webhooks_silent_since INTEGER
);
CREATE INDEX executions_finished ON executions(finished_at) WHERE finished_at IS NOT NULL;
)sql"),
        // 16 (the console's Runs view, health and replay): the console's Runs view across tenants pages newest first with each filter seeking an
        // index (SQLite keeps the rowid in every index, so "tenant_id = ? AND id < ?" is a range of one); a partial
        // failure has an index of its own, being rare among successes. Health counts a connection's failures along
        // executions_failed. A replay names the execution it replays.
        QStringLiteral(R"sql(
ALTER TABLE executions ADD COLUMN replay_of INTEGER REFERENCES executions(id) ON DELETE SET NULL;
CREATE INDEX executions_by_tenant ON executions(tenant_id);
CREATE INDEX executions_by_kind ON executions(kind);
CREATE INDEX executions_by_status ON executions(status);
CREATE INDEX executions_partial ON executions(status) WHERE status = 'succeeded' AND failed_record_count > 0;
CREATE INDEX executions_by_connection_kind ON executions(connection_id, kind);
CREATE INDEX executions_failed ON executions(connection_id, started_at) WHERE status = 'failed';
CREATE INDEX failed_records_by_execution ON failed_records(execution_id);
)sql"),
        // 17 (webhook replay and silence): a replayed webhook call is an inbox entry of its own pointing at the
        // one it copies; and a connection's last webhook arrival (replays not counted) is read from an index, for
        // the notifier's webhook-silence check.
        QStringLiteral(R"sql(
ALTER TABLE webhook_inbox ADD COLUMN replay_of INTEGER REFERENCES webhook_inbox(id) ON DELETE SET NULL;
CREATE INDEX webhook_inbox_arrivals ON webhook_inbox(connection_id, received_at) WHERE replay_of IS NULL;
)sql"),
        // 18 (replay): an execution's replays are found from it ("Replayed by #456") along an
        // index, one seek per listed execution; a connection's webhook calls are listed newest first from an index.
        QStringLiteral(R"sql(
CREATE INDEX executions_replays ON executions(replay_of) WHERE replay_of IS NOT NULL;
CREATE INDEX webhook_inbox_by_connection ON webhook_inbox(connection_id, id DESC);
)sql"),
        // 19 (re-authorisation links): a connect session may authorise an existing connection again
        // instead of creating one; that connection is never an abandoned session's to remove.
        QStringLiteral(R"sql(
ALTER TABLE connect_sessions ADD COLUMN reauthorizes INTEGER;
)sql"),
    };
    return list;
}

} // namespace

int Migrations::latestVersion()
{
    return static_cast<int>(migrations().size());
}

Result<void> Migrations::apply(SqliteDatabase &db, int upTo)
{
    upTo = std::min(upTo, latestVersion());
    // Cheap look first: an up-to-date database (every start but the first) takes no write lock.
    if (const int version = db.userVersion(); version >= upTo && version <= latestVersion())
        return {};
    // Several processes may open a new database at once: the version is read again under the write lock
    // (BEGIN IMMEDIATE waits for it up to the busy timeout), so exactly one of them migrates and the others see
    // its result.
    SqliteTransaction transaction(db);
    if (!transaction.started()) {
        return makeError("store.migration_busy",
                         QStringLiteral("Cannot lock the database %1 to bring its schema up to date: %2. Another "
                                        "program may hold it locked; close it and start again.")
                             .arg(db.path(), transaction.started().error().message));
    }
    const int current = db.userVersion();
    if (current > latestVersion()) {
        return makeError("store.newer_schema",
                         QStringLiteral("The database %1 has schema version %2, but this Patchbay knows only up to "
                                        "version %3. Upgrade Patchbay, or open a different database.")
                             .arg(db.path())
                             .arg(current)
                             .arg(latestVersion()));
    }
    if (current >= upTo)
        return {}; // another process migrated it while this one waited for the lock
    qCDebug(lcStore).noquote() << "migrating" << db.path() << "from schema version" << current << "to" << upTo;
    for (int version = current + 1; version <= upTo; ++version) {
        if (auto result = db.exec(migrations().at(version - 1)); !result) {
            return makeError("store.migration_failed", QStringLiteral("Migration %1 failed: %2; the database is "
                                                                      "unchanged at version %3.")
                                                           .arg(version)
                                                           .arg(result.error().message)
                                                           .arg(current));
        }
    }
    if (auto result = db.setUserVersion(upTo); !result)
        return result;
    return transaction.commit();
}

} // namespace patchbay
