#include "SqliteAuditStore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

using namespace sqlite;

namespace {

// A JSON value of any type as text (QJsonDocument holds only objects and arrays); NULL when not recorded.
QVariant valueText(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return {};
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

QJsonValue valueFromText(const QString &text)
{
    if (text.isEmpty())
        return QJsonValue(QJsonValue::Null);
    return QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + ']').array().first();
}

AuditEntry readEntry(SqliteRow &row)
{
    AuditEntry entry;
    entry.id = row.int64();
    entry.keyId = row.int64();
    entry.keyName = row.text();
    entry.role = row.text();
    entry.action = row.text();
    entry.target = row.text();
    if (const qint64 tenant = row.int64(); tenant != 0)
        entry.tenantId = tenant;
    entry.at = row.time();
    entry.before = valueFromText(row.text());
    entry.after = valueFromText(row.text());
    return entry;
}

} // namespace

Result<qint64> SqliteAuditStore::appendAudit(const AuditEntry &entry)
{
    return insert(m_db,
                  QStringLiteral("INSERT INTO audit_log (key_id, key_name, role, action, target, tenant_id, at, "
                                 "before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
                  idOrNull(entry.keyId), entry.keyName, entry.role, entry.action, entry.target, entry.tenantId,
                  entry.at.isValid() ? entry.at : now(), valueText(entry.before), valueText(entry.after));
}

Result<QList<AuditEntry>> SqliteAuditStore::auditEntries(const AuditFilter &filter)
{
    // An action ending in '.' is a prefix: "tenant." matches "tenant.create" and "tenant.delete".
    return selectAll(
        m_db,
        QStringLiteral("SELECT id, key_id, key_name, role, action, target, tenant_id, at, before, after "
                       "FROM audit_log WHERE (?1 IS NULL OR tenant_id = ?1) AND (?2 IS NULL OR key_id = ?2) "
                       "AND (?3 = '' OR action = ?3 OR (substr(?3, -1) = '.' AND substr(action, 1, length(?3)) = ?3)) "
                       "AND (?4 = '' OR target = ?4) AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < ?6) "
                       "AND (?7 IS NULL OR id < ?7) ORDER BY id DESC LIMIT ?8"),
        readEntry, filter.tenantId, filter.keyId, filter.action, filter.target, filter.since, filter.until,
        filter.beforeId, qint64(filter.limit));
}

} // namespace patchbay
