#include "SalesforceRestApi.h"

#include "SoqlQuery.h"
#include "common/SandboxHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

QJsonObject saveResult(const std::optional<QString> &id, const SalesforceSaveError &error)
{
    if (id)
        return {
            {QStringLiteral("id"), *id}, {QStringLiteral("success"), true}, {QStringLiteral("errors"), QJsonArray()}};
    return {{QStringLiteral("success"), false},
            {QStringLiteral("errors"),
             QJsonArray{QJsonObject{{QStringLiteral("statusCode"), error.statusCode},
                                    {QStringLiteral("message"), error.message},
                                    {QStringLiteral("fields"), QJsonArray::fromStringList(error.fields)}}}}};
}

int batchSizeOf(const HttpServerRequest &request)
{
    static const QRegularExpression batchSize(QStringLiteral(R"(batchSize\s*=\s*(\d+))"));
    const QRegularExpressionMatch match = batchSize.match(QString::fromLatin1(request.header("sforce-query-options")));
    if (!match.hasMatch())
        return SalesforceRestApi::kDefaultBatchSize;
    // Documented range 200..2000; Salesforce treats the value as a hint, the emulator clamps it.
    return std::clamp(match.captured(1).toInt(), SalesforceRestApi::kMinBatchSize,
                      SalesforceRestApi::kDefaultBatchSize);
}

} // namespace

HttpServerResponse SalesforceRestApi::error(int status, const QString &errorCode, const QString &message,
                                            const QStringList &fields)
{
    QJsonObject entry{{QStringLiteral("message"), message}, {QStringLiteral("errorCode"), errorCode}};
    if (!fields.isEmpty())
        entry.insert(QStringLiteral("fields"), QJsonArray::fromStringList(fields));
    return SandboxHttp::json(QJsonArray{entry}, status);
}

HttpServerResponse SalesforceRestApi::handle(const HttpServerRequest &request, const QString &orgName,
                                             SalesforceOrg &org, const QDateTime &now)
{
    const QStringList segments = request.path().mid(apiPath().size()).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString resource = segments.value(0);
    const QByteArray method = request.method;
    if ((resource == QLatin1String("query") || resource == QLatin1String("queryAll")) && method == "GET") {
        if (segments.size() == 2)
            return page(resource, segments.at(1), orgName, org);
        return query(request, resource, orgName, org);
    }
    if (resource == QLatin1String("sobjects") && segments.size() == 1 && method == "GET")
        return listObjects(org);
    if (resource == QLatin1String("sobjects") && segments.size() == 3 && segments.at(2) == QLatin1String("describe")) {
        const SalesforceObject *object = org.object(segments.at(1));
        if (!object)
            return error(404, QStringLiteral("NOT_FOUND"), QStringLiteral("The requested resource does not exist"));
        return SandboxHttp::json(org.describe(*object));
    }
    if (resource == QLatin1String("sobjects") && segments.size() == 2 && method == "POST")
        return createOne(request, segments.at(1), org, now);
    if (resource == QLatin1String("sobjects") && segments.size() == 3 && method == "PATCH")
        return updateOne(request, segments.at(1), segments.at(2), org, now);
    if (resource == QLatin1String("composite") && segments.value(1) == QLatin1String("sobjects") && method == "POST")
        return createCollection(request, org, now);
    if (resource == QLatin1String("composite") && segments.value(1) == QLatin1String("sobjects") && method == "PATCH")
        return updateCollection(request, org, now);
    return error(404, QStringLiteral("NOT_FOUND"), QStringLiteral("The requested resource does not exist"));
}

HttpServerResponse SalesforceRestApi::query(const HttpServerRequest &request, const QString &resource,
                                            const QString &orgName, const SalesforceOrg &org)
{
    const QString soql = request.query().queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
    SoqlQuery::Error problem;
    const auto parsed = SoqlQuery::parse(soql, org, &problem);
    if (!parsed)
        return error(400, problem.errorCode, problem.message);
    const SalesforceObject *object = org.object(parsed->objectName());
    Cursor cursor{orgName, object->name, parsed->fields(), parsed->run(*object, resource == QLatin1String("queryAll")),
                  batchSizeOf(request)};
    const QString locator = QStringLiteral("01gSB%1").arg(m_nextCursor++, 10, 10, QLatin1Char('0'));
    m_cursors.insert(locator, cursor);
    return page(resource, locator + QStringLiteral("-0"), orgName, org);
}

HttpServerResponse SalesforceRestApi::page(const QString &resource, const QString &locator, const QString &orgName,
                                           const SalesforceOrg &org) const
{
    const QString cursorId = locator.section(QLatin1Char('-'), 0, 0);
    bool ok = false;
    const int offset = locator.section(QLatin1Char('-'), 1, 1).toInt(&ok);
    const auto it = m_cursors.constFind(cursorId);
    if (!ok || it == m_cursors.cend() || it->org != orgName || offset < 0)
        return error(400, QStringLiteral("INVALID_QUERY_LOCATOR"), QStringLiteral("invalid query locator"));
    const SalesforceObject *object = org.object(it->object);
    QJsonArray records;
    const int end = std::min<int>(static_cast<int>(it->ids.size()), offset + it->batchSize);
    for (int i = offset; i < end; ++i) {
        if (const SandboxRecord *record = object->table.find(it->ids.at(i)))
            records.append(org.recordJson(*object, *record, it->fields, apiPath()));
    }
    QJsonObject body{{QStringLiteral("totalSize"), static_cast<int>(it->ids.size())},
                     {QStringLiteral("done"), end >= it->ids.size()},
                     {QStringLiteral("records"), records}};
    if (end < it->ids.size())
        body.insert(QStringLiteral("nextRecordsUrl"),
                    QStringLiteral("%1/%2/%3-%4").arg(apiPath(), resource, cursorId).arg(end));
    return SandboxHttp::json(body);
}

HttpServerResponse SalesforceRestApi::listObjects(const SalesforceOrg &org)
{
    QJsonArray sobjects;
    for (const QString &name : org.objectNames()) {
        const SalesforceObject *object = org.object(name);
        sobjects.append(QJsonObject{{QStringLiteral("name"), object->name},
                                    {QStringLiteral("label"), object->label},
                                    {QStringLiteral("custom"), object->custom},
                                    {QStringLiteral("keyPrefix"), object->keyPrefix},
                                    {QStringLiteral("queryable"), true}});
    }
    return SandboxHttp::json(QJsonObject{{QStringLiteral("encoding"), QStringLiteral("UTF-8")},
                                         {QStringLiteral("maxBatchSize"), kMaxCollectionRecords},
                                         {QStringLiteral("sobjects"), sobjects}});
}

HttpServerResponse SalesforceRestApi::createOne(const HttpServerRequest &request, const QString &objectName,
                                                SalesforceOrg &org, const QDateTime &now) const
{
    SalesforceSaveError problem;
    const auto id = org.create(objectName, QJsonDocument::fromJson(request.body).object(), now, &problem);
    if (!id)
        return error(problem.statusCode == QLatin1String("INVALID_TYPE") ? 404 : 400, problem.statusCode,
                     problem.message, problem.fields);
    return SandboxHttp::json(saveResult(id, problem), 201);
}

HttpServerResponse SalesforceRestApi::updateOne(const HttpServerRequest &request, const QString &objectName,
                                                const QString &id, SalesforceOrg &org, const QDateTime &now) const
{
    // PATCH /sobjects/{Object}/{id}: 204 No Content on success (REST API developer guide, "Update a Record").
    SalesforceSaveError problem;
    if (!org.update(objectName, id, QJsonDocument::fromJson(request.body).object(), now, &problem)) {
        const bool missing = problem.statusCode == QLatin1String("NOT_FOUND") || problem.statusCode == QLatin1String("INVALID_TYPE");
        return error(missing ? 404 : 400, problem.statusCode, problem.message, problem.fields);
    }
    return HttpServerResponse::text(QByteArray(), 204);
}

HttpServerResponse SalesforceRestApi::updateCollection(const HttpServerRequest &request, SalesforceOrg &org,
                                                       const QDateTime &now) const
{
    // PATCH /composite/sobjects: records carry attributes.type and Id; 200 with one save result per record, in
    // order, allOrNone false by default (each record succeeds or fails on its own).
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QJsonArray records = body.value(QStringLiteral("records")).toArray();
    if (records.isEmpty())
        return error(400, QStringLiteral("JSON_PARSER_ERROR"), QStringLiteral("records is required"));
    if (records.size() > kMaxCollectionRecords)
        return error(400, QStringLiteral("EXCEEDED_ID_LIMIT"),
                     QStringLiteral("record limit reached. cannot submit more than 200 records into this call"));
    QJsonArray results;
    for (const QJsonValue &value : records) {
        const QJsonObject record = value.toObject();
        const QString type = record.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("type")).toString();
        const QString id = record.value(QStringLiteral("Id")).toString();
        SalesforceSaveError problem;
        if (id.isEmpty()) {
            problem = {QStringLiteral("MISSING_ARGUMENT"), QStringLiteral("Id not specified in an update call"), {}};
            results.append(saveResult(std::nullopt, problem));
            continue;
        }
        const bool ok = org.update(type, id, record, now, &problem);
        results.append(saveResult(ok ? std::optional<QString>(id) : std::nullopt, problem));
    }
    return SandboxHttp::json(results);
}

HttpServerResponse SalesforceRestApi::createCollection(const HttpServerRequest &request, SalesforceOrg &org,
                                                       const QDateTime &now) const
{
    QJsonParseError parseError;
    const QJsonObject body = QJsonDocument::fromJson(request.body, &parseError).object();
    const QJsonArray records = body.value(QStringLiteral("records")).toArray();
    if (parseError.error != QJsonParseError::NoError || records.isEmpty())
        return error(400, QStringLiteral("JSON_PARSER_ERROR"), QStringLiteral("records is required"));
    if (records.size() > kMaxCollectionRecords)
        return error(400, QStringLiteral("EXCEEDED_ID_LIMIT"),
                     QStringLiteral("record limit reached. cannot submit more than 200 records into this call"));
    const bool allOrNone = body.value(QStringLiteral("allOrNone")).toBool(false);

    const auto typeOf = [](const QJsonObject &record) {
        return record.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("type")).toString();
    };
    // With allOrNone every record is checked first, so nothing is created when one of them would fail.
    QList<SalesforceSaveError> problems;
    bool anyInvalid = false;
    for (const QJsonValue &value : records) {
        SalesforceSaveError problem;
        anyInvalid = !org.validate(typeOf(value.toObject()), value.toObject(), &problem) || anyInvalid;
        problems.append(problem);
    }
    QJsonArray results;
    for (qsizetype i = 0; i < records.size(); ++i) {
        const QJsonObject record = records.at(i).toObject();
        if (allOrNone && anyInvalid) {
            const bool valid = problems.at(i).statusCode.isEmpty();
            const SalesforceSaveError rolledBack{
                QStringLiteral("ALL_OR_NONE_OPERATION_ROLLED_BACK"),
                QStringLiteral("Record rolled back because not all records were valid and the request was using "
                               "AllOrNone header"),
                {}};
            results.append(saveResult(std::nullopt, valid ? rolledBack : problems.at(i)));
            continue;
        }
        SalesforceSaveError problem;
        results.append(saveResult(org.create(typeOf(record), record, now, &problem), problem));
    }
    return SandboxHttp::json(results);
}

} // namespace patchbay::sandbox
