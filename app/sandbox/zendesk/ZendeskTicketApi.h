#pragma once

#include "ZendeskAccount.h"
#include "server/HttpService.h"

namespace patchbay::sandbox {

// The Support API of one already-authenticated account (".json" suffixes optional):
//   GET  /api/v2/tickets?page[size]=N[&page[after]=C]   cursor pages: {tickets, meta{has_more, after_cursor,
//                                                       before_cursor}, links{next, prev}}; page[size] <= 100
//   GET  /api/v2/tickets[?page=N&per_page=M]            offset pages {tickets, next_page, previous_page, count},
//                                                       refused beyond the first 10,000 records
//   GET  /api/v2/tickets/{id}, POST /api/v2/tickets, PUT /api/v2/tickets/{id}
//   GET  /api/v2/incremental/tickets/cursor?start_time=EPOCH | cursor=C
//                                                       {tickets, after_cursor, after_url, before_cursor,
//                                                       before_url, end_of_stream}; leaves out the last minute
//   GET  /api/v2/ticket_fields                          {ticket_fields[...], next_page, previous_page, count}
class ZendeskTicketApi
{
public:
    static constexpr int kMaxPageSize = 100;
    static constexpr int kIncrementalPageSize = 1000;
    static constexpr int kOffsetRecordLimit = 10000;

    // apiBase is what links start with (origin, plus the /_subdomain/{name} prefix when one was used).
    ZendeskTicketApi(ZendeskAccount &account, const QString &apiBase, int incrementalExclusionSeconds)
        : m_account(account), m_apiBase(apiBase), m_exclusionSeconds(incrementalExclusionSeconds)
    {}

    // path is the request path without any subdomain prefix.
    HttpServerResponse handle(const HttpServerRequest &request, const QString &path, const QDateTime &now) const;

    static HttpServerResponse error(int status, const QString &error, const QString &description,
                                    const QJsonObject &details = {});

private:
    HttpServerResponse listTickets(const HttpServerRequest &request) const;
    HttpServerResponse cursorPage(int size, const QString &after) const;
    HttpServerResponse incremental(const HttpServerRequest &request, const QDateTime &now) const;
    HttpServerResponse write(const HttpServerRequest &request, const QString &id, const QDateTime &now) const;

    ZendeskAccount &m_account;
    QString m_apiBase;
    int m_exclusionSeconds = 60;
};

} // namespace patchbay::sandbox
