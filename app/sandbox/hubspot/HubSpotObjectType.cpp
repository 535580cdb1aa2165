#include "HubSpotObjectType.h"

#include <array>

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

constexpr std::array kCompanyNames = {"Acme",     "Brightwave", "Cobalt",   "Dunmore",  "Evergreen", "Fjord",
                                      "Granite",  "Harbor",     "Ironclad", "Juniper",  "Kestrel",   "Lumen",
                                      "Meridian", "Northwind",  "Orchid",   "Pinnacle", "Quarry",    "Riverbend",
                                      "Saffron",  "Tidewater",  "Umbra",    "Vantage",  "Willow",    "Zephyr"};

// What a company does, and the value of HubSpot's industry enumeration that goes with it.
struct CompanyKind
{
    const char *word;
    const char *industry;
};

constexpr std::array kCompanyKinds = {CompanyKind{"Analytics", "COMPUTER_SOFTWARE"},
                                      CompanyKind{"Software", "COMPUTER_SOFTWARE"},
                                      CompanyKind{"Security", "COMPUTER_NETWORK_SECURITY"},
                                      CompanyKind{"Freight", "LOGISTICS_AND_SUPPLY_CHAIN"},
                                      CompanyKind{"Health", "HOSPITAL_HEALTH_CARE"},
                                      CompanyKind{"Foods", "FOOD_PRODUCTION"},
                                      CompanyKind{"Legal", "LEGAL_SERVICES"},
                                      CompanyKind{"Retail", "RETAIL"},
                                      CompanyKind{"Aviation", "AVIATION_AEROSPACE"},
                                      CompanyKind{"Learning", "EDUCATION_MANAGEMENT"},
                                      CompanyKind{"Bank", "BANKING"},
                                      CompanyKind{"Biotech", "BIOTECHNOLOGY"},
                                      CompanyKind{"Media", "MEDIA_PRODUCTION"},
                                      CompanyKind{"Construction", "CONSTRUCTION"},
                                      CompanyKind{"Energy", "OIL_ENERGY"},
                                      CompanyKind{"Hotels", "HOSPITALITY"},
                                      CompanyKind{"Design", "DESIGN"},
                                      CompanyKind{"Insurance", "INSURANCE"}};

const QStringList kCities = {
    QStringLiteral("Boston"),    QStringLiteral("Chicago"),   QStringLiteral("Austin"), QStringLiteral("Denver"),
    QStringLiteral("Seattle"),   QStringLiteral("Toronto"),   QStringLiteral("Dublin"), QStringLiteral("London"),
    QStringLiteral("Berlin"),    QStringLiteral("Amsterdam"), QStringLiteral("Paris"),  QStringLiteral("Madrid"),
    QStringLiteral("Stockholm"), QStringLiteral("Singapore"), QStringLiteral("Sydney"), QStringLiteral("Tokyo")};

QStringList industryOptions()
{
    QStringList options;
    for (const CompanyKind &kind : kCompanyKinds) {
        if (!options.contains(QLatin1String(kind.industry)))
            options.append(QLatin1String(kind.industry));
    }
    return options;
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

// The last change and the record id are HubSpot's to set.
void markReadOnly(HubSpotObjectType &type)
{
    for (HubSpotProperty &property : type.properties)
        property.readOnlyValue =
            property.name == type.lastModifiedProperty || property.name == QLatin1String("hs_object_id");
}

QHash<QString, QString> contactValues(RecordGenerator &generator)
{
    const GeneratedPerson person = generator.person();
    QHash<QString, QString> values{{QStringLiteral("email"), person.email},
                                   {QStringLiteral("firstname"), person.firstName},
                                   {QStringLiteral("lastname"), person.lastName},
                                   {QStringLiteral("company"), person.company}};
    values.insert(QStringLiteral("phone"), generator.phone());
    values.insert(QStringLiteral("lifecyclestage"), generator.pick(kLifecycleStages));
    return values;
}

QHash<QString, QString> companyValues(RecordGenerator &generator)
{
    const QString name =
        QLatin1String(kCompanyNames[generator.random().bounded(static_cast<quint32>(kCompanyNames.size()))]);
    const CompanyKind kind = kCompanyKinds[generator.random().bounded(static_cast<quint32>(kCompanyKinds.size()))];
    const QString fullName = name + QLatin1Char(' ') + QLatin1String(kind.word);
    QHash<QString, QString> values{
        {QStringLiteral("name"), fullName},
        {QStringLiteral("domain"), (name + QLatin1String(kind.word)).toLower() + QStringLiteral(".com")},
        {QStringLiteral("industry"), QLatin1String(kind.industry)}};
    values.insert(QStringLiteral("phone"), generator.phone());
    values.insert(QStringLiteral("city"), generator.pick(kCities));
    return values;
}

} // namespace

const HubSpotObjectType &HubSpotObjectType::contacts()
{
    static const HubSpotObjectType type = [] {
        HubSpotObjectType contacts;
        contacts.name = QStringLiteral("contacts");
        contacts.propertyGroup = QStringLiteral("contactinformation");
        contacts.lastModifiedProperty = QStringLiteral("lastmodifieddate");
        contacts.defaultProperties = {QStringLiteral("createdate"),       QStringLiteral("email"),
                                      QStringLiteral("firstname"),        QStringLiteral("hs_object_id"),
                                      QStringLiteral("lastmodifieddate"), QStringLiteral("lastname")};
        // The default searchable contact properties named in HubSpot's search guide.
        contacts.searchableProperties = {QStringLiteral("firstname"), QStringLiteral("lastname"),
                                         QStringLiteral("email"), QStringLiteral("phone"), QStringLiteral("company")};
        const char *group = "contactinformation";
        contacts.properties = {
            builtIn("email", "Email", "string", "text", group),
            builtIn("firstname", "First Name", "string", "text", group),
            builtIn("lastname", "Last Name", "string", "text", group),
            builtIn("company", "Company Name", "string", "text", group),
            builtIn("phone", "Phone Number", "string", "phonenumber", group),
            builtIn("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", group, kLifecycleOptions),
            builtIn("createdate", "Create Date", "datetime", "date", group),
            builtIn("lastmodifieddate", "Last Modified Date", "datetime", "date", group),
            builtIn("hs_object_id", "Record ID", "number", "number", group),
        };
        markReadOnly(contacts);
        contacts.firstId = 51;
        contacts.generateValues = &contactValues;
        return contacts;
    }();
    return type;
}

const HubSpotObjectType &HubSpotObjectType::companies()
{
    static const HubSpotObjectType type = [] {
        HubSpotObjectType companies;
        companies.name = QStringLiteral("companies");
        companies.propertyGroup = QStringLiteral("companyinformation");
        companies.lastModifiedProperty = QStringLiteral("hs_lastmodifieddate");
        companies.defaultProperties = {QStringLiteral("createdate"), QStringLiteral("domain"),
                                       QStringLiteral("hs_lastmodifieddate"), QStringLiteral("hs_object_id"),
                                       QStringLiteral("name")};
        companies.searchableProperties = {QStringLiteral("name"), QStringLiteral("domain"), QStringLiteral("phone")};
        const char *group = "companyinformation";
        companies.properties = {
            builtIn("name", "Company name", "string", "text", group),
            builtIn("domain", "Company Domain Name", "string", "text", group),
            builtIn("industry", "Industry", "enumeration", "select", group, industryOptions()),
            builtIn("phone", "Phone Number", "string", "phonenumber", group),
            builtIn("city", "City", "string", "text", group),
            builtIn("createdate", "Create Date", "datetime", "date", group),
            builtIn("hs_lastmodifieddate", "Last Modified Date", "datetime", "date", group),
            builtIn("hs_object_id", "Record ID", "number", "number", group),
        };
        markReadOnly(companies);
        // Company ids are of another series than contact ids, as in a real portal.
        companies.firstId = 9'000'000'001;
        companies.seedSalt = RecordGenerator::stableHash(companies.name);
        companies.generateValues = &companyValues;
        return companies;
    }();
    return type;
}

} // namespace patchbay::sandbox
