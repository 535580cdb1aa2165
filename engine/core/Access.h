#pragma once

// Who may call patchbayd's API: API keys with a role and an optional tenant, and the audit trail of what they
// changed. Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// What a key may do. admin: everything; product: the SaaS backend (tenants, connections, records, writes);
// support: the console (view, sync, refresh, re-auth, replay, edit mappings; never a secret); viewer: read only.
enum class ApiRole { Admin, Product, Support, Viewer };

// "admin", "product", "support", "viewer": the names keys, the CLI, the audit log and the API use.
QString apiRoleName(ApiRole role);
std::optional<ApiRole> apiRoleFromName(const QString &name);
QList<ApiRole> allApiRoles();

// An API key as listed: never its secret, which is shown once at creation and stored only as a hash.
struct ApiKey
{
    qint64 id = 0;
    QString prefix; // the first characters of the key ("pb_AbC123"), not secret, to tell keys apart in lists
    QString name;
    ApiRole role = ApiRole::Viewer;
    std::optional<qint64> tenantId; // bound to one tenant, or every tenant
    QDateTime createdAt;
    QDateTime lastUsedAt; // invalid: never used
    QDateTime revokedAt;  // invalid: active
};

// One state-changing call: who made it (key and role at the time), what it did to what, when, and the state before
// and after where that matters (mappings). action is "<area>.<verb>" ("tenant.create", "mapping.set"); target names
// the thing ("tenant:12", "connection:4").
struct AuditEntry
{
    qint64 id = 0;
    qint64 keyId = 0; // 0: not made through an API key (the CLI, the console in-process)
    QString keyName;
    QString role; // apiRoleName, or the local actor's description
    QString action;
    QString target;
    std::optional<qint64> tenantId;
    QDateTime at;
    QJsonValue before; // Undefined/Null: not recorded
    QJsonValue after;
};

// Which audit entries to list (AuditStore::auditEntries): every filter set must match; newest first.
struct AuditFilter
{
    std::optional<qint64> tenantId;
    std::optional<qint64> keyId;
    QString action;         // exact, or a prefix ending in '.' ("tenant." matches every tenant action)
    QString target;         // exact
    QDateTime since, until; // [since, until)
    std::optional<qint64> beforeId; // keyset paging: entries older than this id
    int limit = 100;
};

} // namespace patchbay
