// RemoteOps' transport, against small servers of the test's own on loopback: TLS trust (the system's, or a CA
// certificate given), answers that are not the ops API's, and answers handed out in the order of the calls. What it
// answers for every OpsApi method is the contract suite's (tests/contract).

#include "SelfSignedCertificate.h"
#include "ops/remote/RemoteOps.h"
#include "server/DaemonConfig.h"
#include "server/HttpService.h"

#include <QFile>
#include <QPromise>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

namespace {

const QByteArray kIdentity = R"({"keyName":"ada","role":"support","tenantId":null,"tenantName":null})";

template <typename T>
std::optional<T> wait(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 20000))
        return std::nullopt;
    return future.result();
}

} // namespace

class TestRemoteOps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void trustsTheGivenCaCertificate();
    void unknownCertificateIsARemoteTlsError();
    void caCertificateFileIsCheckedWhenRead();
    void answerThatIsNotTheOpsApisSaysToCheckTheUrl();
    void answersArriveInTheOrderOfTheCalls();

private:
    QTemporaryDir m_dir;
    test::SelfSignedCertificate m_certificate;
    QString m_certificatePath;
    QString m_keyPath;
};

void TestRemoteOps::initTestCase()
{
    m_certificate = test::SelfSignedCertificate::generate();
    QVERIFY2(m_certificate.error.isEmpty(), qPrintable(m_certificate.error));
    QVERIFY2(m_certificate.writeTo(m_dir.path(), &m_certificatePath, &m_keyPath), qPrintable(m_certificate.error));
}

void TestRemoteOps::trustsTheGivenCaCertificate()
{
    DaemonConfig config;
    config.tlsCertificate = m_certificatePath;
    config.tlsKey = m_keyPath;
    const auto tls = config.tlsConfiguration();
    QVERIFY(tls && tls->has_value());
    HttpService server;
    server.setTls(tls->value());
    QByteArray authorization;
    server.setHandler([&](const HttpServerRequest &request) {
        authorization = request.header("authorization");
        return HttpServerResponse::json(kIdentity);
    });
    QVERIFY(server.listen() != 0);

    const auto certificates = RemoteOps::readCaCertificates(m_certificatePath);
    QVERIFY(certificates);
    RemoteOps remote(RemoteServer{server.baseUrl(), SecretBytes("pb_secret"), certificates.value()});
    const auto identity = wait(remote.whoami());
    QVERIFY(identity);
    QVERIFY2(identity->ok(), qPrintable(identity->ok() ? QString() : identity->error().toString()));
    QCOMPARE(identity->value().keyName, QStringLiteral("ada"));
    QCOMPARE(identity->value().role, ApiRole::Support);
    QCOMPARE(authorization, QByteArray("Bearer pb_secret"));
}

void TestRemoteOps::unknownCertificateIsARemoteTlsError()
{
    DaemonConfig config;
    config.tlsCertificate = m_certificatePath;
    config.tlsKey = m_keyPath;
    HttpService server;
    server.setTls(config.tlsConfiguration()->value());
    bool reached = false;
    server.setHandler([&](const HttpServerRequest &) {
        reached = true;
        return HttpServerResponse::json(kIdentity);
    });
    QVERIFY(server.listen() != 0);

    RemoteOps remote(RemoteServer{server.baseUrl(), SecretBytes("pb_secret"), {}});
    const auto identity = wait(remote.whoami());
    QVERIFY(identity && !identity->ok());
    QCOMPARE(identity->error().code, QStringLiteral("remote.tls"));
    QVERIFY(identity->error().message.contains(QStringLiteral("CA certificate")));
    QVERIFY(!reached); // the key never left
}

void TestRemoteOps::caCertificateFileIsCheckedWhenRead()
{
    QCOMPARE(RemoteOps::readCaCertificates(m_dir.filePath(QStringLiteral("missing.pem"))).error().code,
             QStringLiteral("remote.bad_ca_certificate"));
    QFile notACertificate(m_dir.filePath(QStringLiteral("text.pem")));
    QVERIFY(notACertificate.open(QIODevice::WriteOnly) && notACertificate.write("hello\n") > 0);
    notACertificate.close();
    const auto refused = RemoteOps::readCaCertificates(notACertificate.fileName());
    QCOMPARE(refused.error().code, QStringLiteral("remote.bad_ca_certificate"));
    QVERIFY(refused.error().message.contains(QStringLiteral("holds no certificate")));
}

void TestRemoteOps::answerThatIsNotTheOpsApisSaysToCheckTheUrl()
{
    HttpService server;
    server.setHandler([](const HttpServerRequest &) { return HttpServerResponse::text("<html>welcome</html>"); });
    QVERIFY(server.listen() != 0);
    RemoteOps remote(RemoteServer{server.baseUrl(), SecretBytes("pb_secret"), {}});
    const auto tenants = wait(remote.tenants());
    QVERIFY(tenants && !tenants->ok());
    QCOMPARE(tenants->error().code, QStringLiteral("remote.bad_answer"));
    QVERIFY(tenants->error().message.contains(QStringLiteral("check the server URL")));

    // A redirect is not followed with the key.
    int calls = 0;
    server.setHandler([&calls](const HttpServerRequest &) {
        ++calls;
        return HttpServerResponse::text("moved", 301).withHeader("location", "http://127.0.0.1:1/elsewhere");
    });
    const auto redirected = wait(remote.tenants());
    QVERIFY(redirected && !redirected->ok());
    QCOMPARE(redirected->error().code, QStringLiteral("remote.bad_answer"));
    QCOMPARE(calls, 1);

    // JSON of another shape is not taken for an answer either.
    server.setHandler([](const HttpServerRequest &) { return HttpServerResponse::json(R"({"tenants":[]})"); });
    const auto shaped = wait(remote.tenants());
    QVERIFY(shaped && !shaped->ok());
    QCOMPARE(shaped->error().code, QStringLiteral("remote.bad_answer"));
}

void TestRemoteOps::answersArriveInTheOrderOfTheCalls()
{
    // The first call's answer comes last; it is still handed out first.
    HttpService server;
    auto slow = std::make_shared<QPromise<HttpServerResponse>>();
    server.setAsyncHandler([slow](const HttpServerRequest &request) {
        if (request.url.path().endsWith(QLatin1String("/tenants"))) {
            slow->start();
            return slow->future();
        }
        return QtFuture::makeReadyFuture(HttpServerResponse::json("[]"));
    });
    QVERIFY(server.listen() != 0);
    RemoteOps remote(RemoteServer{server.baseUrl(), SecretBytes("pb_secret"), {}});
    QStringList order;
    auto first = remote.tenants().then([&](const Result<QList<Tenant>> &) { order.append(QStringLiteral("tenants")); });
    auto second = remote.connections().then(
        [&](const Result<QList<ConnectionSummary>> &) { order.append(QStringLiteral("connections")); });
    QTest::qWait(300); // the second answer is in by now, and waits
    QVERIFY(order.isEmpty());
    slow->addResult(HttpServerResponse::json("[]"));
    slow->finish();
    QTRY_COMPARE(order, QStringList({QStringLiteral("tenants"), QStringLiteral("connections")}));
}

QTEST_GUILESS_MAIN(TestRemoteOps)
#include "TestRemoteOps.moc"
