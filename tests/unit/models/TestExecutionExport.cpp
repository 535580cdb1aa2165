#include "DemoDatabase.h"
#include "ExecutionExport.h"

#include "ops/LocalOps.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace patchbay;

namespace {

// What HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) requires of each object, written from the
// specification and not from the writer: field name and the JSON type it must have. Optional fields (pages,
// postData, comment, serverIPAddress, ...) are not listed.
struct Field
{
    const char *name;
    QJsonValue::Type type;
};
using Required = std::initializer_list<Field>;

const Required kLog = {{"version", QJsonValue::String}, {"creator", QJsonValue::Object},
                       {"entries", QJsonValue::Array}};
const Required kCreator = {{"name", QJsonValue::String}, {"version", QJsonValue::String}};
const Required kEntry = {{"startedDateTime", QJsonValue::String}, {"time", QJsonValue::Double},
                         {"request", QJsonValue::Object},         {"response", QJsonValue::Object},
                         {"cache", QJsonValue::Object},           {"timings", QJsonValue::Object}};
const Required kRequest = {{"method", QJsonValue::String},      {"url", QJsonValue::String},
                           {"httpVersion", QJsonValue::String}, {"cookies", QJsonValue::Array},
                           {"headers", QJsonValue::Array},      {"queryString", QJsonValue::Array},
                           {"headersSize", QJsonValue::Double}, {"bodySize", QJsonValue::Double}};
const Required kResponse = {{"status", QJsonValue::Double},     {"statusText", QJsonValue::String},
                            {"httpVersion", QJsonValue::String}, {"cookies", QJsonValue::Array},
                            {"headers", QJsonValue::Array},      {"content", QJsonValue::Object},
                            {"redirectURL", QJsonValue::String}, {"headersSize", QJsonValue::Double},
                            {"bodySize", QJsonValue::Double}};
const Required kContent = {{"size", QJsonValue::Double}, {"mimeType", QJsonValue::String}};
const Required kTimings = {{"send", QJsonValue::Double}, {"wait", QJsonValue::Double},
                           {"receive", QJsonValue::Double}};
const Required kNameValue = {{"name", QJsonValue::String}, {"value", QJsonValue::String}};

// The fields of `object` that are missing or of the wrong type, as "where.name".
QStringList violations(const QJsonObject &object, Required required, const QString &where)
{
    QStringList found;
    for (const Field &field : required) {
        const QJsonValue value = object.value(QLatin1String(field.name));
        if (value.type() != field.type)
            found << QStringLiteral("%1.%2").arg(where, QLatin1String(field.name));
    }
    return found;
}

QStringList harViolations(const QJsonObject &har)
{
    QStringList found = violations(har, {{"log", QJsonValue::Object}}, QStringLiteral("har"));
    const QJsonObject log = har.value(QStringLiteral("log")).toObject();
    found << violations(log, kLog, QStringLiteral("log"));
    if (log.value(QStringLiteral("version")).toString() != QLatin1String("1.2"))
        found << QStringLiteral("log.version is not 1.2");
    found << violations(log.value(QStringLiteral("creator")).toObject(), kCreator, QStringLiteral("creator"));
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString at = QStringLiteral("entries[%1]").arg(i);
        const QJsonObject entry = entries.at(i).toObject();
        found << violations(entry, kEntry, at);
        // ISO 8601 with the time zone, as the specification asks.
        if (!QDateTime::fromString(entry.value(QStringLiteral("startedDateTime")).toString(), Qt::ISODateWithMs)
                 .isValid())
            found << at + QStringLiteral(".startedDateTime is not ISO 8601");
        const QJsonObject request = entry.value(QStringLiteral("request")).toObject();
        const QJsonObject response = entry.value(QStringLiteral("response")).toObject();
        found << violations(request, kRequest, at + QStringLiteral(".request"));
        found << violations(response, kResponse, at + QStringLiteral(".response"));
        found << violations(response.value(QStringLiteral("content")).toObject(), kContent,
                            at + QStringLiteral(".response.content"));
        const QJsonObject timings = entry.value(QStringLiteral("timings")).toObject();
        found << violations(timings, kTimings, at + QStringLiteral(".timings"));
        // time is the sum of the timings that are not -1.
        double sum = 0;
        for (const QJsonValue &timing : timings) {
            if (timing.toDouble() != -1)
                sum += timing.toDouble();
        }
        if (sum != entry.value(QStringLiteral("time")).toDouble())
            found << at + QStringLiteral(".time is not the sum of its timings");
        for (const char *list : {"headers", "queryString", "cookies"}) {
            for (const QJsonValue &pair : request.value(QLatin1String(list)).toArray())
                found << violations(pair.toObject(), kNameValue, at + QStringLiteral(".request.") + QLatin1String(list));
        }
        for (const QJsonValue &pair : response.value(QStringLiteral("headers")).toArray())
            found << violations(pair.toObject(), kNameValue, at + QStringLiteral(".response.headers"));
    }
    return found;
}

} // namespace

// An execution exported for a ticket: its events as JSON lines and its exchanges as a HAR file that browsers'
// developer tools open, with the secrets the store redacted still redacted.
class TestExecutionExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void writesEventsAsJsonLinesAndExchangesAsHar();
    void anUnknownExecutionWritesNothing();
    void anUnwritableFileIsReported();

private:
    Result<void> exportTo(qint64 executionId, const QString &eventsPath, const QString &harPath);

    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<LocalOps> m_ops;
    QTemporaryDir m_out;
};

void TestExecutionExport::init()
{
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_ops = m_demo->createOps();
    QVERIFY(m_out.isValid());
}

void TestExecutionExport::cleanup()
{
    m_ops.reset();
    m_demo.reset();
}

Result<void> TestExecutionExport::exportTo(qint64 executionId, const QString &eventsPath, const QString &harPath)
{
    auto answer = ExecutionExport::exportExecution(m_ops.get(), executionId, eventsPath, harPath);
    if (!QTest::qWaitFor([&answer] { return answer.isFinished(); }, 10000))
        return makeError("test.timeout", QStringLiteral("no answer within 10 s"));
    return answer.result();
}

void TestExecutionExport::writesEventsAsJsonLinesAndExchangesAsHar()
{
    const QString eventsPath = m_out.filePath(QStringLiteral("run.events.jsonl"));
    const QString harPath = m_out.filePath(QStringLiteral("run.har"));
    const auto written = exportTo(m_ids.contactsRead, eventsPath, harPath);
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));

    QFile events(eventsPath);
    QVERIFY(events.open(QIODevice::ReadOnly));
    const QByteArray eventBytes = events.readAll();
    const QList<QByteArray> lines = eventBytes.trimmed().split('\n');
    QCOMPARE(lines.size(), 4); // the demo's four events of the contacts read
    for (const QByteArray &line : lines) {
        QJsonParseError error;
        const QJsonObject event = QJsonDocument::fromJson(line, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(event.contains(QStringLiteral("message")));
    }
    QVERIFY(eventBytes.contains("HTTP 429, retrying in 2 s"));

    QFile har(harPath);
    QVERIFY(har.open(QIODevice::ReadOnly));
    const QByteArray harBytes = har.readAll();
    QJsonParseError error;
    const QJsonObject document = QJsonDocument::fromJson(harBytes, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QStringList problems = harViolations(document);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("\n"))));
    const QJsonArray entries = document.value(QStringLiteral("log")).toObject().value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 3);
    const QJsonObject second = entries.at(1).toObject();
    QCOMPARE(second.value(QStringLiteral("request")).toObject().value(QStringLiteral("method")).toString(),
             QStringLiteral("POST"));
    QCOMPARE(second.value(QStringLiteral("response")).toObject().value(QStringLiteral("status")).toInt(), 429);

    // The access token the requests were made with never reaches a file.
    QVERIFY(!m_ids.leakedToken.isEmpty());
    QVERIFY(!harBytes.contains(m_ids.leakedToken.toUtf8()));
    QVERIFY(!eventBytes.contains(m_ids.leakedToken.toUtf8()));
}

void TestExecutionExport::anUnknownExecutionWritesNothing()
{
    const QString eventsPath = m_out.filePath(QStringLiteral("none.events.jsonl"));
    const QString harPath = m_out.filePath(QStringLiteral("none.har"));
    const auto written = exportTo(987654, eventsPath, harPath);
    QVERIFY(!written.ok());
    QCOMPARE(written.error().code, QStringLiteral("store.not_found"));
    QVERIFY(!QFile::exists(eventsPath));
    QVERIFY(!QFile::exists(harPath));
}

void TestExecutionExport::anUnwritableFileIsReported()
{
    const auto written = exportTo(m_ids.contactsRead, m_out.filePath(QStringLiteral("no/such/folder/run.jsonl")),
                                  m_out.filePath(QStringLiteral("run.har")));
    QVERIFY(!written.ok());
    QCOMPARE(written.error().code, QStringLiteral("export.write_failed"));
    QVERIFY(written.error().message.contains(QStringLiteral("no/such/folder/run.jsonl")));
}

QTEST_MAIN(TestExecutionExport)
#include "TestExecutionExport.moc"
