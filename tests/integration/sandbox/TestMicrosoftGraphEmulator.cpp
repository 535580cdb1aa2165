#include "SandboxTestFixture.h"
#include "graph/MicrosoftGraphEmulator.h"

#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace patchbay::sandbox;

namespace {

// A product's notification endpoint: answers Graph's validation request (echoing the token, or not) and records
// the notifications it receives.
class NotificationEndpoint
{
public:
    explicit NotificationEndpoint(bool echoToken) : m_echoToken(echoToken)
    {
        m_http.setHandler([this](const patchbay::HttpServerRequest &request) {
            const QString token = request.query().queryItemValue(QStringLiteral("validationToken"), QUrl::FullyDecoded);
            if (!token.isEmpty()) {
                m_validationContentType = request.header("content-type");
                ++m_validations;
                return patchbay::HttpServerResponse::text(m_echoToken ? token.toUtf8() : QByteArray("hello"));
            }
            m_notifications.append(QJsonDocument::fromJson(request.body).object());
            return patchbay::HttpServerResponse::text({}, 202);
        });
        m_http.listen();
    }
    QUrl url() const { return m_http.baseUrl().resolved(QUrl(QStringLiteral("/graph/notifications"))); }
    int validations() const { return m_validations; }
    QByteArray validationContentType() const { return m_validationContentType; }
    std::optional<QJsonObject> waitForNotification()
    {
        if (!QTest::qWaitFor([this] { return !m_notifications.isEmpty(); }, 5000))
            return std::nullopt;
        return m_notifications.first();
    }

private:
    patchbay::HttpService m_http;
    bool m_echoToken = true;
    int m_validations = 0;
    QByteArray m_validationContentType;
    QList<QJsonObject> m_notifications;
};

QSet<QString> idsOf(const QJsonArray &items)
{
    QSet<QString> ids;
    for (const QJsonValue &value : items)
        ids.insert(value.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

} // namespace

// Drives the Microsoft Graph emulator over loopback HTTP.
class TestMicrosoftGraphEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void nextLinkOnEveryPageButTheLast_data();
    void nextLinkOnEveryPageButTheLast();
    void tokenEndpointUnderTheTenantPath();
    void throttlingAnswers429WithRetryAfter();
    void deltaRoundsEndWithADeltaLinkAndReportChanges();
    void staleDeltaTokenAnswers410();
    void calendarViewDeltaNeedsAWindow();
    void schemaExtensionsCarryCustomFields();
    void createEventValidates();
    void subscriptionValidatesTheEndpointAndNotifiesWithClientState();
    void subscriptionFailsWhenTheEndpointDoesNotEcho();

private:
    // Follows nextLinks from url; returns the items and checks that only the last page has a deltaLink.
    QJsonArray followRound(const QString &url, const QString &token, int pageSize, QString *deltaLink);
    SandboxReply getPaged(const QString &url, const QString &token, int pageSize)
    {
        return m_client->send("GET", url, {},
                              {{"Authorization", "Bearer " + token.toLatin1()},
                               {"Prefer", "odata.maxpagesize=" + QByteArray::number(pageSize)}});
    }

    std::unique_ptr<MicrosoftGraphEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestMicrosoftGraphEmulator::init()
{
    QVERIFY(SandboxTestFixture::start(m_emulator, m_client));
}

void TestMicrosoftGraphEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

QJsonArray TestMicrosoftGraphEmulator::followRound(const QString &url, const QString &token, int pageSize,
                                                   QString *deltaLink)
{
    QJsonArray items;
    QString next = url;
    for (int pages = 0; !next.isEmpty() && pages < 100; ++pages) {
        const SandboxReply reply = getPaged(next, token, pageSize);
        if (reply.status != 200)
            return {};
        for (const QJsonValue &value : reply.json.value(QStringLiteral("value")).toArray())
            items.append(value);
        next = reply.json.value(QStringLiteral("@odata.nextLink")).toString();
        *deltaLink = reply.json.value(QStringLiteral("@odata.deltaLink")).toString();
        if (next.isEmpty() == deltaLink->isEmpty()) // exactly one of the two on every page
            return {};
    }
    return items;
}

void TestMicrosoftGraphEmulator::nextLinkOnEveryPageButTheLast_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("items");
    QTest::addColumn<int>("top");
    QTest::newRow("messages") << QStringLiteral("/v1.0/me/messages") << 25 << 10;
    QTest::newRow("events, exact pages") << QStringLiteral("/v1.0/me/events") << 20 << 5;
    QTest::newRow("empty") << QStringLiteral("/v1.0/me/messages") << 0 << 10;
}

void TestMicrosoftGraphEmulator::nextLinkOnEveryPageButTheLast()
{
    QFETCH(QString, path);
    QFETCH(int, items);
    QFETCH(int, top);
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), items, 3);
    QSet<QString> seen;
    int pages = 0;
    QString next = path + QStringLiteral("?$top=%1").arg(top);
    while (!next.isEmpty()) {
        const SandboxReply reply = m_client->get(next, mailbox.accessToken);
        QCOMPARE(reply.status, 200);
        const QSet<QString> page = idsOf(reply.json.value(QStringLiteral("value")).toArray());
        QVERIFY(!seen.intersects(page));
        seen.unite(page);
        next = reply.json.value(QStringLiteral("@odata.nextLink")).toString();
        QVERIFY(!reply.json.contains(QStringLiteral("@odata.deltaLink")));
        QVERIFY(++pages <= items / top + 1);
    }
    QCOMPARE(seen.size(), items);
    QCOMPARE(pages, std::max(1, (items + top - 1) / top));
}

void TestMicrosoftGraphEmulator::tokenEndpointUnderTheTenantPath()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 3, 1);
    const SandboxReply refreshed =
        m_client->postForm(QStringLiteral("/contoso/oauth2/v2.0/token"),
                           {{QStringLiteral("client_id"), mailbox.clientId},
                            {QStringLiteral("client_secret"), mailbox.clientSecret},
                            {QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                            {QStringLiteral("refresh_token"), mailbox.refreshToken},
                            {QStringLiteral("scope"), QStringLiteral("Mail.Read offline_access")}});
    QCOMPARE(refreshed.status, 200);
    QCOMPARE(refreshed.json.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QVERIFY(refreshed.json.value(QStringLiteral("ext_expires_in")).toInt() > 0);
    QVERIFY(refreshed.json.value(QStringLiteral("scope")).toString().contains(QStringLiteral("Mail.Read")));
    const QString access = refreshed.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_client->get(QStringLiteral("/v1.0/me/messages"), access).status, 200);

    QVERIFY(m_emulator->expireAccessTokens(QStringLiteral("contoso")));
    const SandboxReply expired = m_client->get(QStringLiteral("/v1.0/me/messages"), access);
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("InvalidAuthenticationToken"));
    QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("contoso")));
    const SandboxReply revoked = m_client->postForm(QStringLiteral("/common/oauth2/v2.0/token"),
                                                    {{QStringLiteral("client_id"), mailbox.clientId},
                                                     {QStringLiteral("client_secret"), mailbox.clientSecret},
                                                     {QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                                     {QStringLiteral("refresh_token"), mailbox.refreshToken}});
    QCOMPARE(revoked.status, 400);
    QCOMPARE(revoked.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(!revoked.json.value(QStringLiteral("error_codes")).toArray().isEmpty());
}

void TestMicrosoftGraphEmulator::throttlingAnswers429WithRetryAfter()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 3, 1);
    m_emulator->failNextRequests(1, 9);
    const SandboxReply limited = m_client->get(QStringLiteral("/v1.0/me/messages"), mailbox.accessToken);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("9"));
    const QJsonObject error = limited.json.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("TooManyRequests"));
    QVERIFY(error.value(QStringLiteral("innerError")).toObject().contains(QStringLiteral("request-id")));
    QCOMPARE(m_client->get(QStringLiteral("/v1.0/me/messages"), mailbox.accessToken).status, 200);
}

void TestMicrosoftGraphEmulator::deltaRoundsEndWithADeltaLinkAndReportChanges()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 23, 2);
    QString deltaLink;
    const QJsonArray initial =
        followRound(QStringLiteral("/v1.0/me/mailFolders/inbox/messages/delta"), mailbox.accessToken, 5, &deltaLink);
    QCOMPARE(idsOf(initial).size(), 23);
    QCOMPARE(initial.size(), 23);
    QVERIFY(deltaLink.contains(QStringLiteral("$deltatoken=")));

    const QStringList touched = m_emulator->touchRecords(QStringLiteral("contoso"), QStringLiteral("messages"), 3);
    QString removed;
    for (const QJsonValue &value : initial) {
        removed = value.toObject().value(QStringLiteral("id")).toString();
        if (!touched.contains(removed))
            break;
    }
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("contoso"), QStringLiteral("messages"), removed));
    QString nextDelta;
    const QJsonArray changes = followRound(deltaLink, mailbox.accessToken, 2, &nextDelta);
    QCOMPARE(idsOf(changes), QSet<QString>(touched.begin(), touched.end()) + QSet<QString>{removed});
    for (const QJsonValue &value : changes) {
        const bool isRemoved = value.toObject().value(QStringLiteral("id")).toString() == removed;
        QCOMPARE(value.toObject().contains(QStringLiteral("@removed")), isRemoved);
    }
    // Nothing changed since: an empty round that still ends with a deltaLink.
    QString lastDelta;
    QCOMPARE(followRound(nextDelta, mailbox.accessToken, 5, &lastDelta).size(), 0);
    QVERIFY(!lastDelta.isEmpty());
}

void TestMicrosoftGraphEmulator::staleDeltaTokenAnswers410()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 4, 2);
    QString deltaLink;
    followRound(QStringLiteral("/v1.0/me/events/delta"), mailbox.accessToken, 10, &deltaLink);
    QVERIFY(!deltaLink.isEmpty());
    QCOMPARE(m_client->postJson(QStringLiteral("/_sandbox/mailboxes/contoso/invalidate-delta-tokens"), {}, {}).status,
             200);
    const SandboxReply stale = m_client->get(deltaLink, mailbox.accessToken);
    QCOMPARE(stale.status, 410);
    QCOMPARE(stale.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("syncStateNotFound"));
    QCOMPARE(m_client->get(QStringLiteral("/v1.0/me/events/delta?$deltatoken=garbage"), mailbox.accessToken).status,
             410);
}

void TestMicrosoftGraphEmulator::calendarViewDeltaNeedsAWindow()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 30, 5);
    QCOMPARE(m_client->get(QStringLiteral("/v1.0/me/calendarView/delta"), mailbox.accessToken).status, 400);
    const QDateTime from = QDateTime::currentDateTimeUtc().addDays(-30);
    const QDateTime to = QDateTime::currentDateTimeUtc();
    QUrlQuery window;
    window.addQueryItem(QStringLiteral("startDateTime"), from.toString(Qt::ISODate));
    window.addQueryItem(QStringLiteral("endDateTime"), to.toString(Qt::ISODate));
    QString deltaLink;
    const QJsonArray events =
        followRound(QStringLiteral("/v1.0/me/calendarView/delta?") + window.toString(QUrl::FullyEncoded),
                    mailbox.accessToken, 4, &deltaLink);
    QVERIFY(!deltaLink.isEmpty());
    QVERIFY(events.size() < 30);
    for (const QJsonValue &value : events) {
        const QDateTime start = QDateTime::fromString(value.toObject()
                                                          .value(QStringLiteral("start"))
                                                          .toObject()
                                                          .value(QStringLiteral("dateTime"))
                                                          .toString()
                                                          .left(19),
                                                      Qt::ISODate);
        QVERIFY(start.toSecsSinceEpoch() < to.toSecsSinceEpoch() + 1);
    }
}

void TestMicrosoftGraphEmulator::schemaExtensionsCarryCustomFields()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 3, 1);
    QCOMPARE(m_emulator->addCustomField(QStringLiteral("contoso"), QStringLiteral("messages"),
                                        QStringLiteral("Case Number"), FieldKind::Number),
             QStringLiteral("caseNumber"));
    const SandboxReply extensions = m_client->get(QStringLiteral("/v1.0/schemaExtensions"), mailbox.accessToken);
    QCOMPARE(extensions.status, 200);
    const QJsonObject extension = extensions.json.value(QStringLiteral("value")).toArray().first().toObject();
    QCOMPARE(extension.value(QStringLiteral("targetTypes")).toArray().first().toString(), QStringLiteral("Message"));
    const QJsonObject property = extension.value(QStringLiteral("properties")).toArray().first().toObject();
    QCOMPARE(property.value(QStringLiteral("name")).toString(), QStringLiteral("caseNumber"));
    QCOMPARE(property.value(QStringLiteral("type")).toString(), QStringLiteral("Integer"));
    const QJsonObject message = m_client->get(QStringLiteral("/v1.0/me/messages?$top=1"), mailbox.accessToken)
                                    .json.value(QStringLiteral("value"))
                                    .toArray()
                                    .first()
                                    .toObject();
    QVERIFY(message.value(extension.value(QStringLiteral("id")).toString())
                .toObject()
                .value(QStringLiteral("caseNumber"))
                .isDouble());
}

void TestMicrosoftGraphEmulator::createEventValidates()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 2, 1);
    const SandboxReply invalid =
        m_client->postJson(QStringLiteral("/v1.0/me/events"), {{QStringLiteral("subject"), QStringLiteral("No time")}},
                           mailbox.accessToken);
    QCOMPARE(invalid.status, 400);
    QVERIFY(invalid.json.value(QStringLiteral("error")).toObject().contains(QStringLiteral("code")));
    const auto at = [](const char *time) {
        return QJsonObject{{QStringLiteral("dateTime"), QLatin1String(time)},
                           {QStringLiteral("timeZone"), QStringLiteral("UTC")}};
    };
    const SandboxReply created = m_client->postJson(QStringLiteral("/v1.0/me/events"),
                                                    {{QStringLiteral("subject"), QStringLiteral("Planning")},
                                                     {QStringLiteral("start"), at("2026-03-02T09:00:00")},
                                                     {QStringLiteral("end"), at("2026-03-02T10:00:00")}},
                                                    mailbox.accessToken);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("subject")).toString(), QStringLiteral("Planning"));
    QVERIFY(created.json.value(QStringLiteral("start"))
                .toObject()
                .value(QStringLiteral("dateTime"))
                .toString()
                .startsWith(QStringLiteral("2026-03-02T09:00:00")));
    QCOMPARE(m_client->get(QStringLiteral("/v1.0/me/events"), mailbox.accessToken)
                 .json.value(QStringLiteral("value"))
                 .toArray()
                 .size(),
             3);
}

void TestMicrosoftGraphEmulator::subscriptionValidatesTheEndpointAndNotifiesWithClientState()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 3, 1);
    NotificationEndpoint endpoint(true);
    const QJsonObject request{
        {QStringLiteral("changeType"), QStringLiteral("created,updated")},
        {QStringLiteral("notificationUrl"), endpoint.url().toString()},
        {QStringLiteral("resource"), QStringLiteral("me/mailFolders('Inbox')/messages")},
        {QStringLiteral("expirationDateTime"), QDateTime::currentDateTimeUtc().addDays(2).toString(Qt::ISODateWithMs)},
        {QStringLiteral("clientState"), QStringLiteral("secret-client-state")}};
    const SandboxReply created =
        m_client->postJson(QStringLiteral("/v1.0/subscriptions"), request, mailbox.accessToken);
    QCOMPARE(created.status, 201);
    QCOMPARE(endpoint.validations(), 1);
    QVERIFY(endpoint.validationContentType().startsWith("text/plain"));
    const QString subscriptionId = created.json.value(QStringLiteral("id")).toString();
    QVERIFY(!subscriptionId.isEmpty());

    const QString messageId = m_client->get(QStringLiteral("/v1.0/me/messages?$top=1"), mailbox.accessToken)
                                  .json.value(QStringLiteral("value"))
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(QStringLiteral("id"))
                                  .toString();
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("contoso"), QUrl(), QStringLiteral("messages"), messageId));
    const auto notification = endpoint.waitForNotification();
    QVERIFY(notification.has_value());
    const QJsonObject change = notification->value(QStringLiteral("value")).toArray().first().toObject();
    QCOMPARE(change.value(QStringLiteral("clientState")).toString(), QStringLiteral("secret-client-state"));
    QCOMPARE(change.value(QStringLiteral("subscriptionId")).toString(), subscriptionId);
    QCOMPARE(change.value(QStringLiteral("resourceData")).toObject().value(QStringLiteral("id")).toString(), messageId);
    // Nothing subscribes to events.
    QVERIFY(!m_emulator->sendWebhook(QStringLiteral("contoso"), QUrl(), QStringLiteral("events"),
                                     m_client->get(QStringLiteral("/v1.0/me/events?$top=1"), mailbox.accessToken)
                                         .json.value(QStringLiteral("value"))
                                         .toArray()
                                         .first()
                                         .toObject()
                                         .value(QStringLiteral("id"))
                                         .toString()));
}

void TestMicrosoftGraphEmulator::subscriptionFailsWhenTheEndpointDoesNotEcho()
{
    const SandboxAccountCredentials mailbox = m_emulator->addMailbox(QStringLiteral("contoso"), 3, 1);
    NotificationEndpoint endpoint(false);
    const SandboxReply refused = m_client->postJson(
        QStringLiteral("/v1.0/subscriptions"),
        {{QStringLiteral("changeType"), QStringLiteral("updated")},
         {QStringLiteral("notificationUrl"), endpoint.url().toString()},
         {QStringLiteral("resource"), QStringLiteral("me/events")},
         {QStringLiteral("expirationDateTime"), QDateTime::currentDateTimeUtc().addDays(1).toString(Qt::ISODate)}},
        mailbox.accessToken);
    QCOMPARE(refused.status, 400);
    QCOMPARE(endpoint.validations(), 1);
    QVERIFY(refused.json.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("validation request failed")));
    QVERIFY(m_emulator->subscriptions(QStringLiteral("contoso")).isEmpty());
}

QTEST_GUILESS_MAIN(TestMicrosoftGraphEmulator)
#include "TestMicrosoftGraphEmulator.moc"
