#pragma once

#include "common/RecordTable.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <optional>

namespace patchbay::sandbox {

// One field of an sObject as describe reports it.
struct SalesforceField
{
    QString name;
    QString label;
    QString type; // id, string, email, phone, url, picklist, boolean, double, date, datetime, reference, textarea
    bool custom = false;
    bool nillable = true;
    bool createable = true;
    QStringList picklistValues;
};

struct SalesforceObject
{
    QString name; // Account, Contact, Invoice__c
    QString label;
    QString keyPrefix; // first three characters of every record id
    bool custom = false;
    QList<SalesforceField> fields;
    RecordTable table;

    const SalesforceField *field(const QString &name) const; // case-insensitive, as in SOQL
};

// A record to create failed one of the checks Salesforce makes; the SaveResult / error-array entry.
struct SalesforceSaveError
{
    QString statusCode; // REQUIRED_FIELD_MISSING, INVALID_FIELD, INVALID_TYPE, ...
    QString message;
    QStringList fields;
};

// The data of one org: standard Account and Contact, custom objects (Foo__c) and custom fields (Bar__c), with
// record ids, audit fields and the soft delete (IsDeleted) that queryAll reveals.
class SalesforceOrg
{
public:
    SalesforceOrg(const QString &orgId, quint32 seed);

    // Seeds contactCount Contacts and one Account per five of them, created over the last 90 days.
    void seed(int contactCount, const QDateTime &now);

    QString orgId() const { return m_orgId; }
    QString userId() const { return m_userId; }
    QStringList objectNames() const;
    SalesforceObject *object(const QString &name); // case-insensitive
    const SalesforceObject *object(const QString &name) const;

    bool addCustomObject(const QString &name, const QString &label, int recordCount, const QDateTime &now);
    // type is a Salesforce field type: string, double, boolean, picklist, date, datetime.
    bool addCustomField(const QString &objectName, const QString &name, const QString &label, const QString &type);

    // Checks API field values as a create would: known object, known createable fields, required ones present.
    bool validate(const QString &objectName, const QJsonObject &values, SalesforceSaveError *error) const;
    // Creates a record from API field values; returns its id or why it failed.
    std::optional<QString> create(const QString &objectName, const QJsonObject &values, const QDateTime &now,
                                  SalesforceSaveError *error);
    // PATCH semantics: only the given fields change. NOT_FOUND when there is no such live record.
    bool update(const QString &objectName, const QString &id, const QJsonObject &values, const QDateTime &now,
                SalesforceSaveError *error);
    QStringList touch(const QString &objectName, int count, const QDateTime &now);
    bool remove(const QString &objectName, const QString &id, const QDateTime &now);

    // A field's value as the API shows it (audit fields and Id included); undefined for an unknown field.
    static QJsonValue value(const SalesforceObject &object, const SandboxRecord &record, const QString &field);
    QJsonObject recordJson(const SalesforceObject &object, const SandboxRecord &record, const QStringList &fields,
                           const QString &apiPath) const;
    QJsonObject describe(const SalesforceObject &object) const;

    // Salesforce's wire form of date-times: 2026-01-15T10:30:00.000+0000.
    static QString dateTime(const QDateTime &time);
    static QDateTime parseDateTime(const QString &text);

private:
    SalesforceObject &addObject(const QString &name, const QString &label, const QString &keyPrefix, bool custom);
    QString newId(const SalesforceObject &object);
    void seedCustomRecords(SalesforceObject &object, int count, const QDateTime &now);

    QString m_orgId;
    QString m_userId;
    quint32 m_seed = 0;
    qint64 m_nextIdNumber = 1;
    std::map<QString, std::unique_ptr<SalesforceObject>> m_objects; // by lower-case name
};

} // namespace patchbay::sandbox
