#include "RequestLog.h"

#include <QJsonObject>

namespace patchbay::sandbox {

QJsonArray RequestLog::toJson() const
{
    QJsonArray requests;
    for (const RequestLogEntry &entry : m_entries) {
        requests.append(QJsonObject{{QStringLiteral("received"), entry.received.toString(Qt::ISODateWithMs)},
                                    {QStringLiteral("method"), entry.method},
                                    {QStringLiteral("path"), entry.pathAndQuery},
                                    {QStringLiteral("status"), entry.status},
                                    {QStringLiteral("portal"), entry.portal}});
    }
    return requests;
}

} // namespace patchbay::sandbox
