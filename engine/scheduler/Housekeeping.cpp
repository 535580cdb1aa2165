#include "Housekeeping.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "store/Store.h"

namespace patchbay {

namespace {

// The actor of what housekeeping changes, in the audit log.
AuditEntry housekeepingEntry(const QString &action, const QString &target, qint64 tenantId, const QJsonValue &before)
{
    AuditEntry entry;
    entry.keyName = QStringLiteral("patchbayd housekeeping");
    entry.role = QStringLiteral("system");
    entry.action = action;
    entry.target = target;
    entry.tenantId = tenantId;
    entry.before = before;
    return entry;
}

} // namespace

Housekeeping::Housekeeping(Store &store, Clock &clock, HousekeepingOptions options, QObject *parent)
    : QObject(parent), m_store(store), m_clock(clock), m_options(options)
{
    m_timer.setInterval(m_options.interval);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (auto done = runOnce(); !done)
            qCWarning(lcSchedule).noquote() << "housekeeping failed:" << done.error().toString();
    });
}

void Housekeeping::start()
{
    m_timer.start();
    if (auto done = runOnce(); !done)
        qCWarning(lcSchedule).noquote() << "housekeeping failed:" << done.error().toString();
}

Result<Housekeeping::Report> Housekeeping::runOnce()
{
    Report report;
    const QDateTime now = m_clock.now();
    auto compacted = m_store.records().compactChanges(now.addDays(-m_options.changeRetentionDays));
    if (!compacted)
        return compacted.error();
    report.compactedChanges = compacted.value();
    if (auto removed = removeAbandonedSessions(report); !removed)
        return removed.error();
    if (report.compactedChanges > 0 || report.removedSessions > 0)
        qCInfo(lcSchedule).noquote() << "housekeeping: compacted" << report.compactedChanges
                                     << "record changes older than" << m_options.changeRetentionDays << "days; removed"
                                     << report.removedSessions << "abandoned connect sessions and"
                                     << report.removedConnections << "connections they left unauthorised";
    return report;
}

Result<void> Housekeeping::removeAbandonedSessions(Report &report)
{
    const QDateTime openedBefore = m_clock.now().addSecs(-m_options.abandonedAfter.count());
    auto sessions = m_store.credentials().abandonedConnectSessions(openedBefore);
    if (!sessions)
        return sessions.error();
    for (const ConnectSession &session : std::as_const(sessions.value())) {
        bool connectionRemoved = false;
        auto removed = m_store.inTransaction([&]() -> Result<void> {
            // Gone already (the callback removed a refused one, or someone deleted it), or authorised after all:
            // only the session goes.
            const auto connection = m_store.tenants().connection(session.connectionId);
            if (connection && connection->status == ConnectionStatus::NeedsReauth) {
                if (auto deleted = m_store.tenants().deleteConnection(connection->id); !deleted)
                    return deleted;
                const QJsonObject before{{QStringLiteral("provider"), connection->provider},
                                         {QStringLiteral("status"), connection->status},
                                         {QStringLiteral("connectSession"), session.id},
                                         {QStringLiteral("reason"), QStringLiteral("never authorised")}};
                if (auto audited = m_store.audit().appendAudit(housekeepingEntry(
                        QStringLiteral("connection.delete"), QStringLiteral("connection:%1").arg(connection->id),
                        connection->tenantId, before));
                    !audited)
                    return audited.error();
                connectionRemoved = true;
            }
            return m_store.credentials().removeConnectSession(session.id);
        });
        if (!removed)
            return removed;
        ++report.removedSessions;
        if (connectionRemoved)
            ++report.removedConnections;
    }
    return {};
}

} // namespace patchbay
