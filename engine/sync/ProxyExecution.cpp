#include "ProxyExecution.h"

#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "catalog/ProviderDefinition.h"
#include "core/Clock.h"
#include "http/RequestRunner.h"
#include "store/Store.h"

#include <QSet>
#include <QUrlQuery>

#include <memory>

namespace patchbay {

namespace {

constexpr qsizetype kMaxPathLength = 2048;
constexpr qsizetype kMaxQueryLength = 8192;

bool isHex(QChar c)
{
    return (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f'))
           || (c >= QLatin1Char('A') && c <= QLatin1Char('F'));
}

// The characters RFC 3986 allows in a path segment, unescaped.
bool isPathCharacter(QChar c)
{
    static const QString others = QStringLiteral("-._~!$&'()*+,;=:@");
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
           || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || others.contains(c);
}

Error badPath(const QString &why)
{
    return makeError("request.bad_proxy_path", QStringLiteral("The path to proxy %1; give the provider's API path "
                                                              "below its base URL, as plain segments.")
                                                   .arg(why));
}

// Checks text (a path segment, or a query with extra "/?") character by character; decoded gets it with its %XX
// escapes decoded. In a segment, an escape of a character that would change how the provider splits the path (or
// decodes it a second time) is refused; anywhere, an escaped NUL.
Result<void> checkEscapes(const QString &text, const QString &extra, QByteArray *decoded)
{
    const bool segment = extra.isEmpty();
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('%')) {
            if (i + 2 >= text.size() || !isHex(text.at(i + 1)) || !isHex(text.at(i + 2)))
                return badPath(QStringLiteral("has a '%' that starts no escape"));
            const auto byte = static_cast<unsigned char>(text.mid(i + 1, 2).toUInt(nullptr, 16));
            if (byte == 0 || (segment && (byte == '/' || byte == '\\' || byte == '%' || byte < 0x20 || byte == 0x7f)))
                return badPath(QStringLiteral("escapes a '/', '\\', '%' or control character"));
            decoded->append(char(byte));
            i += 2;
        } else if (isPathCharacter(c) || extra.contains(c)) {
            decoded->append(char(c.unicode()));
        } else {
            return badPath(QStringLiteral("holds a character that must be escaped (%1)")
                               .arg(c.unicode() < 0x20 || c.unicode() >= 0x7f
                                        ? QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0'))
                                        : QString(c)));
        }
    }
    return {};
}

bool listed(const QSet<QByteArray> &names, const QByteArray &name)
{
    return names.contains(name.toLower());
}

// The log of a proxied call: an execution of kind "proxy" is started by the first Exchange, so a call that sends
// nothing (refused at once for a rate limit) adds no row; the events before it are kept until then.
class ProxyJournal : public RequestObserver
{
public:
    ProxyJournal(Store &store, qint64 connectionId, QString label, ExecutionLease lease, Clock &clock)
        : m_store(store), m_connectionId(connectionId), m_label(std::move(label)), m_lease(std::move(lease)),
          m_clock(clock)
    {}

    void recordExchange(const Exchange &exchange) override
    {
        if (!m_journal) {
            auto id = m_store.executions().startExecution(m_connectionId, QStringLiteral("proxy"), m_label, m_lease);
            if (!id)
                return;
            m_journal = std::make_unique<ExecutionJournal>(m_store, id.value(), m_clock);
            for (const Event &event : std::as_const(m_pending))
                m_journal->recordEvent(event.level, event.message, event.context);
            m_pending.clear();
        }
        m_journal->recordExchange(exchange);
    }

    void recordEvent(const QString &level, const QString &message, const QJsonObject &context = {}) override
    {
        if (m_journal) {
            m_journal->recordEvent(level, message, context);
            return;
        }
        Event event;
        event.level = level;
        event.message = message;
        event.context = context;
        m_pending.append(event);
    }

    qint64 executionId() const { return m_journal ? m_journal->executionId() : 0; }

    void succeed(const QString &summary)
    {
        if (m_journal)
            (void)m_journal->succeed(summary);
    }
    void fail(const Error &error)
    {
        if (m_journal)
            (void)m_journal->fail(error);
    }

private:
    Store &m_store;
    qint64 m_connectionId;
    QString m_label;
    ExecutionLease m_lease;
    Clock &m_clock;
    std::unique_ptr<ExecutionJournal> m_journal;
    QList<Event> m_pending;
};

} // namespace

ProxyExecution::ProxyExecution(Store &store, const CredentialVault &vault, const ProviderDefinition &definition,
                               Connection connection, Clock &clock, HttpClient::NetworkFactory networkFactory,
                               ExecutionLease lease)
    : m_store(store), m_vault(vault), m_definition(definition), m_connection(std::move(connection)), m_clock(clock),
      m_networkFactory(std::move(networkFactory)), m_lease(std::move(lease))
{}

Result<void> ProxyExecution::checkPath(const QString &encodedPath)
{
    if (encodedPath.isEmpty())
        return badPath(QStringLiteral("is empty"));
    if (encodedPath.size() > kMaxPathLength)
        return badPath(QStringLiteral("is longer than %1 characters").arg(kMaxPathLength));
    const QStringList segments = encodedPath.split(QLatin1Char('/'));
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &segment = segments.at(i);
        // An empty segment first would make "//host" of it; in the middle it is a path some servers read as root.
        if (segment.isEmpty() && i + 1 < segments.size())
            return badPath(QStringLiteral("has an empty segment ('//' or a leading '/')"));
        QByteArray decoded;
        if (auto checked = checkEscapes(segment, {}, &decoded); !checked)
            return checked;
        if (decoded == "." || decoded == "..")
            return badPath(QStringLiteral("has a '.' or '..' segment"));
        if (i == 0 && decoded.contains(':'))
            return badPath(QStringLiteral("starts like a URL with a scheme"));
    }
    return {};
}

HeaderList ProxyExecution::forwardedRequestHeaders(const HeaderList &headers)
{
    static const QSet<QByteArray> allowed = {"accept",          "accept-language",     "content-type",
                                             "content-language", "if-match",            "if-none-match",
                                             "if-modified-since", "if-unmodified-since", "idempotency-key",
                                             "prefer"};
    HeaderList forwarded;
    for (const auto &header : headers) {
        if (listed(allowed, header.first))
            forwarded.append(header);
    }
    return forwarded;
}

HeaderList ProxyExecution::forwardedResponseHeaders(const HeaderList &headers)
{
    static const QSet<QByteArray> allowed = {"content-type", "content-language", "etag",    "last-modified",
                                             "cache-control", "expires",          "link",    "location"};
    HeaderList forwarded;
    for (const auto &header : headers) {
        if (listed(allowed, header.first))
            forwarded.append(header);
    }
    return forwarded;
}

Result<ProxyAnswer> ProxyExecution::run(const ProxyCall &call)
{
    if (auto checked = checkPath(call.encodedPath); !checked)
        return checked.error();
    if (call.encodedQuery.size() > kMaxQueryLength)
        return badPath(QStringLiteral("has a query longer than %1 characters").arg(kMaxQueryLength));
    QByteArray decodedQuery;
    if (auto checked = checkEscapes(call.encodedQuery, QStringLiteral("/?"), &decodedQuery); !checked)
        return checked.error();
    // The connection's API key travels in the query for some providers: the caller may not set one of its own.
    if (m_definition.auth.type == QLatin1String("api-key") && m_definition.auth.apiKeyIn == QLatin1String("query")
        && QUrlQuery(call.encodedQuery).hasQueryItem(m_definition.auth.apiKeyName)) {
        return badPath(QStringLiteral("sets the query parameter %1, which carries the connection's credential")
                           .arg(m_definition.auth.apiKeyName));
    }
    if (m_connection.status == ConnectionStatus::NeedsReauth) {
        return makeError("auth.needs_reauth",
                         QStringLiteral("The connection needs re-authorisation: %1").arg(m_connection.statusMessage));
    }

    // The definition's limits, but every answer goes back to the caller as it is: the caller decides to retry.
    RateLimitSpec limits = m_definition.rateLimit;
    limits.maxRetries = 0;
    HttpClient http(m_networkFactory, call.timeoutMs);
    ProxyJournal journal(m_store, m_connection.id,
                         QString::fromLatin1(call.method) + QStringLiteral(" /") + call.encodedPath.left(200), m_lease,
                         m_clock);
    RequestRunner runner(http, m_clock, limits, journal);
    runner.setRefuseInsteadOfWaiting(true);
    ConnectionSession session(m_store, m_vault, m_definition, m_connection, runner, journal, m_clock);

    auto url = session.urlBelowBase(call.encodedPath, call.encodedQuery);
    if (!url)
        return url.error();
    HttpRequest request;
    request.method = call.method;
    request.url = url.value();
    request.headers = forwardedRequestHeaders(call.headers);
    request.body = call.body;
    request.maxResponseBytes = call.maxResponseBytes;
    journal.recordEvent(EventLevel::Info, QStringLiteral("Proxying the product's %1 /%2")
                                              .arg(QString::fromLatin1(call.method), call.encodedPath.left(200)));

    ProxyAnswer answer;
    auto sent = session.send(request);
    if (!sent) {
        const std::optional<RequestRunner::Refusal> &refusal = runner.refusal();
        journal.fail(sent.error());
        if (!refusal)
            return sent.error();
        answer.outcome = ProxyAnswer::Outcome::Refused;
        answer.executionId = journal.executionId();
        answer.limits.exhaust(refusal->policy, refusal->wait, refusal->quota, refusal->windowSeconds);
        return answer;
    }
    answer.executionId = journal.executionId();
    answer.status = sent->status;
    answer.headers = forwardedResponseHeaders(sent->headers);
    answer.body = sent->body;
    answer.limits = RateLimitFields::fromResponse(m_definition.rateLimit, *sent, m_clock.now());
    const auto wait = runner.rateLimitWait();
    if (!wait) {
        journal.succeed(QStringLiteral("%1 answered HTTP %2; relayed to the product")
                            .arg(m_definition.displayName)
                            .arg(sent->status));
        return answer;
    }
    answer.outcome = ProxyAnswer::Outcome::RateLimited;
    // The windows the answer says are spent wait as long as the provider said; without one, the provider's own.
    QStringList spent;
    for (const ServiceLimit &limit : answer.limits.limits()) {
        if (limit.remaining == 0)
            spent.append(limit.policy);
    }
    if (spent.isEmpty())
        spent.append(m_definition.name);
    for (const QString &policy : std::as_const(spent))
        answer.limits.exhaust(policy, *wait);
    journal.fail(makeError("http.rate_limited",
                           QStringLiteral("%1 refused the call as a rate limit (HTTP %2); answered 429 to the product "
                                          "with a wait of %3 s, not retried")
                               .arg(m_definition.displayName)
                               .arg(sent->status)
                               .arg(answer.limits.waitSeconds())));
    return answer;
}

} // namespace patchbay
