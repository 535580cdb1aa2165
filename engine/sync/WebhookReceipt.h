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
};

// The receipt of one provider-webhook call, driven by the definition's webhooks section, in the steps a reader can
// follow in receive(): answer a handshake; find the connection (by id, or by the account the events name); verify
// the call (signature, timestamp, check) with the connection's secret; then, as an execution of kind "webhook",
// skip the events already received and apply the rest (a deleted record leaves the store, a record the event
// carries or the definition can fetch is mapped and stored) and record each as received once applied. A refused
// call leaves a failed execution with a summary of the call, never its body. Time comes from the clock (the
// timestamp tolerance, the refusal's time). One object per call.
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

    std::optional<WebhookOutcome> handshake() const;
    // The connection the call is for, or the answer refusing it.
    std::variant<Connection, WebhookOutcome> findConnection(qint64 connectionId);
    // Why the call is refused, or nothing (then m_secretField holds the secret, for redaction).
    std::optional<QString> verify(const Connection &connection);
    // The same answer to every refusal, the reason kept as a bounded summary in the store.
    WebhookOutcome refuse(const QString &reason, qint64 refusedConnection);
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
    std::unique_ptr<Store> m_store;
    std::optional<SecretBytes> m_secretField;

    // While the events are applied.
    std::optional<Connection> m_connection;
    ExecutionJournal *m_journal = nullptr;
    ConnectionSession *m_session = nullptr;
    WebhookOutcome m_outcome;
};

} // namespace patchbay

Q_DECLARE_METATYPE(patchbay::WebhookOutcome)
