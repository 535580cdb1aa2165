#include "Routes.h"

#include "core/Clock.h"
#include "notify/Notifier.h"
#include "server/ApiRouter.h"
#include "server/ServerContext.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <limits>

namespace patchbay {

namespace {

constexpr qint64 kDefaultLimit = 50;
constexpr qint64 kMaxLimit = 500;
const QString kDelivery = QStringLiteral("delivery");

QJsonValue timeJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonValue idJson(const std::optional<qint64> &id)
{
    return id ? QJsonValue(*id) : QJsonValue();
}

// A delivery as the API shows it (the NotificationDelivery schema); with the payload it was sent with when asked.
QJsonObject deliveryJson(const NotificationDelivery &delivery, bool withPayload)
{
    QJsonObject json{{QStringLiteral("id"), delivery.id},
                     {QStringLiteral("deliveryId"), delivery.deliveryId},
                     {QStringLiteral("eventId"), delivery.eventId},
                     {QStringLiteral("type"), delivery.eventType},
                     {QStringLiteral("endpoint"), delivery.endpoint},
                     {QStringLiteral("url"), delivery.url},
                     {QStringLiteral("tenantId"), idJson(delivery.tenantId)},
                     {QStringLiteral("connectionId"), idJson(delivery.connectionId)},
                     {QStringLiteral("state"), delivery.state},
                     {QStringLiteral("attempts"), delivery.attempts},
                     {QStringLiteral("lastStatus"), delivery.lastStatus ? QJsonValue(delivery.lastStatus) : QJsonValue()},
                     {QStringLiteral("lastError"), delivery.lastError.isEmpty() ? QJsonValue() : delivery.lastError},
                     {QStringLiteral("createdAt"), timeJson(delivery.createdAt)},
                     {QStringLiteral("lastAttemptAt"), timeJson(delivery.lastAttemptAt)},
                     {QStringLiteral("nextAttemptAt"), timeJson(delivery.nextAttemptAt)},
                     {QStringLiteral("replayOf"), idJson(delivery.replayOf)}};
    if (withPayload)
        json.insert(QStringLiteral("payload"), QJsonDocument::fromJson(delivery.payload).object());
    return json;
}

// A query parameter that must be one of values when given.
Result<QString> queryChoice(const ApiRequest &request, const QString &name, const QStringList &values)
{
    const QString value = request.query(name);
    if (!value.isEmpty() && !values.contains(value))
        return makeError("request.bad_query", QStringLiteral("The query parameter %1 must be one of %2.")
                                                  .arg(name, values.join(QStringLiteral(", "))));
    return value;
}

HttpServerResponse listDeliveries(ServerContext &context, const ApiRequest &request)
{
    const auto parsed = readListQuery(context.store(), request, kDefaultLimit, kMaxLimit);
    if (const auto *refusal = std::get_if<HttpServerResponse>(&parsed))
        return *refusal;
    const ListQuery &query = std::get<ListQuery>(parsed);
    DeliveryFilter filter;
    filter.tenantId = query.tenantId;
    filter.beforeId = query.beforeId;
    filter.limit = query.limit;
    const auto connection = request.queryInteger(QStringLiteral("connection"), 0, 1, std::numeric_limits<qint64>::max());
    const auto state = queryChoice(request, QStringLiteral("state"),
                                   {DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Failed});
    const auto type = queryChoice(request, QStringLiteral("type"), NotificationType::all());
    for (const Error *error :
         {connection ? nullptr : &connection.error(), state ? nullptr : &state.error(), type ? nullptr : &type.error()}) {
        if (error)
            return ApiResponse::fromError(*error);
    }
    if (connection.value() != 0)
        filter.connectionId = connection.value();
    filter.state = state.value();
    filter.eventType = type.value();
    filter.endpoint = request.query(QStringLiteral("endpoint"));

    const auto deliveries = context.store().notifications().deliveries(filter);
    if (!deliveries)
        return ApiResponse::fromError(deliveries.error());
    QJsonArray list;
    for (const NotificationDelivery &delivery : std::as_const(*deliveries))
        list.append(deliveryJson(delivery, false));
    // A full page may have more after it: page on with before=nextBefore.
    const QJsonValue next = deliveries->size() == filter.limit ? QJsonValue(deliveries->last().id) : QJsonValue();
    return ApiResponse::json(QJsonObject{{QStringLiteral("deliveries"), list}, {QStringLiteral("nextBefore"), next}});
}

// The delivery {id} names when the caller may see it: a tenant-bound key sees its tenant's only (not the events of
// every tenant, such as an environment's mapping change).
std::optional<NotificationDelivery> findDelivery(ServerContext &context, const ApiRequest &request)
{
    bool ok = false;
    const qint64 id = request.param(QStringLiteral("id")).toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    auto delivery = context.store().notifications().delivery(id);
    if (!delivery)
        return std::nullopt;
    if (request.caller().tenantId && (!delivery->tenantId || !request.caller().seesTenant(*delivery->tenantId)))
        return std::nullopt;
    return delivery.value();
}

HttpServerResponse getDelivery(ServerContext &context, const ApiRequest &request)
{
    const auto delivery = findDelivery(context, request);
    if (!delivery)
        return ApiResponse::notFound(kDelivery, request.param(QStringLiteral("id")));
    return ApiResponse::json(deliveryJson(*delivery, true));
}

HttpServerResponse replayDelivery(ServerContext &context, const ApiRequest &request)
{
    const auto original = findDelivery(context, request);
    if (!original)
        return ApiResponse::notFound(kDelivery, request.param(QStringLiteral("id")));
    if (const auto body = request.jsonBody({}); !body)
        return ApiResponse::fromError(body.error());
    std::optional<NotificationDelivery> replay;
    const auto saved = auditedChange(context.store(), [&]() -> Result<AuditEntry> {
        auto queued = Notifier::queueReplay(context.store(), original->id, context.clock().now());
        if (!queued)
            return queued.error();
        replay = queued.value();
        return request.caller().auditEntry(QStringLiteral("notification.replay"),
                                           QStringLiteral("delivery:%1").arg(original->id), original->tenantId, {},
                                           deliveryJson(*replay, false));
    });
    if (!saved)
        return ApiResponse::fromError(saved.error());
    return ApiResponse::json(deliveryJson(*replay, false), 202);
}

HttpServerResponse listEndpoints(const ServerContext &context)
{
    const NotificationSettings &settings = context.config().notifications;
    QJsonArray endpoints;
    for (const NotificationEndpoint &endpoint : settings.endpoints) {
        endpoints.append(QJsonObject{{QStringLiteral("name"), endpoint.name},
                                     {QStringLiteral("url"), endpoint.displayUrl()},
                                     {QStringLiteral("events"), QJsonArray::fromStringList(
                                                                    endpoint.events.isEmpty() ? NotificationType::all()
                                                                                              : endpoint.events)}});
    }
    return ApiResponse::json(QJsonObject{{QStringLiteral("endpoints"), endpoints},
                                         {QStringLiteral("batchSeconds"), settings.batchSeconds},
                                         {QStringLiteral("maxAttempts"), settings.maxAttempts},
                                         {QStringLiteral("retrySeconds"), settings.retrySeconds},
                                         {QStringLiteral("timeoutSeconds"), settings.timeoutSeconds},
                                         {QStringLiteral("webhookSilenceMinutes"), settings.webhookSilenceMinutes}});
}

} // namespace

void addNotificationRoutes(ApiRouter &router, ServerContext &context)
{
    const QString deliveries = QStringLiteral("/api/v1/notifications/deliveries");
    router.add("GET", deliveries, ApiAccess::anyRole(),
               [&context](const ApiRequest &request) { return listDeliveries(context, request); });
    router.add("GET", deliveries + QStringLiteral("/{id}"), ApiAccess::anyRole(),
               [&context](const ApiRequest &request) { return getDelivery(context, request); });
    router.add("POST", deliveries + QStringLiteral("/{id}/replay"),
               {ApiRole::Admin, ApiRole::Product, ApiRole::Support},
               [&context](const ApiRequest &request) { return replayDelivery(context, request); });
    // Where notifications go is the installation's, not a tenant's.
    router.add("GET", QStringLiteral("/api/v1/notifications/endpoints"),
               ApiAccess{ApiRole::Admin, ApiRole::Product}.unboundOnly(),
               [&context](const ApiRequest &) { return listEndpoints(context); });
}

} // namespace patchbay
