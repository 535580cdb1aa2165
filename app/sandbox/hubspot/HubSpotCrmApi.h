#pragma once

#include "HubSpotContactStore.h"
#include "HubSpotObjectStore.h"
#include "server/HttpService.h"

#include <QDateTime>
#include <QUrl>

namespace patchbay::sandbox {

// The CRM v3 endpoints of one already-authenticated portal, for {object} contacts or companies:
//   GET  /crm/v3/objects/{object}            list with limit (<= 100), after, properties, archived
//   GET  /crm/v3/objects/{object}/{id}       one record
//   POST /crm/v3/objects/{object}/search     see HubSpotObjectSearch
//   GET  /crm/v3/properties/{object}         the property schema, custom properties included
//   POST /crm/v3/objects/contacts, PATCH /crm/v3/objects/contacts/{id}, POST .../batch/create and .../batch/update:
//                                            see HubSpotContactWriter (companies are read-only here)
class HubSpotCrmApi
{
public:
    static constexpr int kDefaultListLimit = 10;
    static constexpr int kMaxListLimit = 100;

    HubSpotCrmApi(HubSpotContactStore &contacts, HubSpotObjectStore &companies, qint64 hubId, const QUrl &baseUrl);

    HttpServerResponse handle(const HttpServerRequest &request, const QDateTime &now) const;

private:
    HubSpotObjectStore *store(const QString &object) const;
    HttpServerResponse handleObject(const HttpServerRequest &request, HubSpotObjectStore &store, const QString &rest,
                                    const QDateTime &now) const;
    HttpServerResponse list(const HubSpotObjectStore &store, const HttpServerRequest &request) const;
    static HttpServerResponse get(const HubSpotObjectStore &store, const HttpServerRequest &request, const QString &id);
    static HttpServerResponse search(const HubSpotObjectStore &store, const HttpServerRequest &request);
    static HttpServerResponse listProperties(const HubSpotObjectStore &store);
    static QStringList requestedProperties(const HubSpotObjectStore &store, const QUrlQuery &query);

    HubSpotContactStore &m_contacts;
    HubSpotObjectStore &m_companies;
    qint64 m_hubId = 0;
    QUrl m_baseUrl;
};

} // namespace patchbay::sandbox
