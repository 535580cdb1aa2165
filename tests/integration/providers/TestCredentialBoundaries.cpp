// Where a connection's credentials may go, proved over loopback with two small stand-in servers for Microsoft Graph:
// a next-page link to another origin (another port counts) fails the read and the other server never hears from
// Patchbay, while a link on the API's own origin is followed; and a credential holding a line break never becomes a
// header of its own: nothing is sent, and the failure names the header, never the secret.
#include "ProviderReadFixture.h"
#include "core/Clock.h"
#include "server/HttpService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

namespace {

const QString kMessages = QStringLiteral("messages");
const QString kToken = QStringLiteral("graph-access-token-1");

// A server that answers its pages in order (the last one again and again) and remembers what it was sent.
class PageServer
{
public:
    PageServer()
    {
        m_http.setHandler([this](const HttpServerRequest &request) {
            const QJsonObject page = m_pages.at(std::min<qsizetype>(m_requests.size(), m_pages.size() - 1));
            m_requests.append(request);
            return HttpServerResponse::json(QJsonDocument(page).toJson(QJsonDocument::Compact));
        });
    }

    bool listen() { return m_http.listen() != 0; }
    QString origin() const { return m_http.baseUrl().toString(QUrl::StripTrailingSlash); }
    QString authority() const { return m_http.baseUrl().authority(); }
    void setPages(const QList<QJsonObject> &pages) { m_pages = pages; }
    const QList<HttpServerRequest> &requests() const { return m_requests; }

private:
    HttpService m_http;
    QList<QJsonObject> m_pages{{{QStringLiteral("value"), QJsonArray()}}};
    QList<HttpServerRequest> m_requests;
};

QJsonObject pageLinkingTo(const QString &next)
{
    return {{QStringLiteral("value"),
             QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("m-1")},
                                    {QStringLiteral("subject"), QStringLiteral("Hello")},
                                    {QStringLiteral("lastModifiedDateTime"), QStringLiteral("2026-01-02T03:04:05Z")}}}},
            {QStringLiteral("@odata.nextLink"), next}};
}

} // namespace

class TestCredentialBoundaries : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void nextLinkToAnotherOriginIsNotFollowed_data();
    void nextLinkToAnotherOriginIsNotFollowed();
    void nextLinkOnTheApiOriginIsFollowed();
    void lineBreakInACredentialSendsNothing_data();
    void lineBreakInACredentialSendsNothing();

private:
    qint64 connectMailbox(const QString &accessToken);

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<PageServer> m_api;
    std::unique_ptr<PageServer> m_elsewhere;
};

void TestCredentialBoundaries::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_api = std::make_unique<PageServer>();
    m_elsewhere = std::make_unique<PageServer>();
    QVERIFY(m_api->listen());
    QVERIFY(m_elsewhere->listen());
}

void TestCredentialBoundaries::cleanup()
{
    m_elsewhere.reset();
    m_api.reset();
    m_fixture.reset();
}

qint64 TestCredentialBoundaries::connectMailbox(const QString &accessToken)
{
    const QJsonObject config{{QStringLiteral("originOverrides"),
                              QJsonObject{{QStringLiteral("https://login.microsoftonline.com"), m_api->origin()},
                                          {QStringLiteral("https://graph.microsoft.com"), m_api->origin()}}},
                             {QStringLiteral("tenant_id"), QStringLiteral("contoso")}};
    return m_fixture->connect(QStringLiteral("graph"), config,
                              ProviderReadFixture::oauth(QStringLiteral("client-1"), QStringLiteral("secret-1"),
                                                         accessToken, QStringLiteral("refresh-1"),
                                                         QDateTime::currentDateTimeUtc().addSecs(3600)));
}

void TestCredentialBoundaries::nextLinkToAnotherOriginIsNotFollowed_data()
{
    // The link, with ELSEWHERE standing for the other server's host and port.
    QTest::addColumn<QString>("link");
    QTest::newRow("another port") << QStringLiteral("http://ELSEWHERE/v1.0/me/mailFolders/inbox/messages/delta?p=2");
    // Starts like the API's URL, but what follows the @ is the host.
    QTest::newRow("user info") << QStringLiteral("https://graph.microsoft.com@ELSEWHERE/v1.0/me/messages?p=2");
}

void TestCredentialBoundaries::nextLinkToAnotherOriginIsNotFollowed()
{
    QFETCH(QString, link);
    const qint64 connection = connectMailbox(kToken);
    m_api->setPages({pageLinkingTo(QString(link).replace(QLatin1String("ELSEWHERE"), m_elsewhere->authority()))});
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto read = sync->read(connection, kMessages);
    QVERIFY(read.ok());
    QCOMPARE(read->status, ExecutionStatus::Failed);
    QCOMPARE(read->errorCode, QStringLiteral("http.foreign_origin"));
    QVERIFY2(read->errorMessage.contains(m_elsewhere->authority()), qPrintable(read->errorMessage));
    QVERIFY(!read->errorMessage.contains(kToken));
    // The first page came from the API with the token; the other origin was sent nothing at all.
    QCOMPARE(m_api->requests().size(), 1);
    QCOMPARE(m_api->requests().first().header("authorization"), "Bearer " + kToken.toUtf8());
    QCOMPARE(m_elsewhere->requests().size(), 0);
    const QString events = m_fixture->eventText(read->id);
    QVERIFY2(events.contains(QLatin1String("Refused to send the connection's credentials to")), qPrintable(events));
}

void TestCredentialBoundaries::nextLinkOnTheApiOriginIsFollowed()
{
    // Graph links name https://graph.microsoft.com, which the connection's override points at the API server.
    const qint64 connection = connectMailbox(kToken);
    m_api->setPages({pageLinkingTo(QStringLiteral("https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/"
                                                  "delta?$skiptoken=2")),
                     {{QStringLiteral("value"), QJsonArray()},
                      {QStringLiteral("@odata.deltaLink"),
                       QStringLiteral("https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta?"
                                      "$deltatoken=3")}}});
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto read = sync->read(connection, kMessages);
    QVERIFY(read.ok());
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(m_api->requests().size(), 2);
    QVERIFY(m_api->requests().at(1).url.toString().contains(QLatin1String("skiptoken=2")));
    for (const HttpServerRequest &request : m_api->requests())
        QCOMPARE(request.header("authorization"), "Bearer " + kToken.toUtf8());
    QCOMPARE(m_elsewhere->requests().size(), 0);
}

void TestCredentialBoundaries::lineBreakInACredentialSendsNothing_data()
{
    QTest::addColumn<QString>("token");
    QTest::newRow("CR LF") << QStringLiteral("abc\r\nX-Injected: yes");
    QTest::newRow("LF") << QStringLiteral("abc\nX-Injected: yes");
    QTest::newRow("CR") << QStringLiteral("abc\rX-Injected: yes");
    QTest::newRow("NUL") << QStringLiteral("abc") + QChar(0) + QStringLiteral("X-Injected: yes");
}

void TestCredentialBoundaries::lineBreakInACredentialSendsNothing()
{
    QFETCH(QString, token);
    const qint64 connection = connectMailbox(token);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto read = sync->read(connection, kMessages);
    QVERIFY(read.ok());
    QCOMPARE(read->status, ExecutionStatus::Failed);
    QCOMPARE(read->errorCode, QStringLiteral("http.invalid_header"));
    QVERIFY2(read->errorMessage.contains(QLatin1String("Authorization")), qPrintable(read->errorMessage));
    QCOMPARE(m_api->requests().size(), 0);
    const QString events = m_fixture->eventText(read->id);
    for (const QString &text : {read->errorMessage, events}) {
        QVERIFY2(!text.contains(QLatin1String("abc")), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("X-Injected")), qPrintable(text));
    }
    for (const Exchange &exchange : m_fixture->store().executions().exchanges(read->id).value())
        QVERIFY(!exchange.requestHeaders.contains({"Authorization", "Bearer " + token.toUtf8()}));
}

QTEST_GUILESS_MAIN(TestCredentialBoundaries)
#include "TestCredentialBoundaries.moc"
