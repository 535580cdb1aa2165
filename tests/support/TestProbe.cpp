// patchbay-test-probe: a second Patchbay process for tests about processes sharing one database.
//   open DATABASE                     open (and migrate) the database; exit 0, or 1 with the error on stderr
//   read DATABASE CONNECTION PAGES    read the connection's contacts (key in PATCHBAY_MASTER_KEY), printing each
//                                     event; after PAGES stored pages print "holding" and hang until killed
#include "auth/CredentialVault.h"
#include "catalog/ProviderCatalog.h"
#include "core/Clock.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QCoreApplication>
#include <QThread>

#include <cstdio>

using namespace patchbay;

namespace {

int openDatabase(const QString &path)
{
    auto store = SqliteStore::open(path);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error().toString()));
        return 1;
    }
    return 0;
}

int readAndHang(const QString &path, qint64 connectionId, int holdAfterPages)
{
    SecretBytes key(QByteArray::fromBase64(qgetenv("PATCHBAY_MASTER_KEY")));
    SyncService sync(path, key, ProviderCatalog::builtIn(), SystemClock::instance());
    int pages = 0;
    auto result = sync.read(connectionId, QStringLiteral("contacts"), [&](const Event &event) {
        std::printf("%s\n", qPrintable(event.message));
        std::fflush(stdout);
        if (event.message.startsWith(QStringLiteral("Page ")) && ++pages == holdAfterPages) {
            std::printf("holding\n");
            std::fflush(stdout);
            for (;;)
                QThread::sleep(60);
        }
    });
    if (!result) {
        std::fprintf(stderr, "%s\n", qPrintable(result.error().toString()));
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 3 && args.at(1) == QLatin1String("open"))
        return openDatabase(args.at(2));
    if (args.size() == 5 && args.at(1) == QLatin1String("read"))
        return readAndHang(args.at(2), args.at(3).toLongLong(), args.at(4).toInt());
    std::fprintf(stderr, "usage: patchbay-test-probe open DATABASE | read DATABASE CONNECTION PAGES\n");
    return 2;
}
