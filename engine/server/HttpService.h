#pragma once

#include <QByteArray>
#include <QFuture>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>

class QWebSocket;

namespace patchbay {

// One HTTP request as the server side sees it. Header names are lower-case.
struct HttpServerRequest
{
    QByteArray method; // "GET", "POST", ...
    QUrl url;          // path and query as sent
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QHostAddress remoteAddress;

    QString path() const { return url.path(); }
    QUrlQuery query() const { return QUrlQuery(url); }
    QByteArray header(const QByteArray &lowerCaseName) const;
};

struct HttpServerResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    static HttpServerResponse json(const QByteArray &body, int status = 200);
    static HttpServerResponse text(const QByteArray &body, int status = 200);
    HttpServerResponse &withHeader(const QByteArray &name, const QByteArray &value);
};

// A loopback-or-network HTTP server with a single dispatch function. It hides the QtHttpServer
// API, which changed after Qt 6.4, behind one small class that builds with 6.4 and newer.
//
// A handler answers at once (Handler) or later (AsyncHandler: the answer is written when its future finishes, on
// this object's thread). Until then the connection waits; when the client has gone by then, the answer is dropped
// (nothing is written to a closed socket). A future that is cancelled answers 503. Clients that pipeline requests
// on one connection get answers in the order the futures finish, so patchbayd's clients do not pipeline.
class HttpService : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<HttpServerResponse(const HttpServerRequest &)>;
    using AsyncHandler = std::function<QFuture<HttpServerResponse>(const HttpServerRequest &)>;

    explicit HttpService(QObject *parent = nullptr);
    ~HttpService() override;

    void setHandler(Handler handler);
    void setAsyncHandler(AsyncHandler handler);

    // Requests to upgrade to a WebSocket (at any path: Qt 6.4 accepts the upgrade before anyone can look at the
    // request) hand the open socket to this handler. Without one, upgrades are refused.
    using WebSocketHandler = std::function<void(std::unique_ptr<QWebSocket>)>;
    void setWebSocketHandler(WebSocketHandler handler);

    // Serves HTTPS instead of plain HTTP with this configuration's certificate (chain) and private key (set before
    // listen). Each connection's TLS handshake comes first; the size checks and the HTTP server see decrypted bytes
    // only. A client that speaks plain HTTP, or does not finish its handshake within kTlsHandshakeMs, is dropped.
    void setTls(const QSslConfiguration &configuration) { m_tls = configuration; }
    bool servesTls() const { return m_tls.has_value(); }
    static constexpr int kTlsHandshakeMs = 10000;

    // Requests with a larger body are refused with 413 on the socket, before they are buffered (set before listen).
    static constexpr qint64 kDefaultMaxBodyBytes = 8 * 1024 * 1024;
    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = bytes; }
    qint64 maxBodyBytes() const { return m_maxBodyBytes; }
    // The limit of one request by its target's path (as sent), instead of maxBodyBytes for every request (set before
    // listen): given the path and maxBodyBytes, it answers the limit.
    using BodyLimit = std::function<qint64(const QString &encodedPath, qint64 fallback)>;
    void setBodyLimit(BodyLimit limit) { m_bodyLimit = std::move(limit); }

    // Returns the bound port (useful with port 0), or 0 when the address could not be bound.
    quint16 listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const { return m_port; }
    // Stops accepting connections; connections already open are still answered (a server shutting down).
    void stopListening();
    QUrl baseUrl() const;

private:
    class Server;
    class GuardedTcpServer;
    std::unique_ptr<Server> m_server;
    qint64 m_maxBodyBytes = kDefaultMaxBodyBytes;
    std::optional<QSslConfiguration> m_tls;
    BodyLimit m_bodyLimit;
    AsyncHandler m_handler;
    WebSocketHandler m_webSocketHandler;
    QHostAddress m_address;
    quint16 m_port = 0;
};

} // namespace patchbay
