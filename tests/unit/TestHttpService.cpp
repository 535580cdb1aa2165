#include "server/HttpService.h"

#include <QTcpSocket>
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
};

namespace {

// True once `received` holds a whole response with a body of bodyBytes.
bool isWholeResponse(const QByteArray &received, qsizetype bodyBytes)
{
    const qsizetype head = received.indexOf("\r\n\r\n");
    return head >= 0 && received.size() >= head + 4 + bodyBytes;
}

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
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(client.waitForConnected(5000));
    QByteArray response;
    connect(&client, &QTcpSocket::readyRead, this, [&] { response += client.readAll(); });
    for (int i = 1; i <= 3; ++i) {
        response.clear();
        client.write("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(isWholeResponse(response, body.size()), 10000);
        QVERIFY2(response.startsWith("HTTP/1.1 200"), response.left(200).constData());
        QVERIFY(response.endsWith(body));
        QCOMPARE(answered, i);
    }
    QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
}

QTEST_GUILESS_MAIN(TestHttpService)
#include "TestHttpService.moc"
