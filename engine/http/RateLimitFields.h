#pragma once

#include "HttpTypes.h"
#include "catalog/ProviderDefinition.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace patchbay {

// One quota a caller is told about: a provider's window or one of the engine's own budgets.
struct ServiceLimit
{
    QString policy;                     // its name, the same in RateLimit-Policy and RateLimit
    std::optional<qint64> quota;        // calls it allows per window, when known (RateLimit-Policy needs it)
    std::optional<qint64> windowSeconds; // the window's length, when known
    qint64 remaining = 0;               // calls left
    std::optional<qint64> resetSeconds; // seconds until the calls left are no longer all there is
};

// The rate-limit fields patchbayd's proxy answers with, normalised from what a provider reports as its definition
// describes it (rateLimit.windows, with limitHeader and policy), in two forms a product can read:
// - the IETF fields of draft-ietf-httpapi-ratelimit-headers-11, Structured Field Lists:
//     RateLimit-Policy: "ten-secondly";q=110;w=10, "secondly";q=10;w=1   (only limits whose quota is known)
//     RateLimit: "ten-secondly";r=0;t=7, "secondly";r=9;t=1
// - the older trio, for the limit closest to running out (fewest calls left, then the longest wait):
//     RateLimit-Limit: 110, RateLimit-Remaining: 0, RateLimit-Reset: 7   (delta-seconds)
// A limit whose reset is unknown has no t (and no RateLimit-Reset).
class RateLimitFields
{
public:
    // Every window of the definition whose remaining header the answer carries.
    static RateLimitFields fromResponse(const RateLimitSpec &spec, const HttpResponse &response, const QDateTime &now);

    // One window as the answer reports it; remaining is 0 when the answer does not say.
    static ServiceLimit limitOf(const RemainingWindow &window, const HttpResponse &response, const QDateTime &now);

    void add(const ServiceLimit &limit);
    // The answer was a rate limit, or the engine had no room: the named limit has nothing left for wait. A limit of
    // that name already read from the answer keeps its quota and window and waits at least that long.
    void exhaust(const QString &policy, std::chrono::milliseconds wait, std::optional<qint64> quota = std::nullopt,
                 std::optional<qint64> windowSeconds = std::nullopt);
    // The longest wait of a limit with nothing left, in whole seconds (rounded up); 0 when none is spent.
    qint64 waitSeconds() const;

    bool isEmpty() const { return m_limits.isEmpty(); }
    const QList<ServiceLimit> &limits() const { return m_limits; }
    // RateLimit-Policy, RateLimit, RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset, each when it has a value.
    HeaderList headers() const;

    // Whole seconds, rounded up: a caller that waits this long has waited long enough.
    static qint64 ceilSeconds(std::chrono::milliseconds wait);

private:
    QList<ServiceLimit> m_limits;
};

} // namespace patchbay
