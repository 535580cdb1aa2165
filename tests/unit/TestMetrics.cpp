#include "metrics/Metrics.h"
#include "metrics/MetricsText.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

using namespace patchbay;

// The metrics registry counts exactly under concurrent increments and keeps series apart by their label values; the
// text writer escapes what the Prometheus text format says must be escaped.
class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seriesAreKeptApartByLabelValues();
    void concurrentIncrementsAreAllCounted();
    void everyCounterFamilyFollowsTheNamingRules();
    void textEscapesHelpAndLabelValues();
    void numbersAreWrittenAsTheFormatReadsThem();
};

void TestMetrics::seriesAreKeptApartByLabelValues()
{
    Metrics metrics;
    metrics.add(Metrics::Counter::WebhookCallsRejected, {QStringLiteral("github"), QStringLiteral("bad_signature")});
    metrics.add(Metrics::Counter::WebhookCallsRejected, {QStringLiteral("github"), QStringLiteral("bad_signature")});
    metrics.add(Metrics::Counter::WebhookCallsRejected, {QStringLiteral("stripe"), QStringLiteral("malformed")});
    metrics.add(Metrics::Counter::RateLimitWaitSeconds, {QStringLiteral("request_budget")}, 0.25);
    QCOMPARE(metrics.value(Metrics::Counter::WebhookCallsRejected,
                           {QStringLiteral("github"), QStringLiteral("bad_signature")}),
             2.0);
    QCOMPARE(metrics.value(Metrics::Counter::WebhookCallsRejected, {QStringLiteral("github"), QStringLiteral("x")}), 0.0);
    QCOMPARE(metrics.value(Metrics::Counter::RateLimitWaitSeconds, {QStringLiteral("request_budget")}), 0.25);
    const QList<Metrics::Series> series = metrics.series(Metrics::Counter::WebhookCallsRejected);
    QCOMPARE(series.size(), 2);
    QCOMPARE(series.first().labelValues, (QStringList{QStringLiteral("github"), QStringLiteral("bad_signature")}));
    QCOMPARE(series.last().labelValues, (QStringList{QStringLiteral("stripe"), QStringLiteral("malformed")}));
    QVERIFY(metrics.series(Metrics::Counter::ProxyCalls).isEmpty());
}

void TestMetrics::concurrentIncrementsAreAllCounted()
{
    Metrics metrics;
    QThreadPool pool;
    pool.setMaxThreadCount(4);
    QList<QFuture<void>> runs;
    for (int thread = 0; thread < 4; ++thread) {
        runs.append(QtConcurrent::run(&pool, [&metrics, thread] {
            for (int i = 0; i < 5000; ++i)
                metrics.add(Metrics::Counter::Executions,
                            {QStringLiteral("read"), thread % 2 ? QStringLiteral("failed") : QStringLiteral("succeeded")});
        }));
    }
    for (QFuture<void> &run : runs)
        run.waitForFinished();
    QCOMPARE(metrics.value(Metrics::Counter::Executions, {QStringLiteral("read"), QStringLiteral("succeeded")}), 10000.0);
    QCOMPARE(metrics.value(Metrics::Counter::Executions, {QStringLiteral("read"), QStringLiteral("failed")}), 10000.0);
}

void TestMetrics::everyCounterFamilyFollowsTheNamingRules()
{
    const QRegularExpression name(QStringLiteral("^patchbay_[a-z_]+_total$"));
    const QRegularExpression label(QStringLiteral("^[a-z][a-z_]*$"));
    QSet<QString> names;
    for (const Metrics::Counter counter : Metrics::counters()) {
        const Metrics::Family &family = Metrics::family(counter);
        QVERIFY2(name.match(QLatin1String(family.name)).hasMatch(), family.name);
        QVERIFY2(!names.contains(QLatin1String(family.name)), family.name);
        names.insert(QLatin1String(family.name));
        QVERIFY(qstrlen(family.help) > 0);
        for (const QString &labelName : family.labels)
            QVERIFY2(label.match(labelName).hasMatch(), qPrintable(labelName));
    }
    QCOMPARE(names.size(), Metrics::kCounterCount);
}

void TestMetrics::textEscapesHelpAndLabelValues()
{
    MetricsText text;
    text.family(QStringLiteral("patchbay_x_total"), "counter", QStringLiteral("A \\ and a\nline feed."));
    text.sample(QStringLiteral("patchbay_x_total"),
                {{QStringLiteral("a"), QStringLiteral("say \"hi\"\\\n")}, {QStringLiteral("b"), QStringLiteral("é")}},
                3);
    QCOMPARE(text.text(), QByteArray("# HELP patchbay_x_total A \\\\ and a\\nline feed.\n"
                                     "# TYPE patchbay_x_total counter\n"
                                     "patchbay_x_total{a=\"say \\\"hi\\\"\\\\\\n\",b=\"\xc3\xa9\"} 3\n"));
}

void TestMetrics::numbersAreWrittenAsTheFormatReadsThem()
{
    QCOMPARE(MetricsText::number(0), QByteArray("0"));
    QCOMPARE(MetricsText::number(1234567890123.0), QByteArray("1234567890123"));
    QCOMPARE(MetricsText::number(0.25), QByteArray("0.25"));
    QCOMPARE(MetricsText::number(1765432100.123).toDouble(), 1765432100.123); // a start time: exact to the ms
    QCOMPARE(MetricsText::number(std::numeric_limits<double>::infinity()), QByteArray("+Inf"));
    QCOMPARE(MetricsText::number(-std::numeric_limits<double>::infinity()), QByteArray("-Inf"));
    QCOMPARE(MetricsText::number(std::numeric_limits<double>::quiet_NaN()), QByteArray("NaN"));
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "TestMetrics.moc"
