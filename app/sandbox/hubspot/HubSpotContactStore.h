#pragma once

#include "common/RecordGenerator.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

namespace patchbay::sandbox {

// One entry of GET /crm/v3/properties/contacts.
struct HubSpotProperty
{
    QString name;
    QString label;
    QString type;      // string | number | date | datetime | enumeration | bool
    QString fieldType; // text | number | date | select | radio | booleancheckbox | phonenumber ...
    QString groupName;
    QStringList options; // enumeration values
    bool hubspotDefined = true;
    QDateTime createdAt;
};

struct HubSpotContact
{
    qint64 id = 0;
    QHash<QString, QString> properties; // every value is a string on the wire, as in HubSpot
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime archivedAt;
    bool archived = false;
};

// The CRM data of one portal: the contact property schema and deterministic, realistic contacts.
class HubSpotContactStore
{
public:
    struct ListPage
    {
        QList<const HubSpotContact *> contacts;
        qint64 nextAfter = 0; // 0 on the last page
    };

    HubSpotContactStore();

    // Seeds contactCount contacts created over the 90 days before now; the same seed gives the same data.
    void seed(int contactCount, quint32 seed, const QDateTime &now);

    const QList<HubSpotProperty> &properties() const { return m_properties; }
    const HubSpotProperty *property(const QString &name) const;
    // Returns false when the name is taken or the type is not one of HubSpot's property types.
    bool addCustomProperty(const QString &name, const QString &label, const QString &type, const QDateTime &now);

    const std::vector<HubSpotContact> &contacts() const { return m_contacts; }
    const HubSpotContact *contact(qint64 id) const;
    int count(bool archived) const;

    // Contacts with id >= after (ascending id) whose archived flag matches.
    ListPage list(qint64 after, int limit, bool archived) const;

    // Modifies count random live contacts at now; returns their ids.
    QList<qint64> touch(int count, const QDateTime &now);
    bool archive(qint64 id, const QDateTime &now);

    static QStringList defaultPropertyNames();
    static bool isPropertyType(const QString &type);
    static QJsonObject propertyToJson(const HubSpotProperty &property);
    // Only properties that exist in the schema appear; a known property without a value is null.
    QJsonObject contactToJson(const HubSpotContact &contact, const QStringList &propertyNames) const;
    static QString timestamp(const QDateTime &time);

private:
    QString generatedValue(const HubSpotProperty &property, const HubSpotContact &contact) const;

    std::vector<HubSpotContact> m_contacts; // ascending id
    QList<HubSpotProperty> m_properties;
    RecordGenerator m_generator;
};

} // namespace patchbay::sandbox
