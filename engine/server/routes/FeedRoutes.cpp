#include "Routes.h"

#include "catalog/ProviderDefinition.h"
#include "core/Logging.h"
#include "server/ApiRouter.h"
#include "server/RecordFeedJson.h"
#include "server/ServerContext.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QPromise>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <chrono>
#include <memory>
#include <variant>

namespace patchbay {

namespace {

// The connection and object a records route names.
struct FeedTarget
{
    Connection connection;
    ObjectSpec object;
};

// The target, or the answer that the caller may see no such connection or object: another tenant's connection is
// answered like one that does not exist.
std::variant<FeedTarget, HttpServerResponse> findTarget(ServerContext &context, const ApiRequest &request)
{
    const QString connectionParam = request.param(QStringLiteral("connection"));
    const auto connection = findConnection(context.store(), request.caller(), connectionParam);
    if (!connection)
        return ApiResponse::notFound(QStringLiteral("connection"), connectionParam);
    const QString objectName = request.param(QStringLiteral("object"));
    const ProviderDefinition *definition =
        context.sync() ? context.sync()->catalog().find(connection->provider) : nullptr;
    if (!definition || !definition->objects.contains(objectName))
        return ApiResponse::notFound(QStringLiteral("object"), objectName);
    return FeedTarget{connection.value(), definition->objects.value(objectName)};
}

// The execution the path names, when the caller may see it.
std::optional<Execution> findExecution(ServerContext &context, const ApiRequest &request)
{
    const auto execution =
        context.store().executions().execution(request.param(QStringLiteral("execution")).toLongLong());
    if (!execution || !request.caller().seesTenant(execution->tenantId))
        return std::nullopt;
    return execution.value();
}

HttpServerResponse feedPage(Store &store, const RecordFeedJson::FeedCursor &after, qint64 limit)
{
    const auto page = store.records().changes(after.connectionId, after.object, after.sequence, limit);
    if (!page)
        return ApiResponse::fromError(page.error());
    return ApiResponse::json(RecordFeedJson::page(*page, after));
}

// A write request on its way: answered once, with the results when the write finishes within the wait, else 202
// with its execution as soon as both the wait is over and the execution's id is known. Used on the server's thread,
// but for idPosted, which the write's thread sets.
struct PendingWrite
{
    QPromise<HttpServerResponse> promise;
    bool answered = false;
    bool waitOver = false;
    qint64 executionId = 0;
    std::atomic_bool idPosted{false};

    void answer(const HttpServerResponse &response)
    {
        answered = true;
        promise.addResult(response);
        promise.finish();
    }
};

QString executionPath(qint64 executionId)
{
    return QStringLiteral("/api/v1/executions/%1").arg(executionId);
}

QFuture<HttpServerResponse> startWrite(ServerContext &context, QThreadPool *pool, const ApiRequest &request,
                                       const FeedTarget &target, const QList<WriteInput> &inputs)
{
    auto pending = std::make_shared<PendingWrite>();
    pending->promise.start();
    QFuture<HttpServerResponse> answer = pending->promise.future();
    QObject *receiver = context.receiver();
    const qint64 connectionId = target.connection.id;
    const qint64 tenantId = target.connection.tenantId;
    const QString object = target.object.name;
    const auto audit = [&context, caller = request.caller(), connectionId, tenantId, object,
                        count = inputs.size()](qint64 executionId) {
        const auto written = context.audit(
            caller, QStringLiteral("records.write"),
            QStringLiteral("connection/%1/objects/%2").arg(connectionId).arg(object), tenantId, {},
            QJsonObject{{QStringLiteral("executionId"), executionId}, {QStringLiteral("records"), qint64(count)}});
        if (!written)
            qCWarning(lcServer) << "cannot write the audit entry of a write:" << written.error().toString();
    };
    const auto answerAccepted = [pending, audit] {
        if (pending->answered || !pending->waitOver || pending->executionId == 0)
            return;
        audit(pending->executionId);
        pending->answer(
            ApiResponse::json(QJsonObject{{QStringLiteral("execution"),
                                           QJsonObject{{QStringLiteral("id"), pending->executionId},
                                                       {QStringLiteral("status"), ExecutionStatus::Running}}},
                                          {QStringLiteral("poll"), executionPath(pending->executionId)}},
                              202));
    };
    SyncService::EventListener listener = [pending, receiver, answerAccepted](const Event &event) {
        if (pending->idPosted.exchange(true))
            return;
        QMetaObject::invokeMethod(
            receiver,
            [pending, answerAccepted, id = event.executionId] {
                pending->executionId = id;
                answerAccepted();
            },
            Qt::QueuedConnection);
    };
    std::shared_ptr<SyncService> sync = context.sharedSync();
    QtConcurrent::run(pool, [sync, connectionId, object, inputs, listener] {
        return sync->write(connectionId, object, inputs, listener);
    }).then(receiver, [pending, &context, audit](const Result<Execution> &execution) {
        if (pending->answered)
            return;
        if (!execution) {
            pending->answer(ApiResponse::fromError(execution.error()));
            return;
        }
        audit(execution->id);
        const auto items = context.store().writes().writeItems(execution->id);
        if (!items) {
            pending->answer(ApiResponse::fromError(items.error()));
            return;
        }
        pending->answer(ApiResponse::json(RecordFeedJson::writeResult(*execution, *items)));
    });
    QTimer::singleShot(std::chrono::seconds(context.config().writeWaitSeconds), receiver, [pending, answerAccepted] {
        pending->waitOver = true;
        answerAccepted();
    });
    return answer;
}

} // namespace

// The records change feed (GET .../records), writes (POST .../writes) and the executions a write answered 202 with.
void addFeedRoutes(ApiRouter &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/v1/connections/{connection}/objects/{object}/records"), ApiAccess::anyRole(),
               [&context](const ApiRequest &request) -> QFuture<HttpServerResponse> {
                   auto target = findTarget(context, request);
                   if (auto *refused = std::get_if<HttpServerResponse>(&target))
                       return ApiResponse::ready(*refused);
                   const FeedTarget &found = std::get<FeedTarget>(target);
                   RecordFeedJson::FeedCursor after{found.connection.id, found.object.name, 0};
                   if (const QString since = request.query(QStringLiteral("since")); !since.isEmpty()) {
                       const auto decoded = RecordFeedJson::decodeCursor(since);
                       if (!decoded) {
                           return ApiResponse::ready(ApiResponse::error(
                               400, QStringLiteral("feed.bad_cursor"),
                               QStringLiteral("since is not a cursor of this feed: pass the nextCursor of an earlier "
                                              "answer, or leave since out to start from the beginning")));
                       }
                       if (!decoded->sameFeed(after)) {
                           return ApiResponse::ready(ApiResponse::error(
                               400, QStringLiteral("feed.cursor_mismatch"),
                               QStringLiteral("since is a cursor of another feed (connection %1, object %2), not of "
                                              "connection %3's %4: a cursor only continues the feed that gave it")
                                   .arg(decoded->connectionId)
                                   .arg(decoded->object, QString::number(after.connectionId), after.object)));
                       }
                       after = *decoded;
                   }
                   const auto limit = request.queryInteger(QStringLiteral("limit"), 100, 1, 1000);
                   if (!limit)
                       return ApiResponse::ready(ApiResponse::fromError(limit.error()));
                   return context.inStoreThread(
                       [after, limit = *limit](Store &store) { return feedPage(store, after, limit); });
               });

    // Writes run on a pool of their own, so that slow providers never hold the store thread or Qt's global pool.
    auto pool = std::make_shared<QThreadPool>();
    pool->setMaxThreadCount(4);
    router.add("POST", QStringLiteral("/api/v1/connections/{connection}/objects/{object}/writes"),
               {ApiRole::Admin, ApiRole::Product},
               [&context, pool](const ApiRequest &request) -> QFuture<HttpServerResponse> {
                   auto target = findTarget(context, request);
                   if (auto *refused = std::get_if<HttpServerResponse>(&target))
                       return ApiResponse::ready(*refused);
                   const FeedTarget &found = std::get<FeedTarget>(target);
                   if (!found.object.write.any()) {
                       return ApiResponse::ready(ApiResponse::error(
                           400, QStringLiteral("write.not_writable"),
                           QStringLiteral("%1 is read only: its provider definition declares no write for it")
                               .arg(found.object.name)));
                   }
                   const auto body = request.jsonBody({{QStringLiteral("records"), JsonType::Array, true}});
                   if (!body)
                       return ApiResponse::ready(ApiResponse::fromError(body.error()));
                   const auto inputs = RecordFeedJson::writeInputs(body->value(QLatin1String("records")).toArray(),
                                                                   context.config().maxWriteRecords);
                   if (!inputs)
                       return ApiResponse::ready(ApiResponse::fromError(inputs.error()));
                   return startWrite(context, pool.get(), request, found, *inputs);
               });

    router.add("GET", QStringLiteral("/api/v1/executions/{execution}"), ApiAccess::anyRole(),
               [&context](const ApiRequest &request) -> HttpServerResponse {
                   const auto execution = findExecution(context, request);
                   if (!execution)
                       return ApiResponse::notFound(QStringLiteral("execution"),
                                                    request.param(QStringLiteral("execution")));
                   return ApiResponse::json(RecordFeedJson::execution(*execution));
               });
    router.add("GET", QStringLiteral("/api/v1/executions/{execution}/write-items"), ApiAccess::anyRole(),
               [&context](const ApiRequest &request) -> HttpServerResponse {
                   const auto execution = findExecution(context, request);
                   if (!execution)
                       return ApiResponse::notFound(QStringLiteral("execution"),
                                                    request.param(QStringLiteral("execution")));
                   const auto items = context.store().writes().writeItems(execution->id);
                   if (!items)
                       return ApiResponse::fromError(items.error());
                   return ApiResponse::json(RecordFeedJson::writeResult(*execution, *items));
               });
}

} // namespace patchbay
