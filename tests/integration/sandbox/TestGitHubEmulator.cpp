#include "SandboxTestFixture.h"
#include "github/GitHubEmulator.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>
#include <QUrlQuery>
#include <QUuid>

#include <memory>

using namespace patchbay::sandbox;

// Drives the GitHub emulator over loopback HTTP.
class TestGitHubEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void linkPagingVisitsEveryIssueExactlyOnce_data();
    void linkPagingVisitsEveryIssueExactlyOnce();
    void rateLimitHeadersOnEveryResponse();
    void rateLimitAnswersAre403Or429_data();
    void rateLimitAnswersAre403Or429();
    void tokenSchemesAndOAuthRefresh();
    void sinceSelectsUpdatedIssues();
    void customPropertiesAreTheSchema();
    void createIssueValidates();
    void webhookSignatureVerifiesWithIndependentHmac();

private:
    QString repo(const QString &rest) const { return QStringLiteral("/repos/acme/widgets") + rest; }

    std::unique_ptr<GitHubEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestGitHubEmulator::init()
{
    QVERIFY(SandboxTestFixture::start(m_emulator, m_client));
}

void TestGitHubEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

void TestGitHubEmulator::linkPagingVisitsEveryIssueExactlyOnce_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<int>("perPage");
    QTest::addColumn<int>("expected");
    // 35 issues and 35 pull requests: the issues endpoint lists both.
    QTest::newRow("issues and pulls") << QStringLiteral("/issues?state=all") << 30 << 70;
    QTest::newRow("pulls only") << QStringLiteral("/pulls?state=all") << 10 << 35;
}

void TestGitHubEmulator::linkPagingVisitsEveryIssueExactlyOnce()
{
    QFETCH(QString, endpoint);
    QFETCH(int, perPage);
    QFETCH(int, expected);
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 35, 5);
    QSet<qint64> seen;
    int pulls = 0;
    int pages = 0;
    QString next = repo(endpoint) + QStringLiteral("&per_page=%1").arg(perPage);
    while (!next.isEmpty()) {
        const SandboxReply reply = m_client->get(next, owner.accessToken);
        QCOMPARE(reply.status, 200);
        for (const QJsonValue &value : reply.array) {
            QVERIFY(!seen.contains(value.toObject().value(QStringLiteral("number")).toInteger()));
            seen.insert(value.toObject().value(QStringLiteral("number")).toInteger());
            pulls += value.toObject().contains(QStringLiteral("pull_request")) ? 1 : 0;
        }
        const auto links = SandboxTestFixture::parseLinks(reply.header("Link"));
        next = links.value(QStringLiteral("next"));
        QCOMPARE(links.contains(QStringLiteral("last")), !next.isEmpty());
        QVERIFY(++pages <= expected / perPage + 1);
    }
    QCOMPARE(seen.size(), expected);
    QCOMPARE(pages, (expected + perPage - 1) / perPage);
    if (endpoint.startsWith(QLatin1String("/issues")))
        QCOMPARE(pulls, 35);
    // The default state is open, so a plain list shows fewer.
    const QString openOnly = repo(endpoint.section(QLatin1Char('?'), 0, 0) + QStringLiteral("?per_page=100"));
    QVERIFY(m_client->get(openOnly, owner.accessToken).array.size() < expected);
}

void TestGitHubEmulator::rateLimitHeadersOnEveryResponse()
{
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 3, 1);
    const SandboxReply first = m_client->get(repo(QStringLiteral("/issues")), owner.accessToken);
    const SandboxReply second = m_client->get(repo(QStringLiteral("/issues")), owner.accessToken);
    QCOMPARE(second.header("x-ratelimit-limit"), QByteArray("5000"));
    QCOMPARE(second.header("x-ratelimit-used").toInt(), first.header("x-ratelimit-used").toInt() + 1);
    QCOMPARE(second.header("x-ratelimit-remaining").toInt(), 5000 - second.header("x-ratelimit-used").toInt());
    QVERIFY(second.header("x-ratelimit-reset").toLongLong() > QDateTime::currentSecsSinceEpoch());
    QCOMPARE(second.header("x-ratelimit-resource"), QByteArray("core"));
}

void TestGitHubEmulator::rateLimitAnswersAre403Or429_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("403") << 403;
    QTest::newRow("429") << 429;
}

void TestGitHubEmulator::rateLimitAnswersAre403Or429()
{
    QFETCH(int, status);
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 3, 1);
    m_emulator->setRateLimitStatus(status);
    m_emulator->failNextRequests(1, 30);
    const SandboxReply limited = m_client->get(repo(QStringLiteral("/issues")), owner.accessToken);
    QCOMPARE(limited.status, status);
    QCOMPARE(limited.header("x-ratelimit-remaining"), QByteArray("0"));
    QVERIFY(limited.header("x-ratelimit-reset").toLongLong() >= QDateTime::currentSecsSinceEpoch() + 29);
    QVERIFY(limited.json.value(QStringLiteral("message")).toString().contains(QStringLiteral("rate limit")));

    // A secondary limit through the control API: retry-after instead.
    const SandboxReply control = m_client->postJson(
        QStringLiteral("/_sandbox/fail-next"),
        {{QStringLiteral("count"), 1}, {QStringLiteral("retryAfterSeconds"), 60}, {QStringLiteral("secondary"), true}},
        {});
    QCOMPARE(control.status, 200);
    const SandboxReply secondary = m_client->get(repo(QStringLiteral("/issues")), owner.accessToken);
    QCOMPARE(secondary.status, status);
    QCOMPARE(secondary.header("retry-after"), QByteArray("60"));
    QCOMPARE(m_client->get(repo(QStringLiteral("/issues")), owner.accessToken).status, 200);
}

void TestGitHubEmulator::tokenSchemesAndOAuthRefresh()
{
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 3, 1);
    QVERIFY(owner.apiKey.startsWith(QStringLiteral("ghp_")));
    QCOMPARE(
        m_client
            ->send("GET", repo(QStringLiteral("/issues")), {}, {{"Authorization", "token " + owner.apiKey.toLatin1()}})
            .status,
        200);
    const SandboxReply bad = m_client->get(repo(QStringLiteral("/issues")), QStringLiteral("nope"));
    QCOMPARE(bad.status, 401);
    QCOMPARE(bad.json.value(QStringLiteral("message")).toString(), QStringLiteral("Bad credentials"));

    // Form-encoded unless JSON is asked for; the refresh token rotates.
    const QByteArray form = "grant_type=refresh_token&client_id=" + owner.clientId.toLatin1() +
                            "&client_secret=" + owner.clientSecret.toLatin1() +
                            "&refresh_token=" + owner.refreshToken.toLatin1();
    const SandboxReply encoded = m_client->send("POST", QStringLiteral("/login/oauth/access_token"), form,
                                                {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(encoded.status, 200);
    const QUrlQuery answer(QString::fromLatin1(encoded.body));
    QVERIFY(answer.queryItemValue(QStringLiteral("access_token")).startsWith(QStringLiteral("ghu_")));
    QCOMPARE(answer.queryItemValue(QStringLiteral("expires_in")), QStringLiteral("28800"));
    const QString rotated = answer.queryItemValue(QStringLiteral("refresh_token"));
    QVERIFY(!rotated.isEmpty() && rotated != owner.refreshToken);
    const SandboxReply reused =
        m_client->send("POST", QStringLiteral("/login/oauth/access_token"), form,
                       {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}});
    QCOMPARE(reused.json.value(QStringLiteral("error")).toString(), QStringLiteral("bad_verification_code"));
    QCOMPARE(
        m_client->get(repo(QStringLiteral("/issues")), answer.queryItemValue(QStringLiteral("access_token"))).status,
        200);
}

void TestGitHubEmulator::sinceSelectsUpdatedIssues()
{
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 40, 2);
    const QString since = QDateTime::currentDateTimeUtc().addSecs(-1).toString(Qt::ISODate);
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 3) +
                                m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("pulls"), 2);
    const SandboxReply changed = m_client->get(
        repo(QStringLiteral("/issues?state=all&sort=updated&direction=asc&since=") + since), owner.accessToken);
    QCOMPARE(changed.status, 200);
    QSet<QString> found;
    for (const QJsonValue &value : changed.array)
        found.insert(QString::number(value.toObject().value(QStringLiteral("number")).toInteger()));
    QCOMPARE(found, QSet<QString>(touched.begin(), touched.end()));

    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("issues"), touched.first()));
    QCOMPARE(m_client->get(repo(QStringLiteral("/issues/") + touched.first()), owner.accessToken).status, 410);
}

void TestGitHubEmulator::customPropertiesAreTheSchema()
{
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 2, 1);
    QCOMPARE(m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("issues"), QStringLiteral("Cost Center"),
                                        FieldKind::Picklist),
             QStringLiteral("cost_center"));
    const SandboxReply schema = m_client->get(QStringLiteral("/orgs/acme/properties/schema"), owner.accessToken);
    QCOMPARE(schema.status, 200);
    QCOMPARE(schema.array.size(), 1);
    const QJsonObject property = schema.array.first().toObject();
    QCOMPARE(property.value(QStringLiteral("property_name")).toString(), QStringLiteral("cost_center"));
    QCOMPARE(property.value(QStringLiteral("value_type")).toString(), QStringLiteral("single_select"));
    QCOMPARE(property.value(QStringLiteral("allowed_values")).toArray().size(), 3);
    const SandboxReply values = m_client->get(repo(QStringLiteral("/properties/values")), owner.accessToken);
    QVERIFY(property.value(QStringLiteral("allowed_values"))
                .toArray()
                .contains(values.array.first().toObject().value(QStringLiteral("value"))));
}

void TestGitHubEmulator::createIssueValidates()
{
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 2, 1);
    const SandboxReply invalid = m_client->postJson(
        repo(QStringLiteral("/issues")), {{QStringLiteral("body"), QStringLiteral("no title")}}, owner.accessToken);
    QCOMPARE(invalid.status, 422);
    QCOMPARE(invalid.json.value(QStringLiteral("message")).toString(), QStringLiteral("Validation Failed"));
    const QJsonObject error = invalid.json.value(QStringLiteral("errors")).toArray().first().toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("missing_field"));
    QCOMPARE(error.value(QStringLiteral("field")).toString(), QStringLiteral("title"));

    const SandboxReply created = m_client->postJson(
        repo(QStringLiteral("/issues")), {{QStringLiteral("title"), QStringLiteral("Found a bug")}}, owner.accessToken);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("number")).toInteger(), 5);
    QCOMPARE(created.json.value(QStringLiteral("state")).toString(), QStringLiteral("open"));
}

void TestGitHubEmulator::webhookSignatureVerifiesWithIndependentHmac()
{
    const SandboxAccountCredentials owner = m_emulator->addOwner(QStringLiteral("acme"), 2, 1);
    WebhookReceiver receiver;
    QVERIFY(
        m_emulator->sendWebhook(QStringLiteral("acme"), receiver.url(), QStringLiteral("issues"), QStringLiteral("1")));
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());
    const QByteArray expected =
        "sha256=" +
        QMessageAuthenticationCode::hash(delivery->body, owner.webhookSecret.toUtf8(), QCryptographicHash::Sha256)
            .toHex();
    QCOMPARE(delivery->header("x-hub-signature-256"), expected);
    QCOMPARE(delivery->header("x-github-event"), QByteArray("issues"));
    QVERIFY(!QUuid::fromString(QString::fromLatin1(delivery->header("x-github-delivery"))).isNull());
    QCOMPARE(QJsonDocument::fromJson(delivery->body)
                 .object()
                 .value(QStringLiteral("issue"))
                 .toObject()
                 .value(QStringLiteral("number"))
                 .toInteger(),
             1);
}

QTEST_GUILESS_MAIN(TestGitHubEmulator)
#include "TestGitHubEmulator.moc"
