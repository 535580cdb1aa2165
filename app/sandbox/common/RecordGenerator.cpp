#include "RecordGenerator.h"

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

constexpr std::array kProblems = {"cannot log in",         "export fails",         "invoice is wrong",
                                  "sync is slow",          "password reset loops", "report shows no data",
                                  "webhook not delivered", "upgrade question",     "API returns 500",
                                  "duplicate records",     "missing permissions",  "mobile app crashes"};

constexpr std::array kAreas = {"Billing", "Dashboard", "Import", "Mobile", "Reports", "SSO", "Search", "Settings"};

template <typename Array> auto pickFrom(QRandomGenerator &random, const Array &values)
{
    return values[random.bounded(static_cast<quint32>(values.size()))];
}

} // namespace

void RecordGenerator::reseed(quint32 seed)
{
    m_seed = seed;
    m_random.seed(seed);
    m_emails.clear();
}

std::vector<QDateTime> RecordGenerator::creationTimes(int count, const QDateTime &now)
{
    // Drawn first and sorted, so that ids handed out in order grow with creation time as at the providers.
    std::vector<qint64> ageMs;
    ageMs.reserve(static_cast<size_t>(std::max(0, count)));
    for (int i = 0; i < count; ++i)
        ageMs.push_back(static_cast<qint64>(m_random.bounded(kSeedWindowSeconds * 1000)));
    std::sort(ageMs.begin(), ageMs.end(), std::greater<>());
    std::vector<QDateTime> times;
    times.reserve(ageMs.size());
    for (const qint64 age : ageMs)
        times.push_back(now.addMSecs(-age - 60'000));
    return times;
}

QDateTime RecordGenerator::lastModified(const QDateTime &created, const QDateTime &now)
{
    const qint64 editableMs = created.msecsTo(now) - 60'000;
    if (m_random.bounded(4) == 0)
        return created;
    return created.addMSecs(static_cast<qint64>(m_random.bounded(std::max<qint64>(1, editableMs))));
}

GeneratedPerson RecordGenerator::person()
{
    GeneratedPerson person;
    person.firstName = QLatin1String(pickFrom(m_random, kFirstNames));
    person.lastName = QLatin1String(pickFrom(m_random, kLastNames));
    const Company company = pickFrom(m_random, kCompanies);
    person.company = QLatin1String(company.name);
    person.domain = QLatin1String(company.domain);
    const QString local = person.firstName.toLower() + QLatin1Char('.') + person.lastName.toLower();
    person.email = local + QLatin1Char('@') + person.domain;
    for (int n = 2; m_emails.contains(person.email); ++n)
        person.email = local + QString::number(n) + QLatin1Char('@') + person.domain;
    m_emails.insert(person.email);
    return person;
}

QString RecordGenerator::phone()
{
    const quint32 exchange = m_random.bounded(100, 1000);
    const quint32 line = m_random.bounded(10000);
    return QStringLiteral("+1 555-%1-%2").arg(exchange).arg(line, 4, 10, QLatin1Char('0'));
}

QString RecordGenerator::subject()
{
    const QString area = QLatin1String(pickFrom(m_random, kAreas));
    return area + QStringLiteral(": ") + QLatin1String(pickFrom(m_random, kProblems));
}

QString RecordGenerator::pick(const QStringList &values)
{
    return values.value(
        static_cast<int>(m_random.bounded(static_cast<quint32>(std::max<qsizetype>(1, values.size())))));
}

QStringList RecordGenerator::fieldKindOptions(FieldKind kind)
{
    if (kind == FieldKind::Picklist)
        return {QStringLiteral("bronze"), QStringLiteral("silver"), QStringLiteral("gold")};
    if (kind == FieldKind::Bool)
        return {QStringLiteral("true"), QStringLiteral("false")};
    return {};
}

quint32 RecordGenerator::stableHash(const QString &text)
{
    quint32 hash = 2166136261u;
    for (const QChar c : text) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    return hash;
}

QString RecordGenerator::customValue(quint32 seed, const CustomFieldDefinition &field, qint64 recordKey,
                                     const QDateTime &createdAt)
{
    QRandomGenerator random(seed ^ stableHash(field.name) ^ static_cast<quint32>(recordKey * 2654435761u));
    switch (field.kind) {
    case FieldKind::Number:
        return QString::number(random.bounded(1, 10000));
    case FieldKind::Bool:
        return random.bounded(2) ? QStringLiteral("true") : QStringLiteral("false");
    case FieldKind::Picklist:
        return field.options.value(static_cast<int>(random.bounded(static_cast<quint32>(field.options.size()))));
    case FieldKind::Date:
        return createdAt.date().addDays(random.bounded(0, 365)).toString(Qt::ISODate);
    case FieldKind::DateTime:
        return createdAt.addSecs(random.bounded(0, 30 * 24 * 3600)).toUTC().toString(Qt::ISODateWithMs);
    case FieldKind::Text:
        break;
    }
    static const QStringList words = {QStringLiteral("North"), QStringLiteral("South"),   QStringLiteral("East"),
                                      QStringLiteral("West"),  QStringLiteral("Central"), QStringLiteral("Online")};
    return words.at(static_cast<int>(random.bounded(static_cast<quint32>(words.size()))));
}

QJsonValue RecordGenerator::customJsonValue(quint32 seed, const CustomFieldDefinition &field, qint64 recordKey,
                                            const QDateTime &createdAt)
{
    const QString value = customValue(seed, field, recordKey, createdAt);
    if (field.kind == FieldKind::Number)
        return value.toDouble();
    if (field.kind == FieldKind::Bool)
        return value == QLatin1String("true");
    return value;
}

} // namespace patchbay::sandbox
