#pragma once

#include "catalog/ProviderDefinition.h"
#include "core/Executions.h"
#include "core/Exchange.h"
#include "core/Records.h"
#include "core/Result.h"
#include "core/SecretBytes.h"
#include "core/Tenancy.h"
#include "http/HttpClient.h"
#include "jsonata/Expression.h"

#include <QJsonArray>
#include <QJsonParseError>
#include <QJsonValue>
#include <QMetaType>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace patchbay {

class Clock;
class CompiledMapping;
class ConnectionSession;
class CredentialVault;
class ExecutionJournal;
class ExecutionLeaseKeeper;
class ExecutionNotifier;
class Store;

// An incoming webhook call as the server received it. url is the full URL the provider called (behind a proxy:
// the public one), since some providers sign it.
struct WebhookCall
{
    QByteArray method = "POST";
    QUrl url;
    HeaderList headers;
    QByteArray body;
    QString source; // the caller's address, for the summary of a refused call
};

// What to answer the provider, and what happened.
struct WebhookOutcome
{
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    qint64 executionId = 0; // 0 for a handshake or a call that reached no connection
    int events = 0;
    int applied = 0;
    int duplicates = 0;
    QStringList objectsToRead; // events that named a record the definition cannot fetch: read these objects
    QString message;           // what answer() said (an error's reason)
    // Why a call was refused, as a stable word for counting: unknown_provider, no_webhooks, malformed,
    // unknown_connection, bad_signature. Empty when it was not refused.
    QString refusal;
};

// A call that passed receipt: verified, and known to belong to connection.
struct AcceptedWebhook
{
    Connection connection;
    // What makes a redelivery of the call recognisable: its events' ids when each has one, else its body's hash.
    QString dedupeKey;
    int events = 0;
};

// The receipt of one provider-webhook call, driven by the definition's webhooks section, in the steps a reader can
// follow: answer a handshake; find the connection (by id, or by the account the events name); verify the call
// (signature, timestamp, check) with the connection's secret; then, as an execution of kind "webhook", skip the
// events already received and apply the rest (a deleted record leaves the store, a record the event carries or the
// definition can fetch is mapped and stored) and record each as received once applied. Time comes from the clock
// (the timestamp tolerance, the refusal's time). One object per call.
//
// Two ways to run it:
// - receive(): every step at once, the answer saying what was applied (a refused call of a known connection leaves a
//   failed execution with a summary of the call, never its body);
// - accept() then, later and possibly in another process, applyAccepted(): receipt only (no execution, no provider
//   call, no mapping), so that the call can be stored and answered before it is applied; refusals leave only the
//   bounded per-source summary (WebhookStore::recordWebhookRejection). applyAccepted() does not verify again: the
//   call was verified when it was accepted, and a retry may come after the timestamp tolerance.
class WebhookReceipt
{
public:
    using EventListener = std::function<void(const Event &)>;
    // The read mapping of a connection's object, or none when it is stored as it comes.
    using MappingLookup = std::function<Result<std::optional<CompiledMapping>>(Store &, const Connection &,
                                                                               const QString &)>;
    // What a receipt uses of the service that runs it.
    struct Services
    {
        QString databasePath;
        const CredentialVault &vault;
        Clock &clock;
        HttpClient::NetworkFactory networkFactory;
        ExecutionLeaseKeeper &leases;
        MappingLookup readMapping;
        ExecutionNotifier *notifier = nullptr; // told of the webhook executions
    };

    WebhookReceipt(const ProviderDefinition &definition, Services services, const WebhookCall &call,
                   EventListener listener = {});
    ~WebhookReceipt();

    // An answer with a JSON message (an error from status 300).
    static WebhookOutcome answer(int status, const QString &message, qint64 executionId = 0);

    // Handles the call for connectionId (found by the account the events name when 0): what to answer.
    WebhookOutcome receive(qint64 connectionId);
    // Receipt only, on store: the verified call's connection and dedupe key, or the answer (a handshake's, or a
    // refusal with its refusal word).
    std::variant<AcceptedWebhook, WebhookOutcome> accept(Store &store, qint64 connectionId);
    // Applies a call accepted before for connectionId (its own store, like receive()): status below 300 when every
    // event was applied or skipped as a duplicate, else the error (4xx: it cannot be applied; 5xx: try again).
    // A replay (replay true) applies every event again, those applied before too (after a mapping was fixed).
    WebhookOutcome applyAccepted(qint64 connectionId, bool replay = false);

private:
    // What one event says, by the definition's expressions.
    struct EventFacts
    {
        QString id;
        QString type;
        QString object;
        QString recordId;
        QJsonValue embedded; // the record the event carries, if any
        QJsonObject context; // for the execution's events
    };
    // What an applied event changes in the store.
    struct EventChanges
    {
        QList<StoredRecord> rows;
        QList<FailedRecord> failed;
        QStringList deletedIds;
    };

    // The checks before any store is read: webhooks enabled, a handshake, a JSON body; then the events.
    std::optional<WebhookOutcome> readCall();
    std::optional<WebhookOutcome> openOwnStore();
    // The steps before the events are applied: the call read, the store (store, or one of its own when null), the
    // connection found with its config bound, the call verified. The answer instead when a step stops the call;
    // refused says why verification failed (the connection is known then).
    std::variant<Connection, WebhookOutcome> check(qint64 connectionId, Store *store, std::optional<QString> &refused);
    std::optional<WebhookOutcome> handshake() const;
    QString dedupeKey() const;
    // The connection's signing secret from the vault (empty when it has none); m_secretField keeps it for redaction.
    QByteArray secretOf(const Connection &connection);
    // The connection the call is for, or the answer refusing it.
    std::variant<Connection, WebhookOutcome> findConnection(qint64 connectionId);
    // Why the call is refused, or nothing (then m_secretField holds the secret, for redaction).
    std::optional<QString> verify(const Connection &connection);
    // The same answer to every refusal, the reason kept as a bounded summary in the store; refusal is its word.
    WebhookOutcome refuse(const QString &refusal, const QString &reason, qint64 refusedConnection);
    // A refused call of a known connection, kept as a failed execution.
    WebhookOutcome reject(const Connection &connection, const QString &reason);
    // The verified call's events, applied in an execution of kind "webhook".
    WebhookOutcome apply(const Connection &connection);

    EventFacts describe(qsizetype index, const QJsonValue &event, const jsonata::Bindings &eventBindings) const;
    // Applies one event: an error answer when it could not be (the provider delivers it again), else nothing.
    std::optional<WebhookOutcome> applyEvent(const EventFacts &facts, const QJsonValue &event,
                                             const jsonata::Bindings &eventBindings);
    // The record an event names, fetched from the provider when the event does not carry it; changes.deletedIds
    // gets the id when the provider no longer has it.
    std::optional<WebhookOutcome> fetchRecord(const EventFacts &facts, const ObjectSpec &objectSpec,
                                              QJsonValue &record, EventChanges &changes);
    std::optional<WebhookOutcome> markApplied(const EventFacts &facts);
    WebhookOutcome failExecution(int status, const Error &error);

    const ProviderDefinition &m_definition;
    const WebhookSpec &m_spec;
    Services m_services;
    const WebhookCall &m_call;
    EventListener m_listener;

    QJsonParseError m_parseError;
    QJsonValue m_json;
    jsonata::Bindings m_bindings;
    QJsonArray m_events;
    QString m_bodySha256;
    std::unique_ptr<Store> m_ownedStore;
    Store *m_store = nullptr;
    std::optional<SecretBytes> m_secretField;

    // While the events are applied.
    std::optional<Connection> m_connection;
    ExecutionJournal *m_journal = nullptr;
    ConnectionSession *m_session = nullptr;
    WebhookOutcome m_outcome;
    bool m_replay = false; // events applied before are applied again
};

} // namespace patchbay

Q_DECLARE_METATYPE(patchbay::WebhookOutcome)
