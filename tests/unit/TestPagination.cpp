// The generic pagination and rate-limit arithmetic every provider definition relies on.
#include "catalog/TimeFormat.h"
#include "core/Timestamps.h"
#include "http/RequestBudget.h"
#include "http/RequestRunner.h"
#include "sync/Paginator.h"

#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;

class TestPagination : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linkHeaderFindsNext_data();
    void linkHeaderFindsNext();
    void cursorFromLastRecordStopsWithHasMore();
    void cursorInBodyForSearches();
    void lastPageWhenAnExpressionSaysSo();
    void budgetNeverLetsMoreThanItsRequestsIntoAWindow();
    void offsetStopsAtTotal();
    void pageStopsOnEmptyOrShortPage();
    void nextUrlIsFollowedAsGiven();
    void retryAfterAndResetHeaders();
    void timestampsInProviderFormats_data();
    void timestampsInProviderFormats();
    void sinceFormats();

private:
    static QJsonValue json(const char *text) { return QJsonDocument::fromJson(text).object(); }
    static QJsonArray records(int n);
};

QJsonArray TestPagination::records(int n)
{
    QJsonArray array;
    for (int i = 1; i <= n; ++i)
        array.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("cus_%1").arg(i)}});
    return array;
}

void TestPagination::linkHeaderFindsNext_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("next");
    QTest::newRow("github") << QByteArray(R"(<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last")")
                            << QStringLiteral("https://api.github.com/x?page=2");
    QTest::newRow("next not first") << QByteArray(R"(<https://a/x?p=1>; rel="first", <https://a/x?p=3>; rel="next")")
                                    << QStringLiteral("https://a/x?p=3");
    QTest::newRow("servicenow unquoted") << QByteArray("<https://i.service-now.com/api?o=10>;rel=next")
                                         << QStringLiteral("https://i.service-now.com/api?o=10");
    QTest::newRow("last page") << QByteArray(R"(<https://a/x?p=1>; rel="first", <https://a/x?p=2>; rel="prev")")
                               << QString();
}

void TestPagination::linkHeaderFindsNext()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, next);
    QCOMPARE(Paginator::linkHeaderNext(header), next);
}

void TestPagination::cursorFromLastRecordStopsWithHasMore()
{
    PaginationSpec spec;
    spec.type = QStringLiteral("cursor");
    spec.cursorFromLastRecord = QStringLiteral("id");
    spec.param = QStringLiteral("starting_after");
    spec.hasMorePath = QStringLiteral("has_more");
    spec.limitParam = QStringLiteral("limit");
    const Paginator paginator(spec);
    const auto next = paginator.next({}, json(R"({"has_more": true})"), {}, records(3));
    QVERIFY(next);
    QCOMPARE(next->cursor, QStringLiteral("cus_3"));
    QUrl url(QStringLiteral("https://api.stripe.com/v1/customers"));
    QJsonObject body;
    paginator.apply(*next, url, body);
    QCOMPARE(url.query(), QStringLiteral("limit=100&starting_after=cus_3"));
    const QJsonValue noMore = json("{\"has_more\": false}");
    QVERIFY(!paginator.next(*next, noMore, {}, records(3)));
}

void TestPagination::lastPageWhenAnExpressionSaysSo()
{
    // Zendesk's incremental export: a cursor in after_cursor, and end_of_stream true on the last page.
    PaginationSpec spec;
    spec.type = QStringLiteral("cursor");
    spec.nextPath = QStringLiteral("after_cursor");
    spec.param = QStringLiteral("cursor");
    spec.lastPageWhen = QStringLiteral("end_of_stream = true");
    const Paginator paginator(spec);
    const auto next = paginator.next({}, json(R"({"after_cursor": "c2", "end_of_stream": false})"), {}, records(3));
    QVERIFY(next);
    QCOMPARE(next->cursor, QStringLiteral("c2"));
    QVERIFY(!paginator.next(*next, json(R"({"after_cursor": "c3", "end_of_stream": true})"), {}, records(3)));
}

void TestPagination::budgetNeverLetsMoreThanItsRequestsIntoAWindow()
{
    RequestBudget budget(3, std::chrono::milliseconds(1000));
    const qint64 now = 10000;
    QList<qint64> tickets;
    for (int i = 0; i < 3; ++i) {
        const RequestBudget::Taken taken = budget.tryTake(now);
        QVERIFY(taken.ticket > 0);
        tickets.append(taken.ticket);
    }
    // All three in flight: the fourth waits without knowing for how long, and asks again soon.
    RequestBudget::Taken fourth = budget.tryTake(now);
    QCOMPARE(fourth.ticket, 0);
    QVERIFY(fourth.wait.count() > 0 && fourth.wait.count() < 1000);
    // Answers at 10.2 s, 10.5 s and 10.7 s: a slot frees a whole window after its answer, not after its send.
    budget.finish(tickets.at(0), 10200);
    budget.finish(tickets.at(1), 10500);
    budget.finish(tickets.at(2), 10700);
    fourth = budget.tryTake(10800);
    QCOMPARE(fourth.ticket, 0);
    QCOMPARE(fourth.wait.count(), 400); // until 11.2 s
    QVERIFY(budget.tryTake(11200).ticket > 0);
    QCOMPARE(budget.tryTake(11200).ticket, 0);
    // A slot taken for a call that was then not sent (another budget had no room) is free again at once.
    RequestBudget one(1, std::chrono::milliseconds(1000));
    const qint64 unsent = one.tryTake(now).ticket;
    QVERIFY(unsent > 0);
    QCOMPARE(one.tryTake(now).ticket, 0);
    one.release(unsent);
    QVERIFY(one.tryTake(now).ticket > 0);
    // Budgets are shared by key and numbers.
    const auto a = RequestBudget::shared(QStringLiteral("hubspot|1"), 5, std::chrono::milliseconds(1000));
    QCOMPARE(RequestBudget::shared(QStringLiteral("hubspot|1"), 5, std::chrono::milliseconds(1000)), a);
    QVERIFY(RequestBudget::shared(QStringLiteral("hubspot|2"), 5, std::chrono::milliseconds(1000)) != a);
    QVERIFY(RequestBudget::shared(QStringLiteral("hubspot|1"), 6, std::chrono::milliseconds(1000)) != a);
}

void TestPagination::cursorInBodyForSearches()
{
    PaginationSpec spec;
    spec.type = QStringLiteral("cursor");
    spec.nextPath = QStringLiteral("nextPageToken");
    spec.param = QStringLiteral("nextPageToken");
    spec.in = QStringLiteral("body");
    spec.limitParam = QStringLiteral("maxResults");
    spec.pageSize = 50;
    const Paginator paginator(spec);
    PageState state;
    state.cursor = QStringLiteral("tok2");
    QUrl url(QStringLiteral("https://api.atlassian.com/search/jql"));
    QJsonObject body{{QStringLiteral("jql"), QStringLiteral("order by updated")}};
    paginator.apply(state, url, body);
    QVERIFY(url.query().isEmpty());
    QCOMPARE(body.value(QStringLiteral("nextPageToken")).toString(), QStringLiteral("tok2"));
    QCOMPARE(body.value(QStringLiteral("maxResults")).toInt(), 50);
    // Jira: the token is simply absent on the last page.
    const QJsonValue withoutToken = json("{\"issues\": []}");
    QVERIFY(!paginator.next(state, withoutToken, {}, records(2)));
}

void TestPagination::offsetStopsAtTotal()
{
    PaginationSpec spec;
    spec.type = QStringLiteral("offset");
    spec.param = QStringLiteral("start");
    spec.limitParam = QStringLiteral("limit");
    spec.nextOffsetPath = QStringLiteral("additional_data.pagination.next_start");
    spec.hasMorePath = QStringLiteral("additional_data.pagination.more_items_in_collection");
    const Paginator paginator(spec);
    const auto next = paginator.next(
        {}, json(R"({"additional_data":{"pagination":{"more_items_in_collection":true,"next_start":100}}})"), {},
        records(100));
    QCOMPARE(next->offset, 100);
    const QJsonValue lastPage = json("{\"additional_data\":{\"pagination\":{\"more_items_in_collection\":false}}}");
    QVERIFY(!paginator.next(*next, lastPage, {}, records(20)));

    PaginationSpec totalSpec = spec;
    totalSpec.nextOffsetPath.clear();
    totalSpec.hasMorePath.clear();
    totalSpec.totalPath = QStringLiteral("total");
    const Paginator byTotal(totalSpec);
    PageState at100;
    at100.offset = 100;
    const QJsonValue total = json("{\"total\": 250}");
    QCOMPARE(byTotal.next(at100, total, {}, records(100))->offset, 200);
    PageState at200;
    at200.offset = 200;
    QVERIFY(!byTotal.next(at200, total, {}, records(50)));
}

void TestPagination::pageStopsOnEmptyOrShortPage()
{
    PaginationSpec spec;
    spec.type = QStringLiteral("page");
    spec.param = QStringLiteral("page");
    spec.limitParam = QStringLiteral("per_page");
    spec.pageSize = 10;
    spec.stopWhenShort = true;
    const Paginator paginator(spec);
    const auto second = paginator.next({}, json("{}"), {}, records(10));
    QCOMPARE(second->page, 2);
    QVERIFY(!paginator.next(*second, json("{}"), {}, records(4)));
    QVERIFY(!paginator.next(*second, json("{}"), {}, records(0)));
}

void TestPagination::nextUrlIsFollowedAsGiven()
{
    PaginationSpec spec;
    spec.type = QStringLiteral("nextUrl");
    spec.nextPath = QStringLiteral("@odata.nextLink");
    const Paginator paginator(spec);
    const auto next = paginator.next({}, json(R"({"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?$skip=10"})"),
                                     {}, records(10));
    QCOMPARE(next->nextUrl, QStringLiteral("https://graph.microsoft.com/v1.0/me/messages?$skip=10"));
    QUrl url(QStringLiteral("https://ignored"));
    QJsonObject body;
    paginator.apply(*next, url, body);
    QVERIFY(url.query().isEmpty()); // nothing added to a link the provider built
    const QJsonValue lastPage = json("{\"@odata.deltaLink\":\"https://x\"}");
    QVERIFY(!paginator.next(*next, lastPage, {}, records(3)));
}

void TestPagination::retryAfterAndResetHeaders()
{
    using std::chrono::milliseconds;
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-11-25T10:00:00Z"), Qt::ISODate);
    QCOMPARE(RequestRunner::parseRetryAfter("7", now), milliseconds(7000));
    QCOMPARE(RequestRunner::parseRetryAfter("Wed, 25 Nov 2026 10:00:30 GMT", now), milliseconds(30000));
    QVERIFY(!RequestRunner::parseRetryAfter("soon", now));
    QCOMPARE(RequestRunner::parseReset("1795600860", QStringLiteral("epochSeconds"), now), milliseconds(60000));
    QCOMPARE(RequestRunner::parseReset("1795600805000", QStringLiteral("epochMillis"), now), milliseconds(5000));
    QCOMPARE(RequestRunner::parseReset("2026-11-25T10:01Z", QStringLiteral("iso8601"), now), milliseconds(60000));
    QCOMPARE(RequestRunner::parseReset("12", QStringLiteral("seconds"), now), milliseconds(12000));
    QCOMPARE(RequestRunner::parseReset("1795600000", QStringLiteral("epochSeconds"), now), milliseconds(0));
}

void TestPagination::timestampsInProviderFormats_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    const qint64 base = QDateTime::fromString(QStringLiteral("2026-01-02T03:04:05Z"), Qt::ISODate).toMSecsSinceEpoch();
    QTest::newRow("iso z") << QStringLiteral("2026-01-02T03:04:05Z") << base;
    QTest::newRow("iso ms offset no colon") << QStringLiteral("2026-01-02T04:04:05.250+0100") << base + 250;
    QTest::newRow("servicenow") << QStringLiteral("2026-01-02 03:04:05") << base;
    QTest::newRow("epoch seconds") << QString::number(base / 1000) << base;
    QTest::newRow("epoch millis") << QString::number(base + 7) << base + 7;
}

void TestPagination::timestampsInProviderFormats()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QCOMPARE(parseTimestampMs(text).value_or(-1), ms);
}

void TestPagination::sinceFormats()
{
    const qint64 ms = QDateTime::fromString(QStringLiteral("2026-01-02T03:04:05Z"), Qt::ISODate).toMSecsSinceEpoch();
    QCOMPARE(formatTimestamp(ms, QStringLiteral("iso8601")).value(), QStringLiteral("2026-01-02T03:04:05Z"));
    QCOMPARE(formatTimestamp(ms, QStringLiteral("epochSeconds")).value(), QString::number(ms / 1000));
    QCOMPARE(formatTimestamp(ms, QStringLiteral("[Y0001]-[M01]-[D01] [H01]:[m01]")).value(),
             QStringLiteral("2026-01-02 03:04"));
}

QTEST_GUILESS_MAIN(TestPagination)
#include "TestPagination.moc"
