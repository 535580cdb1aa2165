#include "Routes.h"

#include "core/Logging.h"
#include "server/ApiRouter.h"
#include "server/ServerContext.h"
#include "server/WebhookEndpoint.h"
#include "store/Store.h"
#include "sync/SyncService.h"
#include "sync/WebhookInboxWorker.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

namespace {

const QString kProvider = QStringLiteral("provider");
const QString kConnection = QStringLiteral("connection");

// Headers the apply step has no use for and that may carry credentials: never stored.
bool keepsHeader(const QByteArray &lowerCaseName)
{
    return lowerCaseName != "authorization" && lowerCaseName != "proxy-authorization" && lowerCaseName != "cookie";
}

// What the receipt on the store thread came to: the call stored (entry), or the answer the receipt gave instead.
struct Receipt
{
    std::optional<WebhookEnqueued> stored;
    int events = 0;
    WebhookOutcome answer;
    QString storeError;
};

Receipt receive(SyncService &sync, Store &store, const QString &provider, qint64 connectionId,
                const WebhookCall &call)
{
    Receipt receipt;
    auto accepted = sync.acceptWebhook(provider, connectionId, call, store);
    if (auto *answer = std::get_if<WebhookOutcome>(&accepted)) {
        receipt.answer = *answer;
        return receipt;
    }
    const AcceptedWebhook &verified = std::get<AcceptedWebhook>(accepted);
    WebhookInboxEntry entry;
    entry.connectionId = verified.connection.id;
    entry.provider = provider;
    entry.dedupeKey = verified.dedupeKey;
    entry.url = call.url.toString(QUrl::FullyEncoded);
    entry.source = call.source;
    for (const auto &header : call.headers) {
        if (keepsHeader(header.first))
            entry.headers.append(header);
    }
    entry.body = call.body;
    auto stored = store.webhooks().enqueueWebhook(entry);
    if (!stored) {
        receipt.storeError = stored.error().toString();
        return receipt;
    }
    receipt.stored = stored.value();
    receipt.events = verified.events;
    return receipt;
}

// The answer to a call the receipt did not store: a handshake's as the definition says, else a JSON error with a
// stable code (every refusal of an unverified call the same, so that a caller learns nothing about connections).
HttpServerResponse answerOf(const WebhookOutcome &outcome)
{
    if (outcome.status < 300) {
        HttpServerResponse response;
        response.status = outcome.status;
        response.body = outcome.body;
        response.headers.append({QByteArrayLiteral("Content-Type"), outcome.contentType});
        return response;
    }
    if (outcome.refusal == QLatin1String("unknown_provider") || outcome.refusal == QLatin1String("no_webhooks"))
        return ApiResponse::error(404, QStringLiteral("webhook.unknown_provider"), outcome.message);
    if (outcome.refusal == QLatin1String("malformed"))
        return ApiResponse::error(400, QStringLiteral("webhook.malformed"), outcome.message);
    if (!outcome.refusal.isEmpty())
        return ApiResponse::error(401, QStringLiteral("webhook.unverified"), outcome.message);
    return ApiResponse::error(500, QStringLiteral("webhook.not_stored"),
                              QStringLiteral("The webhook call could not be stored; deliver it again."));
}

QFuture<HttpServerResponse> handleWebhook(ServerContext &context, const ApiRequest &request)
{
    const QString provider = request.param(kProvider);
    const QString source = request.http().remoteAddress.toString();
    Metrics &metrics = context.metrics();
    SyncService *sync = context.sync();
    // Named in the counters only when it is a provider: the name comes from the caller, and a made-up one must not
    // grow the registry.
    const QString counted = sync && sync->catalog().find(provider) ? provider : QStringLiteral("unknown");
    if (const int wait = context.webhookRejections().retryAfter(source); wait > 0) {
        metrics.add(Metrics::Counter::WebhookCallsRejected, {counted, QStringLiteral("rate_limited")});
        return ApiResponse::ready(ApiResponse::error(429, QStringLiteral("webhook.rate_limited"),
                                                     QStringLiteral("Too many refused webhook calls from %1; try "
                                                                    "again in %2 seconds.")
                                                         .arg(source)
                                                         .arg(wait))
                                      .withHeader("Retry-After", QByteArray::number(wait)));
    }
    const auto refuse = [&context, &metrics, counted, source](const WebhookOutcome &outcome) {
        metrics.add(Metrics::Counter::WebhookCallsRejected, {counted, outcome.refusal});
        context.webhookRejections().recordRejection(source);
        return answerOf(outcome);
    };
    qint64 connectionId = 0;
    if (!request.param(kConnection).isEmpty()) {
        bool numeric = false;
        connectionId = request.param(kConnection).toLongLong(&numeric);
        if (!numeric || connectionId <= 0) {
            WebhookOutcome outcome = WebhookReceipt::answer(401, QStringLiteral("The webhook call could not be verified"));
            outcome.refusal = QStringLiteral("unknown_connection");
            return ApiResponse::ready(refuse(outcome));
        }
    }
    if (!sync) {
        return ApiResponse::ready(ApiResponse::error(503, QStringLiteral("webhook.unavailable"),
                                                     QStringLiteral("This server applies no webhooks.")));
    }
    WebhookCall call;
    call.method = request.http().method;
    call.url = WebhookEndpoint::calledUrl(context.publicBaseUrl(), request.http().url);
    call.headers = request.http().headers;
    call.body = request.http().body;
    call.source = source;
    return context
        .inStoreThread([sync, provider, connectionId, call](Store &store) {
            return receive(*sync, store, provider, connectionId, call);
        })
        .then(context.receiver(), [&context, &metrics, refuse, counted](const Receipt &receipt) {
            if (!receipt.stored) {
                if (!receipt.storeError.isEmpty()) {
                    qCWarning(lcServer).noquote() << "A verified" << counted
                                                  << "webhook call was not stored:" << receipt.storeError;
                    return answerOf(WebhookReceipt::answer(500, receipt.storeError));
                }
                return receipt.answer.refusal.isEmpty() ? answerOf(receipt.answer) : refuse(receipt.answer);
            }
            if (receipt.stored->duplicate) {
                metrics.add(Metrics::Counter::WebhookCallsReceived, {counted, QStringLiteral("duplicate")});
            } else {
                metrics.add(Metrics::Counter::WebhookCallsReceived, {counted, QStringLiteral("accepted")});
                metrics.add(Metrics::Counter::WebhookEventsReceived, {counted}, receipt.events);
                if (WebhookInboxWorker *inbox = context.webhookInbox())
                    inbox->wake();
            }
            return ApiResponse::json(QJsonObject{{QStringLiteral("id"), receipt.stored->id},
                                                 {QStringLiteral("events"), receipt.events},
                                                 {QStringLiteral("duplicate"), receipt.stored->duplicate}});
        });
}

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

// An inbox entry as the API shows it: what happened to it, never its body or headers.
QJsonObject inboxEntryJson(const WebhookInboxEntry &entry)
{
    return QJsonObject{
        {QStringLiteral("id"), entry.id},
        {QStringLiteral("tenantId"), entry.tenantId},
        {QStringLiteral("connectionId"), entry.connectionId},
        {QStringLiteral("provider"), entry.provider},
        {QStringLiteral("receivedAt"), timeOrNull(entry.receivedAt)},
        {QStringLiteral("source"), entry.source},
        {QStringLiteral("state"), webhookInboxStateName(entry.state)},
        {QStringLiteral("attempts"), entry.attempts},
        {QStringLiteral("nextAttemptAt"),
         entry.state == WebhookInboxState::Pending ? timeOrNull(entry.nextAttemptAt) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("lastError"), entry.lastError.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(entry.lastError)},
        {QStringLiteral("executionId"), entry.executionId ? QJsonValue(entry.executionId) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("finishedAt"), timeOrNull(entry.finishedAt)},
        {QStringLiteral("replayOf"), entry.replayOf ? QJsonValue(entry.replayOf) : QJsonValue(QJsonValue::Null)},
    };
}

HttpServerResponse listInbox(ServerContext &context, const ApiRequest &request)
{
    const QString stateName = request.query(QStringLiteral("state"));
    std::optional<WebhookInboxState> state;
    for (const WebhookInboxState candidate :
         {WebhookInboxState::Pending, WebhookInboxState::Applied, WebhookInboxState::Failed}) {
        if (stateName == webhookInboxStateName(candidate))
            state = candidate;
    }
    if (!stateName.isEmpty() && !state) {
        return ApiResponse::error(400, QStringLiteral("request.bad_query"),
                                  QStringLiteral("The query parameter state must be pending, applied or failed."));
    }
    const auto limit = request.queryInteger(QStringLiteral("limit"), 50, 1, 500);
    if (!limit)
        return ApiResponse::fromError(limit.error());
    const auto entries =
        context.store().webhooks().webhookInbox(state, request.caller().tenantScope(), static_cast<int>(limit.value()));
    if (!entries)
        return ApiResponse::fromError(entries.error());
    QJsonArray list;
    for (const WebhookInboxEntry &entry : entries.value())
        list.append(inboxEntryJson(entry));
    return ApiResponse::json(QJsonObject{{QStringLiteral("events"), list}});
}

// Queues a stored call again as an entry of its own (replayOf the original), applied by the worker like any other,
// its events applied again even when they were before (after a mapping fix). A tenant-bound key: its tenant's only.
HttpServerResponse replayInboxEntry(ServerContext &context, const ApiRequest &request)
{
    const QString idParam = request.param(QStringLiteral("id"));
    bool numeric = false;
    const qint64 id = idParam.toLongLong(&numeric);
    const auto original = numeric ? context.store().webhooks().webhookInboxEntry(id)
                                  : Result<WebhookInboxEntry>(makeError("store.not_found", QString()));
    if (!original || !request.caller().seesTenant(original->tenantId))
        return ApiResponse::notFound(QStringLiteral("webhook_event"), idParam);
    if (const auto body = request.jsonBody({}); !body)
        return ApiResponse::fromError(body.error());
    std::optional<WebhookInboxEntry> replay;
    const auto saved = auditedChange(context.store(), [&]() -> Result<AuditEntry> {
        auto queued = context.store().webhooks().replayWebhook(id);
        if (!queued)
            return queued.error();
        replay = queued.value();
        return request.caller().auditEntry(QStringLiteral("webhook_event.replay"),
                                           QStringLiteral("webhook_event:%1").arg(id), original->tenantId, {},
                                           inboxEntryJson(*replay));
    });
    if (!saved && saved.error().code == QLatin1String("webhook.pending"))
        return ApiResponse::error(409, saved.error().code, saved.error().message);
    if (!saved)
        return ApiResponse::fromError(saved.error());
    if (WebhookInboxWorker *inbox = context.webhookInbox())
        inbox->wake();
    return ApiResponse::json(inboxEntryJson(*replay), 202);
}

} // namespace

void addWebhookRoutes(ApiRouter &router, ServerContext &context)
{
    // The stored calls, newest first, to see which failed and why (a tenant-bound key: its tenant's only).
    router.add("GET", QStringLiteral("/api/v1/webhook-events"), ApiAccess::anyRole(),
               [&context](const ApiRequest &request) { return listInbox(context, request); });
    // Replay: a support engineer's command (admin and support keys), audited.
    router.add("POST", QStringLiteral("/api/v1/webhook-events/{id}/replay"), {ApiRole::Admin, ApiRole::Support},
               [&context](const ApiRequest &request) { return replayInboxEntry(context, request); });
    // Open: providers call these, and a call's signature (verified before it is stored) is its authentication.
    for (const QString &pattern : {QStringLiteral("/webhooks/{provider}"), QStringLiteral("/webhooks/{provider}/{connection}")}) {
        router.add("POST", pattern, ApiAccess::open(),
                   [&context](const ApiRequest &request) { return handleWebhook(context, request); });
        router.setBodyLimit(pattern, context.config().webhookMaxBodyBytes);
    }
}

} // namespace patchbay
