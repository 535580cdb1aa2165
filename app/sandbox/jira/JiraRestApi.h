#pragma once

#include "JiraSite.h"
#include "server/HttpService.h"

namespace patchbay::sandbox {

// The Jira Cloud platform REST API v3 of one already-authenticated site, under /ex/jira/{cloudid}/rest/api/3:
//   POST /search/jql {jql, fields, maxResults, nextPageToken} -> {issues, nextPageToken (absent on the last page),
//                                                               isLast}; no total; GET with query parameters too
//   GET  /field                                        system and custom fields (customfield_NNNNN)
//   GET  /project/search?startAt&maxResults&orderBy    {self, nextPage, maxResults, startAt, total, isLast, values};
//                                                      maxResults at most 50; orderBy key (default) or name, with
//                                                      an optional + or -
//   GET  /project/{idOrKey}
//   POST /issue {fields}                               201 {id, key, self}; 400 {errorMessages, errors{field: msg}}
//   POST /issue/bulk {issueUpdates[{fields}]}          up to 50; {issues[{id, key, self}], errors[{status,
//                                                      elementErrors{errorMessages, errors}, failedElementNumber}]}:
//                                                      201 when any issue was created, 400 when none was
//   PUT  /issue/{idOrKey} {fields}                     204; 400 as POST; 404 for an unknown or deleted issue
//   GET  /issue/{idOrKey}
class JiraRestApi
{
public:
    static constexpr int kDefaultMaxResults = 50;
    static constexpr int kMaxResults = 100;
    static constexpr int kMaxBulkIssues = 50;
    static constexpr int kMaxProjectResults = 50;

    // Jira's error body: {"errorMessages": [...], "errors": {...}}.
    static HttpServerResponse error(int status, const QStringList &messages, const QJsonObject &errors = {});

    static HttpServerResponse handle(const HttpServerRequest &request, const QString &apiPath, const QString &apiBase,
                                     JiraSite &site, const QDateTime &now);

private:
    static HttpServerResponse search(const HttpServerRequest &request, const QString &apiBase, const JiraSite &site);
    static HttpServerResponse searchProjects(const HttpServerRequest &request, const QString &apiBase,
                                             const JiraSite &site);
    static HttpServerResponse createIssue(const HttpServerRequest &request, const QString &apiBase, JiraSite &site,
                                          const QDateTime &now);
    static HttpServerResponse createIssues(const HttpServerRequest &request, const QString &apiBase, JiraSite &site,
                                           const QDateTime &now);
    static HttpServerResponse updateIssue(const HttpServerRequest &request, const QString &idOrKey, JiraSite &site,
                                          const QDateTime &now);
};

} // namespace patchbay::sandbox
