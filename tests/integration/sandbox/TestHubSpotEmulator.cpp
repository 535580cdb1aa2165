#include "ManualClock.h"
#include "SandboxTestClient.h"
#include "hubspot/HubSpotEmulator.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
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
    void enforcedLimitsAnswer429OnTheEmulatorsClock();

    void searchFindsContactsTouchedSinceTimestamp();
    void searchPagesWithOffsetAndStopsAtTenThousand();
    void searchRejectsUnknownPropertyAndOperator();

    void propertiesIncludeCustomOnes();
    void deletedContactIsArchived();
    void controlApiWorksOverHttp();

    void createdContactIsReadableAndFoundBySearch();
    void updateChangesLastModifiedOnlyWhenAValueChanges();
    void writesRefuseInvalidProperties_data();
    void writesRefuseInvalidProperties();
    void batchCreateAllSucceedAnswers201();
    void batchCreateWithTraceIdsReportsPartialFailureAs207();
    void batchCreateWithoutTraceIdsIsAllOrNothing();
    void batchUpdateReportsPartialFailureAs207();
    void batchRefusesMoreThanHundredInputs();
    void webhookCarriesV3SignatureOverMethodUriBodyAndTimestamp();
    void webhookFromControlApiCanBeCreationWithOldTimestamp();

    void companyPagingVisitsEveryCompanyExactlyOnce_data();
    void companyPagingVisitsEveryCompanyExactlyOnce();
    void companiesReturnTheirOwnDefaultOrRequestedProperties();
    void companySearchFiltersOnHsLastModifiedDate();
    void companyPropertiesListTheCompanySchema();
    void companiesShareAuthRateLimitAndArchiving();
    void controlApiTouchesAndDeletesCompanies();

private:
    Reply send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
               const QByteArray &contentType = "application/json", const QString &token = QString());
    Reply get(const QString &pathAndQuery, const QString &token) { return send("GET", pathAndQuery, {}, {}, token); }
    Reply search(const QJsonObject &request, const QString &token);
    Reply refresh(const QString &clientId, const QString &clientSecret, const QString &refreshToken);
    Reply write(const QByteArray &method, const QString &path, const QJsonObject &body, const QString &token)
    {
        return send(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", token);
    }

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

void TestHubSpotEmulator::enforcedLimitsAnswer429OnTheEmulatorsClock()
{
    // 19 a second and 100 per 10 seconds, so that either window can be the one that is full.
    patchbay::test::ManualClock clock;
    m_emulator->setClock(&clock);
    m_emulator->setRateLimitsEnforced(true);
    m_emulator->setRateLimits(19, 100);
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 1);
    const QString path = QStringLiteral("/crm/v3/objects/contacts");

    for (int i = 0; i < 19; ++i)
        QCOMPARE(get(path, portal.accessToken).status, 200);
    Reply limited = get(path, portal.accessToken);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.json.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
    QCOMPARE(limited.json.value(QStringLiteral("errorType")).toString(), QStringLiteral("RATE_LIMIT"));
    QCOMPARE(limited.json.value(QStringLiteral("policyName")).toString(), QStringLiteral("SECONDLY"));
    QCOMPARE(limited.json.value(QStringLiteral("message")).toString(),
             QStringLiteral("You have reached your secondly limit."));
    QCOMPARE(limited.header("Retry-After"), QByteArray("1"));
    QCOMPARE(limited.header("X-HubSpot-RateLimit-Secondly-Remaining"), QByteArray("0"));
    QCOMPARE(limited.header("X-HubSpot-RateLimit-Secondly"), QByteArray("19"));
    QCOMPARE(limited.header("X-HubSpot-RateLimit-Remaining"), QByteArray("81")); // a refused call is not counted

    // A second later on the emulator's clock (no real time passes), the secondly window has room again.
    for (int second = 1; second < 5; ++second) {
        clock.advance(std::chrono::seconds(1));
        for (int i = 0; i < 19; ++i)
            QCOMPARE(get(path, portal.accessToken).status, 200);
    }
    clock.advance(std::chrono::seconds(1));
    for (int i = 0; i < 4; ++i)
        QCOMPARE(get(path, portal.accessToken).status, 200);
    const Reply last = get(path, portal.accessToken);
    QCOMPARE(last.status, 200);
    QCOMPARE(last.header("X-HubSpot-RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(last.header("X-HubSpot-RateLimit-Secondly-Remaining"), QByteArray("14"));
    QCOMPARE(last.header("X-HubSpot-RateLimit-Interval-Milliseconds"), QByteArray("10000"));

    // 100 calls within 5 seconds: the 10-second window is full although this second's is not.
    limited = get(path, portal.accessToken);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.json.value(QStringLiteral("policyName")).toString(), QStringLiteral("TEN_SECONDLY_ROLLING"));
    QCOMPARE(limited.header("Retry-After"), QByteArray("5")); // when the first calls leave the window
    clock.advance(std::chrono::seconds(5));
    QCOMPARE(get(path, portal.accessToken).status, 200);

    // Off (the default, or through the control API), the same burst is only reported; on again, refused.
    clock.advance(std::chrono::seconds(10));
    QCOMPARE(send("POST", QStringLiteral("/_sandbox/settings"), R"({"enforceRateLimits": false})").status, 200);
    for (int i = 0; i < 25; ++i)
        QCOMPARE(get(path, portal.accessToken).status, 200);
    QCOMPARE(send("POST", QStringLiteral("/_sandbox/settings"), R"({"enforceRateLimits": true})").status, 200);
    QCOMPARE(get(path, portal.accessToken).status, 429);
    m_emulator->setClock(nullptr);
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

namespace {

QJsonObject withProperties(const QJsonObject &properties)
{
    return {{QStringLiteral("properties"), properties}};
}

QJsonObject inputsOf(const QJsonArray &inputs)
{
    return {{QStringLiteral("inputs"), inputs}};
}

QJsonObject propertiesOf(const QJsonObject &contact)
{
    return contact.value(QStringLiteral("properties")).toObject();
}

QDateTime timeOf(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

} // namespace

void TestHubSpotEmulator::createdContactIsReadableAndFoundBySearch()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 20, 2);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const Reply created = write("POST", QStringLiteral("/crm/v3/objects/contacts"),
                                withProperties({{QStringLiteral("email"), QStringLiteral("ada@example.com")},
                                                {QStringLiteral("firstname"), QStringLiteral("Ada")},
                                                {QStringLiteral("lifecyclestage"), QStringLiteral("lead")}}),
                                portal.accessToken);
    QCOMPARE(created.status, 201);
    const QString id = created.json.value(QStringLiteral("id")).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(propertiesOf(created.json).value(QStringLiteral("email")).toString(), QStringLiteral("ada@example.com"));
    QCOMPARE(propertiesOf(created.json).value(QStringLiteral("lifecyclestage")).toString(), QStringLiteral("lead"));
    QCOMPARE(propertiesOf(created.json).value(QStringLiteral("hs_object_id")).toString(), id);
    QVERIFY(timeOf(created.json.value(QStringLiteral("createdAt"))) >= before);
    QCOMPARE(created.json.value(QStringLiteral("updatedAt")), created.json.value(QStringLiteral("createdAt")));
    QCOMPARE(created.json.value(QStringLiteral("archived")).toBool(true), false);

    const Reply read =
        get(QStringLiteral("/crm/v3/objects/contacts/%1?properties=firstname,email").arg(id), portal.accessToken);
    QCOMPARE(read.status, 200);
    QCOMPARE(propertiesOf(read.json).value(QStringLiteral("firstname")).toString(), QStringLiteral("Ada"));

    // An incremental read by lastmodifieddate sees the new contact and only it.
    const QJsonObject filter{{QStringLiteral("propertyName"), QStringLiteral("lastmodifieddate")},
                             {QStringLiteral("operator"), QStringLiteral("GTE")},
                             {QStringLiteral("value"), QString::number(before.toMSecsSinceEpoch())}};
    const Reply found = search(
        {{QStringLiteral("filterGroups"), QJsonArray{QJsonObject{{QStringLiteral("filters"), QJsonArray{filter}}}}}},
        portal.accessToken);
    QCOMPARE(found.json.value(QStringLiteral("total")).toInt(), 1);
    QCOMPARE(found.json.value(QStringLiteral("results")).toArray().first().toObject().value(QStringLiteral("id")),
             QJsonValue(id));
    // The list pages by id, so the new contact comes last.
    const QJsonArray all = get(QStringLiteral("/crm/v3/objects/contacts?limit=100"), portal.accessToken)
                               .json.value(QStringLiteral("results"))
                               .toArray();
    QCOMPARE(all.size(), 21);
    QCOMPARE(all.last().toObject().value(QStringLiteral("id")).toString(), id);
}

void TestHubSpotEmulator::updateChangesLastModifiedOnlyWhenAValueChanges()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 5, 2);
    const HubSpotContact &first = m_emulator->contactStore(QStringLiteral("acme"))->contacts().front();
    const QString id = QString::number(first.id);
    const QDateTime seededUpdate = first.updatedAt;

    const Reply updated =
        write("PATCH", QStringLiteral("/crm/v3/objects/contacts/") + id,
              withProperties({{QStringLiteral("firstname"), QStringLiteral("Zed")}}), portal.accessToken);
    QCOMPARE(updated.status, 200);
    QCOMPARE(propertiesOf(updated.json).value(QStringLiteral("firstname")).toString(), QStringLiteral("Zed"));
    const QDateTime changedAt = timeOf(updated.json.value(QStringLiteral("updatedAt")));
    QVERIFY(changedAt > seededUpdate);
    QCOMPARE(timeOf(propertiesOf(updated.json).value(QStringLiteral("lastmodifieddate"))), changedAt);
    QCOMPARE(
        propertiesOf(
            get(QStringLiteral("/crm/v3/objects/contacts/%1?properties=firstname").arg(id), portal.accessToken).json)
            .value(QStringLiteral("firstname"))
            .toString(),
        QStringLiteral("Zed"));

    QTest::qWait(5);
    const Reply same =
        write("PATCH", QStringLiteral("/crm/v3/objects/contacts/") + id,
              withProperties({{QStringLiteral("firstname"), QStringLiteral("Zed")}}), portal.accessToken);
    QCOMPARE(same.status, 200);
    QCOMPARE(timeOf(same.json.value(QStringLiteral("updatedAt"))), changedAt);

    const Reply unknown =
        write("PATCH", QStringLiteral("/crm/v3/objects/contacts/999999"),
              withProperties({{QStringLiteral("firstname"), QStringLiteral("Nobody")}}), portal.accessToken);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.json.value(QStringLiteral("category")).toString(), QStringLiteral("OBJECT_NOT_FOUND"));
}

void TestHubSpotEmulator::writesRefuseInvalidProperties_data()
{
    QTest::addColumn<QString>("property");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("code");
    QTest::newRow("malformed email") << "email"
                                     << "not-an-email" << 400 << "VALIDATION_ERROR"
                                     << "INVALID_EMAIL";
    QTest::newRow("unknown property") << "favourite_colour"
                                      << "teal" << 400 << "VALIDATION_ERROR"
                                      << "PROPERTY_DOESNT_EXIST";
    QTest::newRow("read-only property") << "hs_object_id"
                                        << "5" << 400 << "VALIDATION_ERROR"
                                        << "READ_ONLY_VALUE";
    QTest::newRow("enumeration value that is no option") << "lifecyclestage"
                                                         << "prospect" << 400 << "VALIDATION_ERROR"
                                                         << "INVALID_OPTION";
    QTest::newRow("email of another contact") << "email"
                                              << "" << 409 << "CONFLICT"
                                              << "";
}

void TestHubSpotEmulator::writesRefuseInvalidProperties()
{
    QFETCH(QString, property);
    QFETCH(QString, value);
    QFETCH(int, status);
    QFETCH(QString, category);
    QFETCH(QString, code);
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 5, 2);
    const HubSpotContactStore &store = *m_emulator->contactStore(QStringLiteral("acme"));
    const HubSpotContact &taken = store.contacts().back();
    if (status == 409)
        value = taken.properties.value(QStringLiteral("email")).toUpper(); // emails match whatever their case

    const Reply created = write(
        "POST", QStringLiteral("/crm/v3/objects/contacts"),
        withProperties({{QStringLiteral("firstname"), QStringLiteral("Eve")}, {property, value}}), portal.accessToken);
    QCOMPARE(created.status, status);
    QCOMPARE(created.json.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
    QCOMPARE(created.json.value(QStringLiteral("category")).toString(), category);
    QVERIFY(!created.json.value(QStringLiteral("correlationId")).toString().isEmpty());
    if (status == 409) {
        QCOMPARE(created.json.value(QStringLiteral("message")).toString(),
                 QStringLiteral("Contact already exists. Existing ID: %1").arg(taken.id));
    } else {
        QVERIFY(created.json.value(QStringLiteral("message"))
                    .toString()
                    .startsWith(QStringLiteral("Property values were not valid: ")));
        const QJsonObject error = created.json.value(QStringLiteral("errors")).toArray().first().toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
        QCOMPARE(error.value(QStringLiteral("context")).toObject().value(QStringLiteral("propertyName")),
                 QJsonValue(QJsonArray{property}));
    }
    QCOMPARE(store.count(false), 5);

    // An update is refused the same way and changes nothing.
    const QString other = QString::number(store.contacts().front().id);
    const Reply updated = write(
        "PATCH", QStringLiteral("/crm/v3/objects/contacts/") + other,
        withProperties({{QStringLiteral("firstname"), QStringLiteral("Eve")}, {property, value}}), portal.accessToken);
    QCOMPARE(updated.status, status);
    QVERIFY(store.contacts().front().properties.value(QStringLiteral("firstname")) != QLatin1String("Eve"));
}

void TestHubSpotEmulator::batchCreateAllSucceedAnswers201()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 2);
    QJsonArray inputs;
    for (int i = 1; i <= 3; ++i)
        inputs.append(withProperties({{QStringLiteral("email"), QStringLiteral("batch%1@example.com").arg(i)}}));
    const Reply reply =
        write("POST", QStringLiteral("/crm/v3/objects/contacts/batch/create"), inputsOf(inputs), portal.accessToken);
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json.value(QStringLiteral("status")).toString(), QStringLiteral("COMPLETE"));
    QVERIFY(!reply.json.contains(QStringLiteral("errors")));
    QVERIFY(!reply.json.contains(QStringLiteral("numErrors")));
    QVERIFY(timeOf(reply.json.value(QStringLiteral("startedAt"))).isValid());
    QVERIFY(timeOf(reply.json.value(QStringLiteral("completedAt"))).isValid());
    const QJsonArray results = reply.json.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(propertiesOf(results.at(i).toObject()).value(QStringLiteral("email")).toString(),
                 QStringLiteral("batch%1@example.com").arg(i + 1));
    QCOMPARE(m_emulator->contactStore(QStringLiteral("acme"))->count(false), 6);
}

void TestHubSpotEmulator::batchCreateWithTraceIdsReportsPartialFailureAs207()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 2);
    const QString takenEmail =
        m_emulator->contactStore(QStringLiteral("acme"))->contacts().front().properties.value(QStringLiteral("email"));
    const auto input = [](const QString &trace, const QJsonObject &properties) {
        QJsonObject object = withProperties(properties);
        object.insert(QStringLiteral("objectWriteTraceId"), trace);
        return object;
    };
    const QJsonArray inputs{
        input(QStringLiteral("t-ok"), {{QStringLiteral("email"), QStringLiteral("ok@example.com")}}),
        input(QStringLiteral("t-email"), {{QStringLiteral("email"), QStringLiteral("nope")}}),
        input(QStringLiteral("t-prop"), {{QStringLiteral("missing"), QStringLiteral("1")}}),
        input(QStringLiteral("t-dup"), {{QStringLiteral("email"), takenEmail}})};
    const Reply reply =
        write("POST", QStringLiteral("/crm/v3/objects/contacts/batch/create"), inputsOf(inputs), portal.accessToken);
    QCOMPARE(reply.status, 207);
    QCOMPARE(reply.json.value(QStringLiteral("status")).toString(), QStringLiteral("COMPLETE"));
    const QJsonArray results = reply.json.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().toObject().value(QStringLiteral("objectWriteTraceId")).toString(), QStringLiteral("t-ok"));
    QCOMPARE(reply.json.value(QStringLiteral("numErrors")).toInt(), 3);

    QHash<QString, QJsonObject> errorsByTrace;
    for (const QJsonValue &value : reply.json.value(QStringLiteral("errors")).toArray()) {
        const QJsonObject error = value.toObject();
        QCOMPARE(error.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
        const QJsonArray traces =
            error.value(QStringLiteral("context")).toObject().value(QStringLiteral("objectWriteTraceId")).toArray();
        QCOMPARE(traces.size(), 1);
        errorsByTrace.insert(traces.first().toString(), error);
    }
    QCOMPARE(errorsByTrace.value(QStringLiteral("t-email")).value(QStringLiteral("category")).toString(),
             QStringLiteral("VALIDATION_ERROR"));
    QVERIFY(errorsByTrace.value(QStringLiteral("t-prop"))
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("PROPERTY_DOESNT_EXIST")));
    QCOMPARE(errorsByTrace.value(QStringLiteral("t-dup")).value(QStringLiteral("category")).toString(),
             QStringLiteral("CONFLICT"));

    // The success was written and can be read back.
    const QString id = results.first().toObject().value(QStringLiteral("id")).toString();
    QCOMPARE(get(QStringLiteral("/crm/v3/objects/contacts/") + id, portal.accessToken).status, 200);
    QCOMPARE(m_emulator->contactStore(QStringLiteral("acme"))->count(false), 4);
}

void TestHubSpotEmulator::batchCreateWithoutTraceIdsIsAllOrNothing()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 3, 2);
    const QJsonArray inputs{withProperties({{QStringLiteral("email"), QStringLiteral("fine@example.com")}}),
                            withProperties({{QStringLiteral("email"), QStringLiteral("broken")}})};
    const Reply reply =
        write("POST", QStringLiteral("/crm/v3/objects/contacts/batch/create"), inputsOf(inputs), portal.accessToken);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json.value(QStringLiteral("category")).toString(), QStringLiteral("VALIDATION_ERROR"));
    QCOMPARE(m_emulator->contactStore(QStringLiteral("acme"))->count(false), 3);
}

void TestHubSpotEmulator::batchUpdateReportsPartialFailureAs207()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 4, 2);
    const auto &contacts = m_emulator->contactStore(QStringLiteral("acme"))->contacts();
    const QString first = QString::number(contacts.at(0).id);
    const QString second = QString::number(contacts.at(1).id);
    const auto input = [](const QString &id, const QJsonObject &properties) {
        QJsonObject object = withProperties(properties);
        object.insert(QStringLiteral("id"), id);
        return object;
    };

    const Reply allOk = write("POST", QStringLiteral("/crm/v3/objects/contacts/batch/update"),
                              inputsOf({input(first, {{QStringLiteral("company"), QStringLiteral("Acme One")}}),
                                        input(second, {{QStringLiteral("company"), QStringLiteral("Acme Two")}})}),
                              portal.accessToken);
    QCOMPARE(allOk.status, 200);
    QCOMPARE(allOk.json.value(QStringLiteral("results")).toArray().size(), 2);
    QVERIFY(!allOk.json.contains(QStringLiteral("errors")));

    const Reply partial =
        write("POST", QStringLiteral("/crm/v3/objects/contacts/batch/update"),
              inputsOf({input(first, {{QStringLiteral("firstname"), QStringLiteral("Kept")}}),
                        input(QStringLiteral("424242"), {{QStringLiteral("firstname"), QStringLiteral("X")}}),
                        input(second, {{QStringLiteral("email"), QStringLiteral("bad email")}})}),
              portal.accessToken);
    QCOMPARE(partial.status, 207);
    const QJsonArray results = partial.json.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().toObject().value(QStringLiteral("id")).toString(), first);
    QCOMPARE(partial.json.value(QStringLiteral("numErrors")).toInt(), 2);
    const QJsonArray errors = partial.json.value(QStringLiteral("errors")).toArray();
    const QJsonObject missing = errors.at(0).toObject();
    QCOMPARE(missing.value(QStringLiteral("category")).toString(), QStringLiteral("OBJECT_NOT_FOUND"));
    QCOMPARE(missing.value(QStringLiteral("context")).toObject().value(QStringLiteral("ids")),
             QJsonValue(QJsonArray{QStringLiteral("424242")}));
    const QJsonObject invalid = errors.at(1).toObject();
    QCOMPARE(invalid.value(QStringLiteral("category")).toString(), QStringLiteral("VALIDATION_ERROR"));
    QCOMPARE(invalid.value(QStringLiteral("context")).toObject().value(QStringLiteral("ids")),
             QJsonValue(QJsonArray{second}));
    QCOMPARE(contacts.at(0).properties.value(QStringLiteral("firstname")), QStringLiteral("Kept"));
    QVERIFY(contacts.at(1).properties.value(QStringLiteral("email")) != QLatin1String("bad email"));
}

void TestHubSpotEmulator::batchRefusesMoreThanHundredInputs()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 1, 2);
    QJsonArray inputs;
    for (int i = 0; i < 101; ++i)
        inputs.append(withProperties({{QStringLiteral("firstname"), QStringLiteral("n%1").arg(i)}}));
    const Reply reply =
        write("POST", QStringLiteral("/crm/v3/objects/contacts/batch/create"), inputsOf(inputs), portal.accessToken);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json.value(QStringLiteral("category")).toString(), QStringLiteral("VALIDATION_ERROR"));
    QCOMPARE(m_emulator->contactStore(QStringLiteral("acme"))->count(false), 1);
}

void TestHubSpotEmulator::webhookCarriesV3SignatureOverMethodUriBodyAndTimestamp()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 5, 2);
    const QString id = m_emulator->touchContacts(QStringLiteral("acme"), 1).first();
    WebhookReceiver receiver;
    QVERIFY(m_emulator->sendWebhook(QStringLiteral("acme"), receiver.url(), id));
    QVERIFY(!m_emulator->sendWebhook(QStringLiteral("acme"), receiver.url(), QStringLiteral("1")));
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());

    const QByteArray timestamp = delivery->header("x-hubspot-request-timestamp");
    QVERIFY(qAbs(timestamp.toLongLong() - QDateTime::currentMSecsSinceEpoch()) < 60'000);
    const QByteArray source = "POST" + receiver.url().toString().toUtf8() + delivery->body + timestamp;
    const QByteArray expected =
        QMessageAuthenticationCode::hash(source, portal.clientSecret.toUtf8(), QCryptographicHash::Sha256).toBase64();
    QCOMPARE(delivery->header("x-hubspot-signature-v3"), expected);
    QCOMPARE(delivery->header("x-hubspot-signature-version"), QByteArray("v1"));
    QCOMPARE(
        delivery->header("x-hubspot-signature"),
        QCryptographicHash::hash(portal.clientSecret.toUtf8() + delivery->body, QCryptographicHash::Sha256).toHex());

    const QJsonArray events = QJsonDocument::fromJson(delivery->body).array();
    QCOMPARE(events.size(), 1);
    const QJsonObject event = events.first().toObject();
    QCOMPARE(event.value(QStringLiteral("subscriptionType")).toString(), QStringLiteral("contact.propertyChange"));
    QCOMPARE(event.value(QStringLiteral("portalId")).toInteger(), portal.hubId);
    QCOMPARE(QString::number(event.value(QStringLiteral("objectId")).toInteger()), id);
    QCOMPARE(event.value(QStringLiteral("propertyName")).toString(), QStringLiteral("phone"));
    const HubSpotContact *contact = m_emulator->contactStore(QStringLiteral("acme"))->contact(id.toLongLong());
    QCOMPARE(event.value(QStringLiteral("propertyValue")).toString(),
             contact->properties.value(QStringLiteral("phone")));
    QCOMPARE(event.value(QStringLiteral("occurredAt")).toInteger(), contact->updatedAt.toMSecsSinceEpoch());
    QCOMPARE(event.value(QStringLiteral("attemptNumber")).toInt(-1), 0);
    QVERIFY(event.value(QStringLiteral("eventId")).toInteger() > 0);
    QVERIFY(event.value(QStringLiteral("appId")).toInteger() > 0);
    QVERIFY(event.value(QStringLiteral("subscriptionId")).toInteger() > 0);
}

void TestHubSpotEmulator::webhookFromControlApiCanBeCreationWithOldTimestamp()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 5, 2);
    const QString id = QString::number(m_emulator->contactStore(QStringLiteral("acme"))->contacts().back().id);
    WebhookReceiver receiver;
    const QJsonObject request{{QStringLiteral("url"), receiver.url().toString()},
                              {QStringLiteral("event"), QStringLiteral("contact.creation")},
                              {QStringLiteral("id"), id},
                              {QStringLiteral("timestampAgeSeconds"), 600}};
    QCOMPARE(write("POST", QStringLiteral("/_sandbox/portals/acme/webhooks"), request, {}).status, 200);
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());
    const qint64 age =
        QDateTime::currentMSecsSinceEpoch() - delivery->header("x-hubspot-request-timestamp").toLongLong();
    QVERIFY(age >= 600'000 && age < 660'000);
    const QJsonObject event = QJsonDocument::fromJson(delivery->body).array().first().toObject();
    QCOMPARE(event.value(QStringLiteral("subscriptionType")).toString(), QStringLiteral("contact.creation"));
    QCOMPARE(event.value(QStringLiteral("changeFlag")).toString(), QStringLiteral("NEW"));
    QVERIFY(!event.contains(QStringLiteral("propertyName")));
    // Still signed correctly: a receiver refuses it for its age, not for its signature.
    const QByteArray source =
        "POST" + receiver.url().toString().toUtf8() + delivery->body + delivery->header("x-hubspot-request-timestamp");
    QCOMPARE(
        delivery->header("x-hubspot-signature-v3"),
        QMessageAuthenticationCode::hash(source, portal.clientSecret.toUtf8(), QCryptographicHash::Sha256).toBase64());
    QCOMPARE(write("POST", QStringLiteral("/_sandbox/portals/acme/webhooks"),
                   {{QStringLiteral("url"), receiver.url().toString()}, {QStringLiteral("event"), QStringLiteral("x")}},
                   {})
                 .status,
             400);
}

namespace {

QStringList idsOf(const Reply &reply)
{
    QStringList ids;
    for (const QJsonValue &value : reply.json.value(QStringLiteral("results")).toArray())
        ids.append(value.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

QJsonObject sinceFilter(const QString &property, qint64 sinceMs)
{
    const QJsonObject filter{{QStringLiteral("propertyName"), property},
                             {QStringLiteral("operator"), QStringLiteral("GTE")},
                             {QStringLiteral("value"), QString::number(sinceMs)}};
    return {{QStringLiteral("filterGroups"), QJsonArray{QJsonObject{{QStringLiteral("filters"), QJsonArray{filter}}}}},
            {QStringLiteral("limit"), 100}};
}

} // namespace

void TestHubSpotEmulator::companyPagingVisitsEveryCompanyExactlyOnce_data()
{
    QTest::addColumn<int>("contactCount");
    QTest::addColumn<int>("companyCount"); // -1: the default, one per HubSpotEmulator::kContactsPerCompany contacts
    QTest::addColumn<int>("expectedCompanies");
    QTest::addColumn<int>("limit");
    QTest::newRow("default share, partial last page") << 57 << -1 << 12 << 5;
    QTest::newRow("many pages at the maximum") << 30 << 1234 << 1234 << 100;
    QTest::newRow("no companies") << 40 << 0 << 0 << 10;
}

void TestHubSpotEmulator::companyPagingVisitsEveryCompanyExactlyOnce()
{
    QFETCH(int, contactCount);
    QFETCH(int, companyCount);
    QFETCH(int, expectedCompanies);
    QFETCH(int, limit);
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), contactCount, 7, companyCount);
    QCOMPARE(m_emulator->contactStore(QStringLiteral("acme"))->count(false), contactCount);

    QSet<QString> seen;
    QString after;
    int pages = 0;
    do {
        QString path = QStringLiteral("/crm/v3/objects/companies?limit=%1").arg(limit);
        if (!after.isEmpty())
            path += QStringLiteral("&after=") + after;
        const Reply reply = get(path, portal.accessToken);
        QCOMPARE(reply.status, 200);
        ++pages;
        for (const QString &id : idsOf(reply)) {
            QVERIFY2(!seen.contains(id), qPrintable(QStringLiteral("company %1 seen twice").arg(id)));
            seen.insert(id);
        }
        const QJsonObject next =
            reply.json.value(QStringLiteral("paging")).toObject().value(QStringLiteral("next")).toObject();
        after = next.value(QStringLiteral("after")).toString();
        if (!after.isEmpty())
            QVERIFY(
                next.value(QStringLiteral("link")).toString().contains(QStringLiteral("/crm/v3/objects/companies?")));
        QVERIFY(pages <= expectedCompanies / limit + 1);
    } while (!after.isEmpty());

    QCOMPARE(seen.size(), expectedCompanies);
    QCOMPARE(pages, std::max(1, (expectedCompanies + limit - 1) / limit));
    // Exactly the store's companies, none of its contacts.
    QSet<QString> stored;
    for (const HubSpotRecord &company :
         m_emulator->objectStore(QStringLiteral("acme"), QStringLiteral("companies"))->records())
        stored.insert(QString::number(company.id));
    QCOMPARE(seen, stored);
    for (const HubSpotContact &contact : m_emulator->contactStore(QStringLiteral("acme"))->contacts())
        QVERIFY(!seen.contains(QString::number(contact.id)));
}

void TestHubSpotEmulator::companiesReturnTheirOwnDefaultOrRequestedProperties()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 20, 3);

    const Reply defaults = get(QStringLiteral("/crm/v3/objects/companies"), portal.accessToken);
    QCOMPARE(defaults.status, 200);
    const QJsonObject company = defaults.json.value(QStringLiteral("results")).toArray().first().toObject();
    QStringList keys = company.value(QStringLiteral("properties")).toObject().keys();
    keys.sort();
    QCOMPARE(keys,
             QStringList({QStringLiteral("createdate"), QStringLiteral("domain"), QStringLiteral("hs_lastmodifieddate"),
                          QStringLiteral("hs_object_id"), QStringLiteral("name")}));
    const QJsonObject properties = company.value(QStringLiteral("properties")).toObject();
    QCOMPARE(properties.value(QStringLiteral("hs_object_id")).toString(),
             company.value(QStringLiteral("id")).toString());
    QCOMPARE(
        QDateTime::fromString(properties.value(QStringLiteral("hs_lastmodifieddate")).toString(), Qt::ISODateWithMs),
        QDateTime::fromString(company.value(QStringLiteral("updatedAt")).toString(), Qt::ISODateWithMs));
    QVERIFY(properties.value(QStringLiteral("domain")).toString().endsWith(QStringLiteral(".com")));
    QCOMPARE(company.value(QStringLiteral("archived")).toBool(true), false);

    const Reply chosen =
        get(QStringLiteral("/crm/v3/objects/companies?properties=industry,city,lastmodifieddate"), portal.accessToken);
    const QJsonObject chosenProperties = chosen.json.value(QStringLiteral("results"))
                                             .toArray()
                                             .first()
                                             .toObject()
                                             .value(QStringLiteral("properties"))
                                             .toObject();
    keys = chosenProperties.keys();
    keys.sort();
    // lastmodifieddate is a contact property: companies have none, so it is left out.
    QCOMPARE(keys, QStringList({QStringLiteral("city"), QStringLiteral("industry")}));
    QVERIFY(!chosenProperties.value(QStringLiteral("industry")).toString().isEmpty());

    // One company by id, and the same company as the list showed.
    const QString id = company.value(QStringLiteral("id")).toString();
    const Reply one = get(QStringLiteral("/crm/v3/objects/companies/") + id, portal.accessToken);
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.value(QStringLiteral("properties")).toObject(), properties);
    QCOMPARE(get(QStringLiteral("/crm/v3/objects/contacts/") + id, portal.accessToken).status, 404);

    // The same seed gives the same companies.
    m_emulator->addPortal(QStringLiteral("twin"), 20, 3);
    QCOMPARE(idsOf(get(QStringLiteral("/crm/v3/objects/companies?properties=name"),
                       m_emulator->credentials(QStringLiteral("twin"))->accessToken)),
             idsOf(defaults));
}

void TestHubSpotEmulator::companySearchFiltersOnHsLastModifiedDate()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 600, 5);
    const qint64 since = QDateTime::currentMSecsSinceEpoch();
    QTest::qWait(5);
    const QStringList touched = m_emulator->touch(QStringLiteral("acme"), QStringLiteral("companies"), 6);
    QCOMPARE(touched.size(), 6);
    const QStringList touchedContacts = m_emulator->touchContacts(QStringLiteral("acme"), 3);

    QJsonObject request = sinceFilter(QStringLiteral("hs_lastmodifieddate"), since);
    request.insert(QStringLiteral("sorts"),
                   QJsonArray{QJsonObject{{QStringLiteral("propertyName"), QStringLiteral("hs_object_id")},
                                          {QStringLiteral("direction"), QStringLiteral("ASCENDING")}}});
    const Reply reply =
        send("POST", QStringLiteral("/crm/v3/objects/companies/search"),
             QJsonDocument(request).toJson(QJsonDocument::Compact), "application/json", portal.accessToken);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("total")).toInt(), 6);
    QCOMPARE(idsOf(reply), touched);
    QVERIFY(!reply.json.contains(QStringLiteral("paging")));
    const QJsonObject first = reply.json.value(QStringLiteral("results")).toArray().first().toObject();
    QStringList keys = first.value(QStringLiteral("properties")).toObject().keys();
    keys.sort();
    QCOMPARE(keys,
             QStringList({QStringLiteral("createdate"), QStringLiteral("domain"), QStringLiteral("hs_lastmodifieddate"),
                          QStringLiteral("hs_object_id"), QStringLiteral("name")}));

    // Contacts keep their own search: the touched contacts, not the companies.
    const Reply contacts = search(sinceFilter(QStringLiteral("lastmodifieddate"), since), portal.accessToken);
    QCOMPARE(contacts.json.value(QStringLiteral("total")).toInt(), 3);
    QSet<QString> contactIds(touchedContacts.begin(), touchedContacts.end());
    const QStringList found = idsOf(contacts);
    QCOMPARE(QSet<QString>(found.begin(), found.end()), contactIds);

    // Companies have no lastmodifieddate: filtering on the contacts' name for it is refused.
    const Reply wrongProperty =
        send("POST", QStringLiteral("/crm/v3/objects/companies/search"),
             QJsonDocument(sinceFilter(QStringLiteral("lastmodifieddate"), since)).toJson(QJsonDocument::Compact),
             "application/json", portal.accessToken);
    QCOMPARE(wrongProperty.status, 400);
    QCOMPARE(wrongProperty.json.value(QStringLiteral("category")).toString(), QStringLiteral("VALIDATION_ERROR"));

    // Paging with "after" in the body, as for contacts.
    const QJsonObject everything{{QStringLiteral("limit"), 50}, {QStringLiteral("after"), QStringLiteral("100")}};
    const Reply page =
        send("POST", QStringLiteral("/crm/v3/objects/companies/search"),
             QJsonDocument(everything).toJson(QJsonDocument::Compact), "application/json", portal.accessToken);
    QCOMPARE(page.json.value(QStringLiteral("total")).toInt(), 120);
    QCOMPARE(page.json.value(QStringLiteral("results")).toArray().size(), 20);
    QVERIFY(!page.json.contains(QStringLiteral("paging")));
}

void TestHubSpotEmulator::companyPropertiesListTheCompanySchema()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 10, 1);
    QVERIFY(m_emulator->addCustomProperty(QStringLiteral("acme"), QStringLiteral("account_tier"),
                                          QStringLiteral("Account tier"), QStringLiteral("enumeration"),
                                          QStringLiteral("companies")));
    QVERIFY(!m_emulator->addCustomProperty(QStringLiteral("acme"), QStringLiteral("x"), QStringLiteral("X"),
                                           QStringLiteral("string"), QStringLiteral("deals")));

    const Reply reply = get(QStringLiteral("/crm/v3/properties/companies"), portal.accessToken);
    QCOMPARE(reply.status, 200);
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &value : reply.json.value(QStringLiteral("results")).toArray())
        byName.insert(value.toObject().value(QStringLiteral("name")).toString(), value.toObject());
    for (const char *name : {"name", "domain", "industry", "phone", "city", "createdate", "hs_lastmodifieddate"}) {
        QVERIFY2(byName.contains(QLatin1String(name)), name);
        QCOMPARE(byName.value(QLatin1String(name)).value(QStringLiteral("hubspotDefined")).toBool(), true);
        QCOMPARE(byName.value(QLatin1String(name)).value(QStringLiteral("groupName")).toString(),
                 QStringLiteral("companyinformation"));
    }
    QVERIFY(!byName.contains(QStringLiteral("lastmodifieddate")));
    QVERIFY(!byName.contains(QStringLiteral("email")));
    QCOMPARE(byName.value(QStringLiteral("hs_lastmodifieddate")).value(QStringLiteral("type")).toString(),
             QStringLiteral("datetime"));
    const QJsonObject industry = byName.value(QStringLiteral("industry"));
    QCOMPARE(industry.value(QStringLiteral("type")).toString(), QStringLiteral("enumeration"));
    QVERIFY(!industry.value(QStringLiteral("options")).toArray().isEmpty());
    const QJsonObject custom = byName.value(QStringLiteral("account_tier"));
    QCOMPARE(custom.value(QStringLiteral("label")).toString(), QStringLiteral("Account tier"));
    QVERIFY(!custom.contains(QStringLiteral("hubspotDefined")));

    // The custom property is the companies' own: contacts do not get it, seeded companies carry values for it.
    const Reply contactProperties = get(QStringLiteral("/crm/v3/properties/contacts"), portal.accessToken);
    QVERIFY(!contactProperties.body.contains("account_tier"));
    const Reply list = get(QStringLiteral("/crm/v3/objects/companies?properties=account_tier"), portal.accessToken);
    const QStringList options = {QStringLiteral("bronze"), QStringLiteral("silver"), QStringLiteral("gold")};
    QVERIFY(!list.json.value(QStringLiteral("results")).toArray().isEmpty());
    for (const QJsonValue &value : list.json.value(QStringLiteral("results")).toArray()) {
        const QString tier = value.toObject()
                                 .value(QStringLiteral("properties"))
                                 .toObject()
                                 .value(QStringLiteral("account_tier"))
                                 .toString();
        QVERIFY2(options.contains(tier), qPrintable(tier));
    }
    QCOMPARE(get(QStringLiteral("/crm/v3/properties/deals"), portal.accessToken).status, 404);
}

void TestHubSpotEmulator::companiesShareAuthRateLimitAndArchiving()
{
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 50, 2);
    const QString companies = QStringLiteral("/crm/v3/objects/companies");

    QCOMPARE(get(companies, {}).status, 401);
    m_emulator->failNextRequests(1, 2, QStringLiteral("TEN_SECONDLY_ROLLING"));
    const Reply limited = get(companies, portal.accessToken);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("2"));
    QCOMPARE(limited.json.value(QStringLiteral("policyName")).toString(), QStringLiteral("TEN_SECONDLY_ROLLING"));
    const Reply ok = get(companies, portal.accessToken);
    QCOMPARE(ok.status, 200);
    QVERIFY(!ok.header("X-HubSpot-RateLimit-Secondly-Remaining").isEmpty());

    const QString id = idsOf(ok).first();
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("companies"), id));
    QVERIFY(!m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("companies"), id));
    QVERIFY(!m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("deals"), id));
    const Reply live = get(companies + QStringLiteral("?limit=100"), portal.accessToken);
    QCOMPARE(live.json.value(QStringLiteral("results")).toArray().size(), 9);
    QVERIFY(!idsOf(live).contains(id));
    const Reply archived = get(companies + QStringLiteral("?archived=true"), portal.accessToken);
    QCOMPARE(idsOf(archived), QStringList{id});
    QVERIFY(!archived.json.value(QStringLiteral("results"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("archivedAt"))
                 .toString()
                 .isEmpty());
    QCOMPARE(get(companies + QLatin1Char('/') + id, portal.accessToken).status, 404);
    QCOMPARE(get(companies + QLatin1Char('/') + id + QStringLiteral("?archived=true"), portal.accessToken).status, 200);
    // Archived companies are not found by search either.
    const Reply searched =
        send("POST", companies + QStringLiteral("/search"), "{}", "application/json", portal.accessToken);
    QCOMPARE(searched.json.value(QStringLiteral("total")).toInt(), 9);
    QCOMPARE(m_emulator->contactStore(QStringLiteral("acme"))->count(true), 0);

    // This emulator writes contacts only.
    const Reply write =
        send("POST", companies, R"({"properties":{"name":"New Co"}})", "application/json", portal.accessToken);
    QCOMPARE(write.status, 404);
}

void TestHubSpotEmulator::controlApiTouchesAndDeletesCompanies()
{
    const QByteArray json = "application/json";
    const Reply created = send("POST", QStringLiteral("/_sandbox/portals"),
                               R"({"name":"remote","contacts":25,"companies":7,"seed":4})", json);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("contacts")).toInt(), 25);
    QCOMPARE(created.json.value(QStringLiteral("companies")).toInt(), 7);
    const QString token = created.json.value(QStringLiteral("accessToken")).toString();

    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const Reply touched =
        send("POST", QStringLiteral("/_sandbox/portals/remote/touch"), R"({"object":"companies","count":2})", json);
    const QJsonArray ids = touched.json.value(QStringLiteral("touched")).toArray();
    QCOMPARE(ids.size(), 2);
    for (const QJsonValue &id : ids) {
        const Reply company = get(
            QStringLiteral("/crm/v3/objects/companies/%1?properties=hs_lastmodifieddate").arg(id.toString()), token);
        QCOMPARE(company.status, 200);
        QVERIFY(QDateTime::fromString(company.json.value(QStringLiteral("properties"))
                                          .toObject()
                                          .value(QStringLiteral("hs_lastmodifieddate"))
                                          .toString(),
                                      Qt::ISODateWithMs) >= before);
    }
    QCOMPARE(send("POST", QStringLiteral("/_sandbox/portals/remote/touch"), R"({"object":"deals","count":2})", json)
                 .json.value(QStringLiteral("touched"))
                 .toArray()
                 .size(),
             0);

    QCOMPARE(send("POST", QStringLiteral("/_sandbox/portals/remote/properties"),
                  R"({"name":"region","type":"string","object":"companies"})", json)
                 .status,
             200);
    QVERIFY(m_emulator->objectStore(QStringLiteral("remote"), QStringLiteral("companies"))
                ->property(QStringLiteral("region")));
    QVERIFY(!m_emulator->contactStore(QStringLiteral("remote"))->property(QStringLiteral("region")));

    const QString id = ids.first().toString();
    QCOMPARE(send("DELETE", QStringLiteral("/_sandbox/portals/remote/companies/") + id).status, 200);
    QCOMPARE(send("DELETE", QStringLiteral("/_sandbox/portals/remote/companies/") + id).status, 404);
    const Reply after = send("GET", QStringLiteral("/_sandbox/portals/remote"));
    QCOMPARE(after.json.value(QStringLiteral("companies")).toInt(), 6);
    QCOMPARE(after.json.value(QStringLiteral("archivedCompanies")).toInt(), 1);
    QCOMPARE(after.json.value(QStringLiteral("archivedContacts")).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestHubSpotEmulator)
#include "TestHubSpotEmulator.moc"
