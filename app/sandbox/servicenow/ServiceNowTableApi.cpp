#include "ServiceNowTableApi.h"

#include "common/SandboxHttp.h"
#include "common/SandboxPaging.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

const QString kTablePrefix = QStringLiteral("/api/now/table/");

struct Condition
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

// Numbers compare as numbers; everything else as text, which orders "yyyy-MM-dd HH:mm:ss" times correctly.
int compare(const QString &left, const QString &right)
{
    bool leftIsNumber = false;
    bool rightIsNumber = false;
    const double a = left.toDouble(&leftIsNumber);
    const double b = right.toDouble(&rightIsNumber);
    if (leftIsNumber && rightIsNumber)
        return a < b ? -1 : (a > b ? 1 : 0);
    return QString::compare(left, right);
}

bool matches(const QJsonObject &row, const Condition &condition)
{
    if (condition.op == QLatin1String("IN"))
        return condition.value.split(QLatin1Char(',')).contains(row.value(condition.field).toString());
    const int order = compare(row.value(condition.field).toString(), condition.value);
    if (condition.op == QLatin1String(">="))
        return order >= 0;
    if (condition.op == QLatin1String("<="))
        return order <= 0;
    if (condition.op == QLatin1String(">"))
        return order > 0;
    if (condition.op == QLatin1String("<"))
        return order < 0;
    if (condition.op == QLatin1String("!="))
        return order != 0;
    return order == 0;
}

// Returns false for a clause it cannot read.
bool parseQuery(const QString &query, QList<Condition> *conditions, QList<Order> *orders)
{
    // fieldINa,b,c is a list condition; operators are upper-case, so a lower-case column name cannot end in IN.
    static const QRegularExpression clause(QStringLiteral("^([a-z0-9_.]+?)(>=|<=|!=|>|<|=|IN)(.*)$"));
    for (const QString &part : query.split(QLatin1Char('^'), Qt::SkipEmptyParts)) {
        if (part.startsWith(QLatin1String("ORDERBYDESC"))) {
            orders->append({part.mid(11), true});
        } else if (part.startsWith(QLatin1String("ORDERBY"))) {
            orders->append({part.mid(7), false});
        } else if (const QRegularExpressionMatch match = clause.match(part); match.hasMatch()) {
            conditions->append({match.captured(1), match.captured(2), match.captured(3)});
        } else {
            return false;
        }
    }
    return true;
}

} // namespace

HttpServerResponse ServiceNowTableApi::error(int status, const QString &message, const QJsonValue &detail)
{
    return SandboxHttp::json(QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                                               {QStringLiteral("detail"), detail}}},
                                         {QStringLiteral("status"), QStringLiteral("failure")}},
                             status);
}

HttpServerResponse ServiceNowTableApi::handle(const HttpServerRequest &request, const QString &path,
                                              const QDateTime &now) const
{
    if (!path.startsWith(kTablePrefix))
        return error(400, QStringLiteral("Requested URI does not represent any resource"), QJsonValue::Null);
    const QString table = path.mid(kTablePrefix.size()).section(QLatin1Char('/'), 0, 0);
    const QString sysId = path.mid(kTablePrefix.size()).section(QLatin1Char('/'), 1, 1);
    if (table == QLatin1String("sys_dictionary") && request.method == "GET") {
        QList<QJsonObject> rows;
        for (const QString &object : m_instance.objects())
            rows.append(m_instance.dictionaryRows(object));
        return list(request, path, rows);
    }
    const RecordTable *records = m_instance.table(table);
    if (!records)
        return error(400, QStringLiteral("Invalid table %1").arg(table), QJsonValue::Null);
    if (request.method == "POST" && sysId.isEmpty())
        return create(request, table, now);
    if ((request.method == "PATCH" || request.method == "PUT") && !sysId.isEmpty())
        return update(request, table, sysId, now);
    if (request.method != "GET")
        return error(405, QStringLiteral("Method not Supported"), QJsonValue::Null);
    if (!sysId.isEmpty()) {
        const SandboxRecord *record = records->find(sysId);
        if (!record || record->deleted)
            return error(404, QStringLiteral("No Record found"),
                         QStringLiteral("Record doesn't exist or ACL restricts the record retrieval"));
        return SandboxHttp::json(QJsonObject{{QStringLiteral("result"), m_instance.rowJson(table, *record)}});
    }
    QList<QJsonObject> rows;
    for (const SandboxRecord *record : records->live())
        rows.append(m_instance.rowJson(table, *record));
    return list(request, path, rows);
}

HttpServerResponse ServiceNowTableApi::list(const HttpServerRequest &request, const QString &path,
                                            QList<QJsonObject> rows) const
{
    const QUrlQuery query = request.query();
    QList<Condition> conditions;
    QList<Order> orders;
    if (!parseQuery(SandboxHttp::queryParameter(query, QStringLiteral("sysparm_query")), &conditions, &orders))
        return error(400, QStringLiteral("Invalid query"), QStringLiteral("sysparm_query could not be read"));
    const int offset =
        SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("sysparm_offset")), 0, INT_MIN, INT_MAX);
    const int limit =
        SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("sysparm_limit")), kDefaultLimit, 1, INT_MAX);
    if (offset < 0)
        return error(400, QStringLiteral("offset is %1").arg(offset),
                     QStringLiteral("Negative offset is not supported"));

    std::vector<QJsonObject> matching;
    for (const QJsonObject &row : rows) {
        if (std::all_of(conditions.begin(), conditions.end(), [&](const Condition &c) { return matches(row, c); }))
            matching.push_back(row);
    }
    std::stable_sort(matching.begin(), matching.end(), [&](const QJsonObject &a, const QJsonObject &b) {
        for (const Order &order : orders) {
            const int c = compare(a.value(order.field).toString(), b.value(order.field).toString());
            if (c != 0)
                return order.descending ? c > 0 : c < 0;
        }
        return false;
    });
    const QStringList fields = SandboxHttp::queryParameter(query, QStringLiteral("sysparm_fields"))
                                   .split(QLatin1Char(','), Qt::SkipEmptyParts);
    QJsonArray result;
    for (const QJsonObject &row : SandboxPaging::slice(matching, offset, limit)) {
        QJsonObject projected;
        for (const QString &field : fields)
            projected.insert(field.trimmed(), row.value(field.trimmed()).toString());
        result.append(fields.isEmpty() ? row : projected);
    }

    const auto total = static_cast<int>(matching.size());
    const QUrl url = SandboxPaging::requestUrl(m_apiBase, path, request.url);
    const auto at = [&](int position) {
        return SandboxPaging::withQuery(url, {{QStringLiteral("sysparm_limit"), QString::number(limit)},
                                              {QStringLiteral("sysparm_offset"), QString::number(position)}});
    };
    SandboxPaging::Links links{{QStringLiteral("first"), at(0)}};
    if (offset > 0)
        links.append({QStringLiteral("prev"), at(std::max(0, offset - limit))});
    if (offset + limit < total)
        links.append({QStringLiteral("next"), at(offset + limit)});
    links.append({QStringLiteral("last"), at(total == 0 ? 0 : (total - 1) / limit * limit)});
    HttpServerResponse response = SandboxHttp::json(QJsonObject{{QStringLiteral("result"), result}});
    response.withHeader("Link", SandboxPaging::linkHeader(links));
    response.withHeader("X-Total-Count", QByteArray::number(total));
    return response;
}

HttpServerResponse ServiceNowTableApi::create(const HttpServerRequest &request, const QString &table,
                                              const QDateTime &now) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return error(400, QStringLiteral("Exception while reading request"),
                     QStringLiteral("The payload is not valid JSON."));
    QString detail;
    const QString sysId = m_instance.insert(table, document.object(), now, &detail);
    if (sysId.isEmpty())
        return error(403, QStringLiteral("Operation Failed"), detail);
    const SandboxRecord &record = *m_instance.table(table)->find(sysId);
    HttpServerResponse response =
        SandboxHttp::json(QJsonObject{{QStringLiteral("result"), m_instance.rowJson(table, record)}}, 201);
    response.withHeader("Location", (m_apiBase + kTablePrefix + table + QLatin1Char('/') + sysId).toUtf8());
    return response;
}

HttpServerResponse ServiceNowTableApi::update(const HttpServerRequest &request, const QString &table,
                                              const QString &sysId, const QDateTime &now) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return error(400, QStringLiteral("Exception while reading request"),
                     QStringLiteral("The payload is not valid JSON."));
    QString detail;
    switch (m_instance.update(table, sysId, document.object(), now, &detail)) {
    case ServiceNowInstance::UpdateResult::NotFound:
        return error(404, QStringLiteral("No Record found"),
                     QStringLiteral("Record doesn't exist or ACL restricts the record retrieval"));
    case ServiceNowInstance::UpdateResult::Refused:
        return error(403, QStringLiteral("Operation Failed"), detail);
    case ServiceNowInstance::UpdateResult::Updated:
        break;
    }
    return SandboxHttp::json(
        QJsonObject{{QStringLiteral("result"), m_instance.rowJson(table, *m_instance.table(table)->find(sysId))}});
}

} // namespace patchbay::sandbox
