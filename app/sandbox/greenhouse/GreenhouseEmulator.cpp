#include "GreenhouseEmulator.h"

#include "common/SandboxHttp.h"
#include "common/SandboxPaging.h"
#include "common/WebhookSigner.h"

#include <QJsonDocument>
#include <QUuid>

namespace patchbay::sandbox {

namespace {

HttpServerResponse message(int status, const QString &text, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("message"), text);
    return SandboxHttp::json(body, status);
}

} // namespace

GreenhouseEmulator::GreenhouseEmulator(QObject *parent) : AccountEmulator(parent) {}

std::unique_ptr<SandboxAccount> GreenhouseEmulator::createAccount(const QString &name, quint32 seed) const
{
    return std::make_unique<GreenhouseOrganization>(name, seed);
}

HttpServerResponse GreenhouseEmulator::rateLimitedResponse(int retryAfterSeconds, const QJsonObject &) const
{
    HttpServerResponse response = message(429, QStringLiteral("API rate limit exceeded. Try again later."));
    response.withHeader("Retry-After", QByteArray::number(retryAfterSeconds));
    response.withHeader("X-RateLimit-Limit", QByteArray::number(kWindowLimit));
    response.withHeader("X-RateLimit-Reset", QByteArray::number(now().toSecsSinceEpoch() + retryAfterSeconds));
    return response.withHeader("X-RateLimit-Remaining", "0");
}

HttpServerResponse GreenhouseEmulator::route(const HttpServerRequest &request, const QDateTime &now,
                                             QString *organization)
{
    const auto basic = SandboxHttp::basicCredentials(request);
    SandboxAccount *found =
        basic && basic->password.isEmpty() && !m_revokedKeys.contains(basic->user)
            ? findAccountWhere([&](const SandboxAccount &account) { return account.apiKey() == basic->user; })
            : nullptr;
    if (found)
        *organization = found->name();
    if (auto answer =
            admit(found != nullptr, [] { return message(401, QStringLiteral("Invalid Basic Auth credentials")); }))
        return *answer;

    m_calls.count(*organization, now);
    auto &harvest = *static_cast<GreenhouseOrganization *>(found);
    const QString path = request.path();
    HttpServerResponse response = message(404, QStringLiteral("Resource not found"));
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts); // v1, candidates, {id}
    if (path == QLatin1String("/v1/candidates") && request.method == "POST")
        response = createCandidate(harvest, request, now);
    else if (segments.size() == 3 && segments.at(1) == QLatin1String("candidates") && request.method == "PATCH")
        response = updateCandidate(harvest, segments.at(2), request, now);
    else if (segments.size() == 3 &&
             (segments.at(1) == QLatin1String("candidates") || segments.at(1) == QLatin1String("applications")) &&
             request.method == "GET")
        response = retrieve(harvest, segments.at(1), segments.at(2));
    else if ((path == QLatin1String("/v1/candidates") || path == QLatin1String("/v1/applications")) &&
             request.method == "GET")
        response = list(harvest, path.mid(4), request);
    else if (path.startsWith(QLatin1String("/v1/custom_fields/")) && request.method == "GET") {
        const QString fieldType = path.mid(18);
        if (GreenhouseOrganization::objectOfFieldType(fieldType).isEmpty() && fieldType != QLatin1String("job"))
            response = message(422, QStringLiteral("Invalid field_type %1").arg(fieldType));
        else
            response = SandboxHttp::json(harvest.customFieldsJson(fieldType));
    }
    response.withHeader("X-RateLimit-Limit", QByteArray::number(kWindowLimit));
    return response.withHeader("X-RateLimit-Remaining", QByteArray::number(m_calls.remaining(*organization, now)));
}

HttpServerResponse GreenhouseEmulator::list(const GreenhouseOrganization &organization, const QString &object,
                                            const HttpServerRequest &request) const
{
    const QUrlQuery query = request.query();
    const bool applications = object == QLatin1String("applications");
    struct Bound
    {
        const char *parameter;
        bool created; // created_at, else updated_at / last_activity_at
        bool after;
    };
    const QList<Bound> bounds = applications ? QList<Bound>{{"created_after", true, true},
                                                            {"created_before", true, false},
                                                            {"last_activity_after", false, true}}
                                             : QList<Bound>{{"created_after", true, true},
                                                            {"created_before", true, false},
                                                            {"updated_after", false, true},
                                                            {"updated_before", false, false}};
    QList<QPair<Bound, QDateTime>> filters;
    for (const Bound &bound : bounds) {
        const QString text = SandboxHttp::queryParameter(query, QLatin1String(bound.parameter));
        if (text.isEmpty())
            continue;
        const QDateTime time = SandboxHttp::parseTimestamp(text);
        if (!time.isValid())
            return message(422, QStringLiteral("Invalid %1: %2").arg(QLatin1String(bound.parameter), text));
        filters.append({bound, time});
    }
    const std::vector<const SandboxRecord *> matching = organization.table(object)->live([&](const SandboxRecord &r) {
        return std::all_of(filters.begin(), filters.end(), [&](const auto &filter) {
            const QDateTime &value = filter.first.created ? r.createdAt : r.updatedAt;
            return filter.first.after ? value >= filter.second : value < filter.second;
        });
    });
    const int perPage = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("per_page")), 100, 1, 500);
    const int page = SandboxPaging::intParameter(query.queryItemValue(QStringLiteral("page")), 1, 1, INT_MAX);
    QJsonArray items;
    for (const SandboxRecord *record : SandboxPaging::slice(matching, qsizetype(page - 1) * perPage, perPage))
        items.append(applications ? organization.applicationJson(*record) : organization.candidateJson(*record));

    SandboxPaging::Links links = SandboxPaging::pageNumberLinks(
        SandboxPaging::requestUrl(baseUrl().toString(QUrl::StripTrailingSlash), request.path(), request.url), page,
        perPage, static_cast<int>(matching.size()), false);
    if (query.queryItemValue(QStringLiteral("skip_count")) == QLatin1String("true"))
        links.removeIf([](const auto &link) { return link.first == QLatin1String("last"); });
    HttpServerResponse response = SandboxHttp::json(items);
    if (!links.isEmpty())
        response.withHeader("Link", SandboxPaging::linkHeader(links));
    return response;
}

HttpServerResponse GreenhouseEmulator::createCandidate(GreenhouseOrganization &organization,
                                                       const HttpServerRequest &request, const QDateTime &now) const
{
    if (request.header("on-behalf-of").toLongLong() != organization.userId())
        return message(403, QStringLiteral("Missing or invalid On-Behalf-Of header: a valid user id is required."));
    QJsonArray errors;
    const QString id = organization.createCandidate(QJsonDocument::fromJson(request.body).object(), now, &errors);
    if (id.isEmpty())
        return message(422, QStringLiteral("Validation error"), {{QStringLiteral("errors"), errors}});
    return SandboxHttp::json(organization.candidateJson(*organization.table(QStringLiteral("candidates"))->find(id)),
                             201);
}

HttpServerResponse GreenhouseEmulator::retrieve(const GreenhouseOrganization &organization, const QString &object,
                                                const QString &id) const
{
    const SandboxRecord *record = organization.table(object)->find(id);
    if (!record || record->deleted)
        return message(404, QStringLiteral("Resource not found"));
    return SandboxHttp::json(object == QLatin1String("applications") ? organization.applicationJson(*record)
                                                                     : organization.candidateJson(*record));
}

HttpServerResponse GreenhouseEmulator::updateCandidate(GreenhouseOrganization &organization, const QString &id,
                                                       const HttpServerRequest &request, const QDateTime &now) const
{
    if (request.header("on-behalf-of").toLongLong() != organization.userId())
        return message(403, QStringLiteral("Missing or invalid On-Behalf-Of header: a valid user id is required."));
    const SandboxRecord *record = organization.table(QStringLiteral("candidates"))->find(id);
    if (!record || record->deleted)
        return message(404, QStringLiteral("Resource not found"));
    QJsonArray errors;
    if (!organization.updateCandidate(id, QJsonDocument::fromJson(request.body).object(), now, &errors))
        return message(422, QStringLiteral("Validation error"), {{QStringLiteral("errors"), errors}});
    return SandboxHttp::json(organization.candidateJson(*record));
}

bool GreenhouseEmulator::revokeApiKey(const QString &organization)
{
    const SandboxAccount *found = findAccount(organization);
    if (found)
        m_revokedKeys.insert(found->apiKey());
    return found != nullptr;
}

bool GreenhouseEmulator::sendWebhook(const QString &organization, const QUrl &url, const QString &object,
                                     const QString &id)
{
    const auto *found = static_cast<const GreenhouseOrganization *>(findAccount(organization));
    const SandboxRecord *record = found && found->table(object) ? found->table(object)->find(id) : nullptr;
    if (!record || !url.isValid())
        return false;
    const bool application = object == QLatin1String("applications");
    QString action;
    QJsonObject payload;
    if (application) {
        action = record->deleted ? QStringLiteral("delete_application") : QStringLiteral("candidate_stage_change");
        payload.insert(QStringLiteral("application"), found->applicationJson(*record));
    } else if (record->deleted) {
        action = QStringLiteral("delete_candidate");
        payload.insert(QStringLiteral("person"), found->deletedCandidateJson(*record));
    } else {
        action = QStringLiteral("update_candidate");
        payload.insert(QStringLiteral("candidate"), found->candidateWebhookJson(*record));
    }
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("action"), action}, {QStringLiteral("payload"), payload}})
            .toJson(QJsonDocument::Compact);
    m_lastDelivery =
        WebhookDelivery{url,
                        body,
                        {{"Signature", "sha256 " + WebhookSigner::hexSignature(found->webhookSecret().toUtf8(), body)},
                         {"Greenhouse-Event-ID", QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1()}}};
    webhookSender().send(*m_lastDelivery);
    return true;
}

bool GreenhouseEmulator::redeliverLastWebhook()
{
    if (m_lastDelivery)
        webhookSender().send(*m_lastDelivery);
    return m_lastDelivery.has_value();
}

} // namespace patchbay::sandbox
