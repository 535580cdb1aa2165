#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QMetaType>
#include <QString>

namespace patchbay::sandbox {

// One request an emulator answered, for tests that check what a client sent and when (e.g. a retry that must
// come Retry-After seconds after a 429).
struct RequestLogEntry
{
    QDateTime received; // UTC
    QString method;
    QString pathAndQuery;
    int status = 0;
    QString portal; // the tenant (portal, org, site, subdomain); empty when the request could not be tied to one
    QList<QPair<QByteArray, QByteArray>> headers; // as received, names in lower case (what a proxy forwarded)
};

} // namespace patchbay::sandbox

Q_DECLARE_METATYPE(patchbay::sandbox::RequestLogEntry)
