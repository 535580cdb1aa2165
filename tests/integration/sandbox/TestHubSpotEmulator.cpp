#include "hubspot/HubSpotEmulator.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace patchbay::sandbox;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

} // namespace

// Drives the emulator the way a client does: real HTTP over loopback with QNetworkAccessManager.
class TestHubSpotEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void pagingVisitsEveryContactExactlyOnce_data();
    void pagingVisitsEveryContactExactlyOnce();
    void lastPageHasNoPaging();
    void listReturnsDefaultOrRequestedPropertiesOnly();
    void listRejectsLimitAboveHundred();
    void seedingIsDeterministic();

    void refreshGrantIssuesWorkingTokenAndExpiredTokenStopsWorking();
    void tokenEndpointRejectsBadCredentials_data();
    void tokenEndpointRejectsBadCredentials();
    void authorizationCodeFlowIssuesTokens();
    void missingOrUnknownTokenIsUnauthorized();

    void injectedRateLimitAnswers429WithRetryAfter();
    void apiResponsesCarryRateLimitHeaders();

    void searchFindsContactsTouchedSinceTimestamp();
    void searchPagesWithOffsetAndStopsAtTenThousand();
    void searchRejectsUnknownPropertyAndOperator();

    void propertiesIncludeCustomOnes();
    void deletedContactIsArchived();
    void controlApiWorksOverHttp();

private:
    Reply send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
               const QByteArray &contentType = "application/json", const QString &token = QString());
    Reply get(const QString &pathAndQuery, const QString &token) { return send("GET", pathAndQuery, {}, {}, token); }
    Reply search(const QJsonObject &request, const QString &token);
    Reply refresh(const QString &clientId, const QString &clientSecret, const QString &refreshToken);

    std::unique_ptr<HubSpotEmulator> m_emulator;
    std::unique_ptr<QNetworkAccessManager> m_network;
    QUrl m_baseUrl;
};

void TestHubSpotEmulator::init()
{
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_baseUrl = m_emulator->baseUrl();
    m_network = std::make_unique<QNetworkAccessManager>();
}

void TestHubSpotEmulator::cleanup()
{
    m_network.reset();
    m_emulator.reset();
}

Reply TestHubSpotEmulator::send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                                const QByteArray &contentType, const QString &token)
{
    QNetworkRequest request(m_baseUrl.resolved(QUrl(pathAndQuery)));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

Reply TestHubSpotEmulator::search(const QJsonObject &request, const QString &token)
{
    return send("POST", QStringLiteral("/crm/v3/objects/contacts/search"),
                QJsonDocument(request).toJson(QJsonDocument::Compact), "application/json", token);
}

Reply TestHubSpotEmulator::refresh(const QString &clientId, const QString &clientSecret, const QString &refreshToken)
{
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
    form.addQueryItem(QStringLiteral("client_id"), clientId);
    form.addQueryItem(QStringLiteral("client_secret"), clientSecret);
    form.addQueryItem(QStringLiteral("refresh_token"), refreshToken);
    return send("POST", QStringLiteral("/oauth/v1/token"), form.toString(QUrl::FullyEncoded).toLatin1(),
                "application/x-www-form-urlencoded");
}

void TestHubSpotEmulator::pagingVisitsEveryContactExactlyOnce_data()
{
    QTest::addColumn<int>("contactCount");
    QTest::addColumn<int>("limit");
    QTest::newRow("several pages, partial last") << 57 << 10;
    QTest::newRow("exact multiple of the page") << 40 << 10;
    QTest::newRow("one full page") << 100 << 100;
    QTest::newRow("many pages at the maximum") << 1234 << 100;
    QTest::newRow("empty portal") << 0 << 10;
}

void TestHubSpotEmulator::pagingVisitsEveryContactExactlyOnce()
{
    QFETCH(int, contactCount);
    QFETCH(int, limit);
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), contactCount, 7);

    QSet<QString> seen;
    QString after;
    int pages = 0;
    do {
        QString path = QStringLiteral("/crm/v3/objects/contacts?limit=%1").arg(limit);
        if (!after.isEmpty())
            path += QStringLiteral("&after=") + after;
        const Reply reply = get(path, portal.accessToken);
        QCOMPARE(reply.status, 200);
        ++pages;
        for (const QJsonValue &value : reply.json.value(QStringLiteral("results")).toArray()) {
            const QString id = value.toObject().value(QStringLiteral("id")).toString();
            QVERIFY2(!seen.contains(id), qPrintable(QStringLiteral("contact %1 seen twice").arg(id)));
            seen.insert(id);
        }
        after = reply.json.value(QStringLiteral("paging"))
                    .toObject()
                    .value(QStringLiteral("next"))
                    .toObject()
                    .value(QStringLiteral("after"))
                    .toString();
        QVERIFY(pages <= contactCount / limit + 1);
    } while (!after.isEmpty());

    QCOMPARE(seen.size(), contactCount);
    QCOMPARE(pages, std::max(1, (contactCount + limit - 1) / limit));
}

void TestHubSpotEmulator::lastPageHasNoPaging()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 15, 3);

    const Reply first = get(QStringLiteral("/crm/v3/objects/contacts?limit=10"), portal.accessToken);
    const QJsonObject next =
        first.json.value(QStringLiteral("paging")).toObject().value(QStringLiteral("next")).toObject();
    QCOMPARE(first.json.value(QStringLiteral("results")).toArray().size(), 10);
    QVERIFY(!next.value(QStringLiteral("after")).toString().isEmpty());
    // The link is the next page's full URL and works as is.
    const QUrl link(next.value(QStringLiteral("link")).toString());
    QCOMPARE(link.port(), m_baseUrl.port());
    const Reply viaLink = get(link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority), portal.accessToken);
    QCOMPARE(viaLink.json.value(QStringLiteral("results")).toArray().size(), 5);

    const Reply last = get(QStringLiteral("/crm/v3/objects/contacts?limit=10&after=%1")
                               .arg(next.value(QStringLiteral("after")).toString()),
                           portal.accessToken);
    QCOMPARE(last.status, 200);
    QCOMPARE(last.json.value(QStringLiteral("results")).toArray().size(), 5);
    QVERIFY(!last.json.contains(QStringLiteral("paging")));

    const Reply single = get(QStringLiteral("/crm/v3/objects/contacts?limit=15"), portal.accessToken);
    QVERIFY(!single.json.contains(QStringLiteral("paging")));
}

void TestHubSpotEmulator::listReturnsDefaultOrRequestedPropertiesOnly()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 5, 3);

    const Reply defaults = get(QStringLiteral("/crm/v3/objects/contacts"), portal.accessToken);
    const QJsonObject contact = defaults.json.value(QStringLiteral("results")).toArray().first().toObject();
    QStringList keys = contact.value(QStringLiteral("properties")).toObject().keys();
    keys.sort();
    QCOMPARE(keys, QStringList({QStringLiteral("createdate"), QStringLiteral("email"), QStringLiteral("firstname"),
                                QStringLiteral("hs_object_id"), QStringLiteral("lastmodifieddate"),
                                QStringLiteral("lastname")}));
    QCOMPARE(contact.value(QStringLiteral("archived")).toBool(true), false);
    QVERIFY(QDateTime::fromString(contact.value(QStringLiteral("updatedAt")).toString(), Qt::ISODateWithMs).isValid());
    QCOMPARE(contact.value(QStringLiteral("properties")).toObject().value(QStringLiteral("hs_object_id")).toString(),
             contact.value(QStringLiteral("id")).toString());

    const Reply chosen = get(QStringLiteral("/crm/v3/objects/contacts?properties=company,phone"), portal.accessToken);
    const QJsonObject properties = chosen.json.value(QStringLiteral("results"))
                                       .toArray()
                                       .first()
                                       .toObject()
                                       .value(QStringLiteral("properties"))
                                       .toObject();
    keys = properties.keys();
    keys.sort();
    QCOMPARE(keys, QStringList({QStringLiteral("company"), QStringLiteral("phone")}));
    QVERIFY(!properties.value(QStringLiteral("company")).toString().isEmpty());
}

void TestHubSpotEmulator::listRejectsLimitAboveHundred()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 5, 3);
    const Reply reply = get(QStringLiteral("/crm/v3/objects/contacts?limit=101"), portal.accessToken);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json.value(QStringLiteral("category")).toString(), QStringLiteral("VALIDATION_ERROR"));
}

void TestHubSpotEmulator::seedingIsDeterministic()
{
    m_emulator->addPortal(QStringLiteral("a"), 30, 42);
    m_emulator->addPortal(QStringLiteral("b"), 30, 42);
    m_emulator->addPortal(QStringLiteral("c"), 30, 43);
    const auto emails = [this](const QString &portal) {
        QStringList result;
        for (const HubSpotContact &contact : m_emulator->contactStore(portal)->contacts())
            result.append(QString::number(contact.id) + contact.properties.value(QStringLiteral("email")));
        return result;
    };
    QCOMPARE(emails(QStringLiteral("a")), emails(QStringLiteral("b")));
    QVERIFY(emails(QStringLiteral("a")) != emails(QStringLiteral("c")));
    QCOMPARE(m_emulator->credentials(QStringLiteral("a"))->clientId,
             m_emulator->credentials(QStringLiteral("b"))->clientId);
}

void TestHubSpotEmulator::refreshGrantIssuesWorkingTokenAndExpiredTokenStopsWorking()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 20, 1);
    const QString contacts = QStringLiteral("/crm/v3/objects/contacts");

    const Reply refreshed = refresh(portal.clientId, portal.clientSecret, portal.refreshToken);
    QCOMPARE(refreshed.status, 200);
    QCOMPARE(refreshed.json.value(QStringLiteral("token_type")).toString(), QStringLiteral("bearer"));
    QCOMPARE(refreshed.json.value(QStringLiteral("expires_in")).toInt(), 1800);
    QCOMPARE(refreshed.json.value(QStringLiteral("refresh_token")).toString(), portal.refreshToken);
    const QString newToken = refreshed.json.value(QStringLiteral("access_token")).toString();
    QVERIFY(!newToken.isEmpty());
    QVERIFY(newToken != portal.accessToken);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    QCOMPARE(get(contacts, newToken).status, 200);
    // Refreshing does not revoke earlier access tokens; they live until they expire.
    QCOMPARE(get(contacts, portal.accessToken).status, 200);

    QVERIFY(m_emulator->expireAccessTokens(QStringLiteral("acme")));
    const Reply expired = get(contacts, portal.accessToken);
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.json.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
    QCOMPARE(expired.json.value(QStringLiteral("category")).toString(), QStringLiteral("EXPIRED_AUTHENTICATION"));
    QVERIFY(expired.json.value(QStringLiteral("message")).toString().contains(QStringLiteral("expired")));
    QCOMPARE(get(contacts, newToken).status, 401);

    const Reply again = refresh(portal.clientId, portal.clientSecret, portal.refreshToken);
    QCOMPARE(get(contacts, again.json.value(QStringLiteral("access_token")).toString()).status, 200);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 2);
}

void TestHubSpotEmulator::tokenEndpointRejectsBadCredentials_data()
{
    QTest::addColumn<QString>("breakWhat");
    QTest::addColumn<QString>("expectedStatus");
    QTest::newRow("revoked refresh token") << QStringLiteral("revoke") << QStringLiteral("BAD_REFRESH_TOKEN");
    QTest::newRow("unknown refresh token") << QStringLiteral("token") << QStringLiteral("BAD_REFRESH_TOKEN");
    QTest::newRow("other portal's refresh token") << QStringLiteral("portal") << QStringLiteral("BAD_REFRESH_TOKEN");
    QTest::newRow("unknown client id") << QStringLiteral("client") << QStringLiteral("BAD_CLIENT_ID");
    QTest::newRow("wrong client secret") << QStringLiteral("secret") << QStringLiteral("BAD_CLIENT_SECRET");
}

void TestHubSpotEmulator::tokenEndpointRejectsBadCredentials()
{
    QFETCH(QString, breakWhat);
    QFETCH(QString, expectedStatus);
    PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 1);
    const PortalCredentials other = m_emulator->addPortal(QStringLiteral("globex"), 3, 2);
    if (breakWhat == QLatin1String("revoke"))
        QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("acme")));
    if (breakWhat == QLatin1String("token"))
        portal.refreshToken = QStringLiteral("6f18f21e-a743-4509-b7fd-1a5e632fffa1");
    if (breakWhat == QLatin1String("portal"))
        portal.refreshToken = other.refreshToken;
    if (breakWhat == QLatin1String("client"))
        portal.clientId = QStringLiteral("not-a-client");
    if (breakWhat == QLatin1String("secret"))
        portal.clientSecret = other.clientSecret;

    const Reply reply = refresh(portal.clientId, portal.clientSecret, portal.refreshToken);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json.value(QStringLiteral("status")).toString(), expectedStatus);
    QVERIFY(!reply.json.value(QStringLiteral("message")).toString().isEmpty());
    QVERIFY(!reply.json.contains(QStringLiteral("access_token")));
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 0);
    if (breakWhat == QLatin1String("revoke"))
        QCOMPARE(reply.json.value(QStringLiteral("message")).toString(),
                 QStringLiteral("missing or invalid refresh token"));
}

void TestHubSpotEmulator::authorizationCodeFlowIssuesTokens()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 1);
    QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("acme")));
    const QString redirect = QStringLiteral("http://127.0.0.1:9/oauth/callback");

    QUrlQuery authorizeQuery;
    authorizeQuery.addQueryItem(QStringLiteral("client_id"), portal.clientId);
    authorizeQuery.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(redirect)));
    authorizeQuery.addQueryItem(QStringLiteral("scope"), QStringLiteral("crm.objects.contacts.read"));
    authorizeQuery.addQueryItem(QStringLiteral("state"), QStringLiteral("xyz-123"));
    const Reply consent = get(QStringLiteral("/oauth/authorize?") + authorizeQuery.toString(QUrl::FullyEncoded), {});
    QCOMPARE(consent.status, 302);
    const QUrl location(QString::fromLatin1(consent.header("Location")));
    QCOMPARE(location.adjusted(QUrl::RemoveQuery).toString(), redirect);
    const QUrlQuery callback(location);
    QCOMPARE(callback.queryItemValue(QStringLiteral("state")), QStringLiteral("xyz-123"));
    const QString code = callback.queryItemValue(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());

    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("authorization_code"));
    form.addQueryItem(QStringLiteral("client_id"), portal.clientId);
    form.addQueryItem(QStringLiteral("client_secret"), portal.clientSecret);
    form.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(redirect)));
    form.addQueryItem(QStringLiteral("code"), code);
    const QByteArray body = form.toString(QUrl::FullyEncoded).toLatin1();
    const Reply tokens = send("POST", QStringLiteral("/oauth/v1/token"), body, "application/x-www-form-urlencoded");
    QCOMPARE(tokens.status, 200);
    const QString refreshToken = tokens.json.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(refreshToken != portal.refreshToken);
    QCOMPARE(
        get(QStringLiteral("/crm/v3/objects/contacts"), tokens.json.value(QStringLiteral("access_token")).toString())
            .status,
        200);
    // The new grant's refresh token works although the old one was revoked.
    QCOMPARE(refresh(portal.clientId, portal.clientSecret, refreshToken).status, 200);

    const Reply reused = send("POST", QStringLiteral("/oauth/v1/token"), body, "application/x-www-form-urlencoded");
    QCOMPARE(reused.status, 400);
    QCOMPARE(reused.json.value(QStringLiteral("status")).toString(), QStringLiteral("BAD_AUTH_CODE"));
}

void TestHubSpotEmulator::missingOrUnknownTokenIsUnauthorized()
{
    m_emulator->addPortal(QStringLiteral("acme"), 3, 1);
    const Reply missing = get(QStringLiteral("/crm/v3/objects/contacts"), {});
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.json.value(QStringLiteral("category")).toString(), QStringLiteral("INVALID_AUTHENTICATION"));
    const Reply unknown = get(QStringLiteral("/crm/v3/objects/contacts"), QStringLiteral("CNot-a-token"));
    QCOMPARE(unknown.status, 401);
    QCOMPARE(unknown.json.value(QStringLiteral("category")).toString(), QStringLiteral("INVALID_AUTHENTICATION"));
}

void TestHubSpotEmulator::injectedRateLimitAnswers429WithRetryAfter()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 1);
    m_emulator->failNextRequests(1, 1);

    const Reply limited = get(QStringLiteral("/crm/v3/objects/contacts"), portal.accessToken);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("1"));
    QCOMPARE(limited.json.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
    QCOMPARE(limited.json.value(QStringLiteral("errorType")).toString(), QStringLiteral("RATE_LIMIT"));
    QCOMPARE(limited.json.value(QStringLiteral("policyName")).toString(), QStringLiteral("SECONDLY"));
    QVERIFY(!limited.json.value(QStringLiteral("correlationId")).toString().isEmpty());
    QVERIFY(!limited.header("X-HubSpot-RateLimit-Remaining").isEmpty());

    // Retry as a client should: after Retry-After seconds.
    QTest::qWait(limited.header("Retry-After").toInt() * 1000);
    const Reply retried = get(QStringLiteral("/crm/v3/objects/contacts"), portal.accessToken);
    QCOMPARE(retried.status, 200);

    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 2);
    QCOMPARE(log.at(0).status, 429);
    QCOMPARE(log.at(1).status, 200);
    QCOMPARE(log.at(1).portal, QStringLiteral("acme"));
    QCOMPARE(log.at(1).pathAndQuery, QStringLiteral("/crm/v3/objects/contacts"));
    QVERIFY(log.at(0).received.msecsTo(log.at(1).received) >= 1000);
    QCOMPARE(m_emulator->apiRequestCount(), 2);
}

void TestHubSpotEmulator::apiResponsesCarryRateLimitHeaders()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 1);
    const Reply first = get(QStringLiteral("/crm/v3/objects/contacts"), portal.accessToken);
    const Reply second = get(QStringLiteral("/crm/v3/properties/contacts"), portal.accessToken);
    QCOMPARE(first.header("X-HubSpot-RateLimit-Max"), QByteArray("100"));
    QCOMPARE(first.header("X-HubSpot-RateLimit-Interval-Milliseconds"), QByteArray("10000"));
    QCOMPARE(second.header("X-HubSpot-RateLimit-Remaining").toInt(),
             first.header("X-HubSpot-RateLimit-Remaining").toInt() - 1);
    QVERIFY(!second.header("X-HubSpot-RateLimit-Secondly-Remaining").isEmpty());
    // HubSpot omits the daily headers on OAuth calls; they can be switched on for private-app style tests.
    QVERIFY(second.header("X-HubSpot-RateLimit-Daily").isEmpty());
    m_emulator->setDailyLimitHeadersEnabled(true);
    const Reply third = get(QStringLiteral("/crm/v3/objects/contacts"), portal.accessToken);
    QCOMPARE(third.header("X-HubSpot-RateLimit-Daily"), QByteArray("500000"));
    QCOMPARE(third.header("X-HubSpot-RateLimit-Daily-Remaining"), QByteArray("499997"));
}

void TestHubSpotEmulator::searchFindsContactsTouchedSinceTimestamp()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 300, 5);
    const qint64 since = QDateTime::currentMSecsSinceEpoch();
    QTest::qWait(5);
    const QStringList touched = m_emulator->touchContacts(QStringLiteral("acme"), 7);
    QCOMPARE(touched.size(), 7);

    const QJsonObject filter{{QStringLiteral("propertyName"), QStringLiteral("lastmodifieddate")},
                             {QStringLiteral("operator"), QStringLiteral("GTE")},
                             {QStringLiteral("value"), QString::number(since)}};
    const QJsonObject request{
        {QStringLiteral("filterGroups"), QJsonArray{QJsonObject{{QStringLiteral("filters"), QJsonArray{filter}}}}},
        {QStringLiteral("sorts"),
         QJsonArray{QJsonObject{{QStringLiteral("propertyName"), QStringLiteral("hs_object_id")},
                                {QStringLiteral("direction"), QStringLiteral("ASCENDING")}}}},
        {QStringLiteral("properties"), QJsonArray{QStringLiteral("email"), QStringLiteral("lastmodifieddate")}},
        {QStringLiteral("limit"), 100}};
    const Reply reply = search(request, portal.accessToken);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("total")).toInt(), 7);
    QStringList found;
    for (const QJsonValue &value : reply.json.value(QStringLiteral("results")).toArray()) {
        const QJsonObject contact = value.toObject();
        found.append(contact.value(QStringLiteral("id")).toString());
        const QString modified =
            contact.value(QStringLiteral("properties")).toObject().value(QStringLiteral("lastmodifieddate")).toString();
        QVERIFY(QDateTime::fromString(modified, Qt::ISODateWithMs).toMSecsSinceEpoch() >= since);
    }
    QCOMPARE(found, touched);
    QVERIFY(!reply.json.contains(QStringLiteral("paging")));

    // An ISO 8601 value works too, and LT selects the complement.
    QJsonObject before = filter;
    before.insert(QStringLiteral("operator"), QStringLiteral("LT"));
    before.insert(QStringLiteral("value"), QDateTime::fromMSecsSinceEpoch(since, Qt::UTC).toString(Qt::ISODateWithMs));
    QJsonObject older = request;
    older.insert(QStringLiteral("filterGroups"),
                 QJsonArray{QJsonObject{{QStringLiteral("filters"), QJsonArray{before}}}});
    QCOMPARE(search(older, portal.accessToken).json.value(QStringLiteral("total")).toInt(), 293);
}

void TestHubSpotEmulator::searchPagesWithOffsetAndStopsAtTenThousand()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("big"), 10050, 9);

    QJsonObject request{{QStringLiteral("limit"), 200}, {QStringLiteral("after"), QStringLiteral("9700")}};
    Reply reply = search(request, portal.accessToken);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("total")).toInt(), 10050);
    QCOMPARE(reply.json.value(QStringLiteral("paging"))
                 .toObject()
                 .value(QStringLiteral("next"))
                 .toObject()
                 .value(QStringLiteral("after"))
                 .toString(),
             QStringLiteral("9900"));

    // The page that reaches result 10,000 is the last one, although total says there are more.
    request.insert(QStringLiteral("after"), QStringLiteral("9900"));
    reply = search(request, portal.accessToken);
    QCOMPARE(reply.json.value(QStringLiteral("results")).toArray().size(), 100);
    QVERIFY(!reply.json.contains(QStringLiteral("paging")));

    request.insert(QStringLiteral("after"), QStringLiteral("10000"));
    reply = search(request, portal.accessToken);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json.value(QStringLiteral("category")).toString(), QStringLiteral("VALIDATION_ERROR"));
}

void TestHubSpotEmulator::searchRejectsUnknownPropertyAndOperator()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 1);
    const auto withFilter = [](const QString &property, const QString &op) {
        const QJsonObject filter{{QStringLiteral("propertyName"), property},
                                 {QStringLiteral("operator"), op},
                                 {QStringLiteral("value"), QStringLiteral("1")}};
        return QJsonObject{
            {QStringLiteral("filterGroups"), QJsonArray{QJsonObject{{QStringLiteral("filters"), QJsonArray{filter}}}}}};
    };
    QCOMPARE(search(withFilter(QStringLiteral("updatedAt"), QStringLiteral("GTE")), portal.accessToken).status, 400);
    QCOMPARE(search(withFilter(QStringLiteral("lastmodifieddate"), QStringLiteral(">=")), portal.accessToken).status,
             400);
}

void TestHubSpotEmulator::propertiesIncludeCustomOnes()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 12, 1);
    QVERIFY(m_emulator->addCustomProperty(QStringLiteral("acme"), QStringLiteral("plan_tier"),
                                          QStringLiteral("Plan tier"), QStringLiteral("enumeration")));
    QVERIFY(!m_emulator->addCustomProperty(QStringLiteral("acme"), QStringLiteral("x"), QStringLiteral("X"),
                                           QStringLiteral("varchar")));

    const Reply reply = get(QStringLiteral("/crm/v3/properties/contacts"), portal.accessToken);
    QCOMPARE(reply.status, 200);
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &value : reply.json.value(QStringLiteral("results")).toArray())
        byName.insert(value.toObject().value(QStringLiteral("name")).toString(), value.toObject());
    QVERIFY(byName.contains(QStringLiteral("email")));
    QCOMPARE(byName.value(QStringLiteral("email")).value(QStringLiteral("hubspotDefined")).toBool(), true);
    QCOMPARE(byName.value(QStringLiteral("lastmodifieddate")).value(QStringLiteral("type")).toString(),
             QStringLiteral("datetime"));
    const QJsonObject custom = byName.value(QStringLiteral("plan_tier"));
    QCOMPARE(custom.value(QStringLiteral("label")).toString(), QStringLiteral("Plan tier"));
    QCOMPARE(custom.value(QStringLiteral("type")).toString(), QStringLiteral("enumeration"));
    QVERIFY(!custom.value(QStringLiteral("fieldType")).toString().isEmpty());
    QVERIFY(!custom.value(QStringLiteral("groupName")).toString().isEmpty());
    QVERIFY(!custom.value(QStringLiteral("hubspotDefined")).toBool(false));

    // Seeded contacts carry values for the custom property.
    const Reply list =
        get(QStringLiteral("/crm/v3/objects/contacts?limit=100&properties=plan_tier"), portal.accessToken);
    const QStringList options = {QStringLiteral("bronze"), QStringLiteral("silver"), QStringLiteral("gold")};
    for (const QJsonValue &value : list.json.value(QStringLiteral("results")).toArray()) {
        const QString tier = value.toObject()
                                 .value(QStringLiteral("properties"))
                                 .toObject()
                                 .value(QStringLiteral("plan_tier"))
                                 .toString();
        QVERIFY2(options.contains(tier), qPrintable(tier));
    }
}

void TestHubSpotEmulator::deletedContactIsArchived()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 10, 1);
    const QString id = QString::number(m_emulator->contactStore(QStringLiteral("acme"))->contacts().front().id);
    QVERIFY(m_emulator->deleteContact(QStringLiteral("acme"), id));
    QVERIFY(!m_emulator->deleteContact(QStringLiteral("acme"), id));

    const Reply live = get(QStringLiteral("/crm/v3/objects/contacts?limit=100"), portal.accessToken);
    QCOMPARE(live.json.value(QStringLiteral("results")).toArray().size(), 9);
    const Reply archived = get(QStringLiteral("/crm/v3/objects/contacts?archived=true"), portal.accessToken);
    const QJsonArray results = archived.json.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().toObject().value(QStringLiteral("id")).toString(), id);
    QCOMPARE(results.first().toObject().value(QStringLiteral("archived")).toBool(), true);
    QCOMPARE(get(QStringLiteral("/crm/v3/objects/contacts/") + id, portal.accessToken).status, 404);
}

void TestHubSpotEmulator::controlApiWorksOverHttp()
{
    const QByteArray json = "application/json";
    Reply created =
        send("POST", QStringLiteral("/_sandbox/portals"), R"({"name":"remote","contacts":25,"seed":4})", json);
    QCOMPARE(created.status, 201);
    const QString token = created.json.value(QStringLiteral("accessToken")).toString();
    QCOMPARE(created.json.value(QStringLiteral("contacts")).toInt(), 25);

    const Reply touched = send("POST", QStringLiteral("/_sandbox/portals/remote/touch"), R"({"count":3})", json);
    QCOMPARE(touched.json.value(QStringLiteral("touched")).toArray().size(), 3);

    QCOMPARE(send("POST", QStringLiteral("/_sandbox/portals/remote/properties"),
                  R"({"name":"region","label":"Region","type":"string"})", json)
                 .status,
             200);
    QCOMPARE(send("POST", QStringLiteral("/_sandbox/fail-next"), R"({"count":1,"retryAfterSeconds":3})", json).status,
             200);
    const Reply limited = get(QStringLiteral("/crm/v3/objects/contacts"), token);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("3"));

    QCOMPARE(send("POST", QStringLiteral("/_sandbox/portals/remote/expire-access-tokens")).status, 200);
    QCOMPARE(get(QStringLiteral("/crm/v3/objects/contacts"), token).status, 401);

    const Reply stats = send("GET", QStringLiteral("/_sandbox/stats"));
    QCOMPARE(stats.json.value(QStringLiteral("apiRequestCount")).toInt(), 2);
    const Reply requests = send("GET", QStringLiteral("/_sandbox/requests"));
    QCOMPARE(requests.json.value(QStringLiteral("requests")).toArray().size(), 2);
    QCOMPARE(send("GET", QStringLiteral("/_sandbox/portals/nobody")).status, 404);
}

QTEST_GUILESS_MAIN(TestHubSpotEmulator)
#include "TestHubSpotEmulator.moc"
