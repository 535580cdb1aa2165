#include "HubSpotObjectStore.h"

#include <QJsonArray>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

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

bool idBelow(const HubSpotRecord &record, qint64 id)
{
    return record.id < id;
}

} // namespace

HubSpotObjectStore::HubSpotObjectStore(const HubSpotObjectType &type) : m_type(type), m_properties(type.properties) {}

void HubSpotObjectStore::seed(int count, quint32 seed, const QDateTime &now)
{
    m_generator.reseed(seed ^ m_type.seedSalt);
    m_records.clear();
    const std::vector<QDateTime> created = m_generator.creationTimes(count, now);
    m_records.reserve(created.size());

    qint64 id = m_type.firstId + static_cast<qint64>(seed % 50);
    for (const QDateTime &createdAt : created) {
        HubSpotRecord record;
        id += 1 + m_generator.random().bounded(3); // ids are increasing but not contiguous
        record.id = id;
        record.createdAt = createdAt;
        record.updatedAt = m_generator.lastModified(createdAt, now);
        record.properties = m_type.generateValues(m_generator);
        record.properties.insert(QStringLiteral("createdate"), timestamp(record.createdAt));
        record.properties.insert(m_type.lastModifiedProperty, timestamp(record.updatedAt));
        record.properties.insert(QStringLiteral("hs_object_id"), QString::number(record.id));
        m_records.push_back(record);
    }
    for (HubSpotRecord &record : m_records) {
        for (const HubSpotProperty &property : std::as_const(m_properties)) {
            if (!property.hubspotDefined)
                record.properties.insert(property.name, generatedValue(property, record));
        }
    }
}

const HubSpotProperty *HubSpotObjectStore::property(const QString &name) const
{
    for (const HubSpotProperty &property : m_properties) {
        if (property.name == name)
            return &property;
    }
    return nullptr;
}

bool HubSpotObjectStore::isPropertyType(const QString &type)
{
    static const QStringList types = {QStringLiteral("string"),      QStringLiteral("number"),
                                      QStringLiteral("date"),        QStringLiteral("datetime"),
                                      QStringLiteral("enumeration"), QStringLiteral("bool")};
    return types.contains(type);
}

bool HubSpotObjectStore::addCustomProperty(const QString &name, const QString &label, const QString &type,
                                           const QDateTime &now)
{
    if (name.isEmpty() || property(name) || !isPropertyType(type))
        return false;
    HubSpotProperty custom;
    custom.name = name;
    custom.label = label.isEmpty() ? name : label;
    custom.type = type;
    custom.fieldType = fieldTypeFor(type);
    custom.groupName = m_type.propertyGroup;
    custom.hubspotDefined = false;
    custom.createdAt = now;
    if (type == QLatin1String("enumeration"))
        custom.options = {QStringLiteral("bronze"), QStringLiteral("silver"), QStringLiteral("gold")};
    if (type == QLatin1String("bool"))
        custom.options = {QStringLiteral("true"), QStringLiteral("false")};
    m_properties.append(custom);
    for (HubSpotRecord &record : m_records)
        record.properties.insert(name, generatedValue(custom, record));
    return true;
}

QString HubSpotObjectStore::generatedValue(const HubSpotProperty &property, const HubSpotRecord &record) const
{
    const CustomFieldDefinition field{property.name, property.label, kindOf(property.type), property.options, {}};
    return RecordGenerator::customValue(m_generator.seed(), field, record.id, record.createdAt);
}

const HubSpotRecord *HubSpotObjectStore::record(qint64 id) const
{
    const auto it = std::lower_bound(m_records.begin(), m_records.end(), id, idBelow);
    return it != m_records.end() && it->id == id ? &*it : nullptr;
}

HubSpotRecord *HubSpotObjectStore::findRecord(qint64 id)
{
    const auto it = std::lower_bound(m_records.begin(), m_records.end(), id, idBelow);
    return it != m_records.end() && it->id == id ? &*it : nullptr;
}

int HubSpotObjectStore::count(bool archived) const
{
    return static_cast<int>(std::count_if(m_records.begin(), m_records.end(),
                                          [archived](const HubSpotRecord &r) { return r.archived == archived; }));
}

HubSpotObjectStore::ListPage HubSpotObjectStore::list(qint64 after, int limit, bool archived) const
{
    ListPage page;
    for (auto it = std::lower_bound(m_records.begin(), m_records.end(), after, idBelow); it != m_records.end(); ++it) {
        if (it->archived != archived)
            continue;
        if (page.records.size() == limit) {
            page.nextAfter = it->id;
            break;
        }
        page.records.append(&*it);
    }
    return page;
}

QList<qint64> HubSpotObjectStore::touch(int count, const QDateTime &now)
{
    std::vector<HubSpotRecord *> live;
    for (HubSpotRecord &record : m_records) {
        if (!record.archived)
            live.push_back(&record);
    }
    QList<qint64> touched;
    for (int i = 0; i < count && !live.empty(); ++i) {
        const auto index = static_cast<size_t>(m_generator.random().bounded(static_cast<quint32>(live.size())));
        HubSpotRecord *record = live[index];
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(index));
        record->updatedAt = now;
        record->properties.insert(m_type.lastModifiedProperty, timestamp(now));
        record->properties.insert(QStringLiteral("phone"), m_generator.phone());
        touched.append(record->id);
    }
    std::sort(touched.begin(), touched.end());
    return touched;
}

bool HubSpotObjectStore::archive(qint64 id, const QDateTime &now)
{
    HubSpotRecord *found = findRecord(id);
    if (!found || found->archived)
        return false;
    found->archived = true;
    found->archivedAt = now;
    found->updatedAt = now;
    found->properties.insert(m_type.lastModifiedProperty, timestamp(now));
    return true;
}

HubSpotPropertyValues HubSpotObjectStore::parseProperties(const QJsonObject &properties) const
{
    // Close to what HubSpot accepts as an address; it rejects spaces, a missing @ and a domain without a dot.
    static const QRegularExpression email(QStringLiteral("^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$"));
    HubSpotPropertyValues parsed;
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        const QString &name = it.key();
        const QJsonValue &json = it.value();
        const QString value = json.isDouble() ? QString::number(json.toDouble(), 'g', QLocale::FloatingPointShortest)
                              : json.isBool() ? (json.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                              : json.toString();
        const HubSpotProperty *known = property(name);
        if (!known) {
            parsed.problems.append({name, QStringLiteral("PROPERTY_DOESNT_EXIST"),
                                    QStringLiteral("Property \"%1\" does not exist").arg(name)});
        } else if (known->readOnlyValue) {
            parsed.problems.append({name, QStringLiteral("READ_ONLY_VALUE"),
                                    QStringLiteral("%1 is a read only property; its value cannot be set.").arg(name)});
        } else if (name == QLatin1String("email") && !value.isEmpty() && !email.match(value).hasMatch()) {
            parsed.problems.append(
                {name, QStringLiteral("INVALID_EMAIL"), QStringLiteral("Email address %1 is invalid").arg(value)});
        } else if (known->type == QLatin1String("enumeration") && !value.isEmpty() && !known->options.contains(value)) {
            parsed.problems.append({name, QStringLiteral("INVALID_OPTION"),
                                    QStringLiteral("%1 was not one of the allowed options: [%2]")
                                        .arg(value, known->options.join(QStringLiteral(", ")))});
        } else {
            parsed.values.insert(name, value);
        }
    }
    return parsed;
}

qint64 HubSpotObjectStore::create(const QHash<QString, QString> &values, const QDateTime &now)
{
    HubSpotRecord record;
    // Ids keep ascending, so list paging by id sees new records at the end.
    record.id = m_records.empty() ? m_type.firstId + 50 : m_records.back().id + 1 + m_generator.random().bounded(3);
    record.createdAt = now;
    record.updatedAt = now;
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (!it.value().isEmpty())
            record.properties.insert(it.key(), it.value());
    }
    record.properties.insert(QStringLiteral("createdate"), timestamp(now));
    record.properties.insert(m_type.lastModifiedProperty, timestamp(now));
    record.properties.insert(QStringLiteral("hs_object_id"), QString::number(record.id));
    m_records.push_back(record);
    return record.id;
}

bool HubSpotObjectStore::update(qint64 id, const QHash<QString, QString> &values, const QDateTime &now)
{
    HubSpotRecord *found = findRecord(id);
    if (!found || found->archived)
        return false;
    bool changed = false;
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (found->properties.value(it.key()) == it.value())
            continue;
        changed = true;
        if (it.value().isEmpty()) // an empty string clears the value
            found->properties.remove(it.key());
        else
            found->properties.insert(it.key(), it.value());
    }
    if (changed) {
        found->updatedAt = now;
        found->properties.insert(m_type.lastModifiedProperty, timestamp(now));
    }
    return true;
}

QString HubSpotObjectStore::timestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject HubSpotObjectStore::propertyToJson(const HubSpotProperty &property)
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
                     {QStringLiteral("readOnlyValue"), property.readOnlyValue}}},
    };
    // Custom properties carry no hubspotDefined field at all, which is what a definition has to cope with.
    if (property.hubspotDefined)
        json.insert(QStringLiteral("hubspotDefined"), true);
    return json;
}

QJsonObject HubSpotObjectStore::recordToJson(const HubSpotRecord &record, const QStringList &propertyNames) const
{
    QJsonObject properties;
    for (const QString &name : propertyNames) {
        if (!property(name))
            continue;
        const auto it = record.properties.constFind(name);
        properties.insert(name, it == record.properties.cend() ? QJsonValue(QJsonValue::Null) : QJsonValue(*it));
    }
    QJsonObject json{{QStringLiteral("id"), QString::number(record.id)},
                     {QStringLiteral("properties"), properties},
                     {QStringLiteral("createdAt"), timestamp(record.createdAt)},
                     {QStringLiteral("updatedAt"), timestamp(record.updatedAt)},
                     {QStringLiteral("archived"), record.archived}};
    if (record.archived)
        json.insert(QStringLiteral("archivedAt"), timestamp(record.archivedAt));
    return json;
}

} // namespace patchbay::sandbox
