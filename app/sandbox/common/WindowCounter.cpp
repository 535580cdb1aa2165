#include "WindowCounter.h"

#include <algorithm>

namespace patchbay::sandbox {

WindowCounter::Window WindowCounter::current(const QString &tenant, const QDateTime &now) const
{
    const Window window = m_windows.value(tenant);
    if (now.toMSecsSinceEpoch() - window.startMs >= m_windowMs)
        return Window{now.toMSecsSinceEpoch(), 0};
    return window;
}

void WindowCounter::count(const QString &tenant, const QDateTime &now)
{
    Window window = current(tenant, now);
    ++window.used;
    m_windows.insert(tenant, window);
}

int WindowCounter::used(const QString &tenant, const QDateTime &now) const
{
    return current(tenant, now).used;
}

int WindowCounter::remaining(const QString &tenant, const QDateTime &now) const
{
    return std::max(0, m_limit - used(tenant, now));
}

QDateTime WindowCounter::resetAt(const QString &tenant, const QDateTime &now) const
{
    return QDateTime::fromMSecsSinceEpoch(current(tenant, now).startMs + m_windowMs, Qt::UTC);
}

} // namespace patchbay::sandbox
