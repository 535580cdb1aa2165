#pragma once

#include "ManualClock.h"
#include "core/Executions.h"
#include "core/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace patchbay {

class LocalOps;
class Store;
class SyncService;

// A console database in a temporary folder, filled through the store the way the engine fills it
// (sealed credentials, exchanges redacted by the Redactor), for model and window tests.
class DemoDatabase
{
public:
    // The rows populate() creates, so tests can find them.
    struct Ids
    {
        qint64 acme = 0;
        qint64 globex = 0;
        qint64 acmeHubspot = 0;   // valid token, four executions (one running)
        qint64 acmeSandbox = 0;   // token expiring, no executions
        qint64 globexCrm = 0;     // needs re-auth, one failed execution
        qint64 contactsRead = 0;  // acmeHubspot's succeeded read: events and exchanges
        qint64 companiesRead = 0; // acmeHubspot's running read
        QString leakedToken;      // the access token used in the recorded requests; must never show
    };

    DemoDatabase();
    ~DemoDatabase();

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    QString path() const;
    Store &store() { return *m_store; }

    // A LocalOps with its own store connection on the same file.
    std::unique_ptr<LocalOps> createOps();
    // What a LocalOps (or a test's subclass of it) is made of.
    std::unique_ptr<Store> openStore();
    std::shared_ptr<SyncService> syncService() const { return m_sync; }

    qint64 addTenant(const QString &name, const QString &displayName);
    // A connection with a sealed OAuth credential expiring at tokenExpiresAt (none when invalid).
    qint64 addConnection(qint64 tenantId, const QString &displayName, const QDateTime &tokenExpiresAt);
    // An execution that started minutesAgo and, unless status is running, ran for durationMs.
    qint64 addExecution(qint64 connectionId, const QString &kind, const QString &object, const QString &status,
                        const ExecutionCounts &counts, int minutesAgo, qint64 durationMs = 0,
                        const std::optional<Error> &error = std::nullopt);
    qint64 addEvent(qint64 executionId, const QString &level, const QString &message, const QJsonObject &context = {});
    // Records a request made with accessToken the way the engine does: through the Redactor.
    qint64 addExchange(qint64 executionId, const QByteArray &method, const QString &url, int status,
                       const QByteArray &requestBody, const QByteArray &responseBody, const QString &accessToken);

    Ids populate();

private:
    void fail(const Error &error);
    template <typename T> T check(Result<T> result, T fallback);

    QTemporaryDir m_dir;
    test::ManualClock m_clock; // the time the store writes, set by addExecution
    std::unique_ptr<Store> m_store;
    std::shared_ptr<SyncService> m_sync;
    QString m_error;
};

} // namespace patchbay
