#pragma once

#include "auth/Credential.h"
#include "common/AccountEmulator.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>

namespace patchbay::test {

// One row of the table the provider tests share: a provider whose emulator keeps its tenants on the shared account
// layer, how a connection reaches one of those tenants, and what the provider does when it throttles or refuses a
// secret. A provider's own tests take their set-up from its row (config, credentialFor); TestProviderAccess runs
// the behaviours every provider shares over the whole table.
struct ProviderCase
{
    QString provider; // the definition's name
    std::function<std::unique_ptr<sandbox::AccountEmulator>()> createEmulator;
    // A connection's config for one tenant: origin overrides to the emulator, and the connection variables a
    // real authorisation would have stored.
    std::function<QJsonObject(const sandbox::AccountEmulator &, const sandbox::SandboxAccountCredentials &)> config;
    bool oauth = false; // the connection holds the tenant's token pair; otherwise its API key (or password)
    QString object;     // what the shared tests read
    QString table;      // the emulator's table of that object (ServiceNow's "incident"); empty: the object's name
    int records = 40;   // seeded per tenant

    // Throttling: the status of the emulator's answer and the wait the engine takes before asking again.
    int throttledStatus = 429;
    int retryAfterSeconds = 0;
    qint64 minWaitMs = 0;
    qint64 maxWaitMs = 0;

    // A secret the provider refuses (empty for providers that take only OAuth tokens) and words its refusal holds.
    QString refusedSecret;
    QString refusalWords;
    // Words the error of a read holds once the grant was revoked (OAuth providers; empty: any message).
    QString revokedGrantWords;
};

const QList<ProviderCase> &providerCases();
const ProviderCase &providerCase(const QString &provider);

// What a connection to the tenant holds: its token pair expiring at expiresAt (OAuth rows), or secret — the tenant's
// API key when secret is empty.
Credential credentialFor(const ProviderCase &row, const sandbox::SandboxAccountCredentials &tenant,
                         const QDateTime &expiresAt, const QString &secret = {});

// Ids of the live records in one of a tenant's tables, changed at updatedFromMs or later (none for an unknown table).
QSet<QString> liveIds(const sandbox::AccountEmulator &emulator, const QString &tenant, const QString &object,
                      qint64 updatedFromMs = 0);

} // namespace patchbay::test
