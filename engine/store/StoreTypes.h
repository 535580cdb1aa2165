#pragma once

#include <QByteArray>
#include <QDateTime>
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
} // namespace ExecutionStatus

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

struct StoredRecord
{
    QString recordId;
    QByteArray data; // JSON
    QString updatedAt;
};

} // namespace patchbay
