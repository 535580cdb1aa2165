// patchbay-console: the support console, on the embedded engine (a local SQLite file).
#include "DemoEnvironment.h"
#include "MainWindow.h"
#include "auth/MasterKeyCheck.h"
#include "auth/MasterKeyProvider.h"
#include "core/Clock.h"
#include "core/PrivateFiles.h"
#include "ops/LocalOps.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTimer>

#include <memory>

using namespace patchbay;

namespace {

int fail(const QString &message)
{
    // Before the window exists the only place to say it is a dialog (and stderr for scripts).
    qCritical().noquote() << message;
    if (qEnvironmentVariable("QT_QPA_PLATFORM") != QLatin1String("offscreen"))
        QMessageBox::critical(nullptr, QStringLiteral("Patchbay Console"), message);
    return 1;
}

// --help and --version print text and quit; they must work without a display (over ssh, in a script), so they
// are answered before the GUI application, which needs a platform plugin, exists.
bool asksForTextOnly(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--")
            break;
        if (arg == "-h" || arg == "--help" || arg == "-?" || arg == "--help-all" || arg == "-v" || arg == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QStringLiteral("patchbay"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATCHBAY_VERSION));
    const std::unique_ptr<QCoreApplication> application = asksForTextOnly(argc, argv)
                                                              ? std::make_unique<QCoreApplication>(argc, argv)
                                                              : std::make_unique<QApplication>(argc, argv);
    QCoreApplication &app = *application;
    // No display name: the platform would append it to the window title, which already says "Patchbay — ...".

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Patchbay support console"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QCommandLineOption databaseOption(QStringLiteral("database"), QStringLiteral("SQLite database file."),
                                      QStringLiteral("path"), dataDir + QStringLiteral("/patchbay.db"));
    QCommandLineOption demoOption(QStringLiteral("demo"),
                                  QStringLiteral("Start the provider emulators (patchbay-sandbox) and demo tenants."));
    QCommandLineOption sandboxOption(QStringLiteral("sandbox"),
                                     QStringLiteral("The patchbay-sandbox program --demo starts (default: the one "
                                                    "beside this program, or in the build tree)."),
                                     QStringLiteral("path"));
    QCommandLineOption keyFileOption(QStringLiteral("key-file"),
                                     QStringLiteral("Master key file instead of the system keychain."),
                                     QStringLiteral("path"));
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a PNG of the window after --screenshot-delay ms, then quit."), QStringLiteral("file"));
    QCommandLineOption delayOption(QStringLiteral("screenshot-delay"), QStringLiteral("Delay before the screenshot."),
                                   QStringLiteral("ms"), QStringLiteral("4000"));
    QCommandLineOption connectionOption(
        QStringLiteral("connection"), QStringLiteral("Open with this connection (id) selected."), QStringLiteral("id"));
    QCommandLineOption serverOption(QStringLiteral("server"),
                                    QStringLiteral("Open with this patchbayd (its API key from the system keychain, "
                                                   "else asked for)."),
                                    QStringLiteral("url"));
    parser.addOptions({databaseOption, demoOption, sandboxOption, keyFileOption, connectionOption, screenshotOption,
                       delayOption, serverOption});
    parser.process(app);

    const QString databasePath = parser.value(databaseOption);
    if (auto folder = PrivateFiles::makeDirectory(QFileInfo(databasePath).absolutePath()); !folder)
        return fail(folder.error().message);

    MasterKeyOptions keyOptions;
    keyOptions.keyFile = parser.value(keyFileOption);
    keyOptions.useKeychain = true;
    keyOptions.fallbackKeyFile = QFileInfo(databasePath).absolutePath() + QStringLiteral("/master.key");
    auto masterKey = MasterKeyProvider::resolve(keyOptions);
    if (!masterKey)
        return fail(masterKey.error().message);
    qInfo().noquote() << "Credential key:" << masterKey->source;

    auto store = SqliteStore::open(databasePath, SystemClock::instance());
    if (!store)
        return fail(store.error().message);

    auto sync = std::make_shared<SyncService>(databasePath, masterKey->key, ProviderCatalog::builtIn(),
                                              SystemClock::instance());
    // A wrong key stops here: with it, every token would show as valid and fail at its first use.
    if (auto keyChecked = MasterKeyCheck::verify(*store.value(), sync->vault(), masterKey->source); !keyChecked)
        return fail(keyChecked.error().message);
    if (auto interrupted = sync->interruptAbandonedExecutions(); !interrupted)
        return fail(interrupted.error().message);
    console::DemoEnvironment demo(parser.value(sandboxOption));
    if (parser.isSet(demoOption)) {
        if (auto started = demo.start(*store.value(), sync->vault(), sync->integrations()); !started)
            return fail(started.error().message);
        qInfo().noquote() << "Demo emulators: process" << demo.sandboxProcessId() << "at"
                          << demo.hubSpotUrl().toString();
        if (demo.needsDemoWrite()) {
            // Before the window: the emulators serve from their own process, and the reads below come after it.
            if (auto written = demo.writeDemoRecords(*sync); !written)
                return fail(written.error().message);
        }
    }

    LocalOps ops(std::move(store).value(), sync, SystemClock::instance());
    MainWindow window(&ops);
    window.showStatusMessage(QStringLiteral("Database %1 — credential key from %2%3")
                                 .arg(QDir::toNativeSeparators(databasePath), masterKey->source,
                                      parser.isSet(demoOption)
                                          ? QStringLiteral(" — demo emulators at %1").arg(demo.hubSpotUrl().toString())
                                          : QString()));
    window.show();
    if (parser.isSet(connectionOption))
        window.selectConnection(parser.value(connectionOption).toLongLong());
    if (parser.isSet(serverOption))
        window.openConnectDialog(QUrl::fromUserInput(parser.value(serverOption)), true);
    for (qint64 connectionId : demo.connectionsToSync())
        ops.syncNow(connectionId);

    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        QTimer::singleShot(parser.value(delayOption).toInt(), &window, [&window, file] {
            window.grab().save(file);
            QApplication::quit();
        });
    }
    const int status = QApplication::exec();
    // Executions still running finish first (their results are kept); keep serving events meanwhile, since
    // they may report back to this thread.
    while (ops.hasRunningWork())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return status;
}
