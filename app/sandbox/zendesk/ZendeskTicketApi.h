#pragma once

#include "ZendeskAccount.h"
#include "ZendeskCollectionPaging.h"
#include "server/HttpService.h"

namespace patchbay::sandbox {

// The ticket endpoints of the Support API of one already-authenticated account (".json" suffixes optional):
//   GET  /api/v2/tickets                                cursor or offset pages (ZendeskCollectionPaging)
//   GET  /api/v2/tickets/{id}, POST /api/v2/tickets, PUT /api/v2/tickets/{id}
//   GET  /api/v2/incremental/tickets/cursor?start_time=EPOCH | cursor=C
//                                                       the cursor-based export (ZendeskCollectionPaging); deleted
//                                                       tickets have status "deleted"
//   GET  /api/v2/ticket_fields                          {ticket_fields[...], next_page, previous_page, count}
class ZendeskTicketApi
{
public:
    // apiBase is what links start with (origin, plus the /_subdomain/{name} prefix when one was used).
    ZendeskTicketApi(ZendeskAccount &account, const QString &apiBase, const ZendeskExportPolicy &exportPolicy)
        : m_account(account), m_apiBase(apiBase), m_exportPolicy(exportPolicy)
    {}

    // path is the request path without any subdomain prefix.
    HttpServerResponse handle(const HttpServerRequest &request, const QString &path, const QDateTime &now) const;

    static HttpServerResponse error(int status, const QString &error, const QString &description,
                                    const QJsonObject &details = {});

private:
    HttpServerResponse write(const HttpServerRequest &request, const QString &id, const QDateTime &now) const;

    ZendeskAccount &m_account;
    QString m_apiBase;
    ZendeskExportPolicy m_exportPolicy;
};

} // namespace patchbay::sandbox
