#pragma once

#include "JiraSite.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace patchbay::sandbox {

// The JQL an integration's incremental reads use: clauses joined by AND, each "field op value" with op one of
// = != > >= < <=, on project, key, status, issuetype, priority, created, updated or a custom field, then
// "ORDER BY field [ASC|DESC][, ...]". Dates are "yyyy-MM-dd HH:mm", "yyyy/MM/dd HH:mm" or a bare date, in UTC
// (Jira reads them in the user's time zone; the emulator's user is on UTC).
class JiraJql
{
public:
    static std::optional<JiraJql> parse(const QString &jql, const JiraSite &site, QString *error);

    // Ids of the matching issues, in the query's order (created ascending when it has none).
    QStringList run(const JiraSite &site) const;

private:
    struct Clause
    {
        QString field;
        QString op;
        QString value;
    };
    struct Order
    {
        QString field;
        bool descending = false;
    };

    QJsonValue valueOf(const SandboxRecord &issue, const QString &field) const;
    bool matches(const SandboxRecord &issue) const;
    static int compare(const QJsonValue &left, const QJsonValue &right, bool asDates);

    QList<Clause> m_clauses;
    QList<Order> m_order;
    QStringList m_dateFields;
};

} // namespace patchbay::sandbox
