#include "JiraRestApi.h"

#include "JiraJql.h"
#include "common/SandboxHttp.h"
#include "common/SandboxPaging.h"

#include <QJsonDocument>

#include <algorithm>
#include <climits>

namespace patchbay::sandbox {

namespace {

// Page tokens are opaque to clients; here they carry the offset and the query they belong to.
QString pageToken(int offset, const QString &jql)
{
    return QString::fromLatin1(QStringLiteral("%1:%2")
                                   .arg(offset)
                                   .arg(RecordGenerator::stableHash(jql))
                                   .toLatin1()
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

int offsetOf(const QString &token, const QString &jql)
{
    const QString decoded =
        QString::fromLatin1(QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding));
    bool ok = false;
    const int offset = decoded.section(QLatin1Char(':'), 0, 0).toInt(&ok);
    if (!ok || decoded.section(QLatin1Char(':'), 1) != QString::number(RecordGenerator::stableHash(jql)))
        return -1;
    return offset;
}

} // namespace

HttpServerResponse JiraRestApi::error(int status, const QStringList &messages, const QJsonObject &errors)
{
    return SandboxHttp::json(QJsonObject{{QStringLiteral("errorMessages"), QJsonArray::fromStringList(messages)},
                                         {QStringLiteral("errors"), errors}},
                             status);
}

HttpServerResponse JiraRestApi::handle(const HttpServerRequest &request, const QString &apiPath, const QString &apiBase,
                                       JiraSite &site, const QDateTime &now)
{
    const QByteArray method = request.method;
    if (apiPath == QLatin1String("/search/jql") && (method == "POST" || method == "GET"))
        return search(request, apiBase, site);
    if (apiPath == QLatin1String("/field") && method == "GET")
        return SandboxHttp::json(site.fieldsJson());
    if (apiPath == QLatin1String("/project/search") && method == "GET")
        return searchProjects(request, apiBase, site);
    if (apiPath.startsWith(QLatin1String("/project/")) && method == "GET") {
        const SandboxRecord *project = site.project(apiPath.mid(9));
        if (!project || project->deleted)
            return error(404, {QStringLiteral("No project could be found with key '%1'.").arg(apiPath.mid(9))});
        return SandboxHttp::json(site.projectJson(*project, apiBase));
    }
    if (apiPath == QLatin1String("/issue") && method == "POST")
        return createIssue(request, apiBase, site, now);
    if (apiPath == QLatin1String("/issue/bulk") && method == "POST")
        return createIssues(request, apiBase, site, now);
    if (apiPath.startsWith(QLatin1String("/issue/")) && method == "PUT")
        return updateIssue(request, apiPath.mid(7), site, now);
    if (apiPath.startsWith(QLatin1String("/issue/")) && method == "GET") {
        const SandboxRecord *issue = site.issue(apiPath.mid(7));
        if (!issue || issue->deleted)
            return error(404, {QStringLiteral("Issue does not exist or you do not have permission to see it.")});
        return SandboxHttp::json(site.issueJson(*issue, {QStringLiteral("*all")}, apiBase));
    }
    return error(404,
                 {QStringLiteral("No endpoint %1 %2 in this emulator.").arg(QString::fromLatin1(method), apiPath)});
}

HttpServerResponse JiraRestApi::search(const HttpServerRequest &request, const QString &apiBase, const JiraSite &site)
{
    QString jql;
    QString token;
    QStringList fields;
    int maxResults = kDefaultMaxResults;
    if (request.method == "POST") {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        jql = body.value(QStringLiteral("jql")).toString();
        token = body.value(QStringLiteral("nextPageToken")).toString();
        for (const QJsonValue &field : body.value(QStringLiteral("fields")).toArray())
            fields.append(field.toString());
        maxResults = body.value(QStringLiteral("maxResults")).toInt(kDefaultMaxResults);
    } else {
        const QUrlQuery query = request.query();
        jql = query.queryItemValue(QStringLiteral("jql"), QUrl::FullyDecoded);
        token = query.queryItemValue(QStringLiteral("nextPageToken"), QUrl::FullyDecoded);
        fields = query.queryItemValue(QStringLiteral("fields"), QUrl::FullyDecoded)
                     .split(QLatin1Char(','), Qt::SkipEmptyParts);
        maxResults = query.queryItemValue(QStringLiteral("maxResults")).toInt();
        if (maxResults == 0)
            maxResults = kDefaultMaxResults;
    }
    // Jira may return fewer than asked; the emulator caps at 100 like searches that return fields.
    maxResults = std::clamp(maxResults, 1, kMaxResults);
    QString problem;
    const auto parsed = JiraJql::parse(jql, site, &problem);
    if (!parsed)
        return error(400, {problem});
    const int offset = token.isEmpty() ? 0 : offsetOf(token, jql);
    if (offset < 0)
        return error(400, {QStringLiteral("The provided next page token is invalid or expired.")});

    const QStringList ids = parsed->run(site);
    const int end = std::min<int>(static_cast<int>(ids.size()), offset + maxResults);
    QJsonArray issues;
    for (int i = offset; i < end; ++i)
        issues.append(site.issueJson(*site.issue(ids.at(i)), fields, apiBase));
    QJsonObject body{{QStringLiteral("issues"), issues}, {QStringLiteral("isLast"), end >= ids.size()}};
    if (end < ids.size())
        body.insert(QStringLiteral("nextPageToken"), pageToken(end, jql));
    return SandboxHttp::json(body);
}

HttpServerResponse JiraRestApi::searchProjects(const HttpServerRequest &request, const QString &apiBase,
                                               const JiraSite &site)
{
    const QUrlQuery query = request.query();
    const int startAt = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("startAt")), 0, 0, INT_MAX);
    // Jira caps a page of projects at 50 whatever is asked for.
    const int maxResults = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("maxResults")),
                                                       kMaxProjectResults, 1, kMaxProjectResults);
    QString orderBy = query.queryItemValue(QStringLiteral("orderBy"), QUrl::FullyDecoded);
    const bool descending = orderBy.startsWith(QLatin1Char('-'));
    if (descending || orderBy.startsWith(QLatin1Char('+')))
        orderBy = orderBy.mid(1);
    if (orderBy.isEmpty())
        orderBy = QStringLiteral("key");
    if (orderBy != QLatin1String("key") && orderBy != QLatin1String("name"))
        return error(400, {QStringLiteral("The orderBy value '%1' is not supported by this emulator.").arg(orderBy)});

    std::vector<const SandboxRecord *> projects = site.projects().live();
    std::stable_sort(projects.begin(), projects.end(), [&](const SandboxRecord *a, const SandboxRecord *b) {
        const int order = QString::compare(a->fields.value(orderBy).toString(), b->fields.value(orderBy).toString(),
                                           Qt::CaseInsensitive);
        return descending ? order > 0 : order < 0;
    });
    QJsonArray values;
    for (const SandboxRecord *project : SandboxPaging::slice(projects, startAt, maxResults))
        values.append(site.projectJson(*project, apiBase));
    const auto total = static_cast<int>(projects.size());
    const bool isLast = startAt + maxResults >= total;
    const QUrl url = SandboxPaging::requestUrl(apiBase, QStringLiteral("/project/search"), request.url);
    const auto at = [&](int position) {
        return SandboxPaging::withQuery(url, {{QStringLiteral("startAt"), QString::number(position)},
                                              {QStringLiteral("maxResults"), QString::number(maxResults)}})
            .toString();
    };
    QJsonObject body{{QStringLiteral("self"), at(startAt)}, {QStringLiteral("maxResults"), maxResults},
                     {QStringLiteral("startAt"), startAt},  {QStringLiteral("total"), total},
                     {QStringLiteral("isLast"), isLast},    {QStringLiteral("values"), values}};
    if (!isLast)
        body.insert(QStringLiteral("nextPage"), at(startAt + maxResults));
    return SandboxHttp::json(body);
}

HttpServerResponse JiraRestApi::createIssue(const HttpServerRequest &request, const QString &apiBase, JiraSite &site,
                                            const QDateTime &now)
{
    QJsonParseError parseError;
    const QJsonObject body = QJsonDocument::fromJson(request.body, &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        return error(400,
                     {QStringLiteral("Invalid request payload. Refer to the REST API documentation and try again.")});
    QJsonObject errors;
    const QString id = site.createIssue(body.value(QStringLiteral("fields")).toObject(), now, &errors);
    if (id.isEmpty())
        return error(400, {}, errors);
    const SandboxRecord *issue = site.issue(id);
    return SandboxHttp::json(QJsonObject{{QStringLiteral("id"), id},
                                         {QStringLiteral("key"), issue->fields.value(QStringLiteral("key"))},
                                         {QStringLiteral("self"), apiBase + QStringLiteral("/issue/") + id}},
                             201);
}

HttpServerResponse JiraRestApi::createIssues(const HttpServerRequest &request, const QString &apiBase, JiraSite &site,
                                             const QDateTime &now)
{
    QJsonParseError parseError;
    const QJsonObject body = QJsonDocument::fromJson(request.body, &parseError).object();
    const QJsonArray updates = body.value(QStringLiteral("issueUpdates")).toArray();
    if (parseError.error != QJsonParseError::NoError)
        return error(400,
                     {QStringLiteral("Invalid request payload. Refer to the REST API documentation and try again.")});
    if (updates.size() > kMaxBulkIssues)
        return error(400, {QStringLiteral("Bulk create is limited to %1 issues per request.").arg(kMaxBulkIssues)});
    QJsonArray issues;
    QJsonArray failures;
    for (qsizetype i = 0; i < updates.size(); ++i) {
        QJsonObject errors;
        const QString id =
            site.createIssue(updates.at(i).toObject().value(QStringLiteral("fields")).toObject(), now, &errors);
        if (id.isEmpty()) {
            failures.append(QJsonObject{
                {QStringLiteral("status"), 400},
                {QStringLiteral("elementErrors"),
                 QJsonObject{{QStringLiteral("errorMessages"), QJsonArray()}, {QStringLiteral("errors"), errors}}},
                {QStringLiteral("failedElementNumber"), static_cast<int>(i)}});
            continue;
        }
        issues.append(QJsonObject{{QStringLiteral("id"), id},
                                  {QStringLiteral("key"), site.issue(id)->fields.value(QStringLiteral("key"))},
                                  {QStringLiteral("self"), apiBase + QStringLiteral("/issue/") + id}});
    }
    // 201 as soon as one issue was created (a partial success); 400 with the same body when none was.
    return SandboxHttp::json(QJsonObject{{QStringLiteral("issues"), issues}, {QStringLiteral("errors"), failures}},
                             issues.isEmpty() && !updates.isEmpty() ? 400 : 201);
}

HttpServerResponse JiraRestApi::updateIssue(const HttpServerRequest &request, const QString &idOrKey, JiraSite &site,
                                            const QDateTime &now)
{
    QJsonParseError parseError;
    const QJsonObject body = QJsonDocument::fromJson(request.body, &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        return error(400,
                     {QStringLiteral("Invalid request payload. Refer to the REST API documentation and try again.")});
    QJsonObject errors;
    switch (site.updateIssue(idOrKey, body.value(QStringLiteral("fields")).toObject(), now, &errors)) {
    case JiraSite::UpdateResult::NotFound:
        return error(404, {QStringLiteral("Issue does not exist or you do not have permission to see it.")});
    case JiraSite::UpdateResult::Invalid:
        return error(400, {}, errors);
    case JiraSite::UpdateResult::Updated:
        break;
    }
    HttpServerResponse response;
    response.status = 204;
    return response;
}

} // namespace patchbay::sandbox
