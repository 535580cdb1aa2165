#include "catalog/CronExpression.h"
#include "catalog/IntegrationLoader.h"
#include "catalog/ProviderCatalog.h"
#include "catalog/ReadSchedule.h"

#include <QtTest>

using namespace patchbay;

// Schedules of read objects: the cron form's fields, ranges, lists and steps (UTC), spans, backfill starts, and the
// manifest errors that name the file and field.
class TestReadSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cronFindsTheNextFiringMinute_data();
    void cronFindsTheNextFiringMinute();
    void badCronNamesTheField_data();
    void badCronNamesTheField();
    void everyCountsFromThePreviousDueTime();
    void spansAndBackfillStartsParse();
    void manifestCarriesScheduleAndSince();
    void badScheduleInManifestNamesFileLineAndField_data();
    void badScheduleInManifestNamesFileLineAndField();
};

namespace {

QDateTime utc(const char *text)
{
    return QDateTime::fromString(QString::fromLatin1(text), Qt::ISODate).toUTC();
}

IntegrationLoadResult loadManifest(const QByteArray &readObject)
{
    const QByteArray manifest = "integrations:\n"
                                "  - name: crm\n"
                                "    provider: hubspot\n"
                                "    read:\n"
                                "      objects:\n"
                                "        - object: contacts\n" +
                                readObject;
    return IntegrationLoader::loadText(manifest, QStringLiteral("crm.yaml"), ProviderCatalog::builtIn());
}

} // namespace

void TestReadSchedule::cronFindsTheNextFiringMinute_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QDateTime>("after");
    QTest::addColumn<QDateTime>("next");
    // 2026-03-02 is a Monday.
    QTest::newRow("every minute") << "* * * * *" << utc("2026-03-02T10:07:30Z") << utc("2026-03-02T10:08:00Z");
    QTest::newRow("a firing minute moves on") << "*/15 * * * *" << utc("2026-03-02T10:15:00Z")
                                             << utc("2026-03-02T10:30:00Z");
    QTest::newRow("step wraps to the next hour") << "*/15 * * * *" << utc("2026-03-02T10:50:00Z")
                                                << utc("2026-03-02T11:00:00Z");
    QTest::newRow("list") << "5,35 * * * *" << utc("2026-03-02T10:06:00Z") << utc("2026-03-02T10:35:00Z");
    QTest::newRow("range with step") << "0 8-18/4 * * *" << utc("2026-03-02T12:00:00Z")
                                     << utc("2026-03-02T16:00:00Z");
    QTest::newRow("value with step runs to the end") << "0 20/2 * * *" << utc("2026-03-02T21:00:00Z")
                                                     << utc("2026-03-02T22:00:00Z");
    QTest::newRow("next day") << "30 2 * * *" << utc("2026-03-02T03:00:00Z") << utc("2026-03-03T02:30:00Z");
    QTest::newRow("weekdays skip the weekend") << "0 9 * * 1-5" << utc("2026-03-06T10:00:00Z")
                                               << utc("2026-03-09T09:00:00Z");
    QTest::newRow("7 is Sunday") << "0 0 * * 7" << utc("2026-03-02T00:00:00Z") << utc("2026-03-08T00:00:00Z");
    QTest::newRow("month and day") << "0 0 1 6 *" << utc("2026-03-02T00:00:00Z") << utc("2026-06-01T00:00:00Z");
    QTest::newRow("either day field when both are set")
        << "0 0 15 * 0" << utc("2026-03-02T00:00:00Z") << utc("2026-03-08T00:00:00Z");
    QTest::newRow("29 February waits for a leap year") << "0 0 29 2 *" << utc("2026-03-02T00:00:00Z")
                                                       << utc("2028-02-29T00:00:00Z");
    QTest::newRow("a time with an offset is read in UTC")
        << "0 12 * * *" << QDateTime::fromString(QStringLiteral("2026-03-02T13:30:00+02:00"), Qt::ISODate)
        << utc("2026-03-02T12:00:00Z"); // 11:30 UTC
}

void TestReadSchedule::cronFindsTheNextFiringMinute()
{
    QFETCH(QString, cron);
    QFETCH(QDateTime, after);
    QFETCH(QDateTime, next);
    const auto parsed = CronExpression::parse(cron);
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
    QCOMPARE(parsed->nextAfter(after), next);
}

void TestReadSchedule::badCronNamesTheField_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("expected");
    QTest::newRow("four fields") << "*/15 * * *" << "has 4 fields; a cron schedule has 5";
    QTest::newRow("hour out of range") << "0 25 * * *" << "field 2 (hour) '25': '25' is out of range";
    QTest::newRow("backwards range") << "0 0 * 9-3 *" << "field 4 (month) '9-3': '9-3' is out of range";
    QTest::newRow("zero step") << "*/0 * * * *" << "field 1 (minute) '*/0': '*/0' has a step of 0";
    QTest::newRow("not a number") << "0 0 * * mon" << "field 5 (day of week) 'mon': 'mon' is not a value";
    QTest::newRow("empty list item") << "0,,5 * * * *" << "field 1 (minute) '0,,5'";
    QTest::newRow("never fires") << "0 0 31 2 *" << "never fires";
}

void TestReadSchedule::badCronNamesTheField()
{
    QFETCH(QString, cron);
    QFETCH(QString, expected);
    const auto parsed = CronExpression::parse(cron);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().code, QStringLiteral("catalog.bad_cron"));
    QVERIFY2(parsed.error().message.contains(expected), qPrintable(parsed.error().message));
}

void TestReadSchedule::everyCountsFromThePreviousDueTime()
{
    ReadSchedule schedule;
    schedule.every = std::chrono::minutes(30);
    QCOMPARE(schedule.nextAfter(utc("2026-03-02T10:07:00Z")), utc("2026-03-02T10:37:00Z"));
    QCOMPARE(schedule.describe(), QStringLiteral("every 30m"));
    QVERIFY(!ReadSchedule().isSet());
}

void TestReadSchedule::spansAndBackfillStartsParse()
{
    QCOMPARE(ReadSchedule::parseSpan(QStringLiteral("45s")).value(), std::chrono::seconds(45));
    QCOMPARE(ReadSchedule::parseSpan(QStringLiteral("2h")).value(), std::chrono::hours(2));
    QCOMPARE(ReadSchedule::parseSpan(QStringLiteral("90d")).value(), std::chrono::hours(24 * 90));
    for (const char *bad : {"0m", "30", "m", "1.5h", "30 minutes", "-5m"})
        QCOMPARE(ReadSchedule::parseSpan(QString::fromLatin1(bad)).error().code, QStringLiteral("catalog.bad_span"));

    const QDateTime now = utc("2026-03-02T10:00:00Z");
    QCOMPARE(BackfillStart::parse(QStringLiteral("90d"))->startMs(now), now.addDays(-90).toMSecsSinceEpoch());
    QCOMPARE(BackfillStart::parse(QStringLiteral("2024-01-31"))->startMs(now),
             utc("2024-01-31T00:00:00Z").toMSecsSinceEpoch());
    QCOMPARE(BackfillStart::parse(QStringLiteral("2024-01-31T08:00:00"))->startMs(now),
             utc("2024-01-31T08:00:00Z").toMSecsSinceEpoch());
    QCOMPARE(BackfillStart::parse(QStringLiteral("2024-01-31T08:00:00+01:00"))->startMs(now),
             utc("2024-01-31T07:00:00Z").toMSecsSinceEpoch());
    QCOMPARE(BackfillStart().startMs(now), 0);
    QCOMPARE(BackfillStart::parse(QStringLiteral("last week")).error().code, QStringLiteral("catalog.bad_since"));
}

void TestReadSchedule::manifestCarriesScheduleAndSince()
{
    const IntegrationLoadResult every = loadManifest("          schedule: { every: 30m }\n"
                                                     "          since: 90d\n");
    QVERIFY2(every.ok(), every.ok() ? "" : qPrintable(every.errors.first().toString()));
    const ReadObjectSpec &contacts = every.integrations.first().read.first();
    QCOMPARE(contacts.schedule.every, std::chrono::minutes(30));
    QCOMPARE(contacts.since.ago, std::chrono::hours(24 * 90));

    const IntegrationLoadResult cron = loadManifest("          schedule: { cron: \"*/15 * * * *\" }\n");
    QVERIFY(cron.ok());
    QCOMPARE(cron.integrations.first().read.first().schedule.cron->text(), QStringLiteral("*/15 * * * *"));
    QVERIFY(!cron.integrations.first().read.first().since.isSet());

    // The built-in manifest's contacts are read every 30 minutes.
    const IntegrationLoadResult builtIn =
        IntegrationLoader::loadFile(QStringLiteral(":/patchbay/integrations/crm.yaml"), ProviderCatalog::builtIn());
    QVERIFY(builtIn.ok());
    QCOMPARE(builtIn.integrations.first().readObject(QStringLiteral("contacts"))->schedule.describe(),
             QStringLiteral("every 30m"));
}

void TestReadSchedule::badScheduleInManifestNamesFileLineAndField_data()
{
    QTest::addColumn<QByteArray>("readObject");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bad cron") << QByteArray("          schedule: { cron: \"0 25 * * *\" }\n")
                              << "crm.yaml:7:29: 'cron' of the schedule of contacts: field 2 (hour) '25'";
    QTest::newRow("bad span") << QByteArray("          schedule: { every: 30x }\n")
                              << "crm.yaml:7:30: 'every' of the schedule of contacts: '30x' is not a span";
    QTest::newRow("both forms") << QByteArray("          schedule: { every: 30m, cron: \"* * * * *\" }\n")
                                << "crm.yaml:7:21: the schedule of contacts needs either 'every'";
    QTest::newRow("neither") << QByteArray("          schedule: {}\n")
                             << "the schedule of contacts needs either 'every'";
    QTest::newRow("unknown key") << QByteArray("          schedule: { at: 10:00 }\n")
                                 << "unknown field 'at' in the schedule of contacts";
    QTest::newRow("bad since") << QByteArray("          since: yesterday\n")
                               << "crm.yaml:7:18: 'since' of contacts: 'yesterday' is neither a date";
}

void TestReadSchedule::badScheduleInManifestNamesFileLineAndField()
{
    QFETCH(QByteArray, readObject);
    QFETCH(QString, expected);
    const IntegrationLoadResult result = loadManifest(readObject);
    QVERIFY(!result.ok());
    QStringList all;
    for (const DefinitionError &error : result.errors)
        all.append(error.toString());
    QVERIFY2(all.join(QLatin1Char('\n')).contains(expected), qPrintable(all.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestReadSchedule)
#include "TestReadSchedule.moc"
