#pragma once

#include "core/Exchange.h"
#include "core/Executions.h"
#include "core/Result.h"
#include "core/Tenancy.h"
#include "http/HttpClient.h"
#include "http/RateLimitFields.h"

#include <QByteArray>
#include <QString>

namespace patchbay {

class Clock;
class CredentialVault;
class Store;
struct ProviderDefinition;

// A product's own request to a connection's provider, as patchbayd's proxy received it.
struct ProxyCall
{
    QByteArray method = "GET";
    QString encodedPath;  // below the provider's base URL, without the leading '/', percent-encoded as sent
    QString encodedQuery; // without the '?', percent-encoded as sent; may be empty
    HeaderList headers;   // already cut to what may be forwarded (ProxyExecution::forwardedRequestHeaders)
    QByteArray body;
    qint64 maxResponseBytes = 8 * 1024 * 1024; // a larger answer is not relayed
    int timeoutMs = 30000;                     // per attempt (a token refresh is one more)
};

// What became of a proxied call.
struct ProxyAnswer
{
    enum class Outcome {
        Relayed,     // the provider answered (any status but a rate limit): status, headers and body are its own
        RateLimited, // the provider refused it as a rate limit: limits says for how long (not retried)
        Refused,     // not sent: a window or budget of the engine had no room; limits says for how long
    };
    Outcome outcome = Outcome::Relayed;
    qint64 executionId = 0; // the execution it was recorded in; 0 when nothing was sent
    int status = 0;
    HeaderList headers; // the provider's, cut to what may be relayed (forwardedResponseHeaders)
    QByteArray body;
    RateLimitFields limits; // normalised from the provider's answer, and the wait of a rate limit or refusal
};

// Sends one proxied call with the connection's credentials (refreshed as needed; a 401 to an OAuth token refreshes
// it once) to its provider's base URL, never waiting for a rate limit behind the caller's back: a window or budget
// without room refuses at once, an upstream rate limit is returned as it is, with the wait, and no other answer is
// retried either. The call counts against the same budgets as the engine's own reads. Everything sent is recorded as
// an execution of kind "proxy" with its Exchanges (secrets redacted); a call that sent nothing records nothing.
class ProxyExecution
{
public:
    ProxyExecution(Store &store, const CredentialVault &vault, const ProviderDefinition &definition,
                   Connection connection, Clock &clock, HttpClient::NetworkFactory networkFactory,
                   ExecutionLease lease);

    // An Error only when the call could not be made at all: auth.needs_reauth, auth.* from a refresh, http.* when
    // the provider could not be reached (or its answer was too large), request.bad_proxy_path.
    Result<ProxyAnswer> run(const ProxyCall &call);

    // request.bad_proxy_path unless the path is a plain relative path below the base URL: non-empty, at most 2048
    // characters, only URL path characters and %XX escapes, no empty segment (but a trailing '/'), no '.' or '..'
    // segment however encoded, no escape of '/', '\', '%' or a control character, and no scheme in its first
    // segment.
    static Result<void> checkPath(const QString &encodedPath);
    // The headers of the caller's request that go on to the provider: content negotiation, conditional requests,
    // Idempotency-Key and Prefer. Never Authorization, Cookie, Host, hop-by-hop or any other header.
    static HeaderList forwardedRequestHeaders(const HeaderList &headers);
    // The headers of the provider's answer that go back to the caller: its content's type and language, validators,
    // caching, Link and Location. Never Set-Cookie, hop-by-hop, or the provider's own rate-limit headers (the
    // normalised RateLimit fields say it instead).
    static HeaderList forwardedResponseHeaders(const HeaderList &headers);

private:
    Store &m_store;
    const CredentialVault &m_vault;
    const ProviderDefinition &m_definition;
    Connection m_connection;
    Clock &m_clock;
    HttpClient::NetworkFactory m_networkFactory;
    ExecutionLease m_lease;
};

} // namespace patchbay
