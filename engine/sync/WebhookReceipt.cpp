#include "WebhookReceipt.h"

#include "ConnectionQueue.h"
#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "ExecutionLeaseKeeper.h"
#include "ExecutionSession.h"
#include "ListRequest.h"
#include "WebhookVerifier.h"
#include "auth/CredentialVault.h"
#include "auth/TokenRefresher.h"
#include "catalog/TemplateText.h"
#include "core/Clock.h"
#include "core/JsonPath.h"
#include "core/Logging.h"
#include "http/Redactor.h"
#include "http/RequestRunner.h"
#include "mapping/CompiledMapping.h"
#include "mapping/RecordMapper.h"
#include "store/sqlite/SqliteStore.h"

#include <QCryptographicHash>
#include <QJsonDocument>

#include <openssl/crypto.h>

namespace patchbay {

namespace {

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

WebhookOutcome WebhookReceipt::answer(int status, const QString &message, qint64 executionId)
{
    WebhookOutcome outcome;
    outcome.status = status;
    outcome.executionId = executionId;
    outcome.message = message;
    outcome.body = jsonBody({{status < 300 ? QStringLiteral("message") : QStringLiteral("error"), message}});
    return outcome;
}

namespace {

using webhook::callBindings;
using webhook::callJson;
using webhook::evaluate;
using webhook::truthy;

} // namespace

WebhookReceipt::WebhookReceipt(const ProviderDefinition &definition, Services services, const WebhookCall &call,
                               EventListener listener)
    : m_definition(definition), m_spec(definition.webhooks), m_services(std::move(services)), m_call(call),
      m_listener(std::move(listener))
{
    m_json = callJson(call.body, &m_parseError);
    m_bindings = callBindings(call, m_json);
}

WebhookReceipt::~WebhookReceipt() = default;

std::optional<WebhookOutcome> WebhookReceipt::readCall()
{
    if (!m_spec.enabled) {
        WebhookOutcome refused =
            answer(404, QStringLiteral("%1 has no webhooks in its definition").arg(m_definition.displayName));
        refused.refusal = QStringLiteral("no_webhooks");
        return refused;
    }
    if (auto handshaken = handshake())
        return handshaken;
    if (m_json.isUndefined()) {
        WebhookOutcome refused =
            answer(400, QStringLiteral("The webhook body is not JSON: %1").arg(m_parseError.errorString()));
        refused.refusal = QStringLiteral("malformed");
        return refused;
    }
    // The events, and the account they come from.
    QJsonValue eventsValue = evaluate(m_spec.eventsPath, m_json, m_bindings);
    m_events = eventsValue.isArray() ? eventsValue.toArray() : QJsonArray();
    if (eventsValue.isObject())
        m_events.append(eventsValue);
    m_bodySha256 = QString::fromLatin1(QCryptographicHash::hash(m_call.body, QCryptographicHash::Sha256).toHex());
    return std::nullopt;
}

std::optional<WebhookOutcome> WebhookReceipt::openOwnStore()
{
    auto store = SqliteStore::open(m_services.databasePath, m_services.clock);
    if (!store)
        return answer(500, store.error().message);
    m_ownedStore = std::move(store).value();
    m_store = m_ownedStore.get();
    return std::nullopt;
}

std::variant<Connection, WebhookOutcome> WebhookReceipt::check(qint64 connectionId, Store *store,
                                                               std::optional<QString> &refused)
{
    if (auto answered = readCall())
        return *answered;
    if (store)
        m_store = store;
    else if (auto failed = openOwnStore())
        return *failed;
    auto found = findConnection(connectionId);
    if (auto *refusal = std::get_if<WebhookOutcome>(&found))
        return *refusal;
    const Connection &connection = std::get<Connection>(found);
    // Once the connection is known, its config is there for the checks and the events (a webhook user name).
    m_bindings.set("connection", jsonata::Value::fromQJsonValue(connection.config));
    // Verified before anything is stored.
    refused = verify(connection);
    return found;
}

WebhookOutcome WebhookReceipt::receive(qint64 connectionId)
{
    std::optional<QString> refused;
    auto checked = check(connectionId, nullptr, refused);
    if (auto *answer = std::get_if<WebhookOutcome>(&checked))
        return *answer;
    const Connection &connection = std::get<Connection>(checked);
    return refused ? reject(connection, *refused) : apply(connection);
}

std::variant<AcceptedWebhook, WebhookOutcome> WebhookReceipt::accept(Store &store, qint64 connectionId)
{
    std::optional<QString> refused;
    auto checked = check(connectionId, &store, refused);
    if (auto *answer = std::get_if<WebhookOutcome>(&checked))
        return *answer;
    const Connection &connection = std::get<Connection>(checked);
    if (refused)
        return refuse(QStringLiteral("bad_signature"), *refused, connection.id);
    return AcceptedWebhook{connection, dedupeKey(), static_cast<int>(m_events.size())};
}

WebhookOutcome WebhookReceipt::applyAccepted(qint64 connectionId, bool replay)
{
    m_replay = replay;
    if (auto answered = readCall())
        return answered->status < 300 ? answer(422, QStringLiteral("The stored call is a handshake")) : *answered;
    if (auto failed = openOwnStore())
        return *failed;
    auto found = m_store->tenants().connection(connectionId);
    if (!found || found->provider != m_definition.name)
        return answer(404, QStringLiteral("The %1 connection %2 is gone").arg(m_definition.name).arg(connectionId));
    const Connection connection = found.value();
    m_bindings.set("connection", jsonata::Value::fromQJsonValue(connection.config));
    QByteArray secret = secretOf(connection);
    OPENSSL_cleanse(secret.data(), static_cast<size_t>(secret.size()));
    return apply(connection);
}

QString WebhookReceipt::dedupeKey() const
{
    QStringList ids;
    for (const QJsonValue &event : std::as_const(m_events)) {
        jsonata::Bindings eventBindings = m_bindings;
        eventBindings.set("event", jsonata::Value::fromQJsonValue(event));
        const QString id = m_spec.eventId.isEmpty() ? QString()
                                                    : jsonScalarText(evaluate(m_spec.eventId, event, eventBindings));
        if (id.isEmpty())
            return QStringLiteral("body:") + m_bodySha256;
        ids.append(id);
    }
    if (ids.isEmpty())
        return QStringLiteral("body:") + m_bodySha256;
    const QString joined = ids.join(QLatin1Char('\n'));
    if (ids.size() == 1 && joined.size() <= 200)
        return QStringLiteral("event:") + joined;
    return QStringLiteral("events:")
        + QString::fromLatin1(QCryptographicHash::hash(joined.toUtf8(), QCryptographicHash::Sha256).toHex());
}

std::optional<WebhookOutcome> WebhookReceipt::handshake() const
{
    if (m_spec.handshakeWhen.isEmpty() || !truthy(evaluate(m_spec.handshakeWhen, m_json, m_bindings)))
        return std::nullopt;
    WebhookOutcome outcome;
    outcome.contentType = m_spec.handshakeContentType.toUtf8();
    outcome.body = jsonScalarText(evaluate(m_spec.handshakeRespond, m_json, m_bindings)).toUtf8();
    return outcome;
}

// An unauthenticated caller learns nothing about which accounts or connections exist: every refusal gets the same
// answer, and the details go to the store as a bounded summary (never the body).
WebhookOutcome WebhookReceipt::refuse(const QString &refusal, const QString &reason, qint64 refusedConnection)
{
    WebhookRejection rejection;
    rejection.provider = m_definition.name;
    rejection.source = m_call.source.isEmpty() ? QStringLiteral("unknown") : m_call.source;
    rejection.lastAt = m_services.clock.now();
    rejection.lastReason = reason;
    rejection.lastConnectionId = refusedConnection;
    rejection.lastSize = m_call.body.size();
    rejection.lastBodySha256 = m_bodySha256;
    if (auto recorded = m_store->webhooks().recordWebhookRejection(rejection); !recorded)
        qCWarning(lcSync) << "could not record a refused webhook call:" << recorded.error().toString();
    WebhookOutcome outcome = answer(401, QStringLiteral("The webhook call could not be verified"));
    outcome.refusal = refusal;
    return outcome;
}

std::variant<Connection, WebhookOutcome> WebhookReceipt::findConnection(qint64 connectionId)
{
    const QString &provider = m_definition.name;
    if (connectionId > 0) {
        auto found = m_store->tenants().connection(connectionId);
        if (!found || found->provider != provider)
            return refuse(QStringLiteral("unknown_connection"), QStringLiteral("no %1 connection %2").arg(provider).arg(connectionId), 0);
        return found.value();
    }
    QString account;
    for (const QJsonValue &event : std::as_const(m_events)) {
        jsonata::Bindings eventBindings = m_bindings;
        eventBindings.set("event", jsonata::Value::fromQJsonValue(event));
        account = jsonScalarText(evaluate(m_spec.account, event, eventBindings));
        if (!account.isEmpty())
            break;
    }
    if (account.isEmpty())
        return refuse(QStringLiteral("unknown_connection"), QStringLiteral("the call names no account to route it by"), 0);
    auto connections = m_store->tenants().connections();
    if (!connections)
        return answer(500, QStringLiteral("The webhook call could not be handled; the provider will deliver it again"));
    for (const Connection &candidate : connections.value()) {
        if (candidate.provider != provider)
            continue;
        jsonata::Bindings connectionBindings;
        connectionBindings.set("connection", jsonata::Value::fromQJsonValue(candidate.config));
        auto key = TemplateText::render(m_spec.accountKey, connectionBindings);
        if (key && key.value() == account)
            return candidate;
    }
    return refuse(QStringLiteral("unknown_connection"), QStringLiteral("no connection for account %1").arg(account.left(200)), 0);
}

QByteArray WebhookReceipt::secretOf(const Connection &connection)
{
    // The secret that signs, straight from the vault: verifying a call never waits for a token refresh.
    auto stored = m_store->credentials().credential(connection.id);
    if (!stored)
        return {};
    auto opened = m_services.vault.open(connection.id, stored->sealed);
    if (!opened)
        return {};
    const Credential &credential = opened.value();
    const SecretBytes &field = m_spec.secret == QLatin1String("clientSecret") ? credential.clientSecret
                               : m_spec.secret == QLatin1String("apiKey")     ? credential.apiKey
                                                                              : credential.webhookSecret;
    m_secretField = field;
    return field.reveal();
}

std::optional<QString> WebhookReceipt::verify(const Connection &connection)
{
    QByteArray secret = secretOf(connection);
    const auto refused = webhook::verify(m_spec, m_json, m_bindings, secret, m_services.clock.now());
    OPENSSL_cleanse(secret.data(), static_cast<size_t>(secret.size()));
    return refused;
}

// A refused call leaves a failed execution with its reason and a summary of the call (source, size, hash), never
// its body.
WebhookOutcome WebhookReceipt::reject(const Connection &connection, const QString &reason)
{
    WebhookOutcome outcome = refuse(QStringLiteral("bad_signature"), reason, connection.id);
    auto rejectedId = m_store->executions().startExecution(connection.id, QStringLiteral("webhook"), QString());
    if (rejectedId) {
        ExecutionJournal rejected(*m_store, rejectedId.value(), m_services.clock, m_listener);
        rejected.announceTo(m_services.notifier, connection);
        rejected.recordEvent(EventLevel::Warning,
                             QStringLiteral("Refused a webhook call from %1 (%2 bytes)")
                                 .arg(m_call.source.isEmpty() ? QStringLiteral("an unknown address") : m_call.source)
                                 .arg(m_call.body.size()),
                             {{QStringLiteral("source"), m_call.source},
                              {QStringLiteral("size"), qint64(m_call.body.size())},
                              {QStringLiteral("bodySha256"), m_bodySha256}});
        (void)rejected.fail(
            makeError("webhook.rejected",
                      QStringLiteral("Rejected a %1 webhook call: %2").arg(m_definition.displayName, reason)));
        outcome.executionId = rejectedId.value();
    }
    return outcome;
}

WebhookOutcome WebhookReceipt::apply(const Connection &connection)
{
    auto executionId = m_store->executions().startExecution(connection.id, QStringLiteral("webhook"), QString(),
                                               m_services.leases.newLease());
    if (!executionId)
        return answer(500, executionId.error().message);
    ExecutionJournal journal(*m_store, executionId.value(), m_services.clock, m_listener);
    journal.announceTo(m_services.notifier, connection);
    ExecutionSession prepared(*m_store, m_services.vault, m_definition, connection, journal, m_services.clock,
                              m_services.networkFactory);
    RequestRunner &runner = prepared.runner;
    if (m_secretField)
        runner.redactor().addSecret(*m_secretField);
    m_connection = connection;
    m_journal = &journal;
    m_session = &prepared.session;
    // The call itself, as an exchange seen from our side.
    HttpRequest inbound;
    inbound.method = m_call.method;
    inbound.url = m_call.url;
    inbound.headers = m_call.headers;
    inbound.body = m_call.body;
    HttpResponse none;
    none.startedAt = m_services.clock.now();
    journal.recordExchange(runner.redactor().redact(inbound, none));

    // Events apply in order with the connection's other executions (a write and the echo of its change).
    const ConnectionQueue::Turn turn = ConnectionQueue::take(connection.id, [&] {
        journal.recordEvent(EventLevel::Info, QStringLiteral("Waiting for the connection's running execution to "
                                                             "finish before applying the events"));
    });
    m_outcome.executionId = executionId.value();
    m_outcome.events = static_cast<int>(m_events.size());
    journal.recordEvent(EventLevel::Info, m_replay ? QStringLiteral("Replaying a %1 webhook call with %2 events: each is "
                                                                    "applied again")
                                                         .arg(m_definition.displayName)
                                                         .arg(m_events.size())
                                                   : QStringLiteral("Verified a %1 webhook call with %2 events")
                                                         .arg(m_definition.displayName)
                                                         .arg(m_events.size()));
    for (qsizetype i = 0; i < m_events.size(); ++i) {
        const QJsonValue event = m_events.at(i);
        jsonata::Bindings eventBindings = m_bindings;
        eventBindings.set("event", jsonata::Value::fromQJsonValue(event));
        const EventFacts facts = describe(i, event, eventBindings);
        if (!m_replay && m_store->webhooks().webhookEventSeen(connection.id, m_definition.name, facts.id)) {
            ++m_outcome.duplicates;
            journal.recordEvent(EventLevel::Info, QStringLiteral("Event %1 was received before; skipped").arg(facts.id),
                                facts.context);
            continue;
        }
        if (auto failed = applyEvent(facts, event, eventBindings))
            return *failed;
    }
    m_outcome.objectsToRead.removeDuplicates();
    (void)journal.succeed(QStringLiteral("Webhook: %1 events, %2 applied, %3 duplicates")
                              .arg(m_outcome.events)
                              .arg(m_outcome.applied)
                              .arg(m_outcome.duplicates));
    m_outcome.body = jsonBody({{QStringLiteral("received"), m_outcome.events},
                               {QStringLiteral("applied"), m_outcome.applied},
                               {QStringLiteral("duplicates"), m_outcome.duplicates}});
    return m_outcome;
}

WebhookReceipt::EventFacts WebhookReceipt::describe(qsizetype index, const QJsonValue &event,
                                                    const jsonata::Bindings &eventBindings) const
{
    EventFacts facts;
    facts.id = jsonScalarText(evaluate(m_spec.eventId, event, eventBindings));
    if (facts.id.isEmpty()) {
        // Without an id, the same call delivered twice is recognised by its content.
        facts.id = QString::fromLatin1(
            QCryptographicHash::hash(m_call.body + QByteArray::number(index), QCryptographicHash::Sha256).toHex());
    }
    facts.type = jsonScalarText(evaluate(m_spec.eventType, event, eventBindings));
    facts.object = jsonScalarText(evaluate(m_spec.object, event, eventBindings));
    facts.embedded = evaluate(m_spec.record, event, eventBindings);
    facts.recordId = jsonScalarText(evaluate(m_spec.recordId, event, eventBindings));
    const auto objectSpec = m_definition.objects.constFind(facts.object);
    if (facts.recordId.isEmpty() && objectSpec != m_definition.objects.constEnd() && facts.embedded.isObject())
        facts.recordId = jsonScalarText(jsonValueAt(facts.embedded, objectSpec->idField));
    facts.context = QJsonObject{{QStringLiteral("eventId"), facts.id},
                                {QStringLiteral("type"), facts.type},
                                {QStringLiteral("object"), facts.object},
                                {QStringLiteral("recordId"), facts.recordId}};
    return facts;
}

WebhookOutcome WebhookReceipt::failExecution(int status, const Error &error)
{
    (void)m_journal->fail(error);
    return answer(status, error.message, m_journal->executionId());
}

// An event is marked as received only once it is applied (or knowingly ignored): a call that fails half-way is
// delivered again by the provider, and what it had not applied yet is applied then.
std::optional<WebhookOutcome> WebhookReceipt::markApplied(const EventFacts &facts)
{
    if (auto marked = m_store->webhooks().recordWebhookEvent(m_definition.name, facts.id, m_connection->id,
                                                  m_journal->executionId());
        !marked) {
        return failExecution(500, marked.error());
    }
    return std::nullopt;
}

std::optional<WebhookOutcome> WebhookReceipt::applyEvent(const EventFacts &facts, const QJsonValue &event,
                                                         const jsonata::Bindings &eventBindings)
{
    ExecutionJournal &journal = *m_journal;
    const auto objectSpec = m_definition.objects.constFind(facts.object);
    if (objectSpec == m_definition.objects.constEnd() || !objectSpec->readable || facts.recordId.isEmpty()) {
        journal.recordEvent(EventLevel::Warning,
                            QStringLiteral("Event %1 (%2) names %3 record '%4', which this definition does not "
                                           "read; ignored")
                                .arg(facts.id, facts.type,
                                     facts.object.isEmpty() ? QStringLiteral("no object") : facts.object,
                                     facts.recordId),
                            facts.context);
        return markApplied(facts);
    }
    const bool deleted = truthy(evaluate(m_spec.deleted, event, eventBindings));
    EventChanges changes;
    if (deleted) {
        changes.deletedIds.append(facts.recordId);
    } else {
        QJsonValue record = facts.embedded;
        if (!record.isObject() && objectSpec->get) {
            if (auto failed = fetchRecord(facts, objectSpec.value(), record, changes))
                return failed;
        }
        if (changes.deletedIds.isEmpty() && record.isObject()) {
            // The record itself may say it is gone (Pipedrive's active_flag false), as in a read.
            const bool gone = recordIsDeleted(objectSpec.value(), record);
            if (gone)
                changes.deletedIds.append(facts.recordId);
        }
        if (changes.deletedIds.isEmpty()) {
            if (!record.isObject()) {
                m_outcome.objectsToRead.append(facts.object);
                journal.recordEvent(EventLevel::Info,
                                    QStringLiteral("Event %1 (%2) changed %3 %4; the next read of %3 picks it up")
                                        .arg(facts.id, facts.type, facts.object, facts.recordId),
                                    facts.context);
                return markApplied(facts);
            }
            auto mapping = m_services.readMapping(*m_store, *m_connection, facts.object);
            if (!mapping)
                return failExecution(500, mapping.error());
            const RecordMapper mapper(mapping->has_value() ? &mapping->value() : nullptr, facts.object);
            const QString updatedAt = objectSpec->updatedAtField.isEmpty()
                                          ? QString()
                                          : jsonScalarText(jsonValueAt(record, objectSpec->updatedAtField));
            mapper.map(facts.recordId, updatedAt, record.toObject(), changes.rows, changes.failed);
        }
    }
    if (auto committed = m_store->records().commitPage(m_connection->id, facts.object, journal.executionId(), changes.rows,
                                             std::nullopt, changes.failed, changes.deletedIds);
        !committed) {
        return failExecution(500, committed.error());
    }
    if (auto failedToMark = markApplied(facts))
        return failedToMark;
    ++m_outcome.applied;
    journal.counts().records += changes.rows.size() + changes.deletedIds.size();
    journal.counts().failedRecords += changes.failed.size();
    const QString what = !changes.deletedIds.isEmpty() ? QStringLiteral("deleted")
                         : changes.failed.isEmpty()    ? QStringLiteral("stored")
                                                       : QStringLiteral("did not map and is kept as a failed record");
    journal.recordEvent(changes.failed.isEmpty() ? EventLevel::Info : EventLevel::Error,
                        QStringLiteral("Event %1 (%2): %3 %4 %5")
                            .arg(facts.id, facts.type, facts.object, facts.recordId, what),
                        facts.context);
    return std::nullopt;
}

std::optional<WebhookOutcome> WebhookReceipt::fetchRecord(const EventFacts &facts, const ObjectSpec &objectSpec,
                                                          QJsonValue &record, EventChanges &changes)
{
    ConnectionSession &session = *m_session;
    if (auto credential = session.credential(); !credential)
        return failExecution(503, credential.error());
    jsonata::Bindings getBindings = session.bindings();
    getBindings.set("id", jsonata::Value::string(facts.recordId.toStdString()));
    auto request = buildListRequest(session, *objectSpec.get, Paginator(PaginationSpec()), PageState(), getBindings,
                                    facts.object);
    if (!request)
        return failExecution(500, request.error());
    auto response = session.send(request.value());
    if (!response) {
        // The provider is unreachable: answer an error so that it delivers the event again.
        return failExecution(503, response.error());
    }
    if (response->status == 404) {
        changes.deletedIds.append(facts.recordId);
    } else if (!response->isSuccess()) {
        // Not applied: answer an error so that the provider delivers the event again.
        const ProviderError error = providerErrorFrom(m_definition.errors, response->body);
        const QString message = QStringLiteral("Could not fetch %1 %2 named by event %3: HTTP %4 %5; the "
                                               "provider will deliver it again")
                                    .arg(facts.object, facts.recordId, facts.id)
                                    .arg(response->status)
                                    .arg(error.message);
        return failExecution(503, makeError("webhook.fetch_failed", message));
    } else {
        const QJsonDocument fetched = QJsonDocument::fromJson(response->body);
        record = jsonValueAt(fetched.isArray() ? QJsonValue(fetched.array()) : QJsonValue(fetched.object()),
                             objectSpec.get->recordsPath);
        if (record.isArray())
            record = record.toArray().first();
    }
    return std::nullopt;
}

} // namespace patchbay
