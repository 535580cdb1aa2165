// /metrics of the real patchbayd: a signed GitHub webhook that arrives and is applied, a forged one refused, a
// notification delivered and one given up, a read that waits out the HubSpot emulator's 429, and a proxied call that
// runs into it all show in the exposition, which is parsed here by rules of its own (not the writer's): every sample
// belongs to a family with a TYPE, counters end in _total, no series twice, label values unescaped as the format
// says. Who may read it: admin and viewer keys on the API address, anyone on the metricsListen address (which serves
// nothing else).
#include "DaemonProcess.h"
#include "GitHubConnection.h"
#include "NotificationReceiver.h"
#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "core/Clock.h"
#include "core/Notifications.h"
#include "github/GitHubEmulator.h"
#include "github/GitHubOwner.h"
#include "http/HttpClient.h"
#include "hubspot/HubSpotEmulator.h"
#include "store/sqlite/SqliteStore.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

namespace {

// One exposition, parsed by the text format's rules (version 0.0.4): what is wrong with it, and each sample's value by
// its series ("name{a="x",b="y"}" with the labels sorted by name).
struct Exposition
{
    QStringList problems;
    QHash<QString, double> samples;
    QHash<QString, QString> types; // family name -> counter, gauge, ...

    double value(const QString &series) const { return samples.value(series, -1); }
};

// A label set as written, unescaped: {name: value}; nullopt when it is not well-formed.
std::optional<QMap<QString, QString>> parseLabels(const QString &text)
{
    QMap<QString, QString> labels;
    qsizetype at = 0;
    static const QRegularExpression name(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*"));
    while (at < text.size()) {
        const auto found = name.match(text.mid(at));
        if (!found.hasMatch())
            return std::nullopt;
        const QString key = found.captured();
        at += key.size();
        if (text.mid(at, 2) != QLatin1String("=\""))
            return std::nullopt;
        at += 2;
        QString value;
        for (;; ++at) {
            if (at >= text.size())
                return std::nullopt;
            const QChar c = text.at(at);
            if (c == QLatin1Char('"'))
                break;
            if (c == QLatin1Char('\\')) {
                const QChar next = at + 1 < text.size() ? text.at(at + 1) : QChar();
                if (next == QLatin1Char('n'))
                    value += QLatin1Char('\n');
                else if (next == QLatin1Char('\\') || next == QLatin1Char('"'))
                    value += next;
                else
                    return std::nullopt;
                ++at;
                continue;
            }
            value += c;
        }
        ++at; // the closing quote
        if (labels.contains(key))
            return std::nullopt;
        labels.insert(key, value);
        if (at < text.size()) {
            if (text.at(at) != QLatin1Char(','))
                return std::nullopt;
            ++at;
        }
    }
    return labels;
}

Exposition parse(const QByteArray &body)
{
    Exposition parsed;
    static const QRegularExpression comment(
        QStringLiteral(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$)"));
    static const QRegularExpression sample(
        QStringLiteral(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+)$)"));
    QSet<QString> helped;
    const QString text = QString::fromUtf8(body);
    if (!text.endsWith(QLatin1Char('\n')))
        parsed.problems.append(QStringLiteral("the last line does not end with a line feed"));
    for (const QString &line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.startsWith(QLatin1Char('#'))) {
            const auto found = comment.match(line);
            if (!found.hasMatch()) {
                parsed.problems.append(QStringLiteral("a comment that is neither HELP nor TYPE: ") + line);
                continue;
            }
            const QString family = found.captured(2);
            if (found.captured(1) == QLatin1String("HELP")) {
                if (helped.contains(family))
                    parsed.problems.append(QStringLiteral("HELP twice for ") + family);
                helped.insert(family);
                continue;
            }
            const QString type = found.captured(3);
            static const QStringList types{QStringLiteral("counter"), QStringLiteral("gauge"),
                                           QStringLiteral("histogram"), QStringLiteral("summary"),
                                           QStringLiteral("untyped")};
            if (!types.contains(type))
                parsed.problems.append(QStringLiteral("an unknown type: ") + line);
            if (parsed.types.contains(family))
                parsed.problems.append(QStringLiteral("TYPE twice for ") + family);
            if (type == QLatin1String("counter") && !family.endsWith(QLatin1String("_total")))
                parsed.problems.append(QStringLiteral("a counter not ending in _total: ") + family);
            if (!family.startsWith(QLatin1String("patchbay_")) && !family.startsWith(QLatin1String("process_")))
                parsed.problems.append(QStringLiteral("a name without the patchbay_ prefix: ") + family);
            parsed.types.insert(family, type);
            continue;
        }
        const auto found = sample.match(line);
        if (!found.hasMatch()) {
            parsed.problems.append(QStringLiteral("not a sample: ") + line);
            continue;
        }
        const QString name = found.captured(1);
        if (!parsed.types.contains(name))
            parsed.problems.append(QStringLiteral("a sample before (or without) its TYPE: ") + line);
        const auto labels = parseLabels(found.captured(2));
        if (!labels) {
            parsed.problems.append(QStringLiteral("labels that are not well-formed: ") + line);
            continue;
        }
        bool number = false;
        const double value = found.captured(3).toDouble(&number);
        if (!number && !QStringList{QStringLiteral("+Inf"), QStringLiteral("-Inf"), QStringLiteral("NaN")}.contains(
                           found.captured(3)))
            parsed.problems.append(QStringLiteral("not a number: ") + line);
        QStringList pairs;
        for (auto label = labels->cbegin(); label != labels->cend(); ++label)
            pairs.append(QStringLiteral("%1=\"%2\"").arg(label.key(), label.value()));
        const QString series = pairs.isEmpty() ? name : name + QLatin1Char('{') + pairs.join(QLatin1Char(',')) + QLatin1Char('}');
        if (parsed.samples.contains(series))
            parsed.problems.append(QStringLiteral("a series twice: ") + series);
        parsed.samples.insert(series, value);
    }
    for (auto type = parsed.types.cbegin(); type != parsed.types.cend(); ++type) {
        if (!helped.contains(type.key()))
            parsed.problems.append(QStringLiteral("no HELP for ") + type.key());
    }
    return parsed;
}

} // namespace

class TestMetricsEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exposesWhatTheServerDid();
    void parserRefusesWhatTheFormatForbids();
};

void TestMetricsEndToEnd::exposesWhatTheServerDid()
{
    GitHubEmulator github;
    QVERIFY(github.listen() != 0);
    const SandboxAccountCredentials owner = github.addOwner(QStringLiteral("acme"), 4, 17);
    HubSpotEmulator hubspot;
    QVERIFY(hubspot.listen() != 0);
    const QByteArray secret = QByteArrayLiteral("whsec_metrics_51c0");
    NotificationReceiver receiver(secret);
    QVERIFY(receiver.listen() != 0);

    DaemonProcess daemon;
    const QString secretPath = daemon.writeSecretFile(QStringLiteral("notify.secret"), secret);
    QVERIFY(!secretPath.isEmpty());
    // One attempt per delivery: the one the receiver refuses is given up at once.
    daemon.setSetting(QStringLiteral("notifications"),
                      QJsonObject{{QStringLiteral("batchSeconds"), 1},
                                  {QStringLiteral("maxAttempts"), 1},
                                  {QStringLiteral("endpoints"),
                                   QJsonObject{{QStringLiteral("product"),
                                                QJsonObject{{QStringLiteral("url"), receiver.url().toString()},
                                                            {QStringLiteral("secretFile"), secretPath},
                                                            {QStringLiteral("events"),
                                                             QJsonArray{NotificationType::ConnectionCreated}}}}}}});
    daemon.setSetting(QStringLiteral("metricsListen"), QStringLiteral("127.0.0.1:0"));
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    const QJsonObject metricsLine = daemon.waitForLog(QStringLiteral("patchbayd metrics (no key) on"), 5000);
    const QString message = metricsLine.value(QStringLiteral("message")).toString();
    const QUrl openMetrics(message.mid(message.indexOf(QStringLiteral("http://"))));
    QVERIFY2(openMetrics.isValid() && openMetrics.port() > 0, qPrintable(message));

    const auto tenant = daemon.request("POST", QStringLiteral("/api/v1/tenants"), R"({"name":"acme"})");
    QCOMPARE(tenant.status, 201);
    const qint64 tenantId = tenant.json.value(QStringLiteral("id")).toInteger();
    // Two connections, stored as the connect flow would (the daemon shares the database); the receiver refuses the
    // first connection.created and takes the second.
    receiver.answerNext({503});
    auto store = SqliteStore::open(daemon.databasePath(), SystemClock::instance()).value();
    const qint64 repository = addGitHubConnection(*store, daemon.masterKey(), tenantId, owner.tenant,
                                                  GitHubOwner::repositoryName(), owner.apiKey,
                                                  owner.webhookSecret.toUtf8(),
                                                  github.baseUrl().toString(QUrl::StripTrailingSlash));
    QVERIFY(repository > 0);
    const auto portal = SandboxConnector(*store, CredentialVault(daemon.masterKey()))
                            .connect(tenantId, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                     QStringLiteral("https://api.hubapi.com"), hubspot.baseUrl(),
                                     hubspot.addPortal(QStringLiteral("acme"), 3, 11),
                                     QDateTime::currentDateTimeUtc().addSecs(1800));
    QVERIFY(portal);
    QVERIFY(store->tenants()
                .setConnectionIntegration(portal.value(), QStringLiteral("crm-contacts"), QStringLiteral("production"))
                .ok());

    // A signed webhook, acknowledged and applied; a forgery of it, refused.
    QUrl webhookUrl = daemon.baseUrl();
    webhookUrl.setPath(QStringLiteral("/webhooks/github/%1").arg(repository));
    const QString issue = github.touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 1).first();
    QSignalSpy delivered(&github.webhookSender(), &WebhookSender::webhookDelivered);
    QVERIFY(github.sendWebhook(QStringLiteral("acme"), webhookUrl, QStringLiteral("issues"), issue));
    QVERIFY(delivered.wait(20000));
    QCOMPARE(delivered.first().at(1).toInt(), 200);
    QTRY_VERIFY_WITH_TIMEOUT(store->records().record(repository, QStringLiteral("issues"), issue), 20000);
    HttpClient client;
    HttpRequest forged;
    forged.method = "POST";
    forged.url = webhookUrl;
    for (const auto &[name, value] : github.lastWebhook()->headers)
        forged.setHeader(name, value);
    forged.body = github.lastWebhook()->body;
    forged.body.replace("acme", "evil");
    QCOMPARE(client.send(forged).status, 401);

    // A read that waits out one 429 of the emulator (Retry-After 1), then a proxied call that runs into one.
    hubspot.failNextRequests(1, 1);
    const auto sync = daemon.request("POST", QStringLiteral("/api/v1/connections/%1/sync").arg(portal.value()),
                                     R"({"object":"contacts"})");
    QCOMPARE(sync.status, 202);
    // The first read of a connection may be a backfill: whichever kind it ran as is counted under its kind.
    Execution read;
    const auto readSucceeded = [&] {
        for (const Execution &execution : store->executions().executions(portal.value(), 10).value()) {
            if ((execution.kind == QLatin1String("read") || execution.kind == QLatin1String("backfill"))
                && execution.status == ExecutionStatus::Succeeded) {
                read = execution;
                return true;
            }
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(readSucceeded(), 30000);
    QVERIFY(read.recordCount > 0);
    // The scheduler may read the connection on its own schedule too: the proxied call's 429 must not meet a read
    // (the next scheduled one is queued for later).
    const auto idle = [&] {
        const auto jobs = store->jobs().jobs(portal.value(), 20).value();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        return std::none_of(jobs.begin(), jobs.end(), [&now](const Job &job) {
            return job.state == JobState::Running || (job.state == JobState::Queued && job.dueAt <= now);
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(idle(), 30000);
    hubspot.failNextRequests(1, 5, QStringLiteral("TEN_SECONDLY_ROLLING"));
    HttpRequest proxied;
    proxied.url = QUrl(daemon.baseUrl().toString(QUrl::StripTrailingSlash)
                       + QStringLiteral("/api/v1/proxy/%1/crm/v3/objects/contacts").arg(portal.value()));
    proxied.setHeader("Authorization", "Bearer " + daemon.adminKey());
    QCOMPARE(client.send(proxied).status, 429);

    // Who may read it: no key is refused on the API address; a viewer key for every tenant reads it there; anyone
    // reads it on the metrics address, which serves nothing else.
    QCOMPARE(daemon.request("GET", QStringLiteral("/metrics"), {}, "pb_not_a_key").status, 401);
    const auto viewer = store->apiKeys().createApiKey(QStringLiteral("prometheus"), ApiRole::Viewer, std::nullopt);
    QVERIFY(viewer);
    const auto bound = store->apiKeys().createApiKey(QStringLiteral("acme monitor"), ApiRole::Viewer, tenantId);
    QVERIFY(bound);
    const auto scrape = [&]() -> QByteArray {
        HttpRequest request;
        request.url = openMetrics;
        const HttpResponse answer = client.send(request);
        return answer.status == 200 ? answer.body : QByteArray();
    };
    HttpRequest other;
    other.url = openMetrics.resolved(QUrl(QStringLiteral("/api/v1/tenants")));
    QCOMPARE(client.send(other).status, 404);

    // Everything counted, once the notifier's passes have sent both deliveries.
    QTRY_VERIFY_WITH_TIMEOUT(receiver.ofType(NotificationType::ConnectionCreated).size() >= 2, 20000);
    Exposition metrics;
    QTRY_VERIFY_WITH_TIMEOUT(
        (metrics = parse(scrape()),
         metrics.value(QStringLiteral(R"(patchbay_notification_deliveries_failed_total)")) >= 1
             && metrics.value(QStringLiteral(R"(patchbay_notification_attempts_total{outcome="delivered"})")) >= 1),
        20000);
    QVERIFY2(metrics.problems.isEmpty(), qPrintable(metrics.problems.join(QLatin1Char('\n'))));
    const QHash<QString, double> expected = {
        {QStringLiteral(R"(patchbay_webhook_calls_received_total{outcome="accepted",provider="github"})"), 1},
        {QStringLiteral(R"(patchbay_webhook_events_received_total{provider="github"})"), 1},
        {QStringLiteral(R"(patchbay_webhook_calls_rejected_total{provider="github",reason="bad_signature"})"), 1},
        {QStringLiteral(R"(patchbay_executions_total{kind="webhook",status="succeeded"})"), 1},
        {QStringLiteral(R"(patchbay_records_read_total{kind="webhook"})"), 1},
        {QStringLiteral(R"(patchbay_rate_limit_waits_total{reason="provider_rate_limited"})"), 1},
        {QStringLiteral(R"(patchbay_proxy_calls_total{outcome="rate_limited"})"), 1},
        {QStringLiteral(R"(patchbay_notification_attempts_total{outcome="failed"})"), 1},
        {QStringLiteral(R"(patchbay_notification_attempts_total{outcome="delivered"})"), 1},
        {QStringLiteral(R"(patchbay_notification_deliveries_failed_total)"), 1},
        {QStringLiteral(R"(patchbay_notification_deliveries_queued_total)"), 2},
        {QStringLiteral(R"(patchbay_webhook_inbox_pending)"), 0},
        {QStringLiteral(R"(patchbay_notification_deliveries_pending)"), 0},
        {QStringLiteral(R"(patchbay_build_info{version="0.1.0"})"), 1},
    };
    for (auto want = expected.cbegin(); want != expected.cend(); ++want)
        QVERIFY2(metrics.value(want.key()) == want.value(),
                 qPrintable(QStringLiteral("%1: expected %2, got %3").arg(want.key()).arg(want.value()).arg(
                     metrics.value(want.key()))));
    // The scheduler may have read the connection on its own schedule as well: at least the read above.
    const QHash<QString, double> atLeast = {
        {QStringLiteral(R"(patchbay_executions_total{kind="%1",status="succeeded"})").arg(read.kind), 1},
        {QStringLiteral(R"(patchbay_records_read_total{kind="%1"})").arg(read.kind), double(read.recordCount)},
        {QStringLiteral(R"(patchbay_rate_limit_wait_seconds_total{reason="provider_rate_limited"})"), 1},
    };
    for (auto want = atLeast.cbegin(); want != atLeast.cend(); ++want)
        QVERIFY2(metrics.value(want.key()) >= want.value(),
                 qPrintable(QStringLiteral("%1: expected at least %2, got %3").arg(want.key()).arg(want.value()).arg(
                     metrics.value(want.key()))));
    QCOMPARE(metrics.types.value(QStringLiteral("patchbay_jobs_queued")), QStringLiteral("gauge"));
    const double started = metrics.value(QStringLiteral("process_start_time_seconds"));
    QVERIFY(std::abs(started - QDateTime::currentSecsSinceEpoch()) < 600);

    // The same figures behind a viewer key on the API address, as the text format's media type.
    const auto keyed = daemon.request("GET", QStringLiteral("/metrics"), {}, viewer->secret.toUtf8());
    QCOMPARE(keyed.status, 200);
    QVERIFY(parse(keyed.body).problems.isEmpty());
    QCOMPARE(parse(keyed.body).value(QStringLiteral(R"(patchbay_proxy_calls_total{outcome="rate_limited"})")), 1.0);
    // A key bound to one tenant may not: the figures span every tenant.
    QCOMPARE(daemon.request("GET", QStringLiteral("/metrics"), {}, bound->secret.toUtf8()).status, 403);
    QCOMPARE(daemon.stop(), 0);
}

// The test's own parser must catch what the format forbids, or the test above proves nothing.
void TestMetricsEndToEnd::parserRefusesWhatTheFormatForbids()
{
    const Exposition escaped =
        parse("# HELP patchbay_a_total A.\n# TYPE patchbay_a_total counter\npatchbay_a_total{l=\"x\\\"y\\\\\\n\"} 1\n");
    QVERIFY2(escaped.problems.isEmpty(), qPrintable(escaped.problems.join('\n')));
    QCOMPARE(escaped.value(QStringLiteral("patchbay_a_total{l=\"x\"y\\\n\"}")), 1.0);
    for (const QByteArray &bad : {
             QByteArray("patchbay_a_total 1\n"),                                            // no TYPE
             QByteArray("# HELP patchbay_a A.\n# TYPE patchbay_a counter\npatchbay_a 1\n"), // no _total
             QByteArray("# HELP a_total A.\n# TYPE a_total counter\na_total 1\n"),           // no prefix
             QByteArray("# HELP patchbay_a_total A.\n# TYPE patchbay_a_total counter\n"
                        "patchbay_a_total{l=\"1\"} 1\npatchbay_a_total{l=\"1\"} 2\n"),       // a series twice
             QByteArray("# HELP patchbay_a_total A.\n# TYPE patchbay_a_total counter\n"
                        "patchbay_a_total{l=\"a\\qb\"} 1\n"),                              // an unknown escape
             QByteArray("# TYPE patchbay_a_total counter\npatchbay_a_total 1\n"),           // no HELP
         }) {
        QVERIFY2(!parse(bad).problems.isEmpty(), bad.constData());
    }
}

QTEST_GUILESS_MAIN(TestMetricsEndToEnd)
#include "TestMetricsEndToEnd.moc"
