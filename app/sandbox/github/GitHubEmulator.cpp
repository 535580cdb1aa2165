#include "GitHubEmulator.h"

#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"
#include "common/SandboxPaging.h"
#include "common/WebhookSigner.h"

#include <QJsonDocument>
#include <QUuid>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

const QString kDocs = QStringLiteral("https://docs.github.com/rest");

HttpServerResponse message(int status, const QString &text, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("message"), text);
    body.insert(QStringLiteral("documentation_url"), kDocs);
    return SandboxHttp::json(body, status);
}

} // namespace

GitHubEmulator::GitHubEmulator(QObject *parent) : AccountEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 28800;
    policy.rotateRefreshTokens = true;
    policy.clientAuth = OAuthPolicy::ClientAuth::Body;
    policy.tokenType = QStringLiteral("bearer");
    policy.accessTokenPrefix = QStringLiteral("ghu_");
    policy.accessTokenBytes = 27;

    OAuthTokenEndpoint::Style style;
    style.acceptQueryParameters = true;
    style.decorateGrant = [](const OAuthGrant &, QJsonObject &body) {
        body.insert(QStringLiteral("scope"), QString());
        body.insert(QStringLiteral("refresh_token_expires_in"), 15897600);
    };
    // GitHub answers a failed exchange with 200 and an error in the body.
    style.failure = [](OAuthFailure failure) {
        const bool badCode = failure == OAuthFailure::BadAuthorizationCode || failure == OAuthFailure::BadRefreshToken;
        return SandboxHttp::json(
            QJsonObject{{QStringLiteral("error"), badCode ? QStringLiteral("bad_verification_code")
                                                          : QStringLiteral("incorrect_client_credentials")},
                        {QStringLiteral("error_description"),
                         badCode ? QStringLiteral("The code passed is incorrect or expired.")
                                 : QStringLiteral("The client_id and/or client_secret passed are incorrect.")}});
    };
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), style);
}

GitHubEmulator::~GitHubEmulator() = default;

std::unique_ptr<SandboxAccount> GitHubEmulator::createAccount(const QString &login, quint32 seed) const
{
    return std::make_unique<GitHubOwner>(login, seed);
}

void GitHubEmulator::applySettings(const QJsonObject &body)
{
    AccountEmulator::applySettings(body);
    m_limitStatus = body.value(QStringLiteral("rateLimitStatus")).toInt(m_limitStatus);
}

QList<QPair<QByteArray, QByteArray>> GitHubEmulator::rateHeaders(const QString &owner, const QDateTime &now) const
{
    return {{"x-ratelimit-limit", QByteArray::number(m_calls.limit())},
            {"x-ratelimit-remaining", QByteArray::number(m_calls.remaining(owner, now))},
            {"x-ratelimit-used", QByteArray::number(m_calls.used(owner, now))},
            {"x-ratelimit-reset", QByteArray::number(m_calls.resetAt(owner, now).toSecsSinceEpoch())},
            {"x-ratelimit-resource", "core"}};
}

HttpServerResponse GitHubEmulator::rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const
{
    const int status = options.value(QStringLiteral("limitStatus")).toInt(m_limitStatus);
    const QDateTime current = now();
    if (options.value(QStringLiteral("secondary")).toBool()) {
        HttpServerResponse response = message(
            status, QStringLiteral("You have exceeded a secondary rate limit. Please wait a few minutes before you "
                                   "try again."));
        return response.withHeader("retry-after", QByteArray::number(retryAfterSeconds));
    }
    HttpServerResponse response = message(status, QStringLiteral("API rate limit exceeded for user ID 1."));
    response.withHeader("x-ratelimit-limit", QByteArray::number(m_calls.limit()));
    response.withHeader("x-ratelimit-remaining", "0");
    response.withHeader("x-ratelimit-used", QByteArray::number(m_calls.limit()));
    response.withHeader("x-ratelimit-reset", QByteArray::number(current.toSecsSinceEpoch() + retryAfterSeconds));
    return response.withHeader("x-ratelimit-resource", "core");
}

QString GitHubEmulator::ownerOfToken(const HttpServerRequest &request, const QDateTime &now) const
{
    const QString authorization = QString::fromLatin1(request.header("authorization"));
    const QString scheme = authorization.section(QLatin1Char(' '), 0, 0).toLower();
    const QString token = authorization.section(QLatin1Char(' '), 1).trimmed();
    if (scheme != QLatin1String("bearer") && scheme != QLatin1String("token"))
        return {};
    const auto check = tokens().checkAccessToken(token, now);
    if (check.state == OAuthTokenService::AccessState::Valid)
        return check.tenant;
    const SandboxAccount *found =
        findAccountWhere([&](const SandboxAccount &owner) { return owner.apiKey() == token; });
    return found ? found->name() : QString();
}

HttpServerResponse GitHubEmulator::token(const HttpServerRequest &request, const QDateTime &now, QString *owner) const
{
    HttpServerResponse response = m_oauth->token(request, now, owner);
    if (request.header("accept").contains("json"))
        return response;
    // Without Accept: application/json GitHub answers form-encoded.
    QUrlQuery form;
    const QJsonObject json = QJsonDocument::fromJson(response.body).object();
    for (auto it = json.begin(); it != json.end(); ++it)
        form.addQueryItem(it.key(), QString::fromLatin1(QUrl::toPercentEncoding(it.value().toVariant().toString())));
    HttpServerResponse encoded =
        HttpServerResponse::text(form.toString(QUrl::FullyEncoded).toLatin1(), response.status);
    encoded.headers.clear();
    return encoded.withHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
}

HttpServerResponse GitHubEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *owner)
{
    const QString path = request.path();
    if (path == QLatin1String("/login/oauth/access_token") && request.method == "POST")
        return token(request, now, owner);
    if (path == QLatin1String("/login/oauth/authorize"))
        return m_oauth->authorize(request, now, owner);

    *owner = ownerOfToken(request, now);
    if (auto answer = admit(!owner->isEmpty(), [] { return message(401, QStringLiteral("Bad credentials")); }))
        return *answer;
    m_calls.count(*owner, now);

    auto &found = *static_cast<GitHubOwner *>(findAccount(*owner));
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    HttpServerResponse response = message(404, QStringLiteral("Not Found"));
    if (segments.size() == 4 && segments.at(0) == QLatin1String("orgs") && segments.at(1) == *owner &&
        segments.at(2) == QLatin1String("properties") && segments.at(3) == QLatin1String("schema"))
        response = SandboxHttp::json(found.propertySchemaJson());
    else if (segments.size() == 3 && segments.at(0) == QLatin1String("repos") && segments.at(1) == *owner &&
             segments.at(2) == GitHubOwner::repositoryName() && request.method == "GET")
        response = SandboxHttp::json(found.repositoryJson(baseUrl().toString(QUrl::StripTrailingSlash)));
    else if (segments.size() >= 4 && segments.at(0) == QLatin1String("repos") && segments.at(1) == *owner &&
             segments.at(2) == GitHubOwner::repositoryName())
        response = repositoryCall(found, request, segments, now);
    return SandboxHttp::withHeaders(response, rateHeaders(*owner, now));
}

HttpServerResponse GitHubEmulator::repositoryCall(GitHubOwner &owner, const HttpServerRequest &request,
                                                  const QStringList &segments, const QDateTime &now) const
{
    const QString resource = segments.at(3);
    if (segments.size() == 5 && resource == QLatin1String("properties") && segments.at(4) == QLatin1String("values"))
        return SandboxHttp::json(owner.propertyValuesJson());
    if (segments.size() == 4 && resource == QLatin1String("issues"))
        return request.method == "POST" ? createIssue(owner, request, now) : listIssues(owner, request, false);
    if (segments.size() == 4 && resource == QLatin1String("pulls") && request.method == "GET")
        return listIssues(owner, request, true);
    if (segments.size() == 5 && resource == QLatin1String("issues") && request.method == "PATCH")
        return updateIssue(owner, request, segments.at(4), now);
    if (segments.size() == 5 && (resource == QLatin1String("issues") || resource == QLatin1String("pulls"))) {
        for (const QString &object : owner.objects()) {
            const SandboxRecord *record = owner.table(object)->find(segments.at(4));
            const bool isPull = object == QLatin1String("pulls");
            if (!record || (resource == QLatin1String("pulls") && !isPull))
                continue;
            if (record->deleted)
                return message(410, QStringLiteral("This issue was deleted"));
            const QString apiBase = baseUrl().toString(QUrl::StripTrailingSlash);
            return SandboxHttp::json(resource == QLatin1String("pulls") ? owner.pullJson(*record, apiBase)
                                                                        : owner.issueJson(*record, isPull, apiBase));
        }
    }
    return message(404, QStringLiteral("Not Found"));
}

HttpServerResponse GitHubEmulator::listIssues(const GitHubOwner &owner, const HttpServerRequest &request,
                                              bool pullsOnly) const
{
    const QUrlQuery query = request.query();
    const QString state = query.queryItemValue(QStringLiteral("state")).isEmpty()
                              ? QStringLiteral("open")
                              : query.queryItemValue(QStringLiteral("state"));
    const QString since = SandboxHttp::queryParameter(query, QStringLiteral("since"));
    const QDateTime sinceTime = SandboxHttp::parseTimestamp(since);
    if (!since.isEmpty() && !sinceTime.isValid())
        return message(
            422, QStringLiteral("Validation Failed"),
            {{QStringLiteral("errors"), QJsonArray{QJsonObject{{QStringLiteral("resource"), QStringLiteral("Issue")},
                                                               {QStringLiteral("field"), QStringLiteral("since")},
                                                               {QStringLiteral("code"), QStringLiteral("invalid")}}}}});
    const bool byUpdate = query.queryItemValue(QStringLiteral("sort")) == QLatin1String("updated");
    const bool ascending = query.queryItemValue(QStringLiteral("direction")) == QLatin1String("asc");
    const int perPage = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("per_page")), 30, 1, 100);
    const int page = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("page")), 1, 1, INT_MAX);

    std::vector<std::pair<const SandboxRecord *, bool>> matching; // record, is a pull request
    for (const QString &object : owner.objects()) {
        const bool isPull = object == QLatin1String("pulls");
        if (pullsOnly && !isPull)
            continue;
        for (const SandboxRecord *record : owner.table(object)->live([&](const SandboxRecord &r) {
                 const QString recordState = r.fields.value(QStringLiteral("state")).toString();
                 return (state == QLatin1String("all") || recordState == state) &&
                        (!sinceTime.isValid() || r.updatedAt >= sinceTime);
             }))
            matching.emplace_back(record, isPull);
    }
    std::stable_sort(matching.begin(), matching.end(), [&](const auto &a, const auto &b) {
        const auto key = [&](const SandboxRecord *r) {
            return std::pair(byUpdate ? r->updatedAt : r->createdAt, r->id.toLongLong());
        };
        return ascending ? key(a.first) < key(b.first) : key(b.first) < key(a.first);
    });
    const QString apiBase = baseUrl().toString(QUrl::StripTrailingSlash);
    QJsonArray items;
    for (const auto &[record, isPull] : SandboxPaging::slice(matching, qsizetype(page - 1) * perPage, perPage))
        items.append(pullsOnly ? owner.pullJson(*record, apiBase) : owner.issueJson(*record, isPull, apiBase));
    HttpServerResponse response = SandboxHttp::json(items);
    const auto links = SandboxPaging::pageNumberLinks(SandboxPaging::requestUrl(apiBase, request.path(), request.url),
                                                      page, perPage, static_cast<int>(matching.size()));
    if (!links.isEmpty())
        response.withHeader("Link", SandboxPaging::linkHeader(links));
    return response;
}

HttpServerResponse GitHubEmulator::createIssue(GitHubOwner &owner, const HttpServerRequest &request,
                                               const QDateTime &now) const
{
    QJsonArray errors;
    const QString number = owner.createIssue(QJsonDocument::fromJson(request.body).object(), now, &errors);
    if (number.isEmpty())
        return message(422, QStringLiteral("Validation Failed"), {{QStringLiteral("errors"), errors}});
    const QString apiBase = baseUrl().toString(QUrl::StripTrailingSlash);
    const QJsonObject issue = owner.issueJson(*owner.table(QStringLiteral("issues"))->find(number), false, apiBase);
    HttpServerResponse response = SandboxHttp::json(issue, 201);
    return response.withHeader("Location", issue.value(QStringLiteral("url")).toString().toUtf8());
}

HttpServerResponse GitHubEmulator::updateIssue(GitHubOwner &owner, const HttpServerRequest &request,
                                               const QString &number, const QDateTime &now) const
{
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    if (!document.isObject())
        return message(400, QStringLiteral("Problems parsing JSON"));
    // A pull request is an issue too, and is edited through the same endpoint.
    for (const QString &object : owner.objects()) {
        SandboxRecord *record = owner.table(object)->find(number);
        if (!record)
            continue;
        if (record->deleted)
            return message(410, QStringLiteral("This issue was deleted"));
        QJsonArray errors;
        if (!owner.updateIssue(*record, document.object(), now, &errors))
            return message(422, QStringLiteral("Validation Failed"), {{QStringLiteral("errors"), errors}});
        return SandboxHttp::json(
            owner.issueJson(*record, object == QLatin1String("pulls"), baseUrl().toString(QUrl::StripTrailingSlash)));
    }
    return message(404, QStringLiteral("Not Found"));
}

bool GitHubEmulator::redeliverLastWebhook()
{
    if (!m_lastWebhook)
        return false;
    webhookSender().send(*m_lastWebhook);
    return true;
}

bool GitHubEmulator::sendWebhook(const QString &owner, const QUrl &url, const QString &object, const QString &number)
{
    const auto *found = static_cast<const GitHubOwner *>(findAccount(owner));
    const SandboxRecord *record = found && found->table(object) ? found->table(object)->find(number) : nullptr;
    if (!record || !url.isValid())
        return false;
    const bool isPull = object == QLatin1String("pulls");
    const QString apiBase = baseUrl().toString(QUrl::StripTrailingSlash);
    const QJsonObject payload{{QStringLiteral("action"), QStringLiteral("edited")},
                              {isPull ? QStringLiteral("pull_request") : QStringLiteral("issue"),
                               isPull ? found->pullJson(*record, apiBase) : found->issueJson(*record, false, apiBase)},
                              {QStringLiteral("repository"), found->repositoryJson(apiBase)},
                              {QStringLiteral("sender"),
                               QJsonObject{{QStringLiteral("login"), record->fields.value(QStringLiteral("user"))}}}};
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    m_lastWebhook = WebhookDelivery{
        url,
        body,
        {{"X-GitHub-Event", isPull ? "pull_request" : "issues"},
         {"X-GitHub-Delivery", QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1()},
         {"X-GitHub-Hook-ID", QByteArray::number(RecordGenerator::stableHash(owner) % 1000000000u)},
         {"X-Hub-Signature-256", "sha256=" + WebhookSigner::hexSignature(found->webhookSecret().toUtf8(), body)},
         {"User-Agent", "GitHub-Hookshot/sandbox"}}};
    webhookSender().send(*m_lastWebhook);
    return true;
}

} // namespace patchbay::sandbox
