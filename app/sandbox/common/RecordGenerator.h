#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QRandomGenerator>
#include <QSet>
#include <QString>
#include <QStringList>

#include <vector>

namespace patchbay::sandbox {

// The kinds of custom field every provider has under its own names (HubSpot enumeration, Salesforce picklist,
// Jira select, Zendesk tagger, ...).
enum class FieldKind { Text, Number, Bool, Picklist, Date, DateTime };

struct CustomFieldDefinition
{
    QString name; // as the provider spells it: plan_tier, Plan_Tier__c, customfield_10042, 360001234567
    QString label;
    FieldKind kind = FieldKind::Text;
    QStringList options; // picklist values
    QDateTime createdAt;
};

struct GeneratedPerson
{
    QString firstName;
    QString lastName;
    QString company;
    QString domain;
    QString email; // unique within one generator
};

// Deterministic fake data: the same seed gives the same people, companies and dates, so tests and demos can rely
// on what they see. Seeded records are created over the 90 days before "now" and last changed at least a minute
// before it, so "changed since now" starts empty.
class RecordGenerator
{
public:
    static constexpr qint64 kSeedWindowSeconds = 90LL * 24 * 3600;

    explicit RecordGenerator(quint32 seed = 0) { reseed(seed); }
    void reseed(quint32 seed);
    quint32 seed() const { return m_seed; }
    QRandomGenerator &random() { return m_random; }

    // count creation times, oldest first.
    std::vector<QDateTime> creationTimes(int count, const QDateTime &now);
    // A quarter of the records were never changed after creation.
    QDateTime lastModified(const QDateTime &created, const QDateTime &now);
    GeneratedPerson person();
    QString phone();
    QString subject(); // a support-ticket or issue summary
    QString pick(const QStringList &values);

    static QStringList fieldKindOptions(FieldKind kind);
    // Seeded by (tenant seed, field, record) so fields added in another order get the same values. Dates are
    // ISO dates, date-times ISO 8601 UTC with milliseconds, booleans "true"/"false".
    static QString customValue(quint32 seed, const CustomFieldDefinition &field, qint64 recordKey,
                               const QDateTime &createdAt);
    // The same value typed for JSON: numbers and booleans unquoted.
    static QJsonValue customJsonValue(quint32 seed, const CustomFieldDefinition &field, qint64 recordKey,
                                      const QDateTime &createdAt);
    // FNV-1a, so generated values do not depend on Qt's hash seeding.
    static quint32 stableHash(const QString &text);

private:
    QRandomGenerator m_random;
    quint32 m_seed = 0;
    QSet<QString> m_emails;
};

} // namespace patchbay::sandbox
