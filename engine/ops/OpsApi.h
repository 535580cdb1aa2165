#pragma once

#include "auth/Credential.h"
#include "core/Result.h"
#include "mapping/MappingService.h"
#include "core/Tenancy.h"
#include "core/Executions.h"
#include "core/Exchange.h"
#include "core/Records.h"
#include "core/MappingVersion.h"

#include <QList>
#include <QObject>

#include <optional>

namespace patchbay {

struct ConnectionSummary
{
    Connection connection;
    QString tenantDisplayName;
    TokenState tokenState = TokenState::Unknown;
    QDateTime tokenExpiresAt;
};

// Everything the console (and later patchbayd's /api/v1) does, behind one interface: LocalOps calls
// the engine in-process; a remote implementation will speak HTTP. Queries answer at once; commands
// run in the background and report through signals.
class OpsApi : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual Result<QList<Tenant>> tenants() = 0;
    virtual Result<QList<ConnectionSummary>> connections(std::optional<qint64> tenantId = std::nullopt) = 0;
    virtual Result<ConnectionSummary> connection(qint64 connectionId) = 0;
    // Newest first; keyset paging with the last seen id.
    virtual Result<QList<Execution>> executions(qint64 connectionId, int limit,
                                                std::optional<qint64> beforeId = std::nullopt) = 0;
    virtual Result<Execution> execution(qint64 executionId) = 0;
    virtual Result<QList<Event>> events(qint64 executionId) = 0;
    virtual Result<QList<Exchange>> exchanges(qint64 executionId) = 0;

    // Field mappings. Overrides need who and why; a broken one is refused and nothing changes.
    virtual Result<MappingService::Effective> mapping(qint64 connectionId, const QString &object,
                                                      const QString &direction) = 0;
    virtual Result<MappingVersion> setMappingOverride(const QString &level, const QString &scope,
                                                      const QString &integration, const QString &object,
                                                      const QString &direction, const MappingTree &overrides,
                                                      const QString &author, const QString &reason) = 0;
    virtual Result<QList<MappingVersion>> mappingHistory(const QString &level, const QString &scope,
                                                         const QString &integration, const QString &object,
                                                         const QString &direction) = 0;
    virtual Result<QList<MappingService::PreviewRecord>>
    previewMapping(qint64 connectionId, const QString &object, const QString &direction, const QJsonArray &samples,
                   const std::optional<MappingTree> &candidateConnectionOverride = std::nullopt) = 0;
    virtual Result<QList<FailedRecord>> failedRecords(qint64 connectionId, const QString &object = {}) = 0;
    // The per-record results of a write execution, in the order they were written.
    virtual Result<QList<WriteItem>> writeItems(qint64 executionId) = 0;

    virtual void syncNow(qint64 connectionId) = 0;
    virtual void refreshToken(qint64 connectionId) = 0;
    virtual void remapFailedRecords(qint64 connectionId) = 0;
    // Writes again the records whose latest write failed, in the background.
    virtual void retryFailedWrites(qint64 connectionId) = 0;
    // Starts authorising the connection again (a revoked grant, new scopes): the URL to open in a browser. When
    // the provider sends the browser back, the code is exchanged in the background (an "authorize" execution).
    virtual Result<QUrl> beginReauthorization(qint64 connectionId) = 0;
    virtual bool isBusy(qint64 connectionId) const = 0;

Q_SIGNALS:
    void executionStarted(qint64 connectionId);
    void executionProgressed(qint64 connectionId, qint64 executionId);
    void executionFinished(qint64 connectionId, qint64 executionId, bool succeeded, const QString &message);
    void connectionChanged(qint64 connectionId);
};

} // namespace patchbay
