// SyncService::receiveWebhook: verification, routing and application of incoming webhook calls, all driven by the
// definition's webhooks section.
#include "ConnectionQueue.h"
#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "ListRequest.h"
#include "SyncService.h"
#include "WebhookVerifier.h"
#include "auth/TokenRefresher.h"
#include "catalog/DefinitionExpression.h"
#include "catalog/TemplateText.h"
#include "core/Clock.h"
#include "core/JsonPath.h"
#include "core/Timestamps.h"
#include "http/Redactor.h"
#include "http/RequestRunner.h"
#include "mapping/RecordMapper.h"
#include "store/sqlite/SqliteStore.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <openssl/crypto.h>

Q_DECLARE_LOGGING_CATEGORY(lcSync)

namespace patchbay {

namespace {

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

WebhookOutcome answer(int status, const QString &message, qint64 executionId = 0)
{
    WebhookOutcome outcome;
    outcome.status = status;
    outcome.executionId = executionId;
    outcome.body = jsonBody({{status < 300 ? QStringLiteral("message") : QStringLiteral("error"), message}});
    return outcome;
}

using webhook::callBindings;
using webhook::callJson;
using webhook::evaluate;
using webhook::truthy;
using webhook::verify;

} // namespace

WebhookOutcome SyncService::receiveWebhook(const QString &provider, qint64 connectionId, const WebhookCall &call,
                                           EventListener listener)
{
    auto definition = m_catalog.get(provider);
    if (!definition)
        return answer(404, definition.error().message);
    const WebhookSpec &spec = definition->webhooks;
    if (!spec.enabled)
        return answer(404, QStringLiteral("%1 has no webhooks in its definition").arg(definition->displayName));

    QJsonParseError parseError;
    const QJsonValue json = callJson(call.body, &parseError);
    jsonata::Bindings bindings = callBindings(call, json);

    if (!spec.handshakeWhen.isEmpty() && truthy(evaluate(spec.handshakeWhen, json, bindings))) {
        WebhookOutcome outcome;
        outcome.contentType = spec.handshakeContentType.toUtf8();
        outcome.body = jsonScalarText(evaluate(spec.handshakeRespond, json, bindings)).toUtf8();
        return outcome;
    }
    if (json.isUndefined())
        return answer(400, QStringLiteral("The webhook body is not JSON: %1").arg(parseError.errorString()));

    auto store = SqliteStore::open(m_databasePath, m_clock);
    if (!store)
        return answer(500, store.error().message);

    // The events, and the account they come from.
    QJsonValue eventsValue = evaluate(spec.eventsPath, json, bindings);
    QJsonArray events = eventsValue.isArray() ? eventsValue.toArray() : QJsonArray();
    if (eventsValue.isObject())
        events.append(eventsValue);

    // An unauthenticated caller learns nothing about which accounts or connections exist: every refusal from here on
    // gets the same answer, and the details go to the store as a bounded summary (never the body).
    const QString bodySha256 =
        QString::fromLatin1(QCryptographicHash::hash(call.body, QCryptographicHash::Sha256).toHex());
    const auto refuse = [&](const QString &reason, qint64 refusedConnection) {
        WebhookRejection rejection;
        rejection.provider = provider;
        rejection.source = call.source.isEmpty() ? QStringLiteral("unknown") : call.source;
        rejection.lastAt = m_clock.now();
        rejection.lastReason = reason;
        rejection.lastConnectionId = refusedConnection;
        rejection.lastSize = call.body.size();
        rejection.lastBodySha256 = bodySha256;
        if (auto recorded = store.value()->webhooks().recordWebhookRejection(rejection); !recorded)
            qCWarning(lcSync) << "could not record a refused webhook call:" << recorded.error().toString();
        return answer(401, QStringLiteral("The webhook call could not be verified"));
    };

    std::optional<Connection> connection;
    if (connectionId > 0) {
        auto found = store.value()->tenants().connection(connectionId);
        if (!found || found->provider != provider)
            return refuse(QStringLiteral("no %1 connection %2").arg(provider).arg(connectionId), 0);
        connection = found.value();
    } else {
        QString account;
        for (const QJsonValue &event : events) {
            jsonata::Bindings eventBindings = bindings;
            eventBindings.set("event", jsonata::Value::fromQJsonValue(event));
            account = jsonScalarText(evaluate(spec.account, event, eventBindings));
            if (!account.isEmpty())
                break;
        }
        if (account.isEmpty())
            return refuse(QStringLiteral("the call names no account to route it by"), 0);
        auto connections = store.value()->tenants().connections();
        if (!connections)
            return answer(500, QStringLiteral("The webhook call could not be handled; the provider will deliver it "
                                              "again"));
        for (const Connection &candidate : connections.value()) {
            if (candidate.provider != provider)
                continue;
            jsonata::Bindings connectionBindings;
            connectionBindings.set("connection", jsonata::Value::fromQJsonValue(candidate.config));
            auto key = TemplateText::render(spec.accountKey, connectionBindings);
            if (key && key.value() == account) {
                connection = candidate;
                break;
            }
        }
        if (!connection)
            return refuse(QStringLiteral("no connection for account %1").arg(account.left(200)), 0);
    }

    // Once the connection is known, its config is there for the checks and the events (a webhook user name).
    bindings.set("connection", jsonata::Value::fromQJsonValue(connection->config));
    // The secret that signs, straight from the vault: verifying a call never waits for a token refresh.
    QByteArray secret;
    std::optional<SecretBytes> secretField;
    if (auto stored = store.value()->credentials().credential(connection->id)) {
        if (auto opened = m_vault.open(connection->id, stored->sealed)) {
            const Credential &credential = opened.value();
            const SecretBytes &field = spec.secret == QLatin1String("clientSecret") ? credential.clientSecret
                                       : spec.secret == QLatin1String("apiKey")     ? credential.apiKey
                                                                                    : credential.webhookSecret;
            secret = field.reveal();
            secretField = field;
        }
    }
    // Verified before anything is stored: a refused call leaves a failed execution with its reason and a summary of
    // the call (source, size, hash), never its body.
    const auto refused = verify(spec, json, bindings, secret, m_clock.now());
    OPENSSL_cleanse(secret.data(), static_cast<size_t>(secret.size()));
    if (refused) {
        WebhookOutcome outcome = refuse(*refused, connection->id);
        auto rejectedId =
            store.value()->executions().startExecution(connection->id, QStringLiteral("webhook"), QString());
        if (rejectedId) {
            ExecutionJournal rejected(store.value()->executions(), rejectedId.value(), listener);
            rejected.recordEvent(EventLevel::Warning,
                                 QStringLiteral("Refused a webhook call from %1 (%2 bytes)")
                                     .arg(call.source.isEmpty() ? QStringLiteral("an unknown address") : call.source)
                                     .arg(call.body.size()),
                                 {{QStringLiteral("source"), call.source},
                                  {QStringLiteral("size"), qint64(call.body.size())},
                                  {QStringLiteral("bodySha256"), bodySha256}});
            (void)rejected.fail(
                makeError("webhook.rejected",
                          QStringLiteral("Rejected a %1 webhook call: %2").arg(definition->displayName, *refused)));
            outcome.executionId = rejectedId.value();
        }
        return outcome;
    }

    auto executionId = store.value()->executions().startExecution(connection->id, QStringLiteral("webhook"), QString(),
                                                                  executionLease());
    if (!executionId)
        return answer(500, executionId.error().message);
    ExecutionJournal journal(store.value()->executions(), executionId.value(), listener);
    HttpClient http(m_networkFactory);
    RequestRunner runner(http, m_clock, definition->rateLimit, journal);
    if (secretField)
        runner.redactor().addSecret(*secretField);
    ConnectionSession session(*store.value(), m_vault, definition.value(), connection.value(), runner, journal,
                              m_clock);
    // The call itself, as an exchange seen from our side.
    HttpRequest inbound;
    inbound.method = call.method;
    inbound.url = call.url;
    inbound.headers = call.headers;
    inbound.body = call.body;
    HttpResponse none;
    none.startedAt = m_clock.now();
    journal.recordExchange(runner.redactor().redact(inbound, none));

    // Events apply in order with the connection's other executions (a write and the echo of its change).
    const ConnectionQueue::Turn turn = ConnectionQueue::take(connection->id, [&] {
        journal.recordEvent(EventLevel::Info, QStringLiteral("Waiting for the connection's running execution to "
                                                             "finish before applying the events"));
    });
    WebhookOutcome outcome;
    outcome.executionId = executionId.value();
    outcome.events = static_cast<int>(events.size());
    journal.recordEvent(
        EventLevel::Info,
        QStringLiteral("Verified a %1 webhook call with %2 events").arg(definition->displayName).arg(events.size()));
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonValue event = events.at(i);
        jsonata::Bindings eventBindings = bindings;
        eventBindings.set("event", jsonata::Value::fromQJsonValue(event));
        QString eventId = jsonScalarText(evaluate(spec.eventId, event, eventBindings));
        if (eventId.isEmpty()) {
            // Without an id, the same call delivered twice is recognised by its content.
            eventId = QString::fromLatin1(
                QCryptographicHash::hash(call.body + QByteArray::number(i), QCryptographicHash::Sha256).toHex());
        }
        const QString type = jsonScalarText(evaluate(spec.eventType, event, eventBindings));
        const QString objectName = jsonScalarText(evaluate(spec.object, event, eventBindings));
        const QJsonValue embedded = evaluate(spec.record, event, eventBindings);
        QString recordId = jsonScalarText(evaluate(spec.recordId, event, eventBindings));
        const auto objectSpec = definition->objects.constFind(objectName);
        if (recordId.isEmpty() && objectSpec != definition->objects.constEnd() && embedded.isObject())
            recordId = jsonScalarText(jsonValueAt(embedded, objectSpec->idField));
        // An event is marked as received only once it is applied (or knowingly ignored): a call that fails half-way
        // is delivered again by the provider, and what it had not applied yet is applied then.
        const auto markApplied = [&]() -> std::optional<WebhookOutcome> {
            if (auto marked = store.value()->webhooks().recordWebhookEvent(provider, eventId, connection->id,
                                                                           executionId.value());
                !marked) {
                (void)journal.fail(marked.error());
                return answer(500, marked.error().message, executionId.value());
            }
            return std::nullopt;
        };
        const QJsonObject context{{QStringLiteral("eventId"), eventId},
                                  {QStringLiteral("type"), type},
                                  {QStringLiteral("object"), objectName},
                                  {QStringLiteral("recordId"), recordId}};
        if (store.value()->webhooks().webhookEventSeen(connection->id, provider, eventId)) {
            ++outcome.duplicates;
            journal.recordEvent(EventLevel::Info, QStringLiteral("Event %1 was received before; skipped").arg(eventId),
                                context);
            continue;
        }
        if (objectSpec == definition->objects.constEnd() || !objectSpec->readable || recordId.isEmpty()) {
            journal.recordEvent(
                EventLevel::Warning,
                QStringLiteral("Event %1 (%2) names %3 record '%4', which this definition does not "
                               "read; ignored")
                    .arg(eventId, type, objectName.isEmpty() ? QStringLiteral("no object") : objectName, recordId),
                context);
            if (auto failedToMark = markApplied())
                return *failedToMark;
            continue;
        }
        const bool deleted = truthy(evaluate(spec.deleted, event, eventBindings));
        QList<StoredRecord> rows;
        QList<FailedRecord> failed;
        QStringList deletedIds;
        if (deleted) {
            deletedIds.append(recordId);
        } else {
            QJsonValue record = embedded;
            if (!record.isObject() && objectSpec->get) {
                if (auto credential = session.credential(); !credential) {
                    (void)journal.fail(credential.error());
                    return answer(503, credential.error().message, executionId.value());
                }
                jsonata::Bindings getBindings = session.bindings();
                getBindings.set("id", jsonata::Value::string(recordId.toStdString()));
                auto request = buildListRequest(session, *objectSpec->get, Paginator(PaginationSpec()), PageState(),
                                                getBindings, objectName);
                if (!request) {
                    (void)journal.fail(request.error());
                    return answer(500, request.error().message, executionId.value());
                }
                auto response = session.send(request.value());
                if (!response) {
                    // The provider is unreachable: answer an error so that it delivers the event again.
                    (void)journal.fail(response.error());
                    return answer(503, response.error().message, executionId.value());
                }
                if (response->status == 404) {
                    deletedIds.append(recordId);
                } else if (!response->isSuccess()) {
                    // Not applied: answer an error so that the provider delivers the event again.
                    const ProviderError error = providerErrorFrom(definition->errors, response->body);
                    const QString message = QStringLiteral("Could not fetch %1 %2 named by event %3: HTTP %4 %5; the "
                                                           "provider will deliver it again")
                                                .arg(objectName, recordId, eventId)
                                                .arg(response->status)
                                                .arg(error.message);
                    (void)journal.fail(makeError("webhook.fetch_failed", message));
                    return answer(503, message, executionId.value());
                } else {
                    const QJsonDocument fetched = QJsonDocument::fromJson(response->body);
                    record = jsonValueAt(fetched.isArray() ? QJsonValue(fetched.array()) : QJsonValue(fetched.object()),
                                         objectSpec->get->recordsPath);
                    if (record.isArray())
                        record = record.toArray().first();
                }
            }
            if (deletedIds.isEmpty() && record.isObject()) {
                // The record itself may say it is gone (Pipedrive's active_flag false), as in a read.
                const bool gone = recordIsDeleted(objectSpec.value(), record);
                if (gone)
                    deletedIds.append(recordId);
            }
            if (deletedIds.isEmpty()) {
                if (!record.isObject()) {
                    outcome.objectsToRead.append(objectName);
                    journal.recordEvent(EventLevel::Info,
                                        QStringLiteral("Event %1 (%2) changed %3 %4; the next read of %3 picks it up")
                                            .arg(eventId, type, objectName, recordId),
                                        context);
                    if (auto failedToMark = markApplied())
                        return *failedToMark;
                    continue;
                }
                auto mapping = readMapping(*store.value(), connection.value(), objectName);
                if (!mapping) {
                    (void)journal.fail(mapping.error());
                    return answer(500, mapping.error().message, executionId.value());
                }
                const RecordMapper mapper(mapping->has_value() ? &mapping->value() : nullptr, objectName);
                const QString updatedAt = objectSpec->updatedAtField.isEmpty()
                                              ? QString()
                                              : jsonScalarText(jsonValueAt(record, objectSpec->updatedAtField));
                mapper.map(recordId, updatedAt, QJsonDocument(record.toObject()).toJson(QJsonDocument::Compact), rows,
                           failed);
            }
        }
        if (auto committed = store.value()->records().commitPage(connection->id, objectName, executionId.value(), rows,
                                                                 std::nullopt, failed, deletedIds);
            !committed) {
            (void)journal.fail(committed.error());
            return answer(500, committed.error().message, executionId.value());
        }
        if (auto failedToMark = markApplied())
            return *failedToMark;
        ++outcome.applied;
        journal.counts().records += rows.size() + deletedIds.size();
        journal.counts().failedRecords += failed.size();
        journal.recordEvent(
            failed.isEmpty() ? EventLevel::Info : EventLevel::Error,
            !deletedIds.isEmpty()
                ? QStringLiteral("Event %1 (%2): %3 %4 deleted").arg(eventId, type, objectName, recordId)
            : failed.isEmpty() ? QStringLiteral("Event %1 (%2): %3 %4 stored").arg(eventId, type, objectName, recordId)
                               : QStringLiteral("Event %1 (%2): %3 %4 did not map and is kept as a failed record")
                                     .arg(eventId, type, objectName, recordId),
            context);
    }
    outcome.objectsToRead.removeDuplicates();
    (void)journal.succeed(QStringLiteral("Webhook: %1 events, %2 applied, %3 duplicates")
                              .arg(outcome.events)
                              .arg(outcome.applied)
                              .arg(outcome.duplicates));
    outcome.body = jsonBody({{QStringLiteral("received"), outcome.events},
                             {QStringLiteral("applied"), outcome.applied},
                             {QStringLiteral("duplicates"), outcome.duplicates}});
    return outcome;
}

} // namespace patchbay
