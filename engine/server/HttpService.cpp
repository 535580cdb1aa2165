#include "HttpService.h"

#include "RequestSizeGuard.h"
#include "core/Logging.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpServer>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QtGlobal>

namespace patchbay {

QByteArray HttpServerRequest::header(const QByteArray &lowerCaseName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

HttpServerResponse HttpServerResponse::json(const QByteArray &body, int status)
{
    HttpServerResponse response;
    response.status = status;
    response.body = body;
    response.headers.emplaceBack("Content-Type", "application/json;charset=utf-8");
    return response;
}

HttpServerResponse HttpServerResponse::text(const QByteArray &body, int status)
{
    HttpServerResponse response;
    response.status = status;
    response.body = body;
    response.headers.emplaceBack("Content-Type", "text/plain;charset=utf-8");
    return response;
}

HttpServerResponse &HttpServerResponse::withHeader(const QByteArray &name, const QByteArray &value)
{
    headers.emplaceBack(name, value);
    return *this;
}

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

HttpServerRequest toRequest(const QHttpServerRequest &request)
{
    HttpServerRequest result;
    result.method = methodName(request.method());
    result.url = request.url();
    for (const auto &[name, value] : request.headers())
        result.headers.emplaceBack(name.toLower(), value);
    result.body = request.body();
    result.remoteAddress = request.remoteAddress();
    return result;
}

void writeResponse(QHttpServerResponder &responder, const HttpServerResponse &response)
{
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    bool hasContentType = false;
    for (const auto &[name, value] : response.headers) {
        hasContentType = hasContentType || name.compare("content-type", Qt::CaseInsensitive) == 0;
        responder.writeHeader(name, value);
    }
    if (!hasContentType && !response.body.isEmpty())
        responder.writeHeader("Content-Type", "application/octet-stream");
    responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    responder.writeBody(response.body);
}

} // namespace

class HttpService::Server : public QAbstractHttpServer
{
public:
    // A child of its HttpService, so moving the service to another thread moves the server with it.
    explicit Server(HttpService *owner) : QAbstractHttpServer(owner), m_owner(owner) {}

protected:
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override
    {
        if (isWebSocketUpgrade(request))
            return true;
        // From 6.5 on, a responder keeps its connection's stream alive until it is destroyed, and writing after the
        // client went is dropped by the socket: the responder alone is enough to answer later.
        answer(dispatch(request), std::move(responder), {});
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QHttpServerResponder &responder) override
    {
        writeResponse(responder, HttpServerResponse::text("not found", 404));
    }
#else
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        if (isWebSocketUpgrade(request))
            return true;
        // In 6.4 the responder holds a plain pointer to the socket, which is deleted when the client disconnects:
        // the QPointer says whether it is still there when the answer is ready.
        answer(dispatch(request), makeResponder(request, socket), QPointer<QTcpSocket>(socket));
        return true;
    }
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        QHttpServerResponder responder = makeResponder(request, socket);
        writeResponse(responder, HttpServerResponse::text("not found", 404));
    }
#endif

private:
    // Qt asks the handler whether to take an upgrade request and upgrades the connection when it says yes; it must
    // then have written nothing, since the WebSocket handshake answers. Taken only while someone takes the sockets.
    bool isWebSocketUpgrade(const QHttpServerRequest &request) const
    {
        return m_owner->m_webSocketHandler
            && request.value(QByteArrayLiteral("upgrade")).compare(QByteArrayLiteral("websocket"), Qt::CaseInsensitive) == 0;
    }

    QFuture<HttpServerResponse> dispatch(const QHttpServerRequest &request)
    {
        if (!m_owner->m_handler)
            return QtFuture::makeReadyFuture(HttpServerResponse::text("no handler installed", 503));
        const HttpServerRequest received = toRequest(request);
        qCDebug(lcServer).noquote() << received.method << received.url.path();
        return m_owner->m_handler(received);
    }

    // Writes the answer now when it is there, else keeps the responder until the future finishes. socket is null
    // where Qt keeps the connection alive for the responder itself (6.5 and newer).
    void answer(QFuture<HttpServerResponse> future, QHttpServerResponder &&responder, QPointer<QTcpSocket> socket)
    {
        const bool tracksSocket = !socket.isNull();
        if (future.isFinished()) {
            writeResponse(responder, resultOf(future));
            return;
        }
        auto pending = std::make_shared<QHttpServerResponder>(std::move(responder));
        const auto write = [pending, socket, tracksSocket](const HttpServerResponse &response) {
            if (tracksSocket && (socket.isNull() || socket->state() != QAbstractSocket::ConnectedState)) {
                qCDebug(lcServer) << "client left before its answer was ready";
                return;
            }
            writeResponse(*pending, response);
        };
        future.then(this, [write](const HttpServerResponse &response) { write(response); })
            .onCanceled(this, [write] { write(cancelled()); });
    }

    static HttpServerResponse cancelled()
    {
        return HttpServerResponse::json(
            R"({"error":{"code":"server.cancelled","message":"The server stopped this request before answering."}})",
            503);
    }

    static HttpServerResponse resultOf(const QFuture<HttpServerResponse> &future)
    {
        return future.isCanceled() || future.resultCount() == 0 ? cancelled() : future.result();
    }

    HttpService *m_owner;
};

// Puts a RequestSizeGuard on each connection before the HTTP server sees it.
class HttpService::GuardedTcpServer : public QTcpServer
{
public:
    GuardedTcpServer(qint64 maxBodyBytes, BodyLimit bodyLimit, std::optional<QSslConfiguration> tls, QObject *parent)
        : QTcpServer(parent), m_maxBodyBytes(maxBodyBytes), m_bodyLimit(std::move(bodyLimit)), m_tls(std::move(tls))
    {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        QSslSocket *tls = m_tls ? new QSslSocket(this) : nullptr;
        QTcpSocket *socket = tls ? tls : new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        // Qt writes a response in pieces (the head, then each buffered chunk of the body). With Nagle's algorithm
        // a later piece waits for the ACK of the earlier one, which a client on a kept-alive connection delays by
        // about 40 ms: responses larger than one 16 KB write buffer chunk came that late.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        new RequestSizeGuard(socket, m_maxBodyBytes, m_bodyLimit);
        if (tls)
            startTls(tls);
        addPendingConnection(socket);
    }

private:
    // The HTTP server may take the socket at once: a QSslSocket announces only decrypted bytes, so nothing reaches
    // the guard or the server before the handshake is done. A client that never completes it is cut off.
    void startTls(QSslSocket *socket)
    {
        socket->setSslConfiguration(*m_tls);
        QTimer::singleShot(HttpService::kTlsHandshakeMs, socket, [socket] {
            if (!socket->isEncrypted())
                socket->abort();
        });
        connect(socket, &QSslSocket::sslErrors, socket, [socket](const QList<QSslError> &errors) {
            qCDebug(lcServer).noquote() << "TLS handshake with" << socket->peerAddress().toString()
                                        << "failed:" << (errors.isEmpty() ? QString() : errors.first().errorString());
        });
        socket->startServerEncryption();
    }

    qint64 m_maxBodyBytes;
    BodyLimit m_bodyLimit;
    std::optional<QSslConfiguration> m_tls;
};

HttpService::HttpService(QObject *parent) : QObject(parent), m_server(std::make_unique<Server>(this)) {}

HttpService::~HttpService() = default;

void HttpService::setHandler(Handler handler)
{
    m_handler = [handler = std::move(handler)](const HttpServerRequest &request) {
        return QtFuture::makeReadyFuture(handler(request));
    };
}

void HttpService::setAsyncHandler(AsyncHandler handler)
{
    m_handler = std::move(handler);
}

void HttpService::setWebSocketHandler(WebSocketHandler handler)
{
    // Qt upgrades a connection only while something listens for the new sockets.
    if (!m_webSocketHandler) {
        connect(m_server.get(), &QAbstractHttpServer::newWebSocketConnection, this, [this] {
            while (m_server->hasPendingWebSocketConnections())
                m_webSocketHandler(m_server->nextPendingWebSocketConnection());
        });
    }
    m_webSocketHandler = std::move(handler);
}

quint16 HttpService::listen(const QHostAddress &address, quint16 port)
{
    m_address = address;
    auto *tcp = new GuardedTcpServer(m_maxBodyBytes, m_bodyLimit, m_tls, m_server.get());
    if (!tcp->listen(address, port)) {
        delete tcp;
        m_port = 0;
        return 0;
    }
    m_server->bind(tcp);
    m_port = tcp->serverPort();
    return m_port;
}

void HttpService::stopListening()
{
    for (QTcpServer *tcp : m_server->servers())
        tcp->close();
}

QUrl HttpService::baseUrl() const
{
    QUrl url;
    url.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_address.toString());
    url.setPort(m_port);
    return url;
}

} // namespace patchbay
