#include "HubSpotContactStore.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <array>

namespace patchbay::sandbox {

namespace {

constexpr std::array kFirstNames = {"Olivia", "Liam",  "Emma",   "Noah",   "Amelia", "Oliver", "Ava",    "Elijah",
                                    "Sophia", "Lucas", "Mia",    "Mateo",  "Isla",   "Levi",   "Chloe",  "Ezra",
                                    "Priya",  "Arjun", "Yuki",   "Haruto", "Fatima", "Omar",   "Ingrid", "Lars",
                                    "Camila", "Diego", "Chiara", "Marco",  "Zoe",    "Felix",  "Nora",   "Hugo",
                                    "Aisha",  "Kwame", "Mei",    "Wei",    "Elena",  "Pavel",  "Sofia",  "Jonas"};

constexpr std::array kLastNames = {
    "Smith",    "Johnson", "Williams", "Brown",    "Garcia",  "Miller", "Davis",    "Martinez", "Lopez",    "Wilson",
    "Anderson", "Thomas",  "Taylor",   "Moore",    "Jackson", "Martin", "Lee",      "Perez",    "Thompson", "White",
    "Harris",   "Clark",   "Lewis",    "Walker",   "Hall",    "Young",  "Nakamura", "Patel",    "Okafor",   "Schmidt",
    "Rossi",    "Dubois",  "Novak",    "Kowalski", "Silva",   "Berg",   "Haddad",   "Chen",     "Kim",      "Murphy"};

struct Company
{
    const char *name;
    const char *domain;
};

constexpr std::array kCompanies = {
    Company{"Acme Analytics", "acmeanalytics.com"},   Company{"Brightwave Labs", "brightwave.io"},
    Company{"Cobalt Freight", "cobaltfreight.com"},   Company{"Dunmore Health", "dunmorehealth.org"},
    Company{"Evergreen Foods", "evergreenfoods.com"}, Company{"Fjord Robotics", "fjordrobotics.no"},
    Company{"Granite Legal", "granitelegal.com"},     Company{"Harbor & Finch", "harborfinch.co"},
    Company{"Ironclad Security", "ironclad.dev"},     Company{"Juniper Retail", "juniperretail.com"},
    Company{"Kestrel Aviation", "kestrelair.com"},    Company{"Lumen Education", "lumen.edu"},
    Company{"Meridian Bank", "meridianbank.com"},     Company{"Northwind Traders", "northwind.example"},
    Company{"Orchid Biotech", "orchidbio.com"},       Company{"Pinnacle Media", "pinnaclemedia.tv"},
    Company{"Quarry Construction", "quarryco.com"},   Company{"Riverbend Energy", "riverbend.energy"},
    Company{"Saffron Hotels", "saffronhotels.com"},   Company{"Tidewater Logistics", "tidewater.com"},
    Company{"Umbra Design", "umbra.design"},          Company{"Vantage Insurance", "vantageins.com"},
    Company{"Willow Pharmacy", "willowrx.com"},       Company{"Zephyr Software", "zephyrsoft.io"}};

// HubSpot's default lifecycle stages; most contacts sit in the early ones.
constexpr std::array kLifecycleStages = {
    "subscriber", "lead",     "lead",       "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
    "customer",   "customer", "evangelist", "other"};

const QStringList kLifecycleOptions = {
    QStringLiteral("subscriber"),         QStringLiteral("lead"),        QStringLiteral("marketingqualifiedlead"),
    QStringLiteral("salesqualifiedlead"), QStringLiteral("opportunity"), QStringLiteral("customer"),
    QStringLiteral("evangelist"),         QStringLiteral("other")};

constexpr qint64 kSeedWindowSeconds = 90LL * 24 * 3600;

template <typename Array> auto pick(QRandomGenerator &random, const Array &values)
{
    return values[random.bounded(static_cast<quint32>(values.size()))];
}

// FNV-1a, so generated custom values do not depend on Qt's hash seeding.
quint32 stableHash(const QString &text)
{
    quint32 hash = 2166136261u;
    for (const QChar c : text) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    return hash;
}

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
    m_seed = seed;
    m_random.seed(seed);
    m_contacts.clear();
    m_contacts.reserve(std::max(0, contactCount));

    // Creation times are drawn first and sorted so that ids grow with creation time, as in HubSpot.
    std::vector<qint64> ageMs;
    ageMs.reserve(m_contacts.capacity());
    for (int i = 0; i < contactCount; ++i)
        ageMs.push_back(static_cast<qint64>(m_random.bounded(kSeedWindowSeconds * 1000)));
    std::sort(ageMs.begin(), ageMs.end(), std::greater<>());

    QSet<QString> emails;
    qint64 id = 51 + static_cast<qint64>(seed % 50);
    for (int i = 0; i < contactCount; ++i) {
        HubSpotContact contact;
        id += 1 + m_random.bounded(3); // ids are increasing but not contiguous
        contact.id = id;
        contact.createdAt = now.addMSecs(-ageMs[static_cast<size_t>(i)] - 60'000);
        // Every seeded change lies at least a minute before now, so "modified since now" starts empty.
        const qint64 editableMs = contact.createdAt.msecsTo(now) - 60'000;
        contact.updatedAt = contact.createdAt.addMSecs(
            m_random.bounded(4) == 0 ? 0 : static_cast<qint64>(m_random.bounded(std::max<qint64>(1, editableMs))));

        const QString first = QLatin1String(pick(m_random, kFirstNames));
        const QString last = QLatin1String(pick(m_random, kLastNames));
        const Company company = pick(m_random, kCompanies);
        QString local = first.toLower() + QLatin1Char('.') + last.toLower();
        QString email = local + QLatin1Char('@') + QLatin1String(company.domain);
        for (int n = 2; emails.contains(email); ++n)
            email = local + QString::number(n) + QLatin1Char('@') + QLatin1String(company.domain);
        emails.insert(email);

        contact.properties = {
            {QStringLiteral("email"), email},
            {QStringLiteral("firstname"), first},
            {QStringLiteral("lastname"), last},
            {QStringLiteral("company"), QLatin1String(company.name)},
            {QStringLiteral("phone"), QStringLiteral("+1 555-%1-%2")
                                          .arg(m_random.bounded(100, 1000))
                                          .arg(m_random.bounded(10000), 4, 10, QLatin1Char('0'))},
            {QStringLiteral("lifecyclestage"), QLatin1String(pick(m_random, kLifecycleStages))},
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
    // Seeded per (portal seed, property, contact) so adding properties in another order gives the same values.
    QRandomGenerator random(m_seed ^ stableHash(property.name) ^ static_cast<quint32>(contact.id * 2654435761u));
    if (property.type == QLatin1String("number"))
        return QString::number(random.bounded(1, 10000));
    if (property.type == QLatin1String("bool"))
        return random.bounded(2) ? QStringLiteral("true") : QStringLiteral("false");
    if (property.type == QLatin1String("enumeration"))
        return property.options.value(static_cast<int>(random.bounded(static_cast<quint32>(property.options.size()))));
    if (property.type == QLatin1String("date"))
        return contact.createdAt.date().addDays(random.bounded(0, 365)).toString(Qt::ISODate);
    if (property.type == QLatin1String("datetime"))
        return timestamp(contact.createdAt.addSecs(random.bounded(0, 30 * 24 * 3600)));
    static const QStringList words = {QStringLiteral("North"), QStringLiteral("South"),   QStringLiteral("East"),
                                      QStringLiteral("West"),  QStringLiteral("Central"), QStringLiteral("Online")};
    return words.at(static_cast<int>(random.bounded(static_cast<quint32>(words.size()))));
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
        const auto index = static_cast<size_t>(m_random.bounded(static_cast<quint32>(live.size())));
        HubSpotContact *contact = live[index];
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(index));
        contact->updatedAt = now;
        contact->properties.insert(QStringLiteral("lastmodifieddate"), timestamp(now));
        contact->properties.insert(QStringLiteral("phone"), QStringLiteral("+1 555-%1-%2")
                                                                .arg(m_random.bounded(100, 1000))
                                                                .arg(m_random.bounded(10000), 4, 10, QLatin1Char('0')));
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
