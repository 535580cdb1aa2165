#include "HubSpotContactStore.h"

#include <QJsonArray>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

// HubSpot's default lifecycle stages; most contacts sit in the early ones.
const QStringList kLifecycleStages = {QStringLiteral("subscriber"),
                                      QStringLiteral("lead"),
                                      QStringLiteral("lead"),
                                      QStringLiteral("lead"),
                                      QStringLiteral("marketingqualifiedlead"),
                                      QStringLiteral("salesqualifiedlead"),
                                      QStringLiteral("opportunity"),
                                      QStringLiteral("customer"),
                                      QStringLiteral("customer"),
                                      QStringLiteral("evangelist"),
                                      QStringLiteral("other")};

const QStringList kLifecycleOptions = {
    QStringLiteral("subscriber"),         QStringLiteral("lead"),        QStringLiteral("marketingqualifiedlead"),
    QStringLiteral("salesqualifiedlead"), QStringLiteral("opportunity"), QStringLiteral("customer"),
    QStringLiteral("evangelist"),         QStringLiteral("other")};

HubSpotProperty builtIn(const char *name, const char *label, const char *type, const char *fieldType, const char *group,
                        const QStringList &options = {})
{
    HubSpotProperty property;
    property.name = QLatin1String(name);
    property.label = QLatin1String(label);
    property.type = QLatin1String(type);
    property.fieldType = QLatin1String(fieldType);
    property.groupName = QLatin1String(group);
    property.options = options;
    property.createdAt = QDateTime(QDate(2019, 8, 6), QTime(2, 41, 52, 327), Qt::UTC);
    return property;
}

FieldKind kindOf(const QString &type)
{
    if (type == QLatin1String("number"))
        return FieldKind::Number;
    if (type == QLatin1String("date"))
        return FieldKind::Date;
    if (type == QLatin1String("datetime"))
        return FieldKind::DateTime;
    if (type == QLatin1String("enumeration"))
        return FieldKind::Picklist;
    if (type == QLatin1String("bool"))
        return FieldKind::Bool;
    return FieldKind::Text;
}

QString fieldTypeFor(const QString &type)
{
    if (type == QLatin1String("number"))
        return QStringLiteral("number");
    if (type == QLatin1String("date") || type == QLatin1String("datetime"))
        return QStringLiteral("date");
    if (type == QLatin1String("enumeration"))
        return QStringLiteral("select");
    if (type == QLatin1String("bool"))
        return QStringLiteral("booleancheckbox");
    return QStringLiteral("text");
}

} // namespace

HubSpotContactStore::HubSpotContactStore()
{
    m_properties = {
        builtIn("email", "Email", "string", "text", "contactinformation"),
        builtIn("firstname", "First Name", "string", "text", "contactinformation"),
        builtIn("lastname", "Last Name", "string", "text", "contactinformation"),
        builtIn("company", "Company Name", "string", "text", "contactinformation"),
        builtIn("phone", "Phone Number", "string", "phonenumber", "contactinformation"),
        builtIn("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", "contactinformation", kLifecycleOptions),
        builtIn("createdate", "Create Date", "datetime", "date", "contactinformation"),
        builtIn("lastmodifieddate", "Last Modified Date", "datetime", "date", "contactinformation"),
        builtIn("hs_object_id", "Record ID", "number", "number", "contactinformation"),
    };
}

void HubSpotContactStore::seed(int contactCount, quint32 seed, const QDateTime &now)
{
    m_generator.reseed(seed);
    m_contacts.clear();
    const std::vector<QDateTime> created = m_generator.creationTimes(contactCount, now);
    m_contacts.reserve(created.size());

    qint64 id = 51 + static_cast<qint64>(seed % 50);
    for (const QDateTime &createdAt : created) {
        HubSpotContact contact;
        id += 1 + m_generator.random().bounded(3); // ids are increasing but not contiguous
        contact.id = id;
        contact.createdAt = createdAt;
        contact.updatedAt = m_generator.lastModified(createdAt, now);
        const GeneratedPerson person = m_generator.person();
        contact.properties = {
            {QStringLiteral("email"), person.email},
            {QStringLiteral("firstname"), person.firstName},
            {QStringLiteral("lastname"), person.lastName},
            {QStringLiteral("company"), person.company},
            {QStringLiteral("phone"), m_generator.phone()},
            {QStringLiteral("lifecyclestage"), m_generator.pick(kLifecycleStages)},
            {QStringLiteral("createdate"), timestamp(contact.createdAt)},
            {QStringLiteral("lastmodifieddate"), timestamp(contact.updatedAt)},
            {QStringLiteral("hs_object_id"), QString::number(contact.id)},
        };
        m_contacts.push_back(contact);
    }
    for (HubSpotContact &contact : m_contacts) {
        for (const HubSpotProperty &property : std::as_const(m_properties)) {
            if (!property.hubspotDefined)
                contact.properties.insert(property.name, generatedValue(property, contact));
        }
    }
}

const HubSpotProperty *HubSpotContactStore::property(const QString &name) const
{
    for (const HubSpotProperty &property : m_properties) {
        if (property.name == name)
            return &property;
    }
    return nullptr;
}

bool HubSpotContactStore::isPropertyType(const QString &type)
{
    static const QStringList types = {QStringLiteral("string"),      QStringLiteral("number"),
                                      QStringLiteral("date"),        QStringLiteral("datetime"),
                                      QStringLiteral("enumeration"), QStringLiteral("bool")};
    return types.contains(type);
}

bool HubSpotContactStore::addCustomProperty(const QString &name, const QString &label, const QString &type,
                                            const QDateTime &now)
{
    if (name.isEmpty() || property(name) || !isPropertyType(type))
        return false;
    HubSpotProperty custom;
    custom.name = name;
    custom.label = label.isEmpty() ? name : label;
    custom.type = type;
    custom.fieldType = fieldTypeFor(type);
    custom.groupName = QStringLiteral("contactinformation");
    custom.hubspotDefined = false;
    custom.createdAt = now;
    if (type == QLatin1String("enumeration"))
        custom.options = {QStringLiteral("bronze"), QStringLiteral("silver"), QStringLiteral("gold")};
    if (type == QLatin1String("bool"))
        custom.options = {QStringLiteral("true"), QStringLiteral("false")};
    m_properties.append(custom);
    for (HubSpotContact &contact : m_contacts)
        contact.properties.insert(name, generatedValue(custom, contact));
    return true;
}

QString HubSpotContactStore::generatedValue(const HubSpotProperty &property, const HubSpotContact &contact) const
{
    const CustomFieldDefinition field{property.name, property.label, kindOf(property.type), property.options, {}};
    return RecordGenerator::customValue(m_generator.seed(), field, contact.id, contact.createdAt);
}

const HubSpotContact *HubSpotContactStore::contact(qint64 id) const
{
    const auto it = std::lower_bound(m_contacts.begin(), m_contacts.end(), id,
                                     [](const HubSpotContact &c, qint64 value) { return c.id < value; });
    return it != m_contacts.end() && it->id == id ? &*it : nullptr;
}

int HubSpotContactStore::count(bool archived) const
{
    return static_cast<int>(std::count_if(m_contacts.begin(), m_contacts.end(),
                                          [archived](const HubSpotContact &c) { return c.archived == archived; }));
}

HubSpotContactStore::ListPage HubSpotContactStore::list(qint64 after, int limit, bool archived) const
{
    ListPage page;
    auto it = std::lower_bound(m_contacts.begin(), m_contacts.end(), after,
                               [](const HubSpotContact &c, qint64 value) { return c.id < value; });
    for (; it != m_contacts.end(); ++it) {
        if (it->archived != archived)
            continue;
        if (page.contacts.size() == limit) {
            page.nextAfter = it->id;
            break;
        }
        page.contacts.append(&*it);
    }
    return page;
}

QList<qint64> HubSpotContactStore::touch(int count, const QDateTime &now)
{
    std::vector<HubSpotContact *> live;
    for (HubSpotContact &contact : m_contacts) {
        if (!contact.archived)
            live.push_back(&contact);
    }
    QList<qint64> touched;
    for (int i = 0; i < count && !live.empty(); ++i) {
        const auto index = static_cast<size_t>(m_generator.random().bounded(static_cast<quint32>(live.size())));
        HubSpotContact *contact = live[index];
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(index));
        contact->updatedAt = now;
        contact->properties.insert(QStringLiteral("lastmodifieddate"), timestamp(now));
        contact->properties.insert(QStringLiteral("phone"), m_generator.phone());
        touched.append(contact->id);
    }
    std::sort(touched.begin(), touched.end());
    return touched;
}

bool HubSpotContactStore::archive(qint64 id, const QDateTime &now)
{
    const auto it = std::lower_bound(m_contacts.begin(), m_contacts.end(), id,
                                     [](const HubSpotContact &c, qint64 value) { return c.id < value; });
    HubSpotContact *found = it != m_contacts.end() && it->id == id ? &*it : nullptr;
    if (!found || found->archived)
        return false;
    found->archived = true;
    found->archivedAt = now;
    found->updatedAt = now;
    found->properties.insert(QStringLiteral("lastmodifieddate"), timestamp(now));
    return true;
}

QStringList HubSpotContactStore::defaultPropertyNames()
{
    // The properties HubSpot returns for contacts when none are requested (CRM search and objects guides).
    return {QStringLiteral("createdate"),       QStringLiteral("email"),
            QStringLiteral("firstname"),        QStringLiteral("hs_object_id"),
            QStringLiteral("lastmodifieddate"), QStringLiteral("lastname")};
}

QString HubSpotContactStore::timestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject HubSpotContactStore::propertyToJson(const HubSpotProperty &property)
{
    QJsonArray options;
    for (int i = 0; i < property.options.size(); ++i) {
        const QString &value = property.options.at(i);
        QString label = value;
        label[0] = label[0].toUpper();
        options.append(QJsonObject{{QStringLiteral("label"), label},
                                   {QStringLiteral("value"), value},
                                   {QStringLiteral("displayOrder"), i},
                                   {QStringLiteral("hidden"), false}});
    }
    QJsonObject json{
        {QStringLiteral("name"), property.name},
        {QStringLiteral("label"), property.label},
        {QStringLiteral("type"), property.type},
        {QStringLiteral("fieldType"), property.fieldType},
        {QStringLiteral("description"), QString()},
        {QStringLiteral("groupName"), property.groupName},
        {QStringLiteral("options"), options},
        {QStringLiteral("displayOrder"), -1},
        {QStringLiteral("calculated"), false},
        {QStringLiteral("externalOptions"), false},
        {QStringLiteral("hasUniqueValue"), false},
        {QStringLiteral("hidden"), false},
        {QStringLiteral("formField"), false},
        {QStringLiteral("createdAt"), timestamp(property.createdAt)},
        {QStringLiteral("updatedAt"), timestamp(property.createdAt)},
        {QStringLiteral("archived"), false},
        {QStringLiteral("modificationMetadata"),
         QJsonObject{{QStringLiteral("archivable"), !property.hubspotDefined},
                     {QStringLiteral("readOnlyDefinition"), property.hubspotDefined},
                     {QStringLiteral("readOnlyValue"), false}}},
    };
    // Custom properties carry no hubspotDefined field at all, which is what a definition has to cope with.
    if (property.hubspotDefined)
        json.insert(QStringLiteral("hubspotDefined"), true);
    return json;
}

QJsonObject HubSpotContactStore::contactToJson(const HubSpotContact &contact, const QStringList &propertyNames) const
{
    QJsonObject properties;
    for (const QString &name : propertyNames) {
        if (!property(name))
            continue;
        const auto it = contact.properties.constFind(name);
        properties.insert(name, it == contact.properties.cend() ? QJsonValue(QJsonValue::Null) : QJsonValue(*it));
    }
    QJsonObject json{{QStringLiteral("id"), QString::number(contact.id)},
                     {QStringLiteral("properties"), properties},
                     {QStringLiteral("createdAt"), timestamp(contact.createdAt)},
                     {QStringLiteral("updatedAt"), timestamp(contact.updatedAt)},
                     {QStringLiteral("archived"), contact.archived}};
    if (contact.archived)
        json.insert(QStringLiteral("archivedAt"), timestamp(contact.archivedAt));
    return json;
}

} // namespace patchbay::sandbox
