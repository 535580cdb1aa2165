#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace patchbay {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct Tenant
{
    qint64 id = 0;
    QString name; // stable key, e.g. "acme"
    QString displayName;
    QDateTime createdAt;
};

namespace ConnectionStatus {
inline const QString Active = QStringLiteral("active");
inline const QString NeedsReauth = QStringLiteral("needs_reauth");
inline const QString Paused = QStringLiteral("paused");
} // namespace ConnectionStatus

struct Connection
{
    qint64 id = 0;
    qint64 tenantId = 0;
    QString provider; // provider definition name
    QString displayName;
    QJsonObject config; // connection config: baseUrl override, instance_url, ...; never secrets
    QString status = ConnectionStatus::Active;
    QString statusMessage;
    QDateTime createdAt;
    QDateTime lastSyncAt;
    QString lastSyncStatus;
    QString integration; // the integration (manifest entry) whose mappings apply; empty: records stay raw
    QString environment = QStringLiteral("production");
};

// The sealed (encrypted) secret material of a connection plus the metadata the UI may show.
struct StoredCredential
{
    qint64 connectionId = 0;
    QByteArray sealed;
    QDateTime expiresAt; // access token expiry, invalid when unknown/never
    QDateTime refreshedAt;
    QDateTime updatedAt;
};

namespace ExecutionStatus {
inline const QString Running = QStringLiteral("running");
inline const QString Succeeded = QStringLiteral("succeeded");
inline const QString Failed = QStringLiteral("failed");
// Its process stopped (killed, crashed, power lost) before it finished; a later run goes on from the cursor.
inline const QString Interrupted = QStringLiteral("interrupted");
} // namespace ExecutionStatus

// Who runs an execution: a process (ExecutionLeaseKeeper::processOwner) that renews expiresAt while it lives. A
// running execution whose lease ran out has lost its process.
struct ExecutionLease
{
    QString owner; // empty: no lease, the execution is never taken for abandoned
    QDateTime expiresAt;
};

struct Execution
{
    qint64 id = 0;
    qint64 tenantId = 0;
    qint64 connectionId = 0;
    QString kind; // read, backfill, write, webhook, refresh, delivery, replay
    QString object;
    QString status = ExecutionStatus::Running;
    QDateTime startedAt;
    QDateTime finishedAt;
    qint64 recordCount = 0;
    qint64 failedRecordCount = 0;
    qint64 pageCount = 0;
    qint64 requestCount = 0;
    QString errorCode;
    QString errorMessage;
};

struct ExecutionCounts
{
    qint64 records = 0;
    qint64 pages = 0;
    qint64 requests = 0;
    qint64 failedRecords = 0; // kept raw because their mapping failed
};

namespace EventLevel {
inline const QString Debug = QStringLiteral("debug");
inline const QString Info = QStringLiteral("info");
inline const QString Warning = QStringLiteral("warning");
inline const QString Error = QStringLiteral("error");
} // namespace EventLevel

struct Event
{
    qint64 id = 0;
    qint64 executionId = 0;
    QDateTime time;
    QString level = EventLevel::Info;
    QString message;
    QJsonObject context;
};

// One recorded HTTP request/response, already redacted when it reaches the store.
struct Exchange
{
    qint64 id = 0;
    qint64 executionId = 0;
    QDateTime startedAt;
    qint64 durationMs = 0;
    QString method;
    QString url;
    HeaderList requestHeaders;
    QByteArray requestBody;
    int status = 0; // 0 when no response arrived
    HeaderList responseHeaders;
    QByteArray responseBody;
    QString error; // transport error, if any
};

// Refused webhook calls from one source address to one provider, summed up: never a body, only its size and hash.
struct WebhookRejection
{
    QString provider;
    QString source; // the caller's address
    qint64 count = 0;
    QDateTime firstAt;
    QDateTime lastAt;
    QString lastReason;
    qint64 lastConnectionId = 0; // 0: the call reached no connection
    qint64 lastSize = 0;         // bytes of the last refused body
    QString lastBodySha256;
};

struct StoredRecord
{
    QString recordId;
    QByteArray data; // JSON
    QString updatedAt;
};

// A provider record whose mapping failed: kept raw, with its per-field errors, until it maps.
struct FailedRecord
{
    qint64 id = 0;
    qint64 executionId = 0;
    QString object;
    QString recordId;
    QString updatedAt;
    QByteArray raw;   // JSON as the provider sent it
    QJsonArray errors; // [{field, code, position, message}]
    QDateTime createdAt;
    QDateTime resolvedAt;
};

// One record of a write execution and what the provider said about it.
struct WriteItem
{
    qint64 id = 0;
    qint64 executionId = 0;
    QString object;
    QString key;        // the product's id of the record
    QString operation;  // create | update
    QString providerId; // the provider's id: known before an update, returned by a create
    QString status;     // succeeded | failed
    QString errorCode;
    QString errorMessage;
    QByteArray payload; // the product record as given (JSON)
    QByteArray sent;    // what was sent, in the provider's shape (JSON), when it got that far
    QDateTime createdAt;
};

// An authorisation started for a connection and not finished yet.
struct PendingAuthorization
{
    QString state;
    qint64 connectionId = 0;
    QByteArray sealedVerifier; // the PKCE verifier, sealed by the vault; empty without PKCE
    QString redirectUri;
    QDateTime expiresAt;
};

// One field of a provider object, as schema discovery found it.
struct SchemaField
{
    QString name;
    QString label;
    QString type;
    bool custom = false;
};

namespace MappingLevel {
inline const QString Environment = QStringLiteral("environment");
inline const QString Connection = QStringLiteral("connection");
} // namespace MappingLevel

// One stored version of a mapping override at one level (the base lives in the manifest).
struct MappingVersion
{
    qint64 id = 0;
    QString level;   // MappingLevel
    QString scope;   // environment name, or connection id
    QString integration;
    QString object;
    QString direction; // read | write
    int version = 0;
    QJsonObject overrides;
    QString author;
    QString reason;
    QDateTime createdAt;
};

} // namespace patchbay
