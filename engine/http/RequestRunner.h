#pragma once

#include "HttpTypes.h"
#include "Redactor.h"
#include "catalog/ProviderDefinition.h"
#include "core/Result.h"

#include <chrono>
#include <memory>
#include <random>

namespace patchbay {

class Clock;
class RateLimitHold;
class RequestBudget;
class HttpClient;
class RequestObserver;

// Sends one logical request to a provider: retries what the definition says is retryable (429 with
// Retry-After, transient 5xx, transport errors) with exponential backoff and full jitter, records
// every attempt as an Exchange and explains every wait as an Event.
class RequestRunner
{
public:
    RequestRunner(HttpClient &http, Clock &clock, const RateLimitSpec &limits, RequestObserver &observer);

    Redactor &redactor() { return m_redactor; }
    // Every request first takes its turn from each budget (shared by the connections of one account).
    void addBudget(std::shared_ptr<RequestBudget> budget, QString account)
    {
        m_budgets.append({std::move(budget), std::move(account)});
    }
    // The hold of the definition's window at index (limits.windows), shared by every runner of its scope; without
    // one, a window holds only this runner's calls.
    void setWindowHold(qsizetype index, std::shared_ptr<RateLimitHold> hold, QString scope);
    qint64 attempts() const { return m_attempts; }

    // For a caller that is waiting on the answer (the proxy): instead of waiting for a held window or a budget
    // without room, send() refuses at once with the error http.no_room, and refusal() says which limit and for how
    // long. Retries are the definition's: a caller that must see every answer sets limits.maxRetries to 0.
    void setRefuseInsteadOfWaiting(bool refuse) { m_refuseInsteadOfWaiting = refuse; }
    struct Refusal
    {
        QString policy; // the limit: a window's policy name, or the budget's "patchbay-<requests>-per-<seconds>s"
        std::chrono::milliseconds wait{0};
        std::optional<qint64> quota;
        std::optional<qint64> windowSeconds;
    };
    const std::optional<Refusal> &refusal() const { return m_refusal; }
    // Whether the answer send() last returned was a rate limit (a retryOn rule matched) it did not wait out, and how
    // long the provider said to wait (its retry-after header, else its reset header, else the backoff).
    std::optional<std::chrono::milliseconds> rateLimitWait() const { return m_rateLimitWait; }

    // The final response, whatever its status; an Error only when no response could be had at all.
    Result<HttpResponse> send(const HttpRequest &request);

    // How long a Retry-After value says to wait: delta-seconds or an HTTP date. nullopt if unparseable.
    static std::optional<std::chrono::milliseconds> parseRetryAfter(const QByteArray &value, const QDateTime &now);
    // How long until the provider's window resets, from the definition's resetHeader and resetFormat.
    static std::optional<std::chrono::milliseconds> parseReset(const QByteArray &value, const QString &format,
                                                               const QDateTime &now);
    // How long until a window the answer counted is over: its reset header, else its interval (header, then fixed).
    static std::optional<std::chrono::milliseconds> untilWindowResets(const RemainingWindow &window,
                                                                      const HttpResponse &response,
                                                                      const QDateTime &now);

private:
    std::chrono::milliseconds backoffDelay(int attempt);
    std::optional<std::chrono::milliseconds> untilReset(const HttpResponse &response) const;
    // Holds the next calls of a window's scope when the answer says (almost) none are left in it.
    void holdExhaustedWindows(const HttpResponse &response);
    // Waits until no window holds calls and every budget has room; the budget tickets of the call about to be sent.
    // nullopt: refused instead of waiting (setRefuseInsteadOfWaiting; refusal() says why).
    std::optional<QList<qint64>> waitForTurn();
    bool waitForHolds(QList<qint64> &toldHolds);
    void finishBudgets(const QList<qint64> &tickets);
    const RetryRule *retryRuleFor(const HttpResponse &response) const;

    HttpClient &m_http;
    Clock &m_clock;
    RateLimitSpec m_limits;
    RequestObserver &m_observer;
    Redactor m_redactor;
    std::mt19937 m_random{std::random_device{}()};
    qint64 m_attempts = 0;
    bool m_refuseInsteadOfWaiting = false;
    std::optional<Refusal> m_refusal;
    std::optional<std::chrono::milliseconds> m_rateLimitWait;
    struct Budget
    {
        std::shared_ptr<RequestBudget> budget;
        QString account;
    };
    QList<Budget> m_budgets;
    struct WindowHold
    {
        std::shared_ptr<RateLimitHold> hold;
        QString scope;
    };
    QList<WindowHold> m_holds; // one per m_limits.windows
};

} // namespace patchbay
