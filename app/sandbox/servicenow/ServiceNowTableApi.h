#pragma once

#include "ServiceNowInstance.h"
#include "server/HttpService.h"

namespace patchbay::sandbox {

// The Table API of one authenticated instance, for each of its tables (incident, sys_user):
//   GET  /api/now/table/{table}?sysparm_limit&sysparm_offset&sysparm_query&sysparm_fields
//        {result[...]} with Link (first, prev, next, last) and X-Total-Count; sysparm_query takes conditions
//        field=v, !=, >, >=, <, <=, INa,b joined by ^, and ORDERBYfield / ORDERBYDESCfield
//   GET  /api/now/table/{table}/{sys_id}                 {result{...}}
//   POST /api/now/table/{table}                          201 {result{...}}; incident's data policy wants
//                                                        short_description
//   PATCH|PUT /api/now/table/{table}/{sys_id}            200 {result{...}} with the columns sent changed; 404 for an
//                                                        unknown record; 403 when the data policy refuses the change
//   GET  /api/now/table/sys_dictionary?sysparm_query=name={table}   the columns, custom u_ columns included
class ServiceNowTableApi
{
public:
    static constexpr int kDefaultLimit = 10000;

    ServiceNowTableApi(ServiceNowInstance &instance, const QString &apiBase) : m_instance(instance), m_apiBase(apiBase)
    {}

    HttpServerResponse handle(const HttpServerRequest &request, const QString &path, const QDateTime &now) const;

    // {"error": {"message", "detail"}, "status": "failure"}
    static HttpServerResponse error(int status, const QString &message, const QJsonValue &detail);

private:
    HttpServerResponse list(const HttpServerRequest &request, const QString &path, QList<QJsonObject> rows) const;
    HttpServerResponse create(const HttpServerRequest &request, const QString &table, const QDateTime &now) const;
    HttpServerResponse update(const HttpServerRequest &request, const QString &table, const QString &sysId,
                              const QDateTime &now) const;

    ServiceNowInstance &m_instance;
    QString m_apiBase;
};

} // namespace patchbay::sandbox
