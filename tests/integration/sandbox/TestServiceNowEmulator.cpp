#include "SandboxTestFixture.h"
#include "servicenow/ServiceNowEmulator.h"

#include <QSet>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace patchbay::sandbox;

namespace {

QByteArray basic(const QString &user, const QString &password)
{
    return "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64();
}

} // namespace

// Drives the ServiceNow emulator over loopback HTTP, reaching instances by path prefix and by Host header.
class TestServiceNowEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void tablePagingVisitsEveryRecordExactlyOnce_data();
    void tablePagingVisitsEveryRecordExactlyOnce();
    void hostHeaderSelectsTheInstance();
    void basicAuthAndOAuthPasswordGrant();
    void rateLimitRuleAnswers429WithHeaders();
    void encodedQuerySelectsChangesSince();
    void dictionaryListsCustomColumns();
    void createHonoursTheDataPolicy();
    void patchChangesOnlyTheColumnsSent();
    void userTableIsServedLikeIncidents();

private:
    QString url(const QString &path) const { return m_emulator->tenantUrl(QStringLiteral("acme")) + path; }
    SandboxReply get(const QString &pathOrUrl, const SandboxAccountCredentials &instance)
    {
        return m_client->send("GET", pathOrUrl, {},
                              {{"Authorization", basic(QStringLiteral("admin"), instance.apiKey)}});
    }

    std::unique_ptr<ServiceNowEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestServiceNowEmulator::init()
{
    QVERIFY(SandboxTestFixture::start(m_emulator, m_client));
}

void TestServiceNowEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

void TestServiceNowEmulator::tablePagingVisitsEveryRecordExactlyOnce_data()
{
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("limit");
    QTest::newRow("partial last page") << 45 << 20;
    QTest::newRow("exact pages") << 40 << 10;
    QTest::newRow("no records") << 0 << 10;
}

void TestServiceNowEmulator::tablePagingVisitsEveryRecordExactlyOnce()
{
    QFETCH(int, records);
    QFETCH(int, limit);
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), records, 4);
    QSet<QString> seen;
    int pages = 0;
    QString next =
        url(QStringLiteral("/api/now/table/incident?sysparm_limit=%1&sysparm_query=ORDERBYnumber").arg(limit));
    while (!next.isEmpty()) {
        const SandboxReply reply = get(next, instance);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("X-Total-Count").toInt(), records);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("result")).toArray()) {
            const QString sysId = value.toObject().value(QStringLiteral("sys_id")).toString();
            QCOMPARE(sysId.size(), 32);
            QVERIFY(!seen.contains(sysId));
            seen.insert(sysId);
        }
        const auto links = SandboxTestFixture::parseLinks(reply.header("Link"));
        QVERIFY(links.contains(QStringLiteral("first")) && links.contains(QStringLiteral("last")));
        QCOMPARE(links.contains(QStringLiteral("prev")), pages > 0);
        next = links.value(QStringLiteral("next"));
        QVERIFY(++pages <= records / limit + 1);
    }
    QCOMPARE(seen.size(), records);
    QCOMPARE(pages, std::max(1, (records + limit - 1) / limit));
}

void TestServiceNowEmulator::hostHeaderSelectsTheInstance()
{
    m_emulator->addInstance(QStringLiteral("acme"), 3, 1);
    const SandboxAccountCredentials globex = m_emulator->addInstance(QStringLiteral("globex"), 5, 2);
    const SandboxReply reply = m_client->send(
        "GET", QStringLiteral("/api/now/table/incident"), {},
        {{"Host", "globex.service-now.com"}, {"Authorization", basic(QStringLiteral("admin"), globex.apiKey)}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("result")).toArray().size(), 5);
    // Credentials of one instance do not open another.
    const SandboxReply other = get(url(QStringLiteral("/api/now/table/incident")), globex);
    QCOMPARE(other.status, 401);
    QCOMPARE(other.json.value(QStringLiteral("status")).toString(), QStringLiteral("failure"));
    QCOMPARE(other.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("User Not Authenticated"));
}

void TestServiceNowEmulator::basicAuthAndOAuthPasswordGrant()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 3, 1);
    const auto token = [&](const QList<QPair<QString, QString>> &grant) {
        QList<QPair<QString, QString>> fields{{QStringLiteral("client_id"), instance.clientId},
                                              {QStringLiteral("client_secret"), instance.clientSecret}};
        return m_client->postForm(url(QStringLiteral("/oauth_token.do")), fields + grant);
    };
    const SandboxReply wrong = token({{QStringLiteral("grant_type"), QStringLiteral("password")},
                                      {QStringLiteral("username"), QStringLiteral("admin")},
                                      {QStringLiteral("password"), QStringLiteral("guess")}});
    QCOMPARE(wrong.status, 401);
    const SandboxReply granted = token({{QStringLiteral("grant_type"), QStringLiteral("password")},
                                        {QStringLiteral("username"), QStringLiteral("admin")},
                                        {QStringLiteral("password"), instance.apiKey}});
    QCOMPARE(granted.status, 200);
    QCOMPARE(granted.json.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(granted.json.value(QStringLiteral("expires_in")).toInt(), 1800);
    const QString access = granted.json.value(QStringLiteral("access_token")).toString();
    QCOMPARE(m_client->get(url(QStringLiteral("/api/now/table/incident")), access).status, 200);

    QVERIFY(m_emulator->expireAccessTokens(QStringLiteral("acme")));
    QCOMPARE(m_client->get(url(QStringLiteral("/api/now/table/incident")), access).status, 401);
    const SandboxReply refreshed =
        token({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
               {QStringLiteral("refresh_token"), granted.json.value(QStringLiteral("refresh_token")).toString()}});
    QCOMPARE(refreshed.status, 200);
    QCOMPARE(m_client
                 ->get(url(QStringLiteral("/api/now/table/incident")),
                       refreshed.json.value(QStringLiteral("access_token")).toString())
                 .status,
             200);
    QCOMPARE(get(url(QStringLiteral("/api/now/table/incident")), instance).status, 200);
}

void TestServiceNowEmulator::rateLimitRuleAnswers429WithHeaders()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 3, 1);
    m_emulator->failNextRequests(1, 7);
    const SandboxReply limited = get(url(QStringLiteral("/api/now/table/incident")), instance);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("7"));
    QVERIFY(limited.header("X-RateLimit-Limit").toInt() > 0);
    QVERIFY(limited.header("X-RateLimit-Reset").toLongLong() >= QDateTime::currentSecsSinceEpoch());
    QVERIFY(!limited.header("X-RateLimit-Rule").isEmpty());
    QCOMPARE(limited.json.value(QStringLiteral("status")).toString(), QStringLiteral("failure"));
    QCOMPARE(get(url(QStringLiteral("/api/now/table/incident")), instance).status, 200);
}

void TestServiceNowEmulator::encodedQuerySelectsChangesSince()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 60, 3);
    const QString since = QDateTime::currentDateTimeUtc().addSecs(-1).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("incident"), 4);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("sysparm_query"),
                       QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("sys_updated_on>=") + since +
                                                                   QStringLiteral("^ORDERBYsys_updated_on"))));
    query.addQueryItem(QStringLiteral("sysparm_fields"), QStringLiteral("sys_id,sys_updated_on"));
    const SandboxReply changed = get(url(QStringLiteral("/api/now/table/incident?") + query.toString()), instance);
    QCOMPARE(changed.status, 200);
    QSet<QString> found;
    QString previous;
    for (const QJsonValue &value : changed.json.value(QStringLiteral("result")).toArray()) {
        const QJsonObject row = value.toObject();
        QCOMPARE(row.keys(), (QStringList{QStringLiteral("sys_id"), QStringLiteral("sys_updated_on")}));
        QVERIFY(row.value(QStringLiteral("sys_updated_on")).toString() >= previous);
        previous = row.value(QStringLiteral("sys_updated_on")).toString();
        found.insert(row.value(QStringLiteral("sys_id")).toString());
    }
    QCOMPARE(found, QSet<QString>(touched.begin(), touched.end()));

    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("incident"), touched.first()));
    QCOMPARE(get(url(QStringLiteral("/api/now/table/incident/") + touched.first()), instance).status, 404);
    QCOMPARE(get(url(QStringLiteral("/api/now/table/incident?sysparm_offset=-1")), instance).status, 400);
}

void TestServiceNowEmulator::dictionaryListsCustomColumns()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 5, 1);
    QCOMPARE(m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("incident"), QStringLiteral("Plan Tier"),
                                        FieldKind::Picklist),
             QStringLiteral("u_plan_tier"));
    const SandboxReply columns =
        get(url(QStringLiteral("/api/now/table/sys_dictionary?sysparm_query=name=incident")), instance);
    QCOMPARE(columns.status, 200);
    QJsonObject custom;
    for (const QJsonValue &value : columns.json.value(QStringLiteral("result")).toArray()) {
        QCOMPARE(value.toObject().value(QStringLiteral("name")).toString(), QStringLiteral("incident"));
        if (value.toObject().value(QStringLiteral("element")).toString() == QLatin1String("u_plan_tier"))
            custom = value.toObject();
    }
    QCOMPARE(custom.value(QStringLiteral("column_label")).toString(), QStringLiteral("Plan Tier"));
    QCOMPARE(custom.value(QStringLiteral("internal_type")).toString(), QStringLiteral("choice"));
    const SandboxReply rows = get(url(QStringLiteral("/api/now/table/incident?sysparm_limit=1")), instance);
    const QJsonObject first = rows.json.value(QStringLiteral("result")).toArray().first().toObject();
    QVERIFY(QStringList({QStringLiteral("bronze"), QStringLiteral("silver"), QStringLiteral("gold")})
                .contains(first.value(QStringLiteral("u_plan_tier")).toString()));
}

void TestServiceNowEmulator::createHonoursTheDataPolicy()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 2, 1);
    const SandboxReply refused =
        m_client->postJson(url(QStringLiteral("/api/now/table/incident")),
                           {{QStringLiteral("urgency"), QStringLiteral("1")}}, instance.accessToken);
    QCOMPARE(refused.status, 403);
    QVERIFY(refused.json.value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("detail"))
                .toString()
                .contains(QStringLiteral("mandatory")));
    const SandboxReply created = m_client->postJson(
        url(QStringLiteral("/api/now/table/incident")),
        {{QStringLiteral("short_description"), QStringLiteral("Printer on fire")}, {QStringLiteral("priority"), 1}},
        instance.accessToken);
    QCOMPARE(created.status, 201);
    const QJsonObject result = created.json.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("priority")).toString(), QStringLiteral("1"));
    QVERIFY(result.value(QStringLiteral("number")).toString().startsWith(QStringLiteral("INC")));
    QCOMPARE(get(url(QStringLiteral("/api/now/table/incident")), instance).header("X-Total-Count").toInt(), 3);
}

void TestServiceNowEmulator::patchChangesOnlyTheColumnsSent()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 2, 1);
    const SandboxReply created = m_client->postJson(
        url(QStringLiteral("/api/now/table/incident")),
        {{QStringLiteral("short_description"), QStringLiteral("Printer on fire")}}, instance.accessToken);
    const QString sysId =
        created.json.value(QStringLiteral("result")).toObject().value(QStringLiteral("sys_id")).toString();
    const auto patch = [&](const QString &id, const QByteArray &body) {
        return m_client->send(
            "PATCH", url(QStringLiteral("/api/now/table/incident/") + id), body,
            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + instance.accessToken.toLatin1()}});
    };
    const SandboxReply updated = patch(sysId, R"({"state":"2","sys_id":"forged"})");
    QCOMPARE(updated.status, 200);
    const QJsonObject result = updated.json.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("state")).toString(), QStringLiteral("2"));
    QCOMPARE(result.value(QStringLiteral("short_description")).toString(), QStringLiteral("Printer on fire"));
    QCOMPARE(result.value(QStringLiteral("sys_id")).toString(), sysId);
    QCOMPARE(result.value(QStringLiteral("sys_mod_count")).toString(), QStringLiteral("1"));
    QCOMPARE(patch(sysId, R"({"short_description":""})").status, 403);
    const SandboxReply missing = patch(QStringLiteral("0123456789abcdef0123456789abcdef"), R"({"state":"2"})");
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("No Record found"));
    // Encoded queries take IN lists, as sys_dictionary is asked for a table and the tables it extends.
    const SandboxReply columns =
        get(url(QStringLiteral("/api/now/table/sys_dictionary?sysparm_query=nameINincident,task")), instance);
    QCOMPARE(columns.status, 200);
    QVERIFY(!columns.json.value(QStringLiteral("result")).toArray().isEmpty());
}

void TestServiceNowEmulator::userTableIsServedLikeIncidents()
{
    const SandboxAccountCredentials instance = m_emulator->addInstance(QStringLiteral("acme"), 25, 6);
    QSet<QString> seen;
    QString next = url(QStringLiteral("/api/now/table/sys_user?sysparm_limit=10&sysparm_query=ORDERBYsys_created_on"));
    int pages = 0;
    while (!next.isEmpty()) {
        const SandboxReply reply = get(next, instance);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("X-Total-Count").toInt(), 25);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("result")).toArray()) {
            const QJsonObject row = value.toObject();
            QVERIFY(!seen.contains(row.value(QStringLiteral("sys_id")).toString()));
            seen.insert(row.value(QStringLiteral("sys_id")).toString());
            QVERIFY(row.value(QStringLiteral("email")).toString().contains(QLatin1Char('@')));
            QVERIFY(!row.value(QStringLiteral("user_name")).toString().isEmpty());
            QCOMPARE(row.value(QStringLiteral("active")).toString(), QStringLiteral("true"));
            QVERIFY(!row.contains(QStringLiteral("short_description")));
        }
        next = SandboxTestFixture::parseLinks(reply.header("Link")).value(QStringLiteral("next"));
        QVERIFY(++pages <= 3);
    }
    QCOMPARE(seen.size(), 25);
    QCOMPARE(pages, 3);

    const QString since = QDateTime::currentDateTimeUtc().addSecs(-1).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("sys_user"), 3);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("sysparm_query"),
                       QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("sys_updated_on>=") + since)));
    const SandboxReply changed = get(url(QStringLiteral("/api/now/table/sys_user?") + query.toString()), instance);
    QSet<QString> found;
    for (const QJsonValue &value : changed.json.value(QStringLiteral("result")).toArray())
        found.insert(value.toObject().value(QStringLiteral("sys_id")).toString());
    QCOMPARE(found, QSet<QString>(touched.begin(), touched.end()));

    const SandboxReply columns =
        get(url(QStringLiteral("/api/now/table/sys_dictionary?sysparm_query=name=sys_user")), instance);
    QStringList elements;
    for (const QJsonValue &value : columns.json.value(QStringLiteral("result")).toArray())
        elements.append(value.toObject().value(QStringLiteral("element")).toString());
    QVERIFY(elements.contains(QStringLiteral("user_name")) && elements.contains(QStringLiteral("email")));
    QVERIFY(!elements.contains(QStringLiteral("short_description")));

    // The incident data policy is incident's: a user needs no short description.
    const SandboxReply created =
        m_client->postJson(url(QStringLiteral("/api/now/table/sys_user")),
                           {{QStringLiteral("user_name"), QStringLiteral("ada.lovelace")}}, instance.accessToken);
    QCOMPARE(created.status, 201);
    const QString sysId =
        created.json.value(QStringLiteral("result")).toObject().value(QStringLiteral("sys_id")).toString();
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("sys_user"), sysId));
    QCOMPARE(get(url(QStringLiteral("/api/now/table/sys_user/") + sysId), instance).status, 404);
}

QTEST_GUILESS_MAIN(TestServiceNowEmulator)
#include "TestServiceNowEmulator.moc"
