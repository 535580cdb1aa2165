#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ServerContext.h"

#include <QJsonArray>

#include <limits>

namespace patchbay {

namespace {

constexpr qint64 kDefaultLimit = 100;
constexpr qint64 kMaxLimit = 500;

QJsonObject entryJson(const AuditEntry &entry)
{
    QJsonObject json{{QStringLiteral("id"), entry.id},
                     {QStringLiteral("keyId"), entry.keyId},
                     {QStringLiteral("keyName"), entry.keyName},
                     {QStringLiteral("role"), entry.role},
                     {QStringLiteral("action"), entry.action},
                     {QStringLiteral("target"), entry.target},
                     {QStringLiteral("tenantId"), entry.tenantId ? QJsonValue(*entry.tenantId) : QJsonValue()},
                     {QStringLiteral("at"), entry.at.toUTC().toString(Qt::ISODateWithMs)}};
    if (!entry.before.isNull() && !entry.before.isUndefined())
        json.insert(QStringLiteral("before"), entry.before);
    if (!entry.after.isNull() && !entry.after.isUndefined())
        json.insert(QStringLiteral("after"), entry.after);
    return json;
}

// An ISO 8601 time query parameter; invalid (no filter) when absent.
Result<QDateTime> queryTime(const ApiRequest &request, const QString &name)
{
    const QString text = request.query(name);
    if (text.isEmpty())
        return QDateTime();
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return makeError("request.bad_query",
                         QStringLiteral("The query parameter %1 must be an ISO 8601 time, e.g. 2026-03-01T12:00:00Z.")
                             .arg(name));
    return time;
}

HttpServerResponse listAudit(ServerContext &context, const ApiRequest &request)
{
    const auto parsed = readListQuery(context.store(), request, kDefaultLimit, kMaxLimit);
    if (const auto *refusal = std::get_if<HttpServerResponse>(&parsed))
        return *refusal;
    const ListQuery &query = std::get<ListQuery>(parsed);
    AuditFilter filter;
    filter.tenantId = query.tenantId;
    filter.beforeId = query.beforeId;
    filter.limit = query.limit;
    const auto keyId = request.queryInteger(QStringLiteral("keyId"), 0, 1, std::numeric_limits<qint64>::max());
    const auto since = queryTime(request, QStringLiteral("since"));
    const auto until = queryTime(request, QStringLiteral("until"));
    for (const Error *error : {keyId ? nullptr : &keyId.error(), since ? nullptr : &since.error(),
                               until ? nullptr : &until.error()}) {
        if (error)
            return ApiResponse::fromError(*error);
    }
    if (keyId.value() != 0)
        filter.keyId = keyId.value();
    filter.since = since.value();
    filter.until = until.value();
    filter.action = request.query(QStringLiteral("action"));
    filter.target = request.query(QStringLiteral("target"));

    const auto entries = context.store().audit().auditEntries(filter);
    if (!entries)
        return ApiResponse::fromError(entries.error());
    QJsonArray list;
    for (const AuditEntry &entry : std::as_const(*entries))
        list.append(entryJson(entry));
    // A full page may have more after it: page on with before=nextBefore.
    const QJsonValue next = entries->size() == filter.limit ? QJsonValue(entries->last().id) : QJsonValue();
    return ApiResponse::json(QJsonObject{{QStringLiteral("entries"), list}, {QStringLiteral("nextBefore"), next}});
}

} // namespace

void addAuditRoutes(ApiRouter &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/v1/ops/audit"), {ApiRole::Admin, ApiRole::Support, ApiRole::Viewer},
               [&context](const ApiRequest &request) { return listAudit(context, request); });
}

} // namespace patchbay
