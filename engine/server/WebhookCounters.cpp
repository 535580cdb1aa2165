#include "WebhookCounters.h"

#include "core/Clock.h"

#include <QMutexLocker>

#include <algorithm>
#include <tuple>

namespace patchbay {

void WebhookCounters::countAccepted(const QString &provider)
{
    add(provider, QStringLiteral("accepted"), {});
}

void WebhookCounters::countDuplicate(const QString &provider)
{
    add(provider, QStringLiteral("duplicate"), {});
}

void WebhookCounters::countRejected(const QString &provider, const QString &reason)
{
    add(provider, QStringLiteral("rejected"), reason);
}

void WebhookCounters::add(const QString &provider, const QString &outcome, const QString &reason)
{
    const QString key = provider + QLatin1Char('\n') + outcome + QLatin1Char('\n') + reason;
    QMutexLocker lock(&m_mutex);
    Count &counter = m_counts[key];
    if (counter.count == 0)
        counter = Count{provider, outcome, reason, 0};
    ++counter.count;
}

QList<WebhookCounters::Count> WebhookCounters::counts() const
{
    QMutexLocker lock(&m_mutex);
    QList<Count> all = m_counts.values();
    lock.unlock();
    std::sort(all.begin(), all.end(), [](const Count &a, const Count &b) {
        return std::tie(a.provider, a.outcome, a.reason) < std::tie(b.provider, b.outcome, b.reason);
    });
    return all;
}

qint64 WebhookCounters::count(const QString &provider, const QString &outcome, const QString &reason) const
{
    QMutexLocker lock(&m_mutex);
    return m_counts.value(provider + QLatin1Char('\n') + outcome + QLatin1Char('\n') + reason).count;
}

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
