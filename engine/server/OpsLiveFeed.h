#pragma once

#include "core/Result.h"
#include "ops/OpsTypes.h"

#include <QList>
#include <QObject>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QWebSocket;

namespace patchbay {

class ExecutionNotifier;

// The ops API's live updates (/api/v1/ops/live): each WebSocket client is sent, as one JSON text message each
// (OpsJson's LiveUpdate form), the executions started, progressed and finished and the connections changed that an
// ExecutionNotifier reports, filtered to its key's tenant when the key is bound to one.
//
// Qt HttpServer 6.4 upgrades a connection before any handler could look at its key, so the key comes as the
// client's first message: {"type":"auth","key":"pb_..."}. The answer is {"type":"ready"}, after which updates
// flow; a bad or refused key, any other first message, or none within the auth timeout closes the socket with
// close code 1008 (policy violation) and a reason that says which. Messages after the first are ignored.
class OpsLiveFeed : public QObject
{
    Q_OBJECT
public:
    // Checks a key: the tenant it is bound to (nullopt: all tenants), or the Error that refuses it.
    using Authenticate = std::function<Result<std::optional<qint64>>(const QString &key)>;

    static constexpr std::chrono::milliseconds kDefaultAuthTimeout{5000};
    static inline const QString kPath = QStringLiteral("/api/v1/ops/live");

    OpsLiveFeed(ExecutionNotifier &notifier, Authenticate authenticate, QObject *parent = nullptr);
    ~OpsLiveFeed() override;

    void setAuthTimeout(std::chrono::milliseconds timeout) { m_authTimeout = timeout; }

    // Takes a socket the HTTP server upgraded; one at another path than kPath is closed at once.
    void accept(std::unique_ptr<QWebSocket> socket);

    // Clients that passed authentication and are sent updates.
    int listenerCount() const;

private:
    class Client;

    void publish(const LiveUpdate &update);

    Authenticate m_authenticate;
    std::chrono::milliseconds m_authTimeout = kDefaultAuthTimeout;
    QList<Client *> m_clients; // children of this object
};

} // namespace patchbay
