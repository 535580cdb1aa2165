#include "RateLimitFields.h"

#include "RequestRunner.h"

#include <QByteArrayList>

#include <algorithm>

namespace patchbay {

using namespace std::chrono;

namespace {

std::optional<qint64> headerNumber(const HttpResponse &response, const QString &name)
{
    if (name.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 value = response.header(name.toLatin1()).trimmed().toLongLong(&ok);
    return ok && value >= 0 ? std::optional<qint64>(value) : std::nullopt;
}

// The window's length in whole seconds: from its interval header, else its fixed interval.
std::optional<qint64> windowSeconds(const RemainingWindow &window, const HttpResponse &response)
{
    if (const auto interval = headerNumber(response, window.intervalHeader); interval && *interval > 0) {
        return window.intervalUnit == QLatin1String("milliseconds")
                   ? RateLimitFields::ceilSeconds(milliseconds(*interval))
                   : *interval;
    }
    if (window.intervalSeconds > 0)
        return window.intervalSeconds;
    return std::nullopt;
}

// A policy name as a Structured Field String: definitions keep names plain; anything else is dropped rather than
// escaped, so a provider's header can never end the string early.
QByteArray sfString(const QString &text)
{
    QByteArray out = "\"";
    for (const QChar c : text) {
        if (c.unicode() >= 0x20 && c.unicode() < 0x7f && c != QLatin1Char('"') && c != QLatin1Char('\\'))
            out.append(char(c.unicode()));
    }
    return out + '"';
}

} // namespace

qint64 RateLimitFields::ceilSeconds(milliseconds wait)
{
    return std::max<qint64>(0, (wait.count() + 999) / 1000);
}

RateLimitFields RateLimitFields::fromResponse(const RateLimitSpec &spec, const HttpResponse &response,
                                              const QDateTime &now)
{
    RateLimitFields fields;
    for (const RemainingWindow &window : spec.windows) {
        if (headerNumber(response, window.remainingHeader))
            fields.add(limitOf(window, response, now));
    }
    return fields;
}

ServiceLimit RateLimitFields::limitOf(const RemainingWindow &window, const HttpResponse &response,
                                      const QDateTime &now)
{
    ServiceLimit limit;
    limit.policy = window.policyName();
    limit.quota = headerNumber(response, window.limitHeader);
    limit.windowSeconds = windowSeconds(window, response);
    limit.remaining = headerNumber(response, window.remainingHeader).value_or(0);
    if (const auto reset = RequestRunner::untilWindowResets(window, response, now))
        limit.resetSeconds = ceilSeconds(*reset);
    return limit;
}

void RateLimitFields::add(const ServiceLimit &limit)
{
    m_limits.append(limit);
}

void RateLimitFields::exhaust(const QString &policy, milliseconds wait, std::optional<qint64> quota,
                              std::optional<qint64> windowSeconds)
{
    const qint64 seconds = ceilSeconds(wait);
    for (ServiceLimit &limit : m_limits) {
        if (limit.policy != policy)
            continue;
        limit.remaining = 0;
        limit.resetSeconds = std::max(limit.resetSeconds.value_or(0), seconds);
        if (!limit.quota)
            limit.quota = quota;
        if (!limit.windowSeconds)
            limit.windowSeconds = windowSeconds;
        return;
    }
    m_limits.append({policy, quota, windowSeconds, 0, seconds});
}

qint64 RateLimitFields::waitSeconds() const
{
    qint64 wait = 0;
    for (const ServiceLimit &limit : m_limits) {
        if (limit.remaining == 0)
            wait = std::max(wait, limit.resetSeconds.value_or(0));
    }
    return wait;
}

HeaderList RateLimitFields::headers() const
{
    if (m_limits.isEmpty())
        return {};
    QByteArrayList policies;
    QByteArrayList current;
    for (const ServiceLimit &limit : m_limits) {
        const QByteArray name = sfString(limit.policy);
        // q is required in a quota policy item: a limit whose quota the provider does not report has none.
        if (limit.quota) {
            QByteArray item = name + ";q=" + QByteArray::number(*limit.quota);
            if (limit.windowSeconds && *limit.windowSeconds > 0)
                item += ";w=" + QByteArray::number(*limit.windowSeconds);
            policies.append(item);
        }
        QByteArray item = name + ";r=" + QByteArray::number(limit.remaining);
        if (limit.resetSeconds)
            item += ";t=" + QByteArray::number(*limit.resetSeconds);
        current.append(item);
    }
    HeaderList headers;
    if (!policies.isEmpty())
        headers.append({"RateLimit-Policy", policies.join(", ")});
    headers.append({"RateLimit", current.join(", ")});
    // The trio can speak of one limit only: the one closest to refusing calls.
    const ServiceLimit &tightest = *std::min_element(m_limits.begin(), m_limits.end(), [](const auto &a, const auto &b) {
        if (a.remaining != b.remaining)
            return a.remaining < b.remaining;
        return a.resetSeconds.value_or(0) > b.resetSeconds.value_or(0);
    });
    if (tightest.quota)
        headers.append({"RateLimit-Limit", QByteArray::number(*tightest.quota)});
    headers.append({"RateLimit-Remaining", QByteArray::number(tightest.remaining)});
    if (tightest.resetSeconds)
        headers.append({"RateLimit-Reset", QByteArray::number(*tightest.resetSeconds)});
    return headers;
}

} // namespace patchbay
