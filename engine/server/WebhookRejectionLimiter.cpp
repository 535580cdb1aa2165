#include "WebhookRejectionLimiter.h"

#include "core/Clock.h"

#include <QMutexLocker>

#include <algorithm>

namespace patchbay {

WebhookRejectionLimiter::WebhookRejectionLimiter(const Clock &clock, int limit, int windowSeconds, int maxSources)
    : m_clock(clock), m_limit(limit), m_windowSeconds(windowSeconds), m_maxSources(maxSources)
{}

int WebhookRejectionLimiter::retryAfter(const QString &source) const
{
    QMutexLocker lock(&m_mutex);
    const auto found = m_sources.constFind(source);
    if (found == m_sources.constEnd() || found->rejections < m_limit)
        return 0;
    const qint64 left = m_clock.now().secsTo(found->start.addSecs(m_windowSeconds));
    return left > 0 ? static_cast<int>(left) : 0;
}

void WebhookRejectionLimiter::recordRejection(const QString &source)
{
    const QDateTime now = m_clock.now();
    QMutexLocker lock(&m_mutex);
    auto found = m_sources.find(source);
    if (found == m_sources.end()) {
        if (m_sources.size() >= m_maxSources)
            makeRoom();
        found = m_sources.insert(source, Window{now, 0});
    } else if (found->start.addSecs(m_windowSeconds) <= now) {
        *found = Window{now, 0};
    }
    ++found->rejections;
}

void WebhookRejectionLimiter::makeRoom()
{
    const QDateTime now = m_clock.now();
    for (auto it = m_sources.begin(); it != m_sources.end();) {
        if (it->start.addSecs(m_windowSeconds) <= now)
            it = m_sources.erase(it);
        else
            ++it;
    }
    if (m_sources.size() < m_maxSources)
        return;
    const auto oldest = std::min_element(m_sources.begin(), m_sources.end(),
                                         [](const Window &a, const Window &b) { return a.start < b.start; });
    m_sources.erase(oldest);
}

} // namespace patchbay
