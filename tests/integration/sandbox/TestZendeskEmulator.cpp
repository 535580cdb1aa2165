#include "SandboxTestClient.h"
#include "zendesk/ZendeskEmulator.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace patchbay::sandbox;

// Drives the Zendesk emulator over loopback HTTP, reaching subdomains by path prefix and by Host header.
class TestZendeskEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void cursorPagingVisitsEveryTicketExactlyOnce_data();
    void cursorPagingVisitsEveryTicketExactlyOnce();
    void hostHeaderSelectsTheSubdomain();
    void apiTokenBasicAuthAndOAuthBearerAuthenticate();
    void refreshRotatesAndRetiresThePreviousTokens();
    void injected429CarriesRetryAfter();
    void incrementalExportReturnsChangesSinceTheCursor();
    void ticketFieldsIncludeCustomFields();
    void createAndUpdateTicket();
    void webhookSignatureVerifiesWithIndependentHmac();
    void usersPageByCursor();
    void userExportKeepsDeletedUsersInactive();

private:
    QString url(const QString &path) const { return m_emulator->tenantUrl(QStringLiteral("acme")) + path; }
    SandboxReply refresh(const ZendeskCredentials &account, const QString &refreshToken);

    std::unique_ptr<ZendeskEmulator> m_emulator;
    std::unique_ptr<SandboxTestClient> m_client;
};

void TestZendeskEmulator::init()
{
    m_emulator = std::make_unique<ZendeskEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_client = std::make_unique<SandboxTestClient>(m_emulator->baseUrl());
}

void TestZendeskEmulator::cleanup()
{
    m_client.reset();
    m_emulator.reset();
}

SandboxReply TestZendeskEmulator::refresh(const ZendeskCredentials &account, const QString &refreshToken)
{
    return m_client->postJson(url(QStringLiteral("/oauth/tokens")),
                              {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                               {QStringLiteral("client_id"), account.clientId},
                               {QStringLiteral("client_secret"), account.clientSecret},
                               {QStringLiteral("refresh_token"), refreshToken}},
                              {});
}

void TestZendeskEmulator::cursorPagingVisitsEveryTicketExactlyOnce_data()
{
    QTest::addColumn<int>("tickets");
    QTest::addColumn<int>("pageSize");
    QTest::newRow("partial last page") << 250 << 100;
    QTest::newRow("exact pages") << 40 << 20;
    QTest::newRow("no tickets") << 0 << 100;
}

void TestZendeskEmulator::cursorPagingVisitsEveryTicketExactlyOnce()
{
    QFETCH(int, tickets);
    QFETCH(int, pageSize);
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), tickets, 2);
    QSet<qint64> seen;
    int pages = 0;
    QString next = url(QStringLiteral("/api/v2/tickets.json?page[size]=%1").arg(pageSize));
    while (!next.isEmpty()) {
        const SandboxReply reply = m_client->get(next, account.accessToken);
        QCOMPARE(reply.status, 200);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("tickets")).toArray())
            seen.insert(value.toObject().value(QStringLiteral("id")).toInteger());
        ++pages;
        const QJsonObject meta = reply.json.value(QStringLiteral("meta")).toObject();
        next = reply.json.value(QStringLiteral("links")).toObject().value(QStringLiteral("next")).toString();
        QCOMPARE(meta.value(QStringLiteral("has_more")).toBool(), !next.isEmpty());
        QVERIFY(pages <= tickets / pageSize + 1);
    }
    QCOMPARE(seen.size(), tickets);
    QCOMPARE(pages, std::max(1, (tickets + pageSize - 1) / pageSize));
}

void TestZendeskEmulator::hostHeaderSelectsTheSubdomain()
{
    m_emulator->addSubdomain(QStringLiteral("acme"), 3, 1);
    const ZendeskCredentials globex = m_emulator->addSubdomain(QStringLiteral("globex"), 5, 2);
    const SandboxReply reply =
        m_client->send("GET", QStringLiteral("/api/v2/tickets.json"), {},
                       {{"Host", "globex.zendesk.com"}, {"Authorization", "Bearer " + globex.accessToken.toLatin1()}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.value(QStringLiteral("tickets")).toArray().size(), 5);
    // A token of one subdomain does not open another.
    QCOMPARE(m_client->get(url(QStringLiteral("/api/v2/tickets.json")), globex.accessToken).status, 401);
    QCOMPARE(m_client->get(QStringLiteral("/_subdomain/nobody/api/v2/tickets.json"), globex.accessToken).status, 404);
}

void TestZendeskEmulator::apiTokenBasicAuthAndOAuthBearerAuthenticate()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 3, 1);
    const auto basic = [&](const QString &token) {
        const QByteArray credentials = (account.adminEmail + QStringLiteral("/token:") + token).toUtf8().toBase64();
        return m_client->send("GET", url(QStringLiteral("/api/v2/tickets.json")), {},
                              {{"Authorization", "Basic " + credentials}});
    };
    QCOMPARE(basic(account.apiKey).status, 200);
    const SandboxReply wrong = basic(QStringLiteral("not-the-token"));
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.json.value(QStringLiteral("error")).toString(), QStringLiteral("Couldn't authenticate you"));
    QCOMPARE(m_client->get(url(QStringLiteral("/api/v2/tickets.json")), account.accessToken).status, 200);
}

void TestZendeskEmulator::refreshRotatesAndRetiresThePreviousTokens()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 3, 1);
    const SandboxReply refreshed = refresh(account, account.refreshToken);
    QCOMPARE(refreshed.status, 200);
    QVERIFY(refreshed.json.value(QStringLiteral("expires_in")).toInt() > 0);
    const QString rotated = refreshed.json.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!rotated.isEmpty() && rotated != account.refreshToken);
    // The previous access and refresh tokens are deleted.
    QCOMPARE(m_client->get(url(QStringLiteral("/api/v2/tickets.json")), account.accessToken).status, 401);
    QCOMPARE(m_client
                 ->get(url(QStringLiteral("/api/v2/tickets.json")),
                       refreshed.json.value(QStringLiteral("access_token")).toString())
                 .status,
             200);
    const SandboxReply reused = refresh(account, account.refreshToken);
    QCOMPARE(reused.status, 400);
    QCOMPARE(reused.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));

    QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("acme")));
    QCOMPARE(refresh(account, rotated).json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
}

void TestZendeskEmulator::injected429CarriesRetryAfter()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 3, 1);
    m_emulator->failNextRequests(2, 4);
    for (int i = 0; i < 2; ++i) {
        const SandboxReply limited = m_client->get(url(QStringLiteral("/api/v2/tickets.json")), account.accessToken);
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.header("Retry-After"), QByteArray("4"));
    }
    QCOMPARE(m_client->get(url(QStringLiteral("/api/v2/tickets.json")), account.accessToken).status, 200);
    QCOMPARE(m_emulator->apiRequestCount(), 3);
}

void TestZendeskEmulator::incrementalExportReturnsChangesSinceTheCursor()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 1500, 3);
    // The whole history, following after_url until end_of_stream.
    QSet<qint64> seen;
    QString next = url(QStringLiteral("/api/v2/incremental/tickets/cursor.json?start_time=0"));
    QString cursor;
    for (int page = 0; page < 5; ++page) {
        const SandboxReply reply = m_client->get(next, account.accessToken);
        QCOMPARE(reply.status, 200);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("tickets")).toArray())
            seen.insert(value.toObject().value(QStringLiteral("id")).toInteger());
        cursor = reply.json.value(QStringLiteral("after_cursor")).toString();
        next = reply.json.value(QStringLiteral("after_url")).toString();
        if (reply.json.value(QStringLiteral("end_of_stream")).toBool())
            break;
    }
    QCOMPARE(seen.size(), 1500);

    // Changes of the last minute are left out, as Zendesk does; with no exclusion they come after the cursor.
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("tickets"), 3);
    const QString since = url(QStringLiteral("/api/v2/incremental/tickets/cursor.json?cursor=") + cursor);
    QCOMPARE(m_client->get(since, account.accessToken).json.value(QStringLiteral("tickets")).toArray().size(), 0);
    m_emulator->setIncrementalExclusionSeconds(0);
    const SandboxReply changed = m_client->get(since, account.accessToken);
    QStringList found;
    for (const QJsonValue &value : changed.json.value(QStringLiteral("tickets")).toArray())
        found.append(QString::number(value.toObject().value(QStringLiteral("id")).toInteger()));
    QCOMPARE(QSet<QString>(found.begin(), found.end()), QSet<QString>(touched.begin(), touched.end()));
    QCOMPARE(changed.json.value(QStringLiteral("end_of_stream")).toBool(), true);

    QCOMPARE(m_client->get(url(QStringLiteral("/api/v2/incremental/tickets/cursor.json")), account.accessToken).status,
             400);
}

void TestZendeskEmulator::ticketFieldsIncludeCustomFields()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 5, 1);
    const qint64 id = m_emulator
                          ->addCustomField(QStringLiteral("acme"), QStringLiteral("tickets"), QStringLiteral("Plan"),
                                           FieldKind::Picklist)
                          .toLongLong();
    const SandboxReply fields = m_client->get(url(QStringLiteral("/api/v2/ticket_fields.json")), account.accessToken);
    QCOMPARE(fields.status, 200);
    bool foundCustom = false;
    for (const QJsonValue &value : fields.json.value(QStringLiteral("ticket_fields")).toArray()) {
        const QJsonObject field = value.toObject();
        if (field.value(QStringLiteral("id")).toInteger() == id) {
            foundCustom = true;
            QCOMPARE(field.value(QStringLiteral("type")).toString(), QStringLiteral("tagger"));
            QCOMPARE(field.value(QStringLiteral("removable")).toBool(), true);
            QCOMPARE(field.value(QStringLiteral("custom_field_options")).toArray().size(), 3);
        } else {
            QCOMPARE(field.value(QStringLiteral("removable")).toBool(), false);
        }
    }
    QVERIFY(foundCustom);
    const SandboxReply ticket = m_client->get(url(QStringLiteral("/api/v2/tickets/1.json")), account.accessToken);
    const QJsonObject value = ticket.json.value(QStringLiteral("ticket"))
                                  .toObject()
                                  .value(QStringLiteral("custom_fields"))
                                  .toArray()
                                  .first()
                                  .toObject();
    QCOMPARE(value.value(QStringLiteral("id")).toInteger(), id);
    QVERIFY(!value.value(QStringLiteral("value")).toString().isEmpty());
}

void TestZendeskEmulator::createAndUpdateTicket()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 2, 1);
    const SandboxReply invalid = m_client->postJson(
        url(QStringLiteral("/api/v2/tickets.json")),
        {{QStringLiteral("ticket"), QJsonObject{{QStringLiteral("subject"), QStringLiteral("No body")}}}},
        account.accessToken);
    QCOMPARE(invalid.status, 422);
    QCOMPARE(invalid.json.value(QStringLiteral("error")).toString(), QStringLiteral("RecordInvalid"));
    QVERIFY(invalid.json.value(QStringLiteral("details")).toObject().contains(QStringLiteral("description")));

    const QJsonObject ticket{{QStringLiteral("subject"), QStringLiteral("Printer on fire")},
                             {QStringLiteral("comment"), QJsonObject{{QStringLiteral("body"), QStringLiteral("Help")}}},
                             {QStringLiteral("priority"), QStringLiteral("urgent")}};
    const SandboxReply created = m_client->postJson(url(QStringLiteral("/api/v2/tickets.json")),
                                                    {{QStringLiteral("ticket"), ticket}}, account.accessToken);
    QCOMPARE(created.status, 201);
    const qint64 id = created.json.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("id")).toInteger();
    QCOMPARE(id, 3);

    const QByteArray update = R"({"ticket":{"status":"solved"}})";
    const SandboxReply updated = m_client->send(
        "PUT", url(QStringLiteral("/api/v2/tickets/3.json")), update,
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + account.accessToken.toLatin1()}});
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json.value(QStringLiteral("ticket")).toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("solved"));
}

void TestZendeskEmulator::webhookSignatureVerifiesWithIndependentHmac()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 2, 1);
    WebhookReceiver receiver;
    QVERIFY(m_emulator->sendTicketEvent(QStringLiteral("acme"), receiver.url(), QStringLiteral("1")));
    const auto delivery = receiver.waitForDelivery();
    QVERIFY(delivery.has_value());
    const QByteArray timestamp = delivery->header("x-zendesk-webhook-signature-timestamp");
    QVERIFY(!timestamp.isEmpty());
    const QByteArray expected =
        QMessageAuthenticationCode::hash(timestamp + delivery->body, account.webhookSecret.toUtf8(),
                                         QCryptographicHash::Sha256)
            .toBase64();
    QCOMPARE(delivery->header("x-zendesk-webhook-signature"), expected);
    // Ticket events name the ticket in subject and carry its id as a string in detail.
    const QJsonObject event = QJsonDocument::fromJson(delivery->body).object();
    QCOMPARE(event.value(QStringLiteral("subject")).toString(), QStringLiteral("zen:ticket:1"));
    QCOMPARE(event.value(QStringLiteral("detail")).toObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("1"));
    QVERIFY(!event.value(QStringLiteral("id")).toString().isEmpty());
}

void TestZendeskEmulator::usersPageByCursor()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 2, 3);
    QCOMPARE(m_emulator->addUsers(QStringLiteral("acme"), 44).size(), 44);
    QSet<qint64> seen;
    int pages = 0;
    QString next = url(QStringLiteral("/api/v2/users.json?page[size]=20"));
    while (!next.isEmpty()) {
        const SandboxReply reply = m_client->get(next, account.accessToken);
        QCOMPARE(reply.status, 200);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("users")).toArray()) {
            const QJsonObject user = value.toObject();
            QVERIFY(!seen.contains(user.value(QStringLiteral("id")).toInteger()));
            seen.insert(user.value(QStringLiteral("id")).toInteger());
            QVERIFY(user.value(QStringLiteral("active")).toBool());
            QVERIFY(QStringList({QStringLiteral("end-user"), QStringLiteral("agent"), QStringLiteral("admin")})
                        .contains(user.value(QStringLiteral("role")).toString()));
            QVERIFY(user.value(QStringLiteral("email")).toString().contains(QLatin1Char('@')));
        }
        ++pages;
        next = reply.json.value(QStringLiteral("links")).toObject().value(QStringLiteral("next")).toString();
        QCOMPARE(reply.json.value(QStringLiteral("meta")).toObject().value(QStringLiteral("has_more")).toBool(),
                 !next.isEmpty());
        QVERIFY(pages <= 3);
    }
    QCOMPARE(seen.size(), 45); // the admin too
    QCOMPARE(pages, 3);
    // The admin whose token the account hands out is a user.
    const SandboxReply admin =
        m_client->get(url(QStringLiteral("/api/v2/users/%1.json").arg(*std::min_element(seen.begin(), seen.end()))),
                      account.accessToken);
    QCOMPARE(admin.status, 200);
    QCOMPARE(admin.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("email")).toString(),
             account.adminEmail);
    QCOMPARE(m_client->get(url(QStringLiteral("/api/v2/users.json?page[size]=101")), account.accessToken).status, 400);
}

void TestZendeskEmulator::userExportKeepsDeletedUsersInactive()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 2, 4);
    const QStringList ids = m_emulator->addUsers(QStringLiteral("acme"), 30);
    m_emulator->setIncrementalExclusionSeconds(0);
    const qint64 startTime = QDateTime::currentSecsSinceEpoch() - 1;
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("users"), 3);
    QString deleted;
    for (const QString &id : ids) {
        if (!touched.contains(id)) {
            deleted = id;
            break;
        }
    }
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("users"), deleted));
    const SandboxReply page = m_client->get(
        url(QStringLiteral("/api/v2/incremental/users/cursor.json?start_time=%1").arg(startTime)), account.accessToken);
    QCOMPARE(page.status, 200);
    QVERIFY(page.json.value(QStringLiteral("end_of_stream")).toBool());
    QVERIFY(!page.json.value(QStringLiteral("after_cursor")).toString().isEmpty());
    QVERIFY(page.json.value(QStringLiteral("after_url"))
                .toString()
                .contains(QStringLiteral("/incremental/users/cursor.json?cursor=")));
    QSet<QString> changed;
    QString previous;
    for (const QJsonValue &value : page.json.value(QStringLiteral("users")).toArray()) {
        const QJsonObject user = value.toObject();
        const QString id = QString::number(user.value(QStringLiteral("id")).toInteger());
        changed.insert(id);
        QCOMPARE(user.value(QStringLiteral("active")).toBool(), id != deleted);
        QVERIFY(user.value(QStringLiteral("updated_at")).toString() >= previous);
        previous = user.value(QStringLiteral("updated_at")).toString();
    }
    QCOMPARE(changed, QSet<QString>(touched.begin(), touched.end()) + QSet<QString>{deleted});
    // The list no longer has the deleted user; a further export from the cursor has nothing new.
    const SandboxReply list =
        m_client->get(url(QStringLiteral("/api/v2/users.json?page[size]=100")), account.accessToken);
    QCOMPARE(list.json.value(QStringLiteral("users")).toArray().size(), 30); // 31 with the admin, less the deleted one
    const SandboxReply after =
        m_client->get(page.json.value(QStringLiteral("after_url")).toString(), account.accessToken);
    QCOMPARE(after.status, 200);
    QVERIFY(after.json.value(QStringLiteral("users")).toArray().isEmpty());
    QVERIFY(after.json.value(QStringLiteral("end_of_stream")).toBool());
    // Smaller pages: the stream ends on the page that holds the last change.
    m_emulator->setIncrementalPageSize(2);
    QSet<QString> paged;
    QString next = url(QStringLiteral("/api/v2/incremental/users/cursor.json?start_time=%1").arg(startTime));
    for (const bool last : {false, true}) {
        const SandboxReply part = m_client->get(next, account.accessToken);
        QCOMPARE(part.json.value(QStringLiteral("users")).toArray().size(), 2);
        QCOMPARE(part.json.value(QStringLiteral("end_of_stream")).toBool(), last);
        for (const QJsonValue &value : part.json.value(QStringLiteral("users")).toArray())
            paged.insert(QString::number(value.toObject().value(QStringLiteral("id")).toInteger()));
        next = part.json.value(QStringLiteral("after_url")).toString();
    }
    QCOMPARE(paged, changed);
}

QTEST_GUILESS_MAIN(TestZendeskEmulator)
#include "TestZendeskEmulator.moc"
