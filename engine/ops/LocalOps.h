#pragma once

#include "OpsApi.h"
#include "server/HttpService.h"

#include <QHash>
#include <QSet>
#include <QThreadPool>

#include <memory>

namespace patchbay {

class Clock;
class Store;
class SyncService;

// OpsApi in-process: queries read the SQLite file on the calling thread; syncs and refreshes run on
// a worker pool with their own store connections, and report back on the owner's thread.
class LocalOps : public OpsApi
{
    Q_OBJECT
public:
    LocalOps(std::unique_ptr<Store> store, std::shared_ptr<SyncService> sync, Clock &clock, QObject *parent = nullptr);
    ~LocalOps() override;

    Result<QList<Tenant>> tenants() override;
    Result<QList<ConnectionSummary>> connections(std::optional<qint64> tenantId = std::nullopt) override;
    Result<ConnectionSummary> connection(qint64 connectionId) override;
    Result<QList<Execution>> executions(qint64 connectionId, int limit,
                                        std::optional<qint64> beforeId = std::nullopt) override;
    Result<Execution> execution(qint64 executionId) override;
    Result<QList<Event>> events(qint64 executionId) override;
    Result<QList<Exchange>> exchanges(qint64 executionId) override;

    Result<MappingService::Effective> mapping(qint64 connectionId, const QString &object,
                                              const QString &direction) override;
    Result<MappingVersion> setMappingOverride(const QString &level, const QString &scope, const QString &integration,
                                              const QString &object, const QString &direction,
                                              const MappingTree &overrides, const QString &author,
                                              const QString &reason) override;
    Result<QList<MappingVersion>> mappingHistory(const QString &level, const QString &scope, const QString &integration,
                                                 const QString &object, const QString &direction) override;
    Result<QList<MappingService::PreviewRecord>>
    previewMapping(qint64 connectionId, const QString &object, const QString &direction, const QJsonArray &samples,
                   const std::optional<MappingTree> &candidateConnectionOverride = std::nullopt) override;
    Result<QList<FailedRecord>> failedRecords(qint64 connectionId, const QString &object = {}) override;
    Result<QList<WriteItem>> writeItems(qint64 executionId) override;

    void syncNow(qint64 connectionId) override;
    void refreshToken(qint64 connectionId) override;
    void remapFailedRecords(qint64 connectionId) override;
    void retryFailedWrites(qint64 connectionId) override;
    Result<QUrl> beginReauthorization(qint64 connectionId) override;
    bool isBusy(qint64 connectionId) const override { return m_busy.contains(connectionId); }

    // Blocks until background work is done (tests). Work that reports to this thread needs its events served:
    // on an event-driven thread, poll hasRunningWork() while processing events instead.
    void waitForIdle();
    bool hasRunningWork() const { return m_pool.activeThreadCount() > 0 || !m_busy.isEmpty(); }

private:
    template <typename Work>
    void runInBackground(qint64 connectionId, Work work);
    ConnectionSummary summarize(const Connection &connection, const QString &tenantName);
    MappingService mappings();

    std::unique_ptr<Store> m_store;
    std::shared_ptr<SyncService> m_sync;
    Clock &m_clock;
    QThreadPool m_pool;
    QSet<qint64> m_busy;
    // The loopback redirect target of browser authorisations (RFC 8252), started on first use.
    std::unique_ptr<HttpService> m_callback;
    QHash<QString, qint64> m_pendingStates; // state -> connection
};

} // namespace patchbay
