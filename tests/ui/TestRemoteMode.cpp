// The console against a real patchbayd: File → Connect to server… tests the key before it is accepted, the window
// shows the server's tenants and says which server it shows, a lost server shows a banner until it is back, a viewer
// key finds the commands disabled with the reason, and File → This computer goes back to the embedded engine.
//
// With PATCHBAY_SCREENSHOT_DIR set, the dialog and the window in remote mode are saved there as PNG files (run under
// xvfb-run for the README's screenshots).

#include "ConnectServerDialog.h"
#include "ConnectionTreeModel.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "ServerFixture.h"
#include "core/Clock.h"
#include "ops/LocalOps.h"
#include "ops/remote/ServerKeyring.h"
#include "store/sqlite/SqliteStore.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace patchbay;
using namespace patchbay::test;

class TestRemoteMode : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void badKeyIsRefusedInTheDialog();
    void connectingShowsTheServersTenantsAndSaysWhich();
    void lostServerShowsABannerUntilItIsBack();
    void viewerKeyFindsCommandsDisabledWithTheReason();
    void thisComputerGoesBackToTheEmbeddedEngine();
    void keyIsKeptInTheKeychainForNextTime();

private:
    template <typename T> T *child(QObject *parent, const char *name) const
    {
        return parent->findChild<T *>(QLatin1String(name));
    }
    // Opens File → Connect to server…, fills it in and presses Connect; the dialog (still open when refused).
    ConnectServerDialog *connectWith(const QString &key);
    QStringList tenantNames() const;
    void selectConnection(qint64 connectionId);
    void screenshot(QWidget *widget, const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<ServerFixture> m_server;
    QString m_supportKey;
    QString m_viewerKey;
    std::unique_ptr<LocalOps> m_local;
    std::unique_ptr<MainWindow> m_window;
};

void TestRemoteMode::initTestCase()
{
    // The window remembers the last server in QSettings: a folder of the test's own, never the user's.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->seed(), qPrintable(m_server->error()));
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    m_supportKey = m_server->addKey(QStringLiteral("ada (support)"), ApiRole::Support);
    m_viewerKey = m_server->addKey(QStringLiteral("globex viewer"), ApiRole::Viewer, m_server->globex);
    QVERIFY(!m_supportKey.isEmpty() && !m_viewerKey.isEmpty());
}

void TestRemoteMode::init()
{
    // This computer: an engine with an empty database of its own.
    const QString path = m_dir.filePath(QStringLiteral("this-computer.db"));
    auto store = SqliteStore::open(path);
    QVERIFY(store);
    m_local = std::make_unique<LocalOps>(std::move(store).value(), m_server->syncService(path),
                                         SystemClock::instance());
    m_window = std::make_unique<MainWindow>(m_local.get());
    m_window->setKeyring(std::nullopt); // the keychain has its own test (test_server_keyring_keychain)
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestRemoteMode::cleanup()
{
    m_window.reset();
    m_local.reset();
}

void TestRemoteMode::cleanupTestCase()
{
    m_server.reset();
}

ConnectServerDialog *TestRemoteMode::connectWith(const QString &key)
{
    auto *action = child<QAction>(m_window.get(), "connectToServerAction");
    if (!action)
        return nullptr;
    action->trigger();
    auto *dialog = child<ConnectServerDialog>(m_window.get(), "connectServerDialog");
    if (!dialog || !QTest::qWaitForWindowExposed(dialog))
        return nullptr;
    auto *url = child<QLineEdit>(dialog, "serverUrlLineEdit");
    auto *keyEdit = child<QLineEdit>(dialog, "apiKeyLineEdit");
    url->clear();
    QTest::keyClicks(url, m_server->baseUrl().toString());
    keyEdit->clear();
    QTest::keyClicks(keyEdit, key);
    screenshot(dialog, QStringLiteral("connect-to-server.png"));
    QTest::mouseClick(child<QPushButton>(dialog, "connectButton"), Qt::LeftButton);
    return dialog;
}

QStringList TestRemoteMode::tenantNames() const
{
    QStringList names;
    const QAbstractItemModel *model = child<QTreeView>(m_window.get(), "connectionTreeView")->model();
    for (int row = 0; row < model->rowCount(); ++row)
        names.append(model->index(row, ConnectionTreeModel::NameColumn).data().toString());
    return names;
}

void TestRemoteMode::selectConnection(qint64 connectionId)
{
    m_window->selectConnection(connectionId);
}

void TestRemoteMode::screenshot(QWidget *widget, const QString &name)
{
    const QString directory = qEnvironmentVariable("PATCHBAY_SCREENSHOT_DIR");
    if (directory.isEmpty())
        return;
    QTest::qWait(300); // let the latest answers paint
    QVERIFY(widget->grab().save(QDir(directory).filePath(name)));
}

void TestRemoteMode::badKeyIsRefusedInTheDialog()
{
    ConnectServerDialog *dialog = connectWith(QStringLiteral("pb_wrong"));
    QVERIFY(dialog);
    auto *status = child<QLabel>(dialog, "connectStatusLabel");
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("refused the API key")), 10000);
    QVERIFY(dialog->isVisible());
    QVERIFY(!m_window->isRemote());
    QVERIFY(m_window->windowTitle().endsWith(QStringLiteral("this computer")));

    // http:// to another computer would send the key in clear: refused before anything is sent.
    auto *url = child<QLineEdit>(dialog, "serverUrlLineEdit");
    url->setText(QStringLiteral("http://ops.example.com"));
    QTest::mouseClick(child<QPushButton>(dialog, "connectButton"), Qt::LeftButton);
    QVERIFY(status->text().contains(QStringLiteral("https://")));
    dialog->reject();
}

void TestRemoteMode::connectingShowsTheServersTenantsAndSaysWhich()
{
    QVERIFY(connectWith(m_supportKey));
    const QString server = m_server->baseUrl().toString(QUrl::StripTrailingSlash);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->windowTitle(), QStringLiteral("Patchbay \u2014 %1 (support)").arg(server),
                              10000);
    QVERIFY(m_window->isRemote());
    QTRY_COMPARE_WITH_TIMEOUT(tenantNames(), QStringList({QStringLiteral("ACME"), QStringLiteral("GLOBEX")}), 10000);
    QVERIFY(child<QLabel>(m_window.get(), "statusLabel")->text().contains(QStringLiteral("ada (support)")));
    // A support key acts.
    selectConnection(m_server->acmeConnection);
    auto *syncNow = child<QPushButton>(m_window.get(), "syncNowButton");
    QTRY_VERIFY_WITH_TIMEOUT(syncNow->isEnabled(), 10000);
    screenshot(m_window.get(), QStringLiteral("console-remote.png"));

    // The server is remembered for next time, its key is not in the settings file.
    QSettings settings(QStringLiteral("patchbay"), QStringLiteral("console"));
    settings.sync();
    QCOMPARE(settings.value(QStringLiteral("server/url")).toUrl(), QUrl::fromUserInput(m_server->baseUrl().toString()));
    QFile file(settings.fileName());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
    QVERIFY(!file.readAll().contains(m_supportKey.toUtf8()));
}

void TestRemoteMode::lostServerShowsABannerUntilItIsBack()
{
    QVERIFY(connectWith(m_supportKey));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isRemote(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(tenantNames().size(), 2, 10000);
    auto *banner = child<MessageBar>(m_window.get(), "serverMessageBar");
    QVERIFY(!banner->isVisible());

    QCOMPARE(m_server->daemon().stop(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    QVERIFY2(banner->text().contains(QStringLiteral("reconnecting")), qPrintable(banner->text()));
    screenshot(m_window.get(), QStringLiteral("console-remote-reconnecting.png"));

    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 40000);
    QTRY_COMPARE_WITH_TIMEOUT(tenantNames().size(), 2, 10000);
}

void TestRemoteMode::viewerKeyFindsCommandsDisabledWithTheReason()
{
    QVERIFY(connectWith(m_viewerKey));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->windowTitle().endsWith(QStringLiteral("(viewer)")), 10000);
    // Bound to globex: that tenant alone.
    QTRY_COMPARE_WITH_TIMEOUT(tenantNames(), QStringList({QStringLiteral("GLOBEX")}), 10000);
    selectConnection(m_server->globexConnection);
    for (const char *name : {"syncNowButton", "refreshTokenButton", "reauthorizeButton", "retryWritesButton"}) {
        auto *button = child<QPushButton>(m_window.get(), name);
        QVERIFY2(button, name);
        QTRY_VERIFY2(!button->isEnabled(), name);
        QVERIFY2(button->toolTip().contains(QStringLiteral("can only look")), qPrintable(button->toolTip()));
    }
    // The failed-records tabs' commands too, the execution's and the connection's.
    const auto remapButtons =
        m_window->findChildren<QPushButton *>(QStringLiteral("remapFailedRecordsButton"));
    QCOMPARE(remapButtons.size(), 2);
    for (QPushButton *button : remapButtons) {
        QVERIFY(!button->isEnabled());
        QVERIFY2(button->toolTip().contains(QStringLiteral("can only look")), qPrintable(button->toolTip()));
    }
}

void TestRemoteMode::thisComputerGoesBackToTheEmbeddedEngine()
{
    QVERIFY(connectWith(m_supportKey));
    QTRY_COMPARE_WITH_TIMEOUT(tenantNames().size(), 2, 10000);
    child<QAction>(m_window.get(), "thisComputerAction")->trigger();
    QVERIFY(!m_window->isRemote());
    QCOMPARE(m_window->windowTitle(), QStringLiteral("Patchbay \u2014 this computer"));
    QTRY_VERIFY_WITH_TIMEOUT(tenantNames().isEmpty(), 10000);
    QVERIFY(child<QLabel>(m_window.get(), "statusLabel")->text().startsWith(QStringLiteral("This computer")));
}

void TestRemoteMode::keyIsKeptInTheKeychainForNextTime()
{
    if (qEnvironmentVariableIsEmpty("PATCHBAY_TEST_KEYCHAIN"))
        QSKIP("needs a Secret Service: runs as test_remote_mode_keychain (dbus-run-session + gnome-keyring)");
    const ServerKeyring keyring(QStringLiteral("patchbay-console-test"));
    m_window->setKeyring(keyring);
    QVERIFY(connectWith(m_supportKey));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isRemote(), 10000);
    // Kept once the keychain has answered (it is written after the dialog closed).
    auto kept = [&]() -> QByteArray {
        QFuture<Result<SecretBytes>> read = keyring.readKey(m_server->baseUrl());
        if (!QTest::qWaitFor([&] { return read.isFinished(); }, 5000) || !read.result())
            return {};
        return read.result()->reveal();
    };
    QTRY_COMPARE_WITH_TIMEOUT(kept(), m_supportKey.toUtf8(), 10000);

    // Next time the dialog knows the server and its key.
    child<QAction>(m_window.get(), "thisComputerAction")->trigger();
    child<QAction>(m_window.get(), "connectToServerAction")->trigger();
    auto *dialog = child<ConnectServerDialog>(m_window.get(), "connectServerDialog");
    QVERIFY(dialog);
    QCOMPARE(dialog->serverUrl(), QUrl::fromUserInput(m_server->baseUrl().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>(dialog, "apiKeyLineEdit")->text(), m_supportKey, 10000);
    dialog->reject();
    QVERIFY(!m_window->isRemote());
    // patchbay-console --server URL: connects with the kept key, no question asked.
    m_window->openConnectDialog(m_server->baseUrl(), true);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isRemote(), 10000);

    QFuture<Result<void>> forgotten = keyring.forgetKey(m_server->baseUrl());
    QTRY_VERIFY(forgotten.isFinished());
    QVERIFY(forgotten.result());
}

QTEST_MAIN(TestRemoteMode)
#include "TestRemoteMode.moc"
