#pragma once

#include "RequestLogEntry.h"

#include <QJsonArray>
#include <QList>

namespace patchbay::sandbox {

// The requests an emulator answered, in arrival order, for tests and for GET /_sandbox/requests.
class RequestLog
{
public:
    void append(const RequestLogEntry &entry) { m_entries.append(entry); }
    void clear() { m_entries.clear(); }
    const QList<RequestLogEntry> &entries() const { return m_entries; }
    QJsonArray toJson() const;

private:
    QList<RequestLogEntry> m_entries;
};

} // namespace patchbay::sandbox
