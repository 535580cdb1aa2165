#pragma once

#include "GraphMailbox.h"
#include "server/HttpService.h"

namespace patchbay::sandbox {

// The Outlook part of Microsoft Graph v1.0 for one authenticated mailbox:
//   GET  /v1.0/me/messages, /v1.0/me/events                 $top (default 10, at most 1000), $skip;
//                                                          @odata.nextLink on every page but the last
//   GET  /v1.0/me/mailFolders/inbox/messages/delta          delta rounds: @odata.nextLink ($skiptoken) pages, then
//   GET  /v1.0/me/events/delta                             @odata.deltaLink ($deltatoken) on the last page; page size
//   GET  /v1.0/me/calendarView/delta?startDateTime&endDateTime   from Prefer: odata.maxpagesize or $top (default 10);
//                                                          removed items as {id, "@removed": {"reason": "deleted"}};
//                                                          a token of an earlier generation answers 410
//                                                          syncStateNotFound
//   GET  /v1.0/me/messages/{id}, /v1.0/me/events/{id}       one item; 404 ErrorItemNotFound when it is gone
//   POST /v1.0/me/events                                    201 with the event; 400 without a start and an end
//   PATCH /v1.0/me/events/{id}                              200 with the event; 400 for unusable times, 404
//   POST /v1.0/$batch                                       JSON batching: {requests: [{id, method, url, headers,
//                                                          body}]} (at most 20) -> 200 {responses: [{id, status,
//                                                          headers, body}]}, each request answered on its own
//   GET  /v1.0/schemaExtensions, /v1.0/schemaExtensions/{id}   the extensions that carry custom fields
class GraphMailApi
{
public:
    static constexpr int kDefaultPageSize = 10;
    static constexpr int kMaxBatchRequests = 20;

    GraphMailApi(GraphMailbox &mailbox, const QString &apiBase) : m_mailbox(mailbox), m_apiBase(apiBase) {}

    // Returns nothing for a path it does not serve.
    std::optional<HttpServerResponse> handle(const HttpServerRequest &request, const QDateTime &now) const;

    // {"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}
    static HttpServerResponse error(int status, const QString &code, const QString &message);

private:
    struct DeltaState
    {
        int generation = 0;
        QString object;
        qint64 sinceSequence = -1; // changes after this change sequence number; -1 for the first round
        qint64 roundSequence = 0;  // the sequence at the round's first request: later changes wait for the next round
        qint64 afterKey = 0;       // keyset position within the round
        qint64 rangeStartMs = -1;  // calendarView window, -1 for none
        qint64 rangeEndMs = -1;
    };

    HttpServerResponse list(const QString &object, const HttpServerRequest &request) const;
    HttpServerResponse delta(const QString &object, const HttpServerRequest &request, const QString &path) const;
    HttpServerResponse createEvent(const HttpServerRequest &request, const QDateTime &now) const;
    HttpServerResponse item(const QString &object, const QString &id) const;
    HttpServerResponse updateEvent(const QString &id, const HttpServerRequest &request, const QDateTime &now) const;
    HttpServerResponse batch(const HttpServerRequest &request, const QDateTime &now) const;
    static QString encode(const DeltaState &state);
    static std::optional<DeltaState> decode(const QString &token);
    QString context(const QString &object) const;

    GraphMailbox &m_mailbox;
    QString m_apiBase;
};

} // namespace patchbay::sandbox
