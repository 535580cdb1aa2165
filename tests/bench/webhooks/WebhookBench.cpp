// Acknowledgement latency of provider webhooks on a real patchbayd: concurrent senders POST signed GitHub-style
// deliveries to /webhooks/github/{connection}, each waiting for its answer before sending the next; the same senders
// then GET /healthz (the reference: the server's round trip with no work behind it). Prints p50/p99 of both and their
// ratios per concurrency, and how long the inbox workers took to apply what was acknowledged.
// Usage: webhook_bench [REQUESTS_PER_RUN] [CONCURRENCY...]     (default 2000, 8 32); see run.sh.
#include "DaemonProcess.h"
#include "GitHubConnection.h"
#include "core/Clock.h"
#include "store/sqlite/SqliteStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace patchbay;
using namespace patchbay::test;

namespace {

const QByteArray kSecret = QByteArrayLiteral("bench-webhook-secret");

struct Run
{
    QList<double> latenciesMs;
    int failures = 0;
    double seconds = 0;

    double percentile(double p) const
    {
        if (latenciesMs.isEmpty())
            return 0;
        QList<double> sorted = latenciesMs;
        std::sort(sorted.begin(), sorted.end());
        const qsizetype at = std::min<qsizetype>(sorted.size() - 1, qsizetype(p * double(sorted.size())));
        return sorted.at(at);
    }
};

// One client: its own connection (an access manager of its own), one request at a time.
class Sender : public QObject
{
public:
    using Make = std::function<QNetworkReply *(QNetworkAccessManager &, int)>;
    Sender(Make make, int *remaining, int *counter, Run *run, std::function<void()> done)
        : m_make(std::move(make)), m_remaining(remaining), m_counter(counter), m_run(run), m_done(std::move(done))
    {}
    void next()
    {
        if (*m_remaining <= 0) {
            m_done();
            return;
        }
        --*m_remaining;
        m_timer.start();
        QNetworkReply *reply = m_make(m_network, ++*m_counter);
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            m_run->latenciesMs.append(double(m_timer.nsecsElapsed()) / 1e6);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 200)
                ++m_run->failures;
            reply->deleteLater();
            next();
        });
    }

private:
    QNetworkAccessManager m_network;
    Make m_make;
    int *m_remaining;
    int *m_counter;
    Run *m_run;
    std::function<void()> m_done;
    QElapsedTimer m_timer;
};

Run runLoad(int requests, int concurrency, const Sender::Make &make, int *counter)
{
    Run run;
    int remaining = requests;
    int finished = 0;
    std::vector<std::unique_ptr<Sender>> senders;
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < concurrency; ++i)
        senders.push_back(std::make_unique<Sender>(make, &remaining, counter, &run, [&finished] { ++finished; }));
    for (auto &sender : senders)
        sender->next();
    if (!QTest::qWaitFor([&] { return finished == concurrency; }, 600000))
        std::fprintf(stderr, "a run did not finish within 10 minutes\n");
    run.seconds = double(wall.nsecsElapsed()) / 1e9;
    return run;
}

QByteArray deliveryBody(int number)
{
    return QStringLiteral(R"({"action":"edited","issue":{"number":%1,"title":"Bench issue %1","state":"open",)"
                          R"("updated_at":"2026-01-01T00:00:00Z"},"repository":{"full_name":"acme/widgets"}})")
        .arg(number)
        .toUtf8();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const int requests = arguments.size() > 1 ? arguments.at(1).toInt() : 2000;
    QList<int> concurrencies;
    for (const QString &argument : arguments.mid(2))
        concurrencies.append(argument.toInt());
    if (concurrencies.isEmpty())
        concurrencies = {8, 32};

    DaemonProcess daemon;
    if (!daemon.start()) {
        std::fprintf(stderr, "patchbayd did not start: %s\n", qPrintable(daemon.lastError()));
        return 1;
    }
    if (daemon.request("POST", QStringLiteral("/api/v1/tenants"), R"({"name":"acme"})").status != 201)
        return 1;
    auto store = SqliteStore::open(daemon.databasePath(), SystemClock::instance()).value();
    const qint64 connectionId =
        addGitHubConnection(*store, daemon.masterKey(), store->tenants().tenantByName(QStringLiteral("acme"))->id,
                            QStringLiteral("acme"), QStringLiteral("widgets"), QStringLiteral("ghp_bench"), kSecret);
    if (connectionId == 0)
        return 1;

    QUrl healthz = daemon.baseUrl();
    healthz.setPath(QStringLiteral("/healthz"));
    QUrl webhook = daemon.baseUrl();
    webhook.setPath(QStringLiteral("/webhooks/github/%1").arg(connectionId));
    const Sender::Make getHealth = [healthz](QNetworkAccessManager &network, int) {
        return network.get(QNetworkRequest(healthz));
    };
    const Sender::Make postWebhook = [webhook](QNetworkAccessManager &network, int number) {
        const QByteArray body = deliveryBody(number);
        QNetworkRequest request(webhook);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("X-GitHub-Event", "issues");
        request.setRawHeader("X-GitHub-Delivery", "bench-" + QByteArray::number(number));
        request.setRawHeader("X-Hub-Signature-256",
                             "sha256=" + QMessageAuthenticationCode::hash(body, kSecret, QCryptographicHash::Sha256).toHex());
        return network.post(request, body);
    };

    std::printf("patchbayd webhook acknowledgement vs /healthz, %d requests per run (latency in ms)\n", requests);
    std::printf("%-6s %-8s %9s %9s %9s %10s %8s\n", "conc", "route", "p50", "p99", "req/s", "failures", "");
    int counter = 0;
    int healthCounter = 0;
    for (const int concurrency : std::as_const(concurrencies)) {
        runLoad(std::min(200, requests), concurrency, getHealth, &healthCounter); // warm up connections
        const Run health = runLoad(requests, concurrency, getHealth, &healthCounter);
        const Run hooks = runLoad(requests, concurrency, postWebhook, &counter);
        for (const auto &[name, run] : {std::pair<const char *, const Run &>{"healthz", health}, {"webhook", hooks}}) {
            std::printf("%-6d %-8s %9.2f %9.2f %9.0f %10d\n", concurrency, name, run.percentile(0.50),
                        run.percentile(0.99), double(run.latenciesMs.size()) / run.seconds, run.failures);
        }
        std::printf("%-6d ratio    %9.2fx %8.2fx  (webhook / healthz)\n", concurrency,
                    hooks.percentile(0.50) / std::max(0.001, health.percentile(0.50)),
                    hooks.percentile(0.99) / std::max(0.001, health.percentile(0.99)));
    }
    // How long the inbox workers take to apply what was acknowledged (no provider call: the events carry the issue).
    QElapsedTimer applying;
    applying.start();
    if (!QTest::qWaitFor([&] { return store->webhooks().pendingWebhookCount().value() == 0; }, 600000))
        std::fprintf(stderr, "calls were still pending after 10 minutes\n");
    const qint64 applied = store->webhooks().webhookInbox(WebhookInboxState::Applied, std::nullopt, 1000000)->size();
    std::printf("applied %lld of %d acknowledged calls; the last %0.1f s after the last acknowledgement\n",
                static_cast<long long>(applied), counter, double(applying.elapsed()) / 1000.0);
    return daemon.stop() == 0 ? 0 : 1;
}
