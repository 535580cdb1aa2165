#pragma once

#include "auth/Credential.h"
#include "catalog/ProviderDefinition.h"
#include "core/Result.h"
#include "jsonata/Expression.h"
#include "core/Tenancy.h"
#include "core/Authorization.h"

#include <QUrl>

namespace patchbay {

class Clock;
class CredentialVault;
class RequestObserver;
class RequestRunner;
class Store;
struct HttpRequest;
struct HttpResponse;

// One connection as an execution sees it: its URLs (with the connection's origin overrides) and its
// credential, refreshed when near expiry — single-flight per connection, so concurrent executions of
// one connection refresh once and the others use the result.
class ConnectionSession
{
public:
    ConnectionSession(Store &store, const CredentialVault &vault, const ProviderDefinition &definition,
                      Connection connection, RequestRunner &runner, RequestObserver &journal, Clock &clock);

    const Connection &connection() const { return m_connection; }
    // The engine's time, for everything the execution dates or waits for.
    Clock &clock() const { return m_clock; }

    // A URL of the definition, rewritten by the connection's config.originOverrides (sandboxes, proxies).
    QUrl resolve(const QString &url) const;
    // The URL of a request path (a template) under the definition's baseUrl (a template too); a path that is
    // a full URL (a next-page link) stands as it is, a path-only link is taken on the base URL's origin.
    Result<QUrl> apiUrl(const QString &path, const jsonata::Bindings &bindings) const;
    // The URL of a link a provider answered with (a next page, a delta link): taken as it is (never as a template),
    // a path-only link on the base URL's origin.
    Result<QUrl> linkUrl(const QString &link) const;
    // The URL of a path below the base URL that a caller (the proxy) gives, taken literally (never as a template):
    // encodedPath has no leading '/' and is percent-encoded as sent, encodedQuery (may be empty) too. The caller has
    // checked the path; what it names must still lie below the base URL's path on its origin, else
    // request.bad_proxy_path.
    Result<QUrl> urlBelowBase(const QString &encodedPath, const QString &encodedQuery) const;
    // Where the connection's credentials may go: the origin of the definition's base URL, rendered with the
    // connection's config and rewritten by its origin overrides. A request anywhere else is refused by send().
    Result<QString> apiOrigin() const;
    // $connection and $credential, for the templates of a request.
    jsonata::Bindings bindings() const;

    // The credential, refreshed first when it expires within the definition's margin or when forced.
    Result<Credential> credential(bool forceRefresh = false);
    Result<void> authorize(HttpRequest &request);
    // Sends an API request with the connection's credential. A 401 to an OAuth connection refreshes the token
    // once and sends the request again. Any HTTP answer is a result (check its status); only a request that
    // got no usable answer (unreachable, retries exhausted, no token) is an error.
    Result<HttpResponse> send(HttpRequest request);

private:
    Result<Credential> refreshLocked(const Credential &current);
    // Takes the cross-process refresh lease (true), or finds that another process refreshed meanwhile and puts
    // that credential in current (false).
    Result<bool> leaseOrUseTheirs(const StoredCredential &seen, Credential *current);
    static QString leaseHolder();
    Result<void> saveCaptured(const QJsonObject &captured);
    Result<QString> baseUrl(const jsonata::Bindings &bindings) const;
    QUrl onBaseOrigin(const QString &baseUrl, const QString &target) const;
    Result<void> checkOrigin(const QUrl &url) const;

    Store &m_store;
    const CredentialVault &m_vault;
    const ProviderDefinition &m_definition;
    Connection m_connection;
    RequestRunner &m_runner;
    RequestObserver &m_journal;
    Clock &m_clock;
    std::optional<Credential> m_credential;
};

} // namespace patchbay
