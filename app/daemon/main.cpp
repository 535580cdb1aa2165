// patchbayd: the Patchbay server: configuration, logging, /healthz and /readyz, the /api/v1 routes behind API keys,
// provider webhooks (stored, then applied by the webhook inbox's workers), the scheduler and its workers, graceful
// shutdown.
#include "auth/CredentialVault.h"
#include "auth/MasterKeyCheck.h"
#include "auth/MasterKeyProvider.h"
#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "core/Clock.h"
#include "core/Logging.h"
#include "core/PrivateFiles.h"
#include "notify/Notifier.h"
#include "scheduler/Housekeeping.h"
#include "scheduler/Scheduler.h"
#include "server/DaemonConfig.h"
#include "server/DaemonLogging.h"
#include "server/DaemonServer.h"
#include "server/ServerContext.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sys/socket.h>
#include <unistd.h>

using namespace patchbay;

namespace {

constexpr int kExitConfig = 2;
// After the grace period, how long jobs asked to stop get to end their current page before they are given back to
// the queue as they are.
constexpr int kStopWaitMs = 10000;

// The self-pipe: the signal handler only writes the signal number to it; the event loop reads it.
int g_signalPipe[2] = {-1, -1};

void onSignal(int signal)
{
    const char byte = static_cast<char>(signal);
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

bool installSignalPipe()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return false;
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGTERM, &action, nullptr) == 0 && ::sigaction(SIGINT, &action, nullptr) == 0;
}

bool asks(const QStringList &arguments, std::initializer_list<const char *> flags)
{
    for (const QString &argument : arguments.mid(1)) {
        if (argument == QLatin1String("--"))
            break;
        for (const char *flag : flags) {
            if (argument == QLatin1String(flag))
                return true;
        }
    }
    return false;
}

int fail(const QString &message, int code = 1)
{
    qCCritical(lcServer).noquote() << message;
    return code;
}

Result<void> checkDirectory(const QString &path, const char *key)
{
    if (!path.isEmpty() && !QFileInfo(path).isDir())
        return makeError("config.bad_value",
                         QStringLiteral("%1: %2 is not a directory.").arg(QLatin1String(key), path));
    return {};
}

// The built-in provider definitions and integrations, with those of the configured directories on top.
Result<std::pair<ProviderCatalog, IntegrationCatalog>> loadCatalogs(const DaemonConfig &config)
{
    QList<DefinitionError> errors;
    ProviderCatalog providers = ProviderCatalog::builtIn();
    if (!config.providerDirectory.isEmpty())
        providers.addDirectory(config.providerDirectory, &errors);
    IntegrationCatalog integrations = IntegrationCatalog::builtIn(providers);
    if (!config.integrationDirectory.isEmpty()) {
        const QDir directory(config.integrationDirectory);
        for (const QString &name :
             directory.entryList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files, QDir::Name))
            integrations.addFile(directory.filePath(name), providers, &errors);
    }
    if (!errors.isEmpty())
        return makeError("config.bad_definition", errors.first().toString());
    return std::make_pair(std::move(providers), std::move(integrations));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("patchbay"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATCHBAY_VERSION));
    const QStringList arguments = QCoreApplication::arguments();
    if (asks(arguments, {"-h", "--help", "-?"})) {
        std::fputs(qPrintable(DaemonConfig::usage()), stdout);
        return 0;
    }
    if (asks(arguments, {"-v", "--version"})) {
        std::printf("patchbayd %s\n", PATCHBAY_VERSION);
        return 0;
    }

    auto loaded = DaemonConfig::fromArguments(arguments);
    if (!loaded)
        return fail(loaded.error().message, kExitConfig);
    const DaemonConfig config = std::move(loaded).value();
    for (const auto &checked : {config.validate(), checkDirectory(config.providerDirectory, "providerDirectory"),
                                checkDirectory(config.integrationDirectory, "integrationDirectory")}) {
        if (!checked)
            return fail(checked.error().message, kExitConfig);
    }
    const auto tls = config.tlsConfiguration();
    if (!tls)
        return fail(tls.error().message, kExitConfig);
    installDaemonLogging(config.logLevel, config.logFormat);
    if (!installSignalPipe())
        return fail(
            QStringLiteral("Cannot install the signal handlers: %1").arg(QString::fromLocal8Bit(strerror(errno))));

    const QString databaseFolder = QFileInfo(config.databasePath).absolutePath();
    if (auto folder = PrivateFiles::makeDirectory(databaseFolder); !folder)
        return fail(folder.error().message);
    MasterKeyOptions keyOptions;
    keyOptions.keyFile = config.keyFile;
    keyOptions.fallbackKeyFile = databaseFolder + QStringLiteral("/master.key");
    auto masterKey = MasterKeyProvider::resolve(keyOptions);
    if (!masterKey)
        return fail(masterKey.error().message);
    qCInfo(lcServer).noquote() << "Credential key:" << masterKey->source;

    auto opened = SqliteStore::open(config.databasePath, SystemClock::instance());
    if (!opened)
        return fail(opened.error().message);
    std::unique_ptr<SqliteStore> store = std::move(opened).value();
    // A wrong key stops here: with it, every stored credential would fail at its first use.
    if (auto keyChecked = MasterKeyCheck::verify(*store, CredentialVault(masterKey->key), masterKey->source);
        !keyChecked)
        return fail(keyChecked.error().message);

    auto catalogs = loadCatalogs(config);
    if (!catalogs)
        return fail(catalogs.error().message, kExitConfig);
    auto sync =
        std::make_shared<SyncService>(config.databasePath, masterKey->key, catalogs->first, SystemClock::instance());
    sync->setIntegrations(catalogs->second);
    auto context = ServerContext::create(config, SystemClock::instance(), sync);
    if (!context)
        return fail(context.error().message);
    std::unique_ptr<Scheduler> scheduler;
    std::unique_ptr<Housekeeping> housekeeping;
    if (config.scheduler) {
        SchedulerOptions options;
        options.workers = config.workers;
        scheduler = std::make_unique<Scheduler>(*store, *sync, SystemClock::instance(), options);
        HousekeepingOptions tidying;
        tidying.changeRetentionDays = config.changeRetentionDays;
        housekeeping = std::make_unique<Housekeeping>(*store, SystemClock::instance(), tidying);
    }

    // Notifications to the product, when endpoints are configured: sent from a thread of their own, through their own
    // connection to the database.
    std::unique_ptr<Notifier> notifier;
    if (config.notifications.enabled()) {
        const QString databasePath = config.databasePath;
        notifier = std::make_unique<Notifier>(
            config.notifications,
            [databasePath]() -> Result<std::unique_ptr<Store>> {
                auto own = SqliteStore::open(databasePath, SystemClock::instance());
                if (!own)
                    return own.error();
                return std::unique_ptr<Store>(std::move(own).value());
            },
            SystemClock::instance(), (*context)->metrics());
    }

    if (notifier) {
        notifier->start();
        qCInfo(lcServer).noquote() << "Notifications to" << config.notifications.endpoints.size()
                                   << "endpoints, checked every" << config.notifications.batchSeconds << "s";
    }

    DaemonServer server([&store] { return store->checkSchemaCurrent(); }, context->get());
    if (tls->has_value())
        server.setTls(tls->value());
    if (server.listen(config.listenAddress, config.listenPort) == 0)
        return fail(
            QStringLiteral("Cannot listen on %1 port %2.").arg(config.listenAddress.toString()).arg(config.listenPort));
    qCInfo(lcServer).noquote() << "patchbayd listening on" << server.baseUrl().toString() << "public base URL"
                               << (config.publicBaseUrl.isEmpty() ? server.baseUrl() : config.publicBaseUrl).toString();
    if (!config.metricsListenAddress.isNull()) {
        if (server.listenForMetrics(config.metricsListenAddress, config.metricsListenPort) == 0)
            return fail(QStringLiteral("Cannot listen for metrics on %1 port %2.")
                            .arg(config.metricsListenAddress.toString())
                            .arg(config.metricsListenPort));
        qCInfo(lcServer).noquote() << "patchbayd metrics (no key) on"
                                   << server.metricsBaseUrl().resolved(QUrl(QStringLiteral("/metrics"))).toString();
    }
    // Webhook calls stored but not applied yet (acknowledged before a restart) are applied from here on.
    (*context)->startWebhookInbox();
    if (scheduler) {
        housekeeping->start();
        scheduler->start();
        qCInfo(lcSchedule).noquote() << "Scheduler running with" << config.workers << "workers";
    } else {
        qCInfo(lcSchedule).noquote() << "Scheduler off (--no-scheduler): this process runs no jobs";
    }

    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] {
        char signal = 0;
        [[maybe_unused]] const auto read = ::read(g_signalPipe[0], &signal, 1);
        signalNotifier.setEnabled(false);
        qCInfo(lcServer).noquote() << "Signal" << int(signal) << "received: no new connections, stopping within"
                                   << config.shutdownGraceSeconds << "s";
        server.stopAccepting();
        if (notifier)
            notifier->stop(); // what it has not sent stays queued in the database for the next start
        // Requests are answered on this thread, so none is half-done here; the answers already queued on their
        // sockets go out before the loop ends. Running jobs get the grace period, then are stopped after their current
        // page: their executions end as interrupted and the jobs are queued again, to go on from their cursors.
        if (scheduler)
            scheduler->stopClaiming();
        if (!scheduler || scheduler->runningCount() == 0) {
            QTimer::singleShot(0, &app, [] { QCoreApplication::exit(0); });
            return;
        }
        qCInfo(lcSchedule).noquote() << "Waiting up to" << config.shutdownGraceSeconds << "s for"
                                     << scheduler->runningCount() << "running jobs";
        QObject::connect(scheduler.get(), &Scheduler::idle, &app, [] {
            qCInfo(lcSchedule).noquote() << "No job running";
            QCoreApplication::exit(0);
        });
        QTimer::singleShot(config.shutdownGraceSeconds * 1000, &app, [&] {
            qCInfo(lcSchedule).noquote() << "Grace period over: stopping" << scheduler->runningCount()
                                         << "running jobs after their current page";
            scheduler->interruptRunning();
            QTimer::singleShot(kStopWaitMs, &app, [&] {
                // A worker stuck in a long wait (a provider's Retry-After) cannot be joined; its job goes back to
                // the queue and its execution is closed as interrupted by the next run once its lease runs out.
                const int released = scheduler->releaseRunning();
                qCWarning(lcSchedule).noquote() << released
                                                << "jobs did not stop in time; queued again to go on "
                                                   "from their cursors";
                qCInfo(lcServer).noquote() << "patchbayd stopped";
                std::fflush(nullptr);
                std::_Exit(0);
            });
        });
    });
    const int status = QCoreApplication::exec();
    qCInfo(lcServer).noquote() << "patchbayd stopped";
    return status;
}
