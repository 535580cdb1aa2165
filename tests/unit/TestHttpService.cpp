#include "server/HttpService.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPromise>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

using namespace patchbay;

// The server adapter on a kept-alive connection. A response the socket sends in pieces must not wait for the
// client's delayed ACK (Nagle's algorithm): answers of a few dozen kilobytes then came about 40 ms late. The tests
// assert the socket setting and that kept-alive answers arrive whole, not a timing.
class TestHttpService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptedConnectionsSendWithoutDelay();
    void keptAliveConnectionAnswersLargeResponsesInTurn();
    void asyncHandlerAnswersWhenItsFutureFinishes();
    void answerForAClientThatLeftIsDropped();
    void oversizeBodyIsRefusedWithAJsonError();
};

namespace {

// True once `received` holds a whole response with a body of bodyBytes.
bool isWholeResponse(const QByteArray &received, qsizetype bodyBytes)
{
    const qsizetype head = received.indexOf("\r\n\r\n");
    return head >= 0 && received.size() >= head + 4 + bodyBytes;
}

// A client connection that collects what the server sends.
struct Client
{
    explicit Client(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { received += socket.readAll(); });
    }
    QTcpSocket socket;
    QByteArray received;
};

} // namespace

void TestHttpService::acceptedConnectionsSendWithoutDelay()
{
    HttpService service;
    service.setHandler([](const HttpServerRequest &) { return HttpServerResponse::text("ok"); });
    QVERIFY(service.listen() != 0);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(client.waitForConnected(5000));
    QTRY_COMPARE(service.findChildren<QTcpSocket *>().size(), qsizetype(1));
    QTcpSocket *accepted = service.findChildren<QTcpSocket *>().constFirst();
    QCOMPARE(accepted->socketOption(QAbstractSocket::LowDelayOption).toInt(), 1);
    int noDelay = 0;
    socklen_t length = sizeof noDelay;
    QCOMPARE(::getsockopt(int(accepted->socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &noDelay, &length), 0);
    QVERIFY(noDelay != 0);
}

void TestHttpService::keptAliveConnectionAnswersLargeResponsesInTurn()
{
    const QByteArray body(200 * 1024, 'x');
    int answered = 0;
    HttpService service;
    service.setHandler([&](const HttpServerRequest &) {
        ++answered;
        return HttpServerResponse::text(body);
    });
    QVERIFY(service.listen() != 0);
    Client client(service.port());
    QVERIFY(client.socket.waitForConnected(5000));
    QByteArray &response = client.received;
    for (int i = 1; i <= 3; ++i) {
        response.clear();
        client.socket.write("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(isWholeResponse(response, body.size()), 10000);
        QVERIFY2(response.startsWith("HTTP/1.1 200"), response.left(200).constData());
        QVERIFY(response.endsWith(body));
        QCOMPARE(answered, i);
    }
    QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
}

void TestHttpService::asyncHandlerAnswersWhenItsFutureFinishes()
{
    // Two kept-alive requests, each answered by a promise fulfilled later from the event loop.
    QList<std::shared_ptr<QPromise<HttpServerResponse>>> pending;
    HttpService service;
    service.setAsyncHandler([&](const HttpServerRequest &request) {
        auto promise = std::make_shared<QPromise<HttpServerResponse>>();
        promise->start();
        pending.append(promise);
        const QByteArray body = "late " + request.url.path().toUtf8();
        QTimer::singleShot(50, [promise, body] {
            promise->addResult(HttpServerResponse::text(body, 202));
            promise->finish();
        });
        return promise->future();
    });
    QVERIFY(service.listen() != 0);
    Client client(service.port());
    QVERIFY(client.socket.waitForConnected(5000));
    QByteArray &response = client.received;
    for (const QByteArray path : {"/one", "/two"}) {
        response.clear();
        client.socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const QByteArray body = "late " + path;
        QTRY_VERIFY_WITH_TIMEOUT(isWholeResponse(response, body.size()), 10000);
        QVERIFY2(response.startsWith("HTTP/1.1 202"), response.constData());
        QVERIFY(response.endsWith(body));
    }
    QCOMPARE(pending.size(), 2);
}

void TestHttpService::answerForAClientThatLeftIsDropped()
{
    auto promise = std::make_shared<QPromise<HttpServerResponse>>();
    promise->start();
    bool asked = false;
    HttpService service;
    service.setAsyncHandler([&](const HttpServerRequest &) {
        asked = true;
        return promise->future();
    });
    QVERIFY(service.listen() != 0);
    {
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, service.port());
        QVERIFY(client.waitForConnected(5000));
        client.write("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QTRY_VERIFY(asked);
        client.abort();
    }
    // The server notices the client gone (and deletes its socket) before the answer is ready.
    QTRY_COMPARE(service.findChildren<QTcpSocket *>().size(), qsizetype(0));
    promise->addResult(HttpServerResponse::text("too late"));
    promise->finish();
    QTest::qWait(50); // the continuation runs; it must not touch the deleted socket

    // The server still answers others.
    service.setHandler([](const HttpServerRequest &) { return HttpServerResponse::text("ok"); });
    Client next(service.port());
    QVERIFY(next.socket.waitForConnected(5000));
    next.socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_VERIFY(isWholeResponse(next.received, 2));
    QVERIFY(next.received.endsWith("ok"));
}

void TestHttpService::oversizeBodyIsRefusedWithAJsonError()
{
    bool handled = false;
    HttpService service;
    service.setMaxBodyBytes(1000);
    service.setHandler([&](const HttpServerRequest &) {
        handled = true;
        return HttpServerResponse::text("ok");
    });
    QVERIFY(service.listen() != 0);
    Client client(service.port());
    QVERIFY(client.socket.waitForConnected(5000));
    const QByteArray &response = client.received;
    client.socket.write("POST /api HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: 1001\r\n\r\n");
    QTRY_VERIFY(response.contains("\r\n\r\n") && response.endsWith('}'));
    QVERIFY2(response.startsWith("HTTP/1.1 413"), response.constData());
    const QJsonObject error =
        QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object().value("error").toObject();
    QCOMPARE(error.value("code").toString(), QStringLiteral("request.too_large"));
    QVERIFY(error.value("message").toString().contains(QLatin1String("1000 bytes")));
    QVERIFY(!handled);
}

QTEST_GUILESS_MAIN(TestHttpService)
#include "TestHttpService.moc"
