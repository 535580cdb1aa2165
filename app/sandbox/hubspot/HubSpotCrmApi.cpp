#include "HubSpotCrmApi.h"

#include "HubSpotContactWriter.h"
#include "HubSpotObjectSearch.h"
#include "HubSpotResponses.h"

#include <QJsonArray>

namespace patchbay::sandbox {

namespace {

const QString kObjectsPath = QStringLiteral("/crm/v3/objects/");
const QString kPropertiesPath = QStringLiteral("/crm/v3/properties/");

HttpServerResponse methodNotAllowed(const HttpServerRequest &request)
{
    return HubSpotResponses::error(
        405, QStringLiteral("VALIDATION_ERROR"),
        QStringLiteral("HTTP method %1 is not supported by this endpoint.").arg(QString::fromLatin1(request.method)));
}

HttpServerResponse noEndpoint(const HttpServerRequest &request)
{
    return HubSpotResponses::error(
        404, QStringLiteral("OBJECT_NOT_FOUND"),
        QStringLiteral("No CRM endpoint at %1 %2 in this emulator (it reads contacts and companies, and writes "
                       "contacts only).")
            .arg(QString::fromLatin1(request.method), request.path()));
}

} // namespace

HubSpotCrmApi::HubSpotCrmApi(HubSpotContactStore &contacts, HubSpotObjectStore &companies, qint64 hubId,
                             const QUrl &baseUrl)
    : m_contacts(contacts), m_companies(companies), m_hubId(hubId), m_baseUrl(baseUrl)
{}

HubSpotObjectStore *HubSpotCrmApi::store(const QString &object) const
{
    if (object == m_contacts.type().name)
        return &m_contacts;
    if (object == m_companies.type().name)
        return &m_companies;
    return nullptr;
}

HttpServerResponse HubSpotCrmApi::handle(const HttpServerRequest &request, const QDateTime &now) const
{
    const QString path = request.path();
    if (path.startsWith(kPropertiesPath)) {
        const HubSpotObjectStore *found = store(path.mid(kPropertiesPath.size()));
        if (!found)
            return noEndpoint(request);
        return request.method == "GET" ? listProperties(*found) : methodNotAllowed(request);
    }
    if (path.startsWith(kObjectsPath)) {
        // {object}[/{id} | /search | /batch/create | /batch/update]
        const QString objectPath = path.mid(kObjectsPath.size());
        if (HubSpotObjectStore *found = store(objectPath.section(QLatin1Char('/'), 0, 0)))
            return handleObject(request, *found, objectPath.section(QLatin1Char('/'), 1), now);
    }
    return noEndpoint(request);
}

HttpServerResponse HubSpotCrmApi::handleObject(const HttpServerRequest &request, HubSpotObjectStore &store,
                                               const QString &rest, const QDateTime &now) const
{
    const QByteArray &method = request.method;
    if (rest == QLatin1String("search"))
        return method == "POST" ? search(store, request) : methodNotAllowed(request);
    const bool batch = rest == QLatin1String("batch/create") || rest == QLatin1String("batch/update");
    if (rest.contains(QLatin1Char('/')) && !batch)
        return noEndpoint(request);
    if (method == "GET" && !batch)
        return rest.isEmpty() ? list(store, request) : get(store, request, rest);
    const bool create = method == "POST" && (rest.isEmpty() || batch);
    const bool update = method == "PATCH" && !rest.isEmpty() && !batch;
    if (!create && !update)
        return methodNotAllowed(request);
    if (&store != &m_contacts)
        return noEndpoint(request);

    HubSpotContactWriter writer(m_contacts, m_hubId);
    if (rest.isEmpty())
        return writer.create(request.body, now);
    if (rest == QLatin1String("batch/create"))
        return writer.batchCreate(request.body, now);
    if (rest == QLatin1String("batch/update"))
        return writer.batchUpdate(request.body, now);
    return writer.update(rest, request.body, now);
}

QStringList HubSpotCrmApi::requestedProperties(const HubSpotObjectStore &store, const QUrlQuery &query)
{
    // HubSpot takes both properties=a,b and repeated properties=a&properties=b.
    QStringList names;
    for (const QString &value : query.allQueryItemValues(QStringLiteral("properties"), QUrl::FullyDecoded)) {
        for (const QString &name : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            names.append(name.trimmed());
    }
    names.removeDuplicates();
    return names.isEmpty() ? store.type().defaultProperties : names;
}

HttpServerResponse HubSpotCrmApi::list(const HubSpotObjectStore &store, const HttpServerRequest &request) const
{
    const QUrlQuery query = request.query();
    int limit = kDefaultListLimit;
    if (query.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        limit = query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        // HubSpot documents 100 as the maximum; being strict exposes definitions that ask for more.
        if (!ok || limit < 1 || limit > kMaxListLimit)
            return HubSpotResponses::validationError(
                QStringLiteral("limit must be between 1 and %1").arg(kMaxListLimit));
    }
    qint64 after = 0;
    const QString afterText = query.queryItemValue(QStringLiteral("after"), QUrl::FullyDecoded);
    if (!afterText.isEmpty()) {
        bool ok = false;
        after = afterText.toLongLong(&ok);
        if (!ok || after < 0)
            return HubSpotResponses::validationError(QStringLiteral("Invalid paging cursor after=%1").arg(afterText));
    }
    const bool archived = query.queryItemValue(QStringLiteral("archived")) == QLatin1String("true");
    const QStringList properties = requestedProperties(store, query);

    const HubSpotObjectStore::ListPage page = store.list(after, limit, archived);
    QJsonArray results;
    for (const HubSpotRecord *record : page.records)
        results.append(store.recordToJson(*record, properties));
    QJsonObject body{{QStringLiteral("results"), results}};
    if (page.nextAfter > 0) {
        QUrlQuery nextQuery(query);
        nextQuery.removeAllQueryItems(QStringLiteral("after"));
        nextQuery.addQueryItem(QStringLiteral("after"), QString::number(page.nextAfter));
        QUrl link = m_baseUrl.resolved(QUrl(kObjectsPath + store.type().name));
        link.setQuery(nextQuery);
        body.insert(QStringLiteral("paging"),
                    QJsonObject{{QStringLiteral("next"),
                                 QJsonObject{{QStringLiteral("after"), QString::number(page.nextAfter)},
                                             {QStringLiteral("link"), link.toString(QUrl::FullyEncoded)}}}});
    }
    return HubSpotResponses::json(body);
}

HttpServerResponse HubSpotCrmApi::get(const HubSpotObjectStore &store, const HttpServerRequest &request,
                                      const QString &id)
{
    const QUrlQuery query = request.query();
    const bool archived = query.queryItemValue(QStringLiteral("archived")) == QLatin1String("true");
    bool ok = false;
    const HubSpotRecord *record = store.record(id.toLongLong(&ok));
    if (!ok || !record || record->archived != archived)
        return HubSpotResponses::error(404, QStringLiteral("OBJECT_NOT_FOUND"),
                                       QStringLiteral("Object not found.  objectId are usually numeric."));
    return HubSpotResponses::json(store.recordToJson(*record, requestedProperties(store, query)));
}

HttpServerResponse HubSpotCrmApi::search(const HubSpotObjectStore &store, const HttpServerRequest &request)
{
    HubSpotObjectSearch search;
    const auto result = search.run(store, request.body);
    if (!result)
        return HubSpotResponses::validationError(search.errorMessage());
    QJsonArray results;
    for (const HubSpotRecord *record : result->page)
        results.append(store.recordToJson(*record, result->properties));
    QJsonObject body{{QStringLiteral("total"), result->total}, {QStringLiteral("results"), results}};
    if (result->nextAfter >= 0) {
        body.insert(QStringLiteral("paging"),
                    QJsonObject{{QStringLiteral("next"),
                                 QJsonObject{{QStringLiteral("after"), QString::number(result->nextAfter)}}}});
    }
    return HubSpotResponses::json(body);
}

HttpServerResponse HubSpotCrmApi::listProperties(const HubSpotObjectStore &store)
{
    QJsonArray results;
    for (const HubSpotProperty &property : store.properties())
        results.append(HubSpotObjectStore::propertyToJson(property));
    return HubSpotResponses::json({{QStringLiteral("results"), results}});
}

} // namespace patchbay::sandbox
