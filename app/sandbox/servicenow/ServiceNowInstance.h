#pragma once

#include "common/SandboxAccount.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay::sandbox {

// One ServiceNow instance: the incident and sys_user tables with their custom u_ columns, the dictionary that
// describes them and the admin user that basic auth and the OAuth password grant accept.
class ServiceNowInstance : public SandboxAccount
{
public:
    ServiceNowInstance(const QString &name, quint32 seed);

    QString adminUser() const { return QStringLiteral("admin"); }
    QString adminPassword() const { return apiKey(); }

    // Every value as a string, as the Table API prints them; times in the instance's UTC "yyyy-MM-dd HH:mm:ss".
    QJsonObject rowJson(const QString &table, const SandboxRecord &record) const;
    // sys_dictionary rows of a table: one collection row, then one per column (custom u_ columns included).
    QList<QJsonObject> dictionaryRows(const QString &table) const;
    // Inserts a record from a POST body; fills *detail and returns empty when a data policy refuses it (incident's
    // short_description is mandatory).
    QString insert(const QString &table, const QJsonObject &body, const QDateTime &now, QString *detail);
    enum class UpdateResult { Updated, NotFound, Refused };
    // Changes the columns a PATCH/PUT body names; Refused (with *detail) when the data policy refuses the change.
    UpdateResult update(const QString &table, const QString &sysId, const QJsonObject &body, const QDateTime &now,
                        QString *detail);

    static QString timestamp(const QDateTime &time);

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    QString customFieldName(const QString &object, const QString &label) const override;
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    QString nextSysId(RecordTable &table) const;
    // Sets the writable columns of body; returns whether any was set.
    static bool assign(const QString &tableName, const RecordTable &records, SandboxRecord &record,
                       const QJsonObject &body);
};

} // namespace patchbay::sandbox
