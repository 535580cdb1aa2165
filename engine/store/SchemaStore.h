#pragma once

#include "core/Records.h"
#include "core/Result.h"

#include <QList>
#include <QString>

namespace patchbay {

// Discovered schemas: the latest per connection and object.
class SchemaStore
{
public:
    virtual ~SchemaStore() = default;

    virtual Result<void> saveSchema(qint64 connectionId, const QString &object, const QList<SchemaField> &fields,
                                    qint64 executionId) = 0;
    // Empty when the object's schema was never discovered.
    virtual Result<QList<SchemaField>> schema(qint64 connectionId, const QString &object) = 0;
};

} // namespace patchbay
