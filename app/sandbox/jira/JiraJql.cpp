#include "JiraJql.h"

#include "common/SandboxHttp.h"

#include <QRegularExpression>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

QStringList tokenize(const QString &jql)
{
    static const QRegularExpression token(QStringLiteral(R"("[^"]*"|'[^']*'|!=|<=|>=|[=<>,]|[^\s,=<>!"']+)"));
    QStringList tokens;
    for (auto it = token.globalMatch(jql); it.hasNext();)
        tokens.append(it.next().captured(0));
    return tokens;
}

bool isWord(const QString &token, const char *word)
{
    return token.compare(QLatin1String(word), Qt::CaseInsensitive) == 0;
}

QString unquote(const QString &token)
{
    if (token.size() >= 2 && (token.startsWith(QLatin1Char('"')) || token.startsWith(QLatin1Char('\''))))
        return token.mid(1, token.size() - 2);
    return token;
}

QDateTime jqlDate(const QString &text)
{
    QString normalized = text;
    normalized.replace(QLatin1Char('/'), QLatin1Char('-'));
    if (normalized.size() == 10)
        return QDateTime(QDate::fromString(normalized, Qt::ISODate), QTime(0, 0), Qt::UTC);
    QDateTime time = QDateTime::fromString(normalized, QStringLiteral("yyyy-MM-dd HH:mm"));
    time.setTimeSpec(Qt::UTC);
    return time;
}

} // namespace

std::optional<JiraJql> JiraJql::parse(const QString &jql, const JiraSite &site, QString *error)
{
    const QStringList tokens = tokenize(jql);
    JiraJql query;
    query.m_dateFields = {QStringLiteral("created"), QStringLiteral("updated")};
    static const QStringList ops = {QStringLiteral("="),  QStringLiteral("!="), QStringLiteral(">"),
                                    QStringLiteral(">="), QStringLiteral("<"),  QStringLiteral("<=")};
    const auto knownField = [&](const QString &name) -> QString {
        if (name.compare(QLatin1String("key"), Qt::CaseInsensitive) == 0 ||
            name.compare(QLatin1String("issuekey"), Qt::CaseInsensitive) == 0)
            return QStringLiteral("key");
        const JiraField *field = site.field(name);
        return field ? field->id : QString();
    };
    qsizetype i = 0;
    while (i < tokens.size() && !isWord(tokens.at(i), "ORDER")) {
        const Clause clause{knownField(unquote(tokens.at(i))), tokens.value(i + 1), unquote(tokens.value(i + 2))};
        if (clause.field.isEmpty()) {
            *error = QStringLiteral("Field '%1' does not exist or you do not have permission to view it.")
                         .arg(unquote(tokens.at(i)));
            return std::nullopt;
        }
        if (!ops.contains(clause.op) || tokens.value(i + 2).isEmpty()) {
            *error = QStringLiteral("Error in the JQL Query: Expecting operator but got '%1'.").arg(clause.op);
            return std::nullopt;
        }
        if (query.m_dateFields.contains(clause.field) && !jqlDate(clause.value).isValid()) {
            *error = QStringLiteral("Date value '%1' for field '%2' is invalid. Valid formats include: "
                                    "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'.")
                         .arg(clause.value, clause.field);
            return std::nullopt;
        }
        query.m_clauses.append(clause);
        i += 3;
        if (i < tokens.size() && isWord(tokens.at(i), "AND"))
            ++i;
    }
    if (i < tokens.size()) {
        if (!isWord(tokens.value(i + 1), "BY")) {
            *error = QStringLiteral("Error in the JQL Query: Expecting 'BY' after 'ORDER'.");
            return std::nullopt;
        }
        for (i += 2; i < tokens.size(); ++i) {
            if (tokens.at(i) == QLatin1String(","))
                continue;
            Order order{knownField(tokens.at(i)), false};
            if (order.field.isEmpty()) {
                *error = QStringLiteral("Not able to sort using field '%1'.").arg(tokens.at(i));
                return std::nullopt;
            }
            if (isWord(tokens.value(i + 1), "ASC") || isWord(tokens.value(i + 1), "DESC"))
                order.descending = isWord(tokens.at(++i), "DESC");
            query.m_order.append(order);
        }
    }
    return query;
}

QJsonValue JiraJql::valueOf(const SandboxRecord &issue, const QString &field) const
{
    if (field == QLatin1String("created"))
        return SandboxHttp::isoTimestamp(issue.createdAt);
    if (field == QLatin1String("updated"))
        return SandboxHttp::isoTimestamp(issue.updatedAt);
    if (field == QLatin1String("project"))
        return issue.fields.value(QStringLiteral("key")).toString().section(QLatin1Char('-'), 0, 0);
    return issue.fields.value(field);
}

int JiraJql::compare(const QJsonValue &left, const QJsonValue &right, bool asDates)
{
    if (asDates) {
        const QDateTime l = SandboxHttp::parseTimestamp(left.toString());
        const QDateTime r = right.isString() && right.toString().contains(QLatin1Char('T'))
                                ? SandboxHttp::parseTimestamp(right.toString())
                                : jqlDate(right.toString());
        return l < r ? -1 : (r < l ? 1 : 0);
    }
    if (left.isDouble()) {
        const double r = right.toVariant().toDouble();
        return left.toDouble() < r ? -1 : (left.toDouble() > r ? 1 : 0);
    }
    if (right.isString() && right.toString().contains(QLatin1Char('-')) && left.toString().contains(QLatin1Char('-'))) {
        // Issue keys sort by number within a project (SB-9 before SB-10).
        const int byNumber = left.toString().section(QLatin1Char('-'), -1).toInt() -
                             right.toString().section(QLatin1Char('-'), -1).toInt();
        if (byNumber != 0 &&
            left.toString().section(QLatin1Char('-'), 0, 0) == right.toString().section(QLatin1Char('-'), 0, 0))
            return byNumber < 0 ? -1 : 1;
    }
    return left.toString().compare(right.toString(), Qt::CaseInsensitive);
}

bool JiraJql::matches(const SandboxRecord &issue) const
{
    return std::all_of(m_clauses.begin(), m_clauses.end(), [&](const Clause &clause) {
        QJsonValue value = valueOf(issue, clause.field);
        if (value.isObject())
            value = value.toObject().value(QStringLiteral("value"));
        const int order = compare(value, clause.value, m_dateFields.contains(clause.field));
        if (clause.op == QLatin1String("="))
            return order == 0;
        if (clause.op == QLatin1String("!="))
            return order != 0;
        if (clause.op == QLatin1String(">"))
            return order > 0;
        if (clause.op == QLatin1String(">="))
            return order >= 0;
        if (clause.op == QLatin1String("<"))
            return order < 0;
        return order <= 0;
    });
}

QStringList JiraJql::run(const JiraSite &site) const
{
    std::vector<const SandboxRecord *> matched;
    for (const SandboxRecord &issue : site.issues().records()) {
        if (!issue.deleted && matches(issue))
            matched.push_back(&issue);
    }
    std::stable_sort(matched.begin(), matched.end(), [&](const SandboxRecord *a, const SandboxRecord *b) {
        for (const Order &order : m_order) {
            const bool dates = m_dateFields.contains(order.field);
            const QJsonValue right = valueOf(*b, order.field);
            const int result = compare(valueOf(*a, order.field), right, dates);
            if (result != 0)
                return order.descending ? result > 0 : result < 0;
        }
        return false;
    });
    QStringList ids;
    for (const SandboxRecord *issue : matched)
        ids.append(issue->id);
    return ids;
}

} // namespace patchbay::sandbox
