#pragma once

#include "store/AuditStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteAuditStore final : public AuditStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<qint64> appendAudit(const AuditEntry &entry) override;
    Result<QList<AuditEntry>> auditEntries(const AuditFilter &filter) override;
};

} // namespace patchbay
