#pragma once

#include "common/RecordTable.h"
#include "server/HttpService.h"

#include <QJsonObject>
#include <QString>

#include <functional>

namespace patchbay::sandbox {

// The paging every Zendesk collection (tickets, users) shares, over the records of one RecordTable:
//   list pages        ?page[size]=N[&page[after]=C] -> {NAME, meta{has_more, after_cursor, before_cursor},
//                     links{next, prev}}, page[size] <= 100; without page[size], offset pages ?page=N&per_page=M ->
//                     {NAME, next_page, previous_page, count}, refused beyond the first 10,000 records
//   incremental       ?start_time=EPOCH | cursor=C -> {NAME, after_cursor, after_url, before_cursor, before_url,
//                     end_of_stream}, changed records (deleted ones included) in update order, without the changes
//                     of the last exclusion seconds
// Lists leave deleted records out; ids are integers and pages follow them.

// How incremental exports behave; tests change both.
struct ZendeskExportPolicy
{
    int exclusionSeconds = 60; // changes younger than this are left out
    int pageSize = 1000;       // records per export page
};

class ZendeskCollectionPaging
{
public:
    static constexpr int kMaxPageSize = 100;
    static constexpr int kOffsetRecordLimit = 10000;

    using RecordJson = std::function<QJsonObject(const SandboxRecord &record)>;

    // name is the array's key and the collection's path segment (/api/v2/{name}.json); apiBase what links start with.
    ZendeskCollectionPaging(const QString &name, const RecordTable &records, RecordJson toJson, const QString &apiBase)
        : m_name(name), m_records(records), m_toJson(std::move(toJson)), m_apiBase(apiBase)
    {}

    HttpServerResponse list(const HttpServerRequest &request) const;
    HttpServerResponse incremental(const HttpServerRequest &request, const QDateTime &now,
                                   const ZendeskExportPolicy &policy) const;

    static HttpServerResponse error(int status, const QString &error, const QString &description,
                                    const QJsonObject &details = {});

private:
    HttpServerResponse cursorPage(int size, const QString &after) const;
    HttpServerResponse offsetPage(int page, int perPage) const;

    QString m_name;
    const RecordTable &m_records;
    RecordJson m_toJson;
    QString m_apiBase;
};

} // namespace patchbay::sandbox
