#pragma once

#include "core/Access.h"
#include "core/Result.h"

#include <QList>

namespace patchbay {

// The audit log: one entry per state-changing call, never changed after it is written.
class AuditStore
{
public:
    virtual ~AuditStore() = default;

    // Appends entry (its id ignored; at, when invalid, is now); returns the new entry's id.
    virtual Result<qint64> appendAudit(const AuditEntry &entry) = 0;
    // Entries matching filter, newest first (by id), at most filter.limit; page on with beforeId = the last id.
    virtual Result<QList<AuditEntry>> auditEntries(const AuditFilter &filter) = 0;
};

} // namespace patchbay
