#pragma once

#include "HubSpotContactStore.h"
#include "server/HttpService.h"

#include <QUrl>

namespace patchbay::sandbox {

// The CRM v3 endpoints for contacts of one already-authenticated portal:
//   GET  /crm/v3/objects/contacts            list with limit (<= 100), after, properties, archived
//   GET  /crm/v3/objects/contacts/{id}       one contact
//   POST /crm/v3/objects/contacts/search     see HubSpotContactSearch
//   GET  /crm/v3/properties/contacts         the property schema, custom properties included
class HubSpotCrmApi
{
public:
    static constexpr int kDefaultListLimit = 10;
    static constexpr int kMaxListLimit = 100;

    HubSpotCrmApi(const HubSpotContactStore &store, const QUrl &baseUrl);

    HttpServerResponse handle(const HttpServerRequest &request) const;

private:
    HttpServerResponse listContacts(const HttpServerRequest &request) const;
    HttpServerResponse getContact(const HttpServerRequest &request, const QString &id) const;
    HttpServerResponse searchContacts(const HttpServerRequest &request) const;
    HttpServerResponse listProperties() const;
    static QStringList requestedProperties(const QUrlQuery &query);

    const HubSpotContactStore &m_store;
    QUrl m_baseUrl;
};

} // namespace patchbay::sandbox
