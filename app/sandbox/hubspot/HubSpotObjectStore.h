#pragma once

#include "HubSpotObjectType.h"
#include "common/RecordGenerator.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

namespace patchbay::sandbox {

// One refused property value of a write, as HubSpot lists it under "Property values were not valid".
struct HubSpotPropertyProblem
{
    QString name;
    QString code; // PROPERTY_DOESNT_EXIST, READ_ONLY_VALUE, INVALID_EMAIL, INVALID_OPTION
    QString message;
};

// The properties object of a create or update as stored values (every value a string), or what is wrong with it.
struct HubSpotPropertyValues
{
    QHash<QString, QString> values;
    QList<HubSpotPropertyProblem> problems;
};

// One record of a CRM object (a contact, a company).
struct HubSpotRecord
{
    qint64 id = 0;
    QHash<QString, QString> properties; // every value is a string on the wire, as in HubSpot
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime archivedAt;
    bool archived = false;
};

// The records of one CRM object of one portal: the object's property schema and deterministic, realistic records.
class HubSpotObjectStore
{
public:
    struct ListPage
    {
        QList<const HubSpotRecord *> records;
        qint64 nextAfter = 0; // 0 on the last page
    };

    explicit HubSpotObjectStore(const HubSpotObjectType &type);

    const HubSpotObjectType &type() const { return m_type; }

    // Seeds count records created over the 90 days before now; the same seed gives the same data.
    void seed(int count, quint32 seed, const QDateTime &now);

    const QList<HubSpotProperty> &properties() const { return m_properties; }
    const HubSpotProperty *property(const QString &name) const;
    // Returns false when the name is taken or the type is not one of HubSpot's property types.
    bool addCustomProperty(const QString &name, const QString &label, const QString &type, const QDateTime &now);

    const std::vector<HubSpotRecord> &records() const { return m_records; }
    const HubSpotRecord *record(qint64 id) const;
    int count(bool archived) const;

    // Records with id >= after (ascending id) whose archived flag matches.
    ListPage list(qint64 after, int limit, bool archived) const;

    // Modifies count random live records at now (the last-modified property and phone); returns their ids.
    QList<qint64> touch(int count, const QDateTime &now);
    bool archive(qint64 id, const QDateTime &now);

    // Checks a write's properties against the schema: unknown and read-only properties, malformed emails,
    // enumeration values that are not options. JSON numbers and booleans become strings; null clears a value.
    HubSpotPropertyValues parseProperties(const QJsonObject &properties) const;
    // Creates a record at now with the given (already checked) values; returns its id.
    qint64 create(const QHash<QString, QString> &values, const QDateTime &now);
    // Sets the values on a live record; the last-modified property and updatedAt move only when a value changes.
    // Returns false for an unknown or archived record.
    bool update(qint64 id, const QHash<QString, QString> &values, const QDateTime &now);

    static bool isPropertyType(const QString &type);
    static QJsonObject propertyToJson(const HubSpotProperty &property);
    // Only properties that exist in the schema appear; a known property without a value is null.
    QJsonObject recordToJson(const HubSpotRecord &record, const QStringList &propertyNames) const;
    static QString timestamp(const QDateTime &time);

private:
    HubSpotRecord *findRecord(qint64 id);
    QString generatedValue(const HubSpotProperty &property, const HubSpotRecord &record) const;

    const HubSpotObjectType &m_type;
    std::vector<HubSpotRecord> m_records; // ascending id
    QList<HubSpotProperty> m_properties;
    RecordGenerator m_generator;
};

} // namespace patchbay::sandbox
