#include "RequestRunner.h"

#include "HttpClient.h"
#include "RateLimitFields.h"
#include "RateLimitHold.h"
#include "RequestBudget.h"
#include "RequestObserver.h"
#include "catalog/DefinitionExpression.h"
#include "core/Clock.h"
#include "core/Timestamps.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
    for (qsizetype i = 0; i < m_limits.windows.size(); ++i)
        m_holds.append({std::make_shared<RateLimitHold>(), QStringLiteral("this connection")});
}

void RequestRunner::setWindowHold(qsizetype index, std::shared_ptr<RateLimitHold> hold, QString scope)
{
    if (index >= 0 && index < m_holds.size())
        m_holds[index] = {std::move(hold), std::move(scope)};
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
    QDateTime date =
        QLocale::c().toDateTime(QString::fromLatin1(trimmed), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
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

std::optional<milliseconds> RequestRunner::untilWindowResets(const RemainingWindow &window,
                                                             const HttpResponse &response, const QDateTime &now)
{
    if (!window.resetHeader.isEmpty()) {
        if (const auto wait = parseReset(response.header(window.resetHeader.toLatin1()), window.resetFormat, now))
            return wait;
    }
    // Without a reset time, the window (fixed or rolling) that counted this answer is over an interval after it.
    if (!window.intervalHeader.isEmpty()) {
        bool ok = false;
        const double interval = response.header(window.intervalHeader.toLatin1()).trimmed().toDouble(&ok);
        if (ok && interval > 0)
            return milliseconds(
                static_cast<qint64>(window.intervalUnit == QLatin1String("milliseconds") ? interval : interval * 1000));
    }
    if (window.intervalSeconds > 0)
        return std::chrono::seconds(window.intervalSeconds);
    return std::nullopt;
}

void RequestRunner::holdExhaustedWindows(const HttpResponse &response)
{
    for (qsizetype i = 0; i < m_limits.windows.size(); ++i) {
        const RemainingWindow &window = m_limits.windows.at(i);
        bool ok = false;
        const qint64 remaining = response.header(window.remainingHeader.toLatin1()).trimmed().toLongLong(&ok);
        if (!ok || remaining >= window.holdBelow)
            continue;
        const QString told = QStringLiteral("%1: %2").arg(window.remainingHeader).arg(remaining);
        const auto wait = untilWindowResets(window, response, m_clock.now());
        if (!wait || *wait > kMaxRetryAfter) {
            m_observer.recordEvent(EventLevel::Warning,
                                   wait ? QStringLiteral("Provider reports no requests left in its window (%1) until "
                                                         "%2 s from now, longer than the engine holds calls")
                                              .arg(told, seconds(*wait))
                                        : QStringLiteral("Provider reports no requests left in its window (%1) "
                                                         "without saying when it resets")
                                              .arg(told));
            continue;
        }
        const ServiceLimit limit = RateLimitFields::limitOf(window, response, m_clock.now());
        m_holds.at(i).hold->holdUntil(
            {m_clock.now().toMSecsSinceEpoch() + wait->count(), told, limit.quota, limit.windowSeconds});
    }
}

milliseconds RequestRunner::backoffDelay(int attempt)
{
    // Full jitter: uniform in [0, min(cap, initial * 2^attempt)].
    const qint64 ceiling =
        std::min<qint64>(m_limits.backoffMaxMs, qint64(m_limits.backoffInitialMs) << std::min(attempt, 20));
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

bool RequestRunner::waitForHolds(QList<qint64> &toldHolds)
{
    const qint64 nowMs = m_clock.now().toMSecsSinceEpoch();
    qint64 latest = 0;
    for (qsizetype i = 0; i < m_holds.size(); ++i) {
        const RateLimitHold::Until until = m_holds.at(i).hold->until();
        if (until.ms <= nowMs)
            continue;
        if (until.ms > latest && m_refuseInsteadOfWaiting)
            m_refusal = Refusal{m_limits.windows.at(i).policyName(), milliseconds(until.ms - nowMs), until.quota,
                                until.windowSeconds};
        latest = std::max(latest, until.ms);
        if (m_refuseInsteadOfWaiting)
            continue;
        if (toldHolds.contains(until.ms))
            continue;
        toldHolds.append(until.ms);
        const milliseconds wait(until.ms - nowMs);
        m_observer.recordEvent(EventLevel::Info,
                               QStringLiteral("Holding calls to %1 for %2 s: the provider reported %3, so its window "
                                              "has no room until it resets")
                                   .arg(m_holds.at(i).scope, seconds(wait), until.reason),
                               {{QStringLiteral("waitMs"), static_cast<qint64>(wait.count())},
                                {QStringLiteral("header"), m_limits.windows.at(i).remainingHeader}});
    }
    if (latest == 0)
        return false;
    if (!m_refuseInsteadOfWaiting) {
        m_observer.rateLimitWaited(QStringLiteral("provider_window"), latest - nowMs);
        m_clock.sleep(milliseconds(latest - nowMs));
    }
    return true;
}

std::optional<QList<qint64>> RequestRunner::waitForTurn()
{
    QList<qint64> toldHolds;
    QList<bool> toldBudgets(m_budgets.size(), false);
    for (;;) {
        if (waitForHolds(toldHolds)) {
            if (m_refuseInsteadOfWaiting)
                return std::nullopt;
            continue;
        }
        const qint64 nowMs = m_clock.now().toMSecsSinceEpoch();
        QList<qint64> tickets;
        for (qsizetype i = 0; i < m_budgets.size(); ++i) {
            const Budget &budget = m_budgets.at(i);
            const RequestBudget::Taken taken = budget.budget->tryTake(nowMs);
            if (taken.ticket > 0) {
                tickets.append(taken.ticket);
                continue;
            }
            // This window has no room: the slots taken in the others are not spent.
            for (qsizetype j = 0; j < tickets.size(); ++j)
                m_budgets.at(j).budget->release(tickets.at(j));
            tickets.clear();
            if (m_refuseInsteadOfWaiting) {
                const qint64 windowSeconds = duration_cast<std::chrono::seconds>(budget.budget->window()).count();
                m_refusal =
                    Refusal{QStringLiteral("patchbay-%1-per-%2s").arg(budget.budget->requests()).arg(windowSeconds),
                            taken.wait, budget.budget->requests(), windowSeconds};
                return std::nullopt;
            }
            if (!toldBudgets.at(i)) {
                toldBudgets[i] = true;
                m_observer.recordEvent(EventLevel::Info,
                                       QStringLiteral("Waiting for the request budget of %1 (%2 requests per %3 s, "
                                                      "shared by all its connections)")
                                           .arg(budget.account)
                                           .arg(budget.budget->requests())
                                           .arg(seconds(budget.budget->window())),
                                       {{QStringLiteral("waitMs"), static_cast<qint64>(taken.wait.count())}});
            }
            m_observer.rateLimitWaited(QStringLiteral("request_budget"), taken.wait.count());
            m_clock.sleep(taken.wait);
            break;
        }
        if (tickets.size() == m_budgets.size())
            return tickets;
    }
}

void RequestRunner::finishBudgets(const QList<qint64> &tickets)
{
    const qint64 nowMs = m_clock.now().toMSecsSinceEpoch();
    for (qsizetype i = 0; i < tickets.size(); ++i)
        m_budgets.at(i).budget->finish(tickets.at(i), nowMs);
}

Result<HttpResponse> RequestRunner::send(const HttpRequest &request)
{
    // Nothing is sent, not even once, with a header that would split into two.
    if (auto checked = request.checkHeaders(); !checked)
        return checked.error();
    m_refusal.reset();
    m_rateLimitWait.reset();
    for (int attempt = 0;; ++attempt) {
        const std::optional<QList<qint64>> turn = waitForTurn();
        if (!turn) {
            return makeError(
                "http.no_room",
                QStringLiteral("Not sent: %1 has no room for %2 s").arg(m_refusal->policy, seconds(m_refusal->wait)));
        }
        const QList<qint64> &tickets = *turn;
        ++m_attempts;
        // The exchange is dated by the engine's clock, like the execution's events, so the two read as one timeline.
        const QDateTime sentAt = m_clock.now();
        HttpResponse response = m_http.send(request);
        response.startedAt = sentAt;
        finishBudgets(tickets);
        m_observer.recordExchange(m_redactor.redact(request, response));

        const QString url = m_redactor.redactUrl(request.url);
        std::optional<milliseconds> wait;
        QString reason;
        bool rateLimited = false;
        if (response.status == 0) {
            reason = QStringLiteral("no response from %1 (%2)").arg(url, response.transportError);
            wait = backoffDelay(attempt);
        } else if (const RetryRule *rule = retryRuleFor(response)) {
            rateLimited = true;
            const auto told = rule->retryAfterHeader.isEmpty()
                                  ? std::nullopt
                                  : parseRetryAfter(response.header(rule->retryAfterHeader.toLatin1()), m_clock.now());
            const auto reset = told ? std::nullopt : untilReset(response);
            // A retry-after value is the provider's own word on this wait; without one, its windows say more.
            if (!told)
                holdExhaustedWindows(response);
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
                reason =
                    QStringLiteral("HTTP %1: rate limited without a usable %2; backing off %3 s")
                        .arg(response.status)
                        .arg(rule->retryAfterHeader.isEmpty() ? QStringLiteral("Retry-After") : rule->retryAfterHeader,
                             seconds(*wait));
            }
            if (rule->minWaitSeconds > 0 && *wait < std::chrono::seconds(rule->minWaitSeconds)) {
                wait = std::chrono::seconds(rule->minWaitSeconds);
                reason += QStringLiteral(" (at least %1 s, as the definition says)").arg(rule->minWaitSeconds);
            }
        } else if (m_limits.retryStatuses.contains(response.status)) {
            holdExhaustedWindows(response);
            wait = backoffDelay(attempt);
            reason =
                QStringLiteral("HTTP %1 from the provider; backing off %2 s").arg(response.status).arg(seconds(*wait));
        } else {
            holdExhaustedWindows(response);
            return response;
        }

        if (attempt >= m_limits.maxRetries || *wait > kMaxRetryAfter) {
            if (rateLimited)
                m_rateLimitWait = *wait;
            if (response.status == 0) {
                return makeError("http.unreachable",
                                 QStringLiteral("Cannot reach the provider after %1 attempts: %2. Check the "
                                                "provider's base URL and the network, then sync again.")
                                     .arg(attempt + 1)
                                     .arg(reason));
            }
            m_observer.recordEvent(EventLevel::Error,
                                   QStringLiteral("Giving up after %1 attempts: %2").arg(attempt + 1).arg(reason));
            return response;
        }
        m_observer.recordEvent(
            EventLevel::Warning,
            QStringLiteral("Retry %1 of %2: %3").arg(attempt + 1).arg(m_limits.maxRetries).arg(reason),
            {{QStringLiteral("status"), response.status}, {QStringLiteral("waitMs"), qint64(wait->count())}});
        if (rateLimited)
            m_observer.rateLimitWaited(QStringLiteral("provider_rate_limited"), wait->count());
        m_clock.sleep(*wait);
    }
}

} // namespace patchbay
