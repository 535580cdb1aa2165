#include "SoqlQuery.h"

#include <QRegularExpression>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

// Words, quoted strings, commas and operators; date-time literals stay one token.
QStringList tokenize(const QString &soql)
{
    static const QRegularExpression token(QStringLiteral(R"('(?:[^'\\]|\\.)*'|!=|<=|>=|[=<>,]|[^\s,=<>!']+)"));
    QStringList tokens;
    for (auto it = token.globalMatch(soql); it.hasNext();)
        tokens.append(it.next().captured(0));
    return tokens;
}

bool isKeyword(const QString &token, const char *keyword)
{
    return token.compare(QLatin1String(keyword), Qt::CaseInsensitive) == 0;
}

SoqlQuery::Error malformed(const QString &message)
{
    return {QStringLiteral("MALFORMED_QUERY"), message};
}

template <typename T> int threeWay(const T &left, const T &right)
{
    return left < right ? -1 : (right < left ? 1 : 0);
}

} // namespace

std::optional<SoqlQuery> SoqlQuery::parse(const QString &soql, const SalesforceOrg &org, Error *error)
{
    const QStringList tokens = tokenize(soql);
    SoqlQuery query;
    qsizetype i = 0;
    const auto at = [&](qsizetype index) { return tokens.value(index); };
    if (!isKeyword(at(i++), "SELECT")) {
        *error = malformed(QStringLiteral("unexpected token: '%1'").arg(at(0)));
        return std::nullopt;
    }
    while (i < tokens.size() && !isKeyword(at(i), "FROM")) {
        if (at(i) != QLatin1String(","))
            query.m_fields.append(at(i));
        ++i;
    }
    if (query.m_fields.isEmpty() || !isKeyword(at(i++), "FROM") || at(i).isEmpty()) {
        *error = malformed(QStringLiteral("expecting FROM after the field list"));
        return std::nullopt;
    }
    query.m_object = at(i++);
    const SalesforceObject *object = org.object(query.m_object);
    if (!object) {
        *error = {QStringLiteral("INVALID_TYPE"),
                  QStringLiteral("sObject type '%1' is not supported.").arg(query.m_object)};
        return std::nullopt;
    }
    if (isKeyword(at(i), "WHERE")) {
        do {
            ++i;
            Condition condition{at(i), at(i + 1), at(i + 2), at(i + 2).startsWith(QLatin1Char('\''))};
            static const QStringList ops = {QStringLiteral("="),  QStringLiteral("!="), QStringLiteral("<"),
                                            QStringLiteral("<="), QStringLiteral(">"),  QStringLiteral(">=")};
            if (!ops.contains(condition.op) || condition.literal.isEmpty()) {
                *error = malformed(QStringLiteral("unexpected token: '%1'").arg(condition.op));
                return std::nullopt;
            }
            if (condition.quoted)
                condition.literal = condition.literal.mid(1, condition.literal.size() - 2);
            query.m_fields.append(condition.field); // checked below with the selected ones
            query.m_conditions.append(condition);
            i += 3;
        } while (isKeyword(at(i), "AND"));
    }
    if (isKeyword(at(i), "ORDER") && isKeyword(at(i + 1), "BY")) {
        query.m_orderBy = at(i + 2);
        query.m_fields.append(query.m_orderBy);
        i += 3;
        if (isKeyword(at(i), "ASC") || isKeyword(at(i), "DESC"))
            query.m_descending = isKeyword(at(i++), "DESC");
        if (isKeyword(at(i), "NULLS"))
            i += 2;
    }
    if (isKeyword(at(i), "LIMIT")) {
        bool ok = false;
        query.m_limit = at(i + 1).toInt(&ok);
        if (!ok || query.m_limit < 0) {
            *error = malformed(QStringLiteral("LIMIT must be a non-negative integer"));
            return std::nullopt;
        }
        i += 2;
    }
    if (i < tokens.size()) {
        *error = malformed(QStringLiteral("unexpected token: '%1'").arg(at(i)));
        return std::nullopt;
    }
    for (const QString &name : std::as_const(query.m_fields)) {
        if (!object->field(name)) {
            *error = {QStringLiteral("INVALID_FIELD"),
                      QStringLiteral("No such column '%1' on entity '%2'. If you are attempting to use a custom field, "
                                     "be sure to append the '__c' after the custom field name.")
                          .arg(name, object->name)};
            return std::nullopt;
        }
    }
    // Only the selected fields are returned; conditions and ORDER BY were appended for the check above.
    query.m_fields =
        query.m_fields.mid(0, query.m_fields.size() - query.m_conditions.size() - (query.m_orderBy.isEmpty() ? 0 : 1));
    return query;
}

int SoqlQuery::compare(const QString &type, const QJsonValue &value, const QString &literal)
{
    if (type == QLatin1String("datetime") || type == QLatin1String("date"))
        return threeWay(SalesforceOrg::parseDateTime(value.toString()), SalesforceOrg::parseDateTime(literal));
    if (value.isDouble())
        return threeWay(value.toDouble(), literal.toDouble());
    if (value.isBool())
        return threeWay(value.toBool(), isKeyword(literal, "true"));
    return value.toString().compare(literal, Qt::CaseInsensitive);
}

bool SoqlQuery::matches(const SalesforceObject &object, const SandboxRecord &record) const
{
    return std::all_of(m_conditions.begin(), m_conditions.end(), [&](const Condition &condition) {
        const QJsonValue value = SalesforceOrg::value(object, record, condition.field);
        if (!condition.quoted && isKeyword(condition.literal, "null"))
            return (condition.op == QLatin1String("=")) == value.isNull();
        if (value.isNull())
            return condition.op == QLatin1String("!=");
        const int order = compare(object.field(condition.field)->type, value, condition.literal);
        if (condition.op == QLatin1String("="))
            return order == 0;
        if (condition.op == QLatin1String("!="))
            return order != 0;
        if (condition.op == QLatin1String("<"))
            return order < 0;
        if (condition.op == QLatin1String("<="))
            return order <= 0;
        if (condition.op == QLatin1String(">"))
            return order > 0;
        return order >= 0;
    });
}

QStringList SoqlQuery::run(const SalesforceObject &object, bool includeDeleted) const
{
    std::vector<const SandboxRecord *> matched;
    for (const SandboxRecord &record : object.table.records()) {
        if ((includeDeleted || !record.deleted) && matches(object, record))
            matched.push_back(&record);
    }
    if (!m_orderBy.isEmpty()) {
        const QString type = object.field(m_orderBy)->type;
        std::stable_sort(matched.begin(), matched.end(), [&](const SandboxRecord *a, const SandboxRecord *b) {
            const QJsonValue right = SalesforceOrg::value(object, *b, m_orderBy);
            const int order = compare(type, SalesforceOrg::value(object, *a, m_orderBy),
                                      right.isString() ? right.toString() : right.toVariant().toString());
            return m_descending ? order > 0 : order < 0;
        });
    }
    QStringList ids;
    for (const SandboxRecord *record : matched) {
        if (m_limit >= 0 && ids.size() >= m_limit)
            break;
        ids.append(record->id);
    }
    return ids;
}

} // namespace patchbay::sandbox
