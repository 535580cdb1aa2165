#pragma once

#include "ops/OpsApi.h"

namespace patchbay {

// An OpsApi whose every query fails, as a dropped remote connection or a broken database would.
class FailingOps : public OpsApi
{
    Q_OBJECT
public:
    static inline const QString kMessage = QStringLiteral("The console database cannot be read: disk I/O error");

    using OpsApi::OpsApi;

    Result<QList<Tenant>> tenants() override { return failure(); }
    Result<QList<ConnectionSummary>> connections(std::optional<qint64>) override { return failure(); }
    Result<ConnectionSummary> connection(qint64) override { return failure(); }
    Result<QList<Execution>> executions(qint64, int, std::optional<qint64>) override { return failure(); }
    Result<Execution> execution(qint64) override { return failure(); }
    Result<QList<Event>> events(qint64) override { return failure(); }
    Result<QList<Exchange>> exchanges(qint64) override { return failure(); }
    Result<MappingService::Effective> mapping(qint64, const QString &, const QString &) override { return failure(); }
    Result<MappingVersion> setMappingOverride(const QString &, const QString &, const QString &, const QString &,
                                              const QString &, const MappingTree &, const QString &,
                                              const QString &) override
    {
        return failure();
    }
    Result<QList<MappingVersion>> mappingHistory(const QString &, const QString &, const QString &, const QString &,
                                                 const QString &) override
    {
        return failure();
    }
    Result<QList<MappingService::PreviewRecord>> previewMapping(qint64, const QString &, const QString &,
                                                                const QJsonArray &,
                                                                const std::optional<MappingTree> &) override
    {
        return failure();
    }
    Result<QList<FailedRecord>> failedRecords(qint64, const QString &) override { return failure(); }
    Result<QList<WriteItem>> writeItems(qint64) override { return failure(); }

    void syncNow(qint64) override {}
    void refreshToken(qint64) override {}
    void remapFailedRecords(qint64) override {}
    void retryFailedWrites(qint64) override {}
    Result<QUrl> beginReauthorization(qint64) override { return failure(); }
    bool isBusy(qint64) const override { return false; }

private:
    static Error failure() { return makeError("store.io", kMessage); }
};

} // namespace patchbay
