#pragma once

#include "ZendeskAccount.h"
#include "ZendeskCollectionPaging.h"
#include "server/HttpService.h"

namespace patchbay::sandbox {

// The user endpoints of the Support API of one already-authenticated account (".json" suffixes optional):
//   GET  /api/v2/users                                  cursor or offset pages (ZendeskCollectionPaging); deleted
//                                                       users are not listed
//   GET  /api/v2/users/{id}                             {user}; a deleted user has active false
//   GET  /api/v2/incremental/users/cursor?start_time=EPOCH | cursor=C
//                                                       the cursor-based export (ZendeskCollectionPaging); deleted
//                                                       users are in it with active false
class ZendeskUserApi
{
public:
    ZendeskUserApi(const ZendeskAccount &account, const QString &apiBase, const ZendeskExportPolicy &exportPolicy)
        : m_account(account), m_apiBase(apiBase), m_exportPolicy(exportPolicy)
    {}

    static bool serves(const QString &path);
    // path is the request path without any subdomain prefix.
    HttpServerResponse handle(const HttpServerRequest &request, const QString &path, const QDateTime &now) const;

private:
    const ZendeskAccount &m_account;
    QString m_apiBase;
    ZendeskExportPolicy m_exportPolicy;
};

} // namespace patchbay::sandbox
