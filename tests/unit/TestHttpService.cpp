#include "SelfSignedCertificate.h"
#include "server/DaemonConfig.h"
#include "server/HttpService.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPromise>
#include <QSslSocket>
#include <QTemporaryDir>
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
    void tlsServesHttpsWithTheConfiguredCertificate();
    void tlsRefusesPlainHttpAndOversizeBodies();
    void tlsConfigurationNamesWhatIsWrong();
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

namespace {

// The server's TLS setup as patchbayd loads it from files (DaemonConfig::tlsConfiguration), for a fresh certificate.
struct TlsFiles
{
    QTemporaryDir dir;
    test::SelfSignedCertificate certificate = test::SelfSignedCertificate::generate();
    QString certificatePath;
    QString keyPath;

    bool write() { return certificate.error.isEmpty() && certificate.writeTo(dir.path(), &certificatePath, &keyPath); }
    Result<std::optional<QSslConfiguration>> load() const
    {
        DaemonConfig config;
        config.tlsCertificate = certificatePath;
        config.tlsKey = keyPath;
        return config.tlsConfiguration();
    }
};

// A client that trusts only the test's certificate and checks the name, as a browser would.
struct TlsClient
{
    TlsClient(quint16 port, const QByteArray &certificatePem)
    {
        QSslConfiguration configuration = socket.sslConfiguration();
        configuration.setCaCertificates(QSslCertificate::fromData(certificatePem, QSsl::Pem));
        socket.setSslConfiguration(configuration);
        QObject::connect(&socket, &QSslSocket::readyRead, &socket, [this] { received += socket.readAll(); });
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    }
    QSslSocket socket;
    QByteArray received;
};

} // namespace

void TestHttpService::tlsServesHttpsWithTheConfiguredCertificate()
{
    TlsFiles files;
    QVERIFY2(files.write(), qPrintable(files.certificate.error));
    const auto tls = files.load();
    QVERIFY2(tls && tls->has_value(), qPrintable(tls ? QString() : tls.error().message));
    HttpService service;
    service.setTls(tls->value());
    service.setHandler([](const HttpServerRequest &request) { return HttpServerResponse::text("hello " + request.method); });
    QVERIFY(service.listen() != 0);
    QCOMPARE(service.baseUrl().scheme(), QStringLiteral("https"));

    TlsClient client(service.port(), files.certificate.certificatePem);
    // The server answers on this thread: wait with the event loop running, not waitForEncrypted().
    QTRY_VERIFY2_WITH_TIMEOUT(client.socket.isEncrypted(), qPrintable(client.socket.errorString()), 10000);
    QCOMPARE(client.socket.peerCertificate().toPem(), files.certificate.certificatePem);
    client.socket.write("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_VERIFY(client.received.endsWith("hello GET"));
    QVERIFY(client.received.startsWith("HTTP/1.1 200"));
}

void TestHttpService::tlsRefusesPlainHttpAndOversizeBodies()
{
    TlsFiles files;
    QVERIFY2(files.write(), qPrintable(files.certificate.error));
    bool handled = false;
    HttpService service;
    service.setTls(files.load()->value());
    service.setMaxBodyBytes(1000);
    service.setHandler([&](const HttpServerRequest &) {
        handled = true;
        return HttpServerResponse::text("ok");
    });
    QVERIFY(service.listen() != 0);

    // Plain HTTP on the HTTPS port: no request is read, nothing is answered in the clear, the connection ends.
    Client plain(service.port());
    QVERIFY(plain.socket.waitForConnected(5000));
    plain.socket.write("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(plain.socket.state(), QAbstractSocket::UnconnectedState, 10000);
    QVERIFY(!plain.received.contains("HTTP/1.1"));
    QVERIFY(!handled);

    // The body limit holds behind TLS too: refused from the head, before the body is read.
    TlsClient client(service.port(), files.certificate.certificatePem);
    // The server answers on this thread: wait with the event loop running, not waitForEncrypted().
    QTRY_VERIFY2_WITH_TIMEOUT(client.socket.isEncrypted(), qPrintable(client.socket.errorString()), 10000);
    client.socket.write("POST /api HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: 5000\r\n\r\n");
    QTRY_VERIFY(client.received.contains("\r\n\r\n") && client.received.endsWith('}'));
    QVERIFY2(client.received.startsWith("HTTP/1.1 413"), client.received.constData());
    QVERIFY(!handled);
}

void TestHttpService::tlsConfigurationNamesWhatIsWrong()
{
    TlsFiles files;
    QVERIFY2(files.write(), qPrintable(files.certificate.error));
    // A key others can read is refused, naming the fix.
    QFile(files.keyPath).setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup);
    auto loaded = files.load();
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().code, QStringLiteral("config.bad_value"));
    QVERIFY2(loaded.error().message.contains(QLatin1String("chmod 600")), qPrintable(loaded.error().message));
    QFile(files.keyPath).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    QVERIFY(files.load());

    // Not a certificate, not a key, no file: each named.
    QFile garbage(files.dir.filePath(QStringLiteral("garbage.pem")));
    QVERIFY(garbage.open(QIODevice::WriteOnly) && garbage.write("not pem") > 0);
    garbage.close();
    QFile(garbage.fileName()).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    DaemonConfig config;
    config.tlsCertificate = garbage.fileName();
    config.tlsKey = files.keyPath;
    loaded = config.tlsConfiguration();
    QVERIFY(!loaded && loaded.error().message.startsWith(QLatin1String("tlsCertificate: no PEM certificate")));
    config.tlsCertificate = files.certificatePath;
    config.tlsKey = garbage.fileName();
    loaded = config.tlsConfiguration();
    QVERIFY(!loaded && loaded.error().message.startsWith(QLatin1String("tlsKey: no unencrypted PEM private key")));
    config.tlsKey = files.dir.filePath(QStringLiteral("missing.pem"));
    loaded = config.tlsConfiguration();
    QVERIFY(!loaded && loaded.error().message.startsWith(QLatin1String("tlsKey: cannot read")));
}

QTEST_GUILESS_MAIN(TestHttpService)
#include "TestHttpService.moc"
