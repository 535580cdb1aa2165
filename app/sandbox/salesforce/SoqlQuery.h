#pragma once

#include "SalesforceOrg.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay::sandbox {

// The part of SOQL an integration's reads use:
//   SELECT f1, f2 FROM Object [WHERE cond [AND cond]...] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST]] [LIMIT n]
// where cond is "field op literal" with op one of = != < <= > >= and the literal a date-time
// (2026-01-01T00:00:00Z, unquoted as in SOQL), a date, a 'quoted string', a number, true, false or null.
class SoqlQuery
{
public:
    struct Error
    {
        QString errorCode; // MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE
        QString message;
    };

    // Checks fields and object against the org, as Salesforce does before running a query.
    static std::optional<SoqlQuery> parse(const QString &soql, const SalesforceOrg &org, Error *error);

    const QString &objectName() const { return m_object; }
    const QStringList &fields() const { return m_fields; }
    // Ids of the matching records in the query's order; deleted ones only with includeDeleted (queryAll).
    QStringList run(const SalesforceObject &object, bool includeDeleted) const;

private:
    struct Condition
    {
        QString field;
        QString op;
        QString literal;
        bool quoted = false;
    };

    bool matches(const SalesforceObject &object, const SandboxRecord &record) const;
    static int compare(const QString &type, const QJsonValue &value, const QString &literal);

    QStringList m_fields;
    QString m_object;
    QList<Condition> m_conditions;
    QString m_orderBy;
    bool m_descending = false;
    int m_limit = -1;
};

} // namespace patchbay::sandbox
