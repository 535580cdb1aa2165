#include "PipedriveEmulator.h"

#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"
#include "common/SandboxPaging.h"

#include <QJsonDocument>
#include <QUuid>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

const QString kErrorInfo =
    QStringLiteral("Please check developers.pipedrive.com for more information about Pipedrive API.");

HttpServerResponse failure(int status, const QString &error)
{
    return SandboxHttp::json(QJsonObject{{QStringLiteral("success"), false},
                                         {QStringLiteral("error"), error},
                                         {QStringLiteral("errorCode"), status},
                                         {QStringLiteral("error_info"), kErrorInfo},
                                         {QStringLiteral("data"), QJsonValue::Null},
                                         {QStringLiteral("additional_data"), QJsonValue::Null}},
                             status);
}

// The paged envelope of a v1 list: data is null when the page is empty, as Pipedrive prints it.
QJsonObject page(const QJsonArray &data, int start, int limit, qsizetype total, QJsonObject additional = {})
{
    const bool more = start + limit < total;
    QJsonObject pagination{{QStringLiteral("start"), start},
                           {QStringLiteral("limit"), limit},
                           {QStringLiteral("more_items_in_collection"), more}};
    if (more)
        pagination.insert(QStringLiteral("next_start"), start + limit);
    additional.insert(QStringLiteral("pagination"), pagination);
    return {{QStringLiteral("success"), true},
            {QStringLiteral("data"), data.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(data)},
            {QStringLiteral("additional_data"), additional}};
}

QString objectOfItem(const QString &item)
{
    if (item == QLatin1String("person"))
        return QStringLiteral("persons");
    if (item == QLatin1String("deal"))
        return QStringLiteral("deals");
    return {};
}

} // namespace

PipedriveEmulator::PipedriveEmulator(QObject *parent) : AccountEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 3599;
    policy.clientAuth = OAuthPolicy::ClientAuth::BasicHeader;
    policy.tokenType = QStringLiteral("Bearer");

    OAuthTokenEndpoint::Style style;
    style.decorateGrant = [this](const OAuthGrant &grant, QJsonObject &body) {
        body.insert(QStringLiteral("scope"), QStringLiteral("base,deals:full,contacts:full"));
        body.insert(QStringLiteral("api_domain"), tenantUrl(grant.tenant));
    };
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), style);
}

PipedriveEmulator::~PipedriveEmulator() = default;

std::unique_ptr<SandboxAccount> PipedriveEmulator::createAccount(const QString &name, quint32 seed) const
{
    return std::make_unique<PipedriveCompany>(name, seed);
}

QString PipedriveEmulator::tenantUrl(const QString &company) const
{
    return baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/_company/") + company;
}

HttpServerResponse PipedriveEmulator::rateLimitedResponse(int retryAfterSeconds, const QJsonObject &) const
{
    HttpServerResponse response = failure(429, QStringLiteral("Request over limit"));
    response.withHeader("x-ratelimit-limit", QByteArray::number(m_calls.limit()));
    response.withHeader("x-ratelimit-remaining", "0");
    response.withHeader("x-ratelimit-reset", QByteArray::number(retryAfterSeconds));
    return response.withHeader("Retry-After", QByteArray::number(retryAfterSeconds));
}

bool PipedriveEmulator::authenticated(const HttpServerRequest &request, const PipedriveCompany &company,
                                      const QDateTime &now) const
{
    const QString apiToken = request.header("x-api-token").isEmpty()
                                 ? request.query().queryItemValue(QStringLiteral("api_token"))
                                 : QString::fromLatin1(request.header("x-api-token"));
    if (!apiToken.isEmpty())
        return apiToken == company.apiKey();
    return tenantOfBearer(request, now) == company.name();
}

HttpServerResponse PipedriveEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *company)
{
    if (request.path() == QLatin1String("/oauth/token") && request.method == "POST")
        return m_oauth->token(request, now, company);
    if (request.path() == QLatin1String("/oauth/authorize"))
        return m_oauth->authorize(request, now, company);
    const TenantRoute route =
        routeByHostOrPrefix(request, QStringLiteral(".pipedrive.com"), QStringLiteral("_company"));
    auto *found = static_cast<PipedriveCompany *>(findAccount(route.tenant));
    if (!found)
        return failure(404, QStringLiteral("Company not found"));
    *company = route.tenant;
    if (auto answer = admit(authenticated(request, *found, now),
                            [] { return failure(401, QStringLiteral("unauthorized access")); }))
        return *answer;
    m_calls.count(*company, now);
    const QString path = route.path.startsWith(QLatin1String("/api/v1/")) ? route.path.mid(4) : route.path;
    HttpServerResponse response = call(*found, request, path, now);
    response.withHeader("x-ratelimit-limit", QByteArray::number(m_calls.limit()));
    response.withHeader("x-ratelimit-remaining", QByteArray::number(m_calls.remaining(*company, now)));
    const qint64 resetMs = now.msecsTo(m_calls.resetAt(*company, now));
    return response.withHeader("x-ratelimit-reset", QByteArray::number((resetMs + 999) / 1000));
}

HttpServerResponse PipedriveEmulator::call(PipedriveCompany &company, const HttpServerRequest &request,
                                           const QString &path, const QDateTime &now) const
{
    const QString object = path.section(QLatin1Char('/'), 2, 2);
    const bool itemObject = object == QLatin1String("persons") || object == QLatin1String("deals");
    if (itemObject && path.count(QLatin1Char('/')) == 2) {
        if (request.method == "GET")
            return list(company, object, request.query());
        if (request.method == "POST") {
            QString error;
            const QString id = company.create(object, QJsonDocument::fromJson(request.body).object(), now, &error);
            if (id.isEmpty())
                return failure(400, error);
            return SandboxHttp::json(
                QJsonObject{{QStringLiteral("success"), true},
                            {QStringLiteral("data"), company.itemJson(object, *company.table(object)->find(id))}},
                201);
        }
    }
    if (itemObject && path.count(QLatin1Char('/')) == 3) {
        const QString id = path.section(QLatin1Char('/'), 3, 3);
        const QString notFound =
            object == QLatin1String("deals") ? QStringLiteral("Deal not found") : QStringLiteral("Person not found");
        if (request.method == "GET") {
            // A deleted item stays readable, with active_flag false, until it is purged.
            const SandboxRecord *record = company.table(object)->find(id);
            if (!record)
                return failure(404, notFound);
            return SandboxHttp::json(QJsonObject{{QStringLiteral("success"), true},
                                                 {QStringLiteral("data"), company.itemJson(object, *record)}});
        }
        if (request.method == "PUT") {
            QString error;
            const int status = company.update(object, id, QJsonDocument::fromJson(request.body).object(), now, &error);
            if (status == 404)
                return failure(404, notFound);
            if (status != 200)
                return failure(status, error);
            return SandboxHttp::json(
                QJsonObject{{QStringLiteral("success"), true},
                            {QStringLiteral("data"), company.itemJson(object, *company.table(object)->find(id))}});
        }
    }
    if (path == QLatin1String("/v1/personFields") || path == QLatin1String("/v1/dealFields")) {
        const QJsonArray fields = company.fieldsJson(
            path == QLatin1String("/v1/dealFields") ? QStringLiteral("deals") : QStringLiteral("persons"));
        return SandboxHttp::json(page(fields, 0, static_cast<int>(fields.size()), fields.size()));
    }
    if (path == QLatin1String("/v1/recents") && request.method == "GET")
        return recents(company, request.query());
    return failure(404, QStringLiteral("Unknown method ."));
}

HttpServerResponse PipedriveEmulator::list(const PipedriveCompany &company, const QString &object,
                                           const QUrlQuery &query) const
{
    const int start = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("start")), 0, 0, INT_MAX);
    const int limit = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("limit")), 100, 1, 500);
    const std::vector<const SandboxRecord *> live = company.table(object)->live();
    QJsonArray data;
    for (const SandboxRecord *record : SandboxPaging::slice(live, start, limit))
        data.append(company.itemJson(object, *record));
    return SandboxHttp::json(page(data, start, limit, static_cast<qsizetype>(live.size())));
}

HttpServerResponse PipedriveEmulator::recents(const PipedriveCompany &company, const QUrlQuery &query) const
{
    const QString sinceText = SandboxHttp::queryParameter(query, QStringLiteral("since_timestamp"));
    const QDateTime since = QDateTime::fromString(sinceText, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (!since.isValid())
        return failure(400, QStringLiteral("since_timestamp must be given in format YYYY-MM-DD HH:MM:SS."));
    const QDateTime sinceUtc(since.date(), since.time(), Qt::UTC);
    QStringList objects;
    for (const QString &item :
         query.queryItemValue(QStringLiteral("items")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        objects.append(objectOfItem(item));
    if (objects.isEmpty())
        objects = company.objects();

    std::vector<std::pair<QString, const SandboxRecord *>> changed;
    for (const QString &object : objects) {
        if (!company.table(object))
            return failure(400, QStringLiteral("Unknown item type."));
        for (const SandboxRecord &record : company.table(object)->records()) {
            if (record.updatedAt >= sinceUtc)
                changed.emplace_back(object, &record);
        }
    }
    std::stable_sort(changed.begin(), changed.end(),
                     [](const auto &a, const auto &b) { return a.second->updatedAt < b.second->updatedAt; });
    const int start = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("start")), 0, 0, INT_MAX);
    const int limit = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("limit")), 100, 1, 500);
    QJsonArray data;
    QString lastTimestamp = sinceText;
    for (const auto &[object, record] : SandboxPaging::slice(changed, start, limit)) {
        data.append(QJsonObject{{QStringLiteral("item"), object.chopped(1)},
                                {QStringLiteral("id"), record->id.toLongLong()},
                                {QStringLiteral("data"), company.itemJson(object, *record)}});
        lastTimestamp = PipedriveCompany::timestamp(record->updatedAt);
    }
    return SandboxHttp::json(page(
        data, start, limit, static_cast<qsizetype>(changed.size()),
        {{QStringLiteral("since_timestamp"), sinceText}, {QStringLiteral("last_timestamp_on_page"), lastTimestamp}}));
}

bool PipedriveEmulator::sendWebhook(const QString &company, const QUrl &url, const QString &object, const QString &id)
{
    const auto *found = static_cast<const PipedriveCompany *>(findAccount(company));
    const SandboxRecord *record = found && found->table(object) ? found->table(object)->find(id) : nullptr;
    if (!record || !url.isValid())
        return false;
    const QJsonObject payload =
        m_webhookVersion == 2 ? webhookV2(*found, object, *record) : webhookV1(*found, object, *record);
    const QByteArray credentials = (found->webhookUser() + QLatin1Char(':') + found->webhookSecret()).toUtf8();
    m_lastDelivery = WebhookDelivery{url,
                                     QJsonDocument(payload).toJson(QJsonDocument::Compact),
                                     {{"Authorization", "Basic " + credentials.toBase64()}}};
    m_lastPayload = payload;
    webhookSender().send(*m_lastDelivery);
    return true;
}

QJsonObject PipedriveEmulator::webhookV1(const PipedriveCompany &company, const QString &object,
                                         const SandboxRecord &record) const
{
    const QString item = object.chopped(1);
    const QJsonObject current = company.itemJson(object, record);
    const QString action = record.deleted ? QStringLiteral("deleted") : QStringLiteral("updated");
    return {{QStringLiteral("v"), 1},
            {QStringLiteral("event"), action + QLatin1Char('.') + item},
            {QStringLiteral("current"), record.deleted ? QJsonValue(QJsonValue::Null) : QJsonValue(current)},
            {QStringLiteral("previous"), current},
            {QStringLiteral("retry"), 0},
            {QStringLiteral("meta"),
             QJsonObject{{QStringLiteral("v"), 1},
                         {QStringLiteral("action"), action},
                         {QStringLiteral("object"), item},
                         {QStringLiteral("id"), record.id.toLongLong()},
                         {QStringLiteral("company_id"), company.companyId()},
                         {QStringLiteral("host"), company.name() + QStringLiteral(".pipedrive.com")},
                         {QStringLiteral("timestamp"), now().toSecsSinceEpoch()}}}};
}

QJsonObject PipedriveEmulator::webhookV2(const PipedriveCompany &company, const QString &object,
                                         const SandboxRecord &record) const
{
    const QString action = record.deleted ? QStringLiteral("delete") : QStringLiteral("change");
    // data holds the essentials of the item and its custom fields apart, not the API's shape.
    const QJsonObject full = company.itemJson(object, record);
    QJsonObject data{{QStringLiteral("id"), full.value(QStringLiteral("id"))},
                     {QStringLiteral("add_time"), SandboxHttp::isoTimestamp(record.createdAt)},
                     {QStringLiteral("update_time"), SandboxHttp::isoTimestamp(record.updatedAt)}};
    QJsonObject custom;
    for (const CustomFieldDefinition &field : company.table(object)->customFields())
        custom.insert(field.name, full.value(field.name));
    data.insert(QStringLiteral("custom_fields"), custom);
    for (const char *key : {"name", "first_name", "last_name", "title", "status", "value"}) {
        if (full.contains(QLatin1String(key)))
            data.insert(QLatin1String(key), full.value(QLatin1String(key)));
    }
    return {{QStringLiteral("data"), record.deleted ? QJsonValue(QJsonValue::Null) : QJsonValue(data)},
            {QStringLiteral("previous"), QJsonValue::Null},
            {QStringLiteral("meta"),
             QJsonObject{{QStringLiteral("action"), action},
                         {QStringLiteral("entity"), object.chopped(1)},
                         {QStringLiteral("entity_id"), record.id},
                         {QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                         {QStringLiteral("company_id"), QString::number(company.companyId())},
                         {QStringLiteral("host"), company.name() + QStringLiteral(".pipedrive.com")},
                         {QStringLiteral("timestamp"), SandboxHttp::isoTimestamp(now())},
                         {QStringLiteral("attempt"), 1},
                         {QStringLiteral("version"), QStringLiteral("2.0")}}}};
}

bool PipedriveEmulator::redeliverLastWebhook()
{
    if (!m_lastDelivery)
        return false;
    // A retry counts its attempt (v2 meta.attempt, v1 retry); everything else is the same event.
    QJsonObject meta = m_lastPayload.value(QStringLiteral("meta")).toObject();
    if (meta.contains(QStringLiteral("attempt")))
        meta.insert(QStringLiteral("attempt"), meta.value(QStringLiteral("attempt")).toInt() + 1);
    else
        m_lastPayload.insert(QStringLiteral("retry"), m_lastPayload.value(QStringLiteral("retry")).toInt() + 1);
    m_lastPayload.insert(QStringLiteral("meta"), meta);
    m_lastDelivery->body = QJsonDocument(m_lastPayload).toJson(QJsonDocument::Compact);
    webhookSender().send(*m_lastDelivery);
    return true;
}

} // namespace patchbay::sandbox
