#include "SqliteJobStore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

using namespace sqlite;

namespace {

const QString kJobColumns = QStringLiteral(
    "id, tenant_id, connection_id, object, kind, state, due_at, backfill_since, attempts, last_error_code, last_error, "
    "execution_id, owner, lease_expires_at, created_at, finished_at");

Job readJob(SqliteRow &row)
{
    return Job{row.int64(), row.int64(),   row.int64(), row.text(),  row.text(),  row.text(),
               row.time(),  row.int64(),   row.integer(), row.text(), row.text(), row.int64(),
               row.text(),  row.time(),    row.time(),  row.time()};
}

} // namespace

Result<qint64> SqliteJobStore::addJob(const Job &job)
{
    auto tenant = tenantOfConnection(m_db, job.connectionId);
    if (!tenant)
        return tenant.error();
    return insert(m_db,
                  QStringLiteral("INSERT INTO jobs (tenant_id, connection_id, object, kind, state, due_at, "
                                 "backfill_since, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                  *tenant, job.connectionId, job.object, job.kind, JobState::Queued,
                  job.dueAt.isValid() ? job.dueAt : now(), job.backfillSinceMs, now());
}

Result<std::optional<qint64>> SqliteJobStore::addScheduledJob(qint64 connectionId, const QString &object,
                                                              const QDateTime &dueAt, qint64 backfillSinceMs)
{
    auto tenant = tenantOfConnection(m_db, connectionId);
    if (!tenant)
        return tenant.error();
    // The partial unique index jobs_one_open_scheduled lets one open scheduled job per object through.
    auto added = changed(m_db,
                         QStringLiteral("INSERT INTO jobs (tenant_id, connection_id, object, kind, state, due_at, "
                                        "backfill_since, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                                        "ON CONFLICT DO NOTHING"),
                         *tenant, connectionId, object, JobKind::Scheduled, JobState::Queued, dueAt, backfillSinceMs,
                         now());
    if (!added)
        return added.error();
    if (!added.value())
        return std::optional<qint64>();
    return std::optional<qint64>(m_db.lastInsertId());
}

Result<std::optional<Job>> SqliteJobStore::lastScheduledJob(qint64 connectionId, const QString &object)
{
    return selectOne(m_db,
                     QStringLiteral("SELECT %1 FROM jobs WHERE connection_id = ?1 AND object = ?2 AND kind = ?3 "
                                    "ORDER BY due_at DESC, id DESC LIMIT 1")
                         .arg(kJobColumns),
                     readJob, connectionId, object, JobKind::Scheduled);
}

Result<int> SqliteJobStore::removeUnscheduledJobs(qint64 connectionId, const QStringList &scheduledObjects)
{
    const QString objects = QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(scheduledObjects)).toJson(QJsonDocument::Compact));
    const QString where = QStringLiteral("WHERE connection_id = ?1 AND kind = ?2 AND state = ?3 AND object NOT IN "
                                         "(SELECT value FROM json_each(?4))");
    // The planner asks for every connection every few seconds, and almost always there is nothing to remove: a read
    // first, so that those calls never take the database's write lock.
    auto found = selectOne(m_db, QStringLiteral("SELECT 1 FROM jobs %1 LIMIT 1").arg(where),
                           [](SqliteRow &row) { return row.int64(); }, connectionId, JobKind::Scheduled,
                           JobState::Queued, objects);
    if (!found)
        return found.error();
    if (!found.value())
        return 0;
    if (auto removed = run(m_db, QStringLiteral("DELETE FROM jobs %1").arg(where), connectionId, JobKind::Scheduled,
                           JobState::Queued, objects);
        !removed)
        return removed.error();
    return int(m_db.changes());
}

Result<std::optional<Job>> SqliteJobStore::claimJob(const ExecutionLease &lease, const QDateTime &now)
{
    // One statement picks and takes the job, so SQLite's write lock makes it atomic across processes. The outer
    // WHERE repeats the claimable test, so that on a database that runs statements concurrently (PostgreSQL, with
    // FOR UPDATE SKIP LOCKED in the inner select) a job another claimer took in between is not taken again.
    // What may be taken: queued and due, or running under a lease that ran out before now (its process died).
    auto claimed = selectAll(
        m_db,
        QStringLiteral(
            "UPDATE jobs SET state = 'running', owner = ?1, lease_expires_at = ?2, attempts = attempts + 1 "
            "WHERE id = (SELECT j.id FROM jobs j JOIN connections c ON c.id = j.connection_id "
            "            WHERE ((j.state = 'queued' AND j.due_at <= ?3) "
            "                   OR (j.state = 'running' AND j.lease_expires_at < ?3)) "
            "              AND c.status = 'active' "
            "              AND (c.integration IS NULL OR c.integration NOT IN (SELECT name FROM paused_integrations)) "
            "              AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.connection_id = j.connection_id "
            "                              AND r.id <> j.id AND r.state = 'running' AND r.lease_expires_at >= ?3) "
            "            ORDER BY j.due_at, j.id LIMIT 1) "
            "  AND ((state = 'queued' AND due_at <= ?3) OR (state = 'running' AND lease_expires_at < ?3)) "
            "RETURNING %1")
            .arg(kJobColumns),
        readJob, lease.owner, lease.expiresAt, now);
    if (!claimed)
        return claimed.error();
    if (claimed->isEmpty())
        return std::optional<Job>();
    return std::optional<Job>(claimed->constFirst());
}

Result<void> SqliteJobStore::renewJobLeases(const QString &owner, const QDateTime &until)
{
    return run(m_db,
               QStringLiteral("UPDATE jobs SET lease_expires_at = ?2 WHERE owner = ?1 AND state = 'running' "
                              "AND lease_expires_at < ?2"),
               owner, until);
}

Result<void> SqliteJobStore::setJobExecution(qint64 jobId, qint64 executionId)
{
    return run(m_db, QStringLiteral("UPDATE jobs SET execution_id = ?2 WHERE id = ?1"), jobId, idOrNull(executionId));
}

Result<bool> SqliteJobStore::finishJob(qint64 jobId, const QString &owner, const QString &state,
                                       const std::optional<Error> &error, const QDateTime &dueAt)
{
    const bool queuedAgain = state == JobState::Queued;
    return changed(m_db,
                   QStringLiteral("UPDATE jobs SET state = ?3, last_error_code = ?4, last_error = ?5, "
                                  "due_at = COALESCE(?6, due_at), finished_at = ?7, owner = NULL, "
                                  "lease_expires_at = NULL WHERE id = ?1 AND owner = ?2 AND state = 'running'"),
                   jobId, owner, state, error ? QVariant(error->code) : QVariant(),
                   error ? QVariant(error->message) : QVariant(), queuedAgain ? dueAt : QDateTime(),
                   queuedAgain ? QDateTime() : now());
}

Result<Job> SqliteJobStore::job(qint64 id)
{
    return required(selectOne(m_db, QStringLiteral("SELECT %1 FROM jobs WHERE id = ?1").arg(kJobColumns), readJob, id),
                    notFound("job", id));
}

Result<QList<Job>> SqliteJobStore::jobs(qint64 connectionId, int limit)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM jobs WHERE connection_id = ?1 ORDER BY id DESC LIMIT ?2")
                         .arg(kJobColumns),
                     readJob, connectionId, limit);
}

Result<void> SqliteJobStore::setIntegrationPaused(const QString &integration, bool paused)
{
    if (!paused)
        return run(m_db, QStringLiteral("DELETE FROM paused_integrations WHERE name = ?1"), integration);
    return run(m_db,
               QStringLiteral("INSERT INTO paused_integrations (name, paused_at) VALUES (?1, ?2) "
                              "ON CONFLICT (name) DO NOTHING"),
               integration, now());
}

Result<QStringList> SqliteJobStore::pausedIntegrations()
{
    auto names = selectAll(m_db, QStringLiteral("SELECT name FROM paused_integrations ORDER BY name"),
                           [](SqliteRow &row) { return row.text(); });
    if (!names)
        return names.error();
    return QStringList(names.value());
}

Result<qint64> SqliteJobStore::queuedJobCount()
{
    return required(selectOne(m_db, QStringLiteral("SELECT COUNT(*) FROM jobs WHERE state = 'queued'"),
                              [](SqliteRow &row) { return row.int64(); }),
                    makeError("store.failed", QStringLiteral("No count.")));
}

} // namespace patchbay
