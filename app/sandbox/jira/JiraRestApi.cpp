#include "JiraRestApi.h"

#include "JiraJql.h"
#include "common/SandboxHttp.h"

#include <QJsonDocument>

#include <algorithm>

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
    if (apiPath == QLatin1String("/issue") && method == "POST")
        return createIssue(request, apiBase, site, now);
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

} // namespace patchbay::sandbox
