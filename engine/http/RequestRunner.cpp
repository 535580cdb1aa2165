#include "RequestRunner.h"

#include "RequestBudget.h"

#include <QJsonDocument>
#include <QJsonObject>
#include "catalog/DefinitionExpression.h"

#include "HttpClient.h"
#include "RequestObserver.h"
#include "core/Clock.h"
#include "core/Timestamps.h"

#include <QLocale>
#include <QTimeZone>

namespace patchbay {

using namespace std::chrono;

namespace {

constexpr milliseconds kMaxRetryAfter = minutes(15); // a provider asking for longer fails the attempt

QString seconds(milliseconds ms)
{
    return QString::number(ms.count() / 1000.0, 'f', ms.count() % 1000 == 0 ? 0 : 1);
}

} // namespace

RequestRunner::RequestRunner(HttpClient &http, Clock &clock, const RateLimitSpec &limits, RequestObserver &observer)
    : m_http(http), m_clock(clock), m_limits(limits), m_observer(observer)
{
}

std::optional<milliseconds> RequestRunner::parseRetryAfter(const QByteArray &value, const QDateTime &now)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double secs = trimmed.toDouble(&ok);
    if (ok)
        return secs <= 0 ? milliseconds(0) : milliseconds(static_cast<qint64>(secs * 1000));
    // HTTP date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
    QDateTime date = QLocale::c().toDateTime(QString::fromLatin1(trimmed), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!date.isValid())
        return std::nullopt;
    date.setTimeSpec(Qt::UTC);
    return milliseconds(std::max<qint64>(0, now.msecsTo(date)));
}

std::optional<milliseconds> RequestRunner::parseReset(const QByteArray &value, const QString &format,
                                                     const QDateTime &now)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    qint64 resetMs = 0;
    if (format == QLatin1String("iso8601")) {
        const auto parsed = parseTimestampMs(QString::fromLatin1(trimmed));
        if (!parsed)
            return std::nullopt;
        resetMs = *parsed;
    } else {
        bool ok = false;
        const double number = trimmed.toDouble(&ok);
        if (!ok)
            return std::nullopt;
        if (format == QLatin1String("seconds"))
            return milliseconds(static_cast<qint64>(std::max(0.0, number) * 1000));
        resetMs = static_cast<qint64>(format == QLatin1String("epochMillis") ? number : number * 1000);
    }
    return milliseconds(std::max<qint64>(0, resetMs - now.toMSecsSinceEpoch()));
}

std::optional<milliseconds> RequestRunner::untilReset(const HttpResponse &response) const
{
    if (m_limits.resetHeader.isEmpty())
        return std::nullopt;
    return parseReset(response.header(m_limits.resetHeader.toLatin1()), m_limits.resetFormat, m_clock.now());
}

void RequestRunner::slowDownIfNearTheLimit(const HttpResponse &response)
{
    if (m_limits.remainingHeader.isEmpty())
        return;
    const QByteArray remainingText = response.header(m_limits.remainingHeader.toLatin1()).trimmed();
    bool ok = false;
    const qint64 remaining = remainingText.toLongLong(&ok);
    if (!ok)
        return;
    if (m_limits.slowDownBelow > 0 && remaining < m_limits.slowDownBelow) {
        if (const auto wait = untilReset(response); wait && *wait <= kMaxRetryAfter) {
            // Wait for the window to reset rather than spend the last requests and be refused.
            m_observer.recordEvent(EventLevel::Info,
                                   QStringLiteral("Only %1 requests left in the provider's window (%2); waiting %3 s "
                                                  "for it to reset")
                                       .arg(remaining)
                                       .arg(m_limits.remainingHeader, seconds(*wait)),
                                   {{QStringLiteral("remaining"), remaining},
                                    {QStringLiteral("waitMs"), qint64(wait->count())}});
            m_clock.sleep(*wait);
            return;
        }
    }
    if (remaining == 0) {
        m_observer.recordEvent(EventLevel::Warning, QStringLiteral("Provider reports no requests left in its window "
                                                                   "(%1: 0)")
                                                        .arg(m_limits.remainingHeader));
    }
}

milliseconds RequestRunner::backoffDelay(int attempt)
{
    // Full jitter: uniform in [0, min(cap, initial * 2^attempt)].
    const qint64 ceiling = std::min<qint64>(m_limits.backoffMaxMs, qint64(m_limits.backoffInitialMs) << std::min(attempt, 20));
    std::uniform_int_distribution<qint64> pick(0, ceiling);
    return milliseconds(pick(m_random));
}

const RetryRule *RequestRunner::retryRuleFor(const HttpResponse &response) const
{
    for (const RetryRule &rule : m_limits.retryOn) {
        if (rule.status != response.status)
            continue;
        if (rule.when.isEmpty())
            return &rule;
        // A status that is a rate limit only sometimes (GitHub's 403 with x-ratelimit-remaining: 0).
        jsonata::Bindings bindings;
        bindings.set("headers", jsonata::Value::fromQJsonValue(headersToJson(response.headers)));
        bindings.set("status", jsonata::Value::number(response.status));
        const QJsonDocument document = QJsonDocument::fromJson(response.body);
        const QJsonValue body = document.isObject()  ? QJsonValue(document.object())
                                : document.isArray() ? QJsonValue(document.array())
                                                     : QJsonValue(QString::fromUtf8(response.body));
        if (DefinitionExpression::holds(rule.when, body, bindings))
            return &rule;
    }
    return nullptr;
}

qint64 RequestRunner::waitForBudget()
{
    if (!m_budget)
        return 0;
    bool told = false;
    for (;;) {
        const RequestBudget::Taken taken = m_budget->tryTake(m_clock.now().toMSecsSinceEpoch());
        if (taken.ticket > 0)
            return taken.ticket;
        if (!told) {
            told = true;
            m_observer.recordEvent(EventLevel::Info,
                                   QStringLiteral("Waiting for the request budget of %1 (%2 requests per %3 s, shared "
                                                  "by all its connections)")
                                       .arg(m_budgetAccount)
                                       .arg(m_budget->requests())
                                       .arg(seconds(m_budget->window())),
                                   {{QStringLiteral("waitMs"), static_cast<qint64>(taken.wait.count())}});
        }
        m_clock.sleep(taken.wait);
    }
}

Result<HttpResponse> RequestRunner::send(const HttpRequest &request)
{
    // Nothing is sent, not even once, with a header that would split into two.
    if (auto checked = request.checkHeaders(); !checked)
        return checked.error();
    for (int attempt = 0;; ++attempt) {
        const qint64 ticket = waitForBudget();
        ++m_attempts;
        const HttpResponse response = m_http.send(request);
        if (ticket > 0)
            m_budget->finish(ticket, m_clock.now().toMSecsSinceEpoch());
        m_observer.recordExchange(m_redactor.redact(request, response));

        const QString url = m_redactor.redactUrl(request.url);
        std::optional<milliseconds> wait;
        QString reason;
        if (response.status == 0) {
            reason = QStringLiteral("no response from %1 (%2)").arg(url, response.transportError);
            wait = backoffDelay(attempt);
        } else if (const RetryRule *rule = retryRuleFor(response)) {
            const auto told = rule->retryAfterHeader.isEmpty()
                                  ? std::nullopt
                                  : parseRetryAfter(response.header(rule->retryAfterHeader.toLatin1()), m_clock.now());
            const auto reset = told ? std::nullopt : untilReset(response);
            if (told) {
                wait = *told;
                reason = QStringLiteral("HTTP %1: rate limited; waiting %2 s as told by %3")
                             .arg(response.status)
                             .arg(seconds(*told), rule->retryAfterHeader);
            } else if (reset) {
                wait = *reset;
                reason = QStringLiteral("HTTP %1: rate limited; waiting %2 s for the window to reset (%3)")
                             .arg(response.status)
                             .arg(seconds(*reset), m_limits.resetHeader);
            } else {
                wait = backoffDelay(attempt);
                reason = QStringLiteral("HTTP %1: rate limited without a usable %2; backing off %3 s")
                             .arg(response.status)
                             .arg(rule->retryAfterHeader.isEmpty() ? QStringLiteral("Retry-After")
                                                                   : rule->retryAfterHeader,
                                  seconds(*wait));
            }
            if (rule->minWaitSeconds > 0 && *wait < std::chrono::seconds(rule->minWaitSeconds)) {
                wait = std::chrono::seconds(rule->minWaitSeconds);
                reason += QStringLiteral(" (at least %1 s, as the definition says)").arg(rule->minWaitSeconds);
            }
        } else if (m_limits.retryStatuses.contains(response.status)) {
            wait = backoffDelay(attempt);
            reason = QStringLiteral("HTTP %1 from the provider; backing off %2 s").arg(response.status).arg(seconds(*wait));
        } else {
            slowDownIfNearTheLimit(response);
            return response;
        }

        if (attempt >= m_limits.maxRetries || *wait > kMaxRetryAfter) {
            if (response.status == 0) {
                return makeError("http.unreachable",
                                 QStringLiteral("Cannot reach the provider after %1 attempts: %2. Check the "
                                                "provider's base URL and the network, then sync again.")
                                     .arg(attempt + 1)
                                     .arg(reason));
            }
            m_observer.recordEvent(EventLevel::Error, QStringLiteral("Giving up after %1 attempts: %2")
                                                          .arg(attempt + 1)
                                                          .arg(reason));
            return response;
        }
        m_observer.recordEvent(EventLevel::Warning, QStringLiteral("Retry %1 of %2: %3")
                                                        .arg(attempt + 1)
                                                        .arg(m_limits.maxRetries)
                                                        .arg(reason),
                               {{QStringLiteral("status"), response.status},
                                {QStringLiteral("waitMs"), qint64(wait->count())}});
        m_clock.sleep(*wait);
    }
}

} // namespace patchbay
