#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

namespace patchbay::sandbox {

// API calls per tenant in fixed windows (GitHub's hour, Greenhouse's 10 seconds, Pipedrive's 2 seconds), for the
// remaining-count headers providers send with every answer. Limits are reported, not enforced, so a fast test never
// trips over them by accident; limit answers come from failure injection.
class WindowCounter
{
public:
    WindowCounter(qint64 windowMilliseconds, int limit) : m_windowMs(windowMilliseconds), m_limit(limit) {}

    int limit() const { return m_limit; }
    // Counts one call of the tenant at now.
    void count(const QString &tenant, const QDateTime &now);
    // Calls counted in the tenant's current window.
    int used(const QString &tenant, const QDateTime &now) const;
    int remaining(const QString &tenant, const QDateTime &now) const;
    // When the tenant's current window ends.
    QDateTime resetAt(const QString &tenant, const QDateTime &now) const;

private:
    struct Window
    {
        qint64 startMs = 0;
        int used = 0;
    };
    Window current(const QString &tenant, const QDateTime &now) const;

    qint64 m_windowMs = 0;
    int m_limit = 0;
    QHash<QString, Window> m_windows;
};

} // namespace patchbay::sandbox
