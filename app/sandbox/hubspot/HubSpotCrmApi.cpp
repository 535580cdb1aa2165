#include "HubSpotCrmApi.h"

#include "HubSpotContactSearch.h"
#include "HubSpotResponses.h"

#include <QJsonArray>

namespace patchbay::sandbox {

namespace {

const QString kContactsPath = QStringLiteral("/crm/v3/objects/contacts");

HttpServerResponse methodNotAllowed(const HttpServerRequest &request)
{
    return HubSpotResponses::error(
        405, QStringLiteral("VALIDATION_ERROR"),
        QStringLiteral("HTTP method %1 is not supported by this endpoint.").arg(QString::fromLatin1(request.method)));
}

} // namespace

HubSpotCrmApi::HubSpotCrmApi(const HubSpotContactStore &store, const QUrl &baseUrl) : m_store(store), m_baseUrl(baseUrl)
{}

HttpServerResponse HubSpotCrmApi::handle(const HttpServerRequest &request) const
{
    const QString path = request.path();
    if (path == kContactsPath || path == kContactsPath + QLatin1Char('/'))
        return request.method == "GET" ? listContacts(request) : methodNotAllowed(request);
    if (path == kContactsPath + QStringLiteral("/search"))
        return request.method == "POST" ? searchContacts(request) : methodNotAllowed(request);
    if (path.startsWith(kContactsPath + QLatin1Char('/')) && path.count(QLatin1Char('/')) == 5)
        return request.method == "GET" ? getContact(request, path.section(QLatin1Char('/'), -1))
                                       : methodNotAllowed(request);
    if (path == QLatin1String("/crm/v3/properties/contacts"))
        return request.method == "GET" ? listProperties() : methodNotAllowed(request);
    return HubSpotResponses::error(404, QStringLiteral("OBJECT_NOT_FOUND"),
                                   QStringLiteral("No CRM endpoint at %1 %2 in this emulator (contacts only).")
                                       .arg(QString::fromLatin1(request.method), path));
}

QStringList HubSpotCrmApi::requestedProperties(const QUrlQuery &query)
{
    // HubSpot takes both properties=a,b and repeated properties=a&properties=b.
    QStringList names;
    for (const QString &value : query.allQueryItemValues(QStringLiteral("properties"), QUrl::FullyDecoded)) {
        for (const QString &name : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            names.append(name.trimmed());
    }
    names.removeDuplicates();
    return names.isEmpty() ? HubSpotContactStore::defaultPropertyNames() : names;
}

HttpServerResponse HubSpotCrmApi::listContacts(const HttpServerRequest &request) const
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
    const QStringList properties = requestedProperties(query);

    const HubSpotContactStore::ListPage page = m_store.list(after, limit, archived);
    QJsonArray results;
    for (const HubSpotContact *contact : page.contacts)
        results.append(m_store.contactToJson(*contact, properties));
    QJsonObject body{{QStringLiteral("results"), results}};
    if (page.nextAfter > 0) {
        QUrlQuery nextQuery(query);
        nextQuery.removeAllQueryItems(QStringLiteral("after"));
        nextQuery.addQueryItem(QStringLiteral("after"), QString::number(page.nextAfter));
        QUrl link = m_baseUrl.resolved(QUrl(kContactsPath));
        link.setQuery(nextQuery);
        body.insert(QStringLiteral("paging"),
                    QJsonObject{{QStringLiteral("next"),
                                 QJsonObject{{QStringLiteral("after"), QString::number(page.nextAfter)},
                                             {QStringLiteral("link"), link.toString(QUrl::FullyEncoded)}}}});
    }
    return HubSpotResponses::json(body);
}

HttpServerResponse HubSpotCrmApi::getContact(const HttpServerRequest &request, const QString &id) const
{
    const QUrlQuery query = request.query();
    const bool archived = query.queryItemValue(QStringLiteral("archived")) == QLatin1String("true");
    bool ok = false;
    const HubSpotContact *contact = m_store.contact(id.toLongLong(&ok));
    if (!ok || !contact || contact->archived != archived)
        return HubSpotResponses::error(404, QStringLiteral("OBJECT_NOT_FOUND"),
                                       QStringLiteral("Object not found.  objectId are usually numeric."));
    return HubSpotResponses::json(m_store.contactToJson(*contact, requestedProperties(query)));
}

HttpServerResponse HubSpotCrmApi::searchContacts(const HttpServerRequest &request) const
{
    HubSpotContactSearch search;
    const auto result = search.run(m_store, request.body);
    if (!result)
        return HubSpotResponses::validationError(search.errorMessage());
    QJsonArray results;
    for (const HubSpotContact *contact : result->page)
        results.append(m_store.contactToJson(*contact, result->properties));
    QJsonObject body{{QStringLiteral("total"), result->total}, {QStringLiteral("results"), results}};
    if (result->nextAfter >= 0) {
        body.insert(QStringLiteral("paging"),
                    QJsonObject{{QStringLiteral("next"),
                                 QJsonObject{{QStringLiteral("after"), QString::number(result->nextAfter)}}}});
    }
    return HubSpotResponses::json(body);
}

HttpServerResponse HubSpotCrmApi::listProperties() const
{
    QJsonArray results;
    for (const HubSpotProperty &property : m_store.properties())
        results.append(HubSpotContactStore::propertyToJson(property));
    return HubSpotResponses::json({{QStringLiteral("results"), results}});
}

} // namespace patchbay::sandbox
