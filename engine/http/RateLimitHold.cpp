#include "RateLimitHold.h"

#include <QHash>

namespace patchbay {

std::shared_ptr<RateLimitHold> RateLimitHold::shared(const QString &scope, const QString &header)
{
    static QMutex mutex;
    static QHash<QString, std::shared_ptr<RateLimitHold>> holds;
    QMutexLocker lock(&mutex);
    auto &hold = holds[scope + QLatin1Char('|') + header.toLower()];
    if (!hold)
        hold = std::make_shared<RateLimitHold>();
    return hold;
}

void RateLimitHold::holdUntil(const Until &until)
{
    QMutexLocker lock(&m_mutex);
    if (until.ms > m_until.ms)
        m_until = until;
}

RateLimitHold::Until RateLimitHold::until() const
{
    QMutexLocker lock(&m_mutex);
    return m_until;
}

} // namespace patchbay
