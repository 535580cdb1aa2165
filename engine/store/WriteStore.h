#pragma once

#include "core/Records.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// Writes: per-item results, and the provider id each product record was written to.
class WriteStore
{
public:
    virtual ~WriteStore() = default;

    // In one transaction; a succeeded item links its key to its provider id.
    virtual Result<void> addWriteItems(qint64 connectionId, const QList<WriteItem> &items) = 0;
    virtual Result<QList<WriteItem>> writeItems(qint64 executionId) = 0;
    // The latest result of each key that failed and has not succeeded since, for a retry; an empty object means
    // every object.
    virtual Result<QList<WriteItem>> failedWriteItems(qint64 connectionId, const QString &object) = 0;
    virtual std::optional<QString> linkedProviderId(qint64 connectionId, const QString &object, const QString &key) = 0;
};

} // namespace patchbay
