#pragma once

// Who Patchbay works for: a tenant (one customer of the product) and its connections to providers.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace patchbay {

struct Tenant
{
    qint64 id = 0;
    QString name; // stable key, e.g. "acme"
    QString displayName;
    QDateTime createdAt;

    bool operator==(const Tenant &) const = default;
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

    bool operator==(const Connection &) const = default;
};

} // namespace patchbay
