// Re-authorising from the console: against a real patchbayd, "Copy link for the customer" puts the server's link on
// the clipboard with its expiry; on this computer, the loopback flow against the HubSpot emulator, which says so when
// no browser could be opened (and never claims one did); and bulk links saved as CSV, one row per connection.
// With PATCHBAY_SCREENSHOT_DIR set, the dialogs are saved there (reauthorize-link.png, reauthorize-no-browser.png,
// bulk-reauthorization.png); run under xvfb-run for a real screen.

#include "AllAnswered.h"
#include "BulkReauthorizationDialog.h"
#include "ConnectionPanel.h"
#include "FailingOps.h"
#include "OpsFixture.h"
#include "ReauthorizeDialog.h"
#include "ServerFixture.h"

#include "ops/LocalOps.h"
#include "ops/remote/RemoteOps.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace patchbay;
using namespace patchbay::test;

namespace {

template <typename T> T await(QFuture<T> future)
{
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, 15000))
        qFatal("no answer from the ops API within 15 s");
    return future.result();
}

// Two connections in two tenants, one of which needs re-authorising and has a name a CSV must quote; the link for
// one of them cannot be made.
class BulkOps : public FailingOps
{
public:
    QFuture<Result<HealthReport>> health(const HealthFilter &) override
    {
        HealthReport report;
        report.connections = {
            {11,
             1,
             QStringLiteral("Acme, \"Intl\" Ltd"),
             QStringLiteral("Acme HubSpot"),
             QStringLiteral("hubspot"),
             ConnectionHealth::NeedsReauth,
             QStringLiteral("HubSpot refused the refresh token"),
             0,
             {},
             {},
             0},
            {12,
             2,
             QStringLiteral("=Globex"),
             QStringLiteral("Globex CRM"),
             QStringLiteral("salesforce"),
             ConnectionHealth::NeedsReauth,
             QStringLiteral("revoked"),
             0,
             {},
             {},
             0},
            {13,
             3,
             QStringLiteral("Initech"),
             QStringLiteral("Initech Jira"),
             QStringLiteral("jira"),
             ConnectionHealth::Healthy,
             QString(),
             0,
             {},
             {},
             0},
        };
        return readyAnswer<HealthReport>(report);
    }
    QFuture<Result<ReauthorizationLink>> createReauthorizationLink(qint64 connectionId) override
    {
        asked.append(connectionId);
        if (connectionId == 12)
            return readyAnswer<ReauthorizationLink>(
                makeError("connect.no_app", QStringLiteral("patchbayd has no OAuth app for Salesforce")));
        return readyAnswer<ReauthorizationLink>(
            ReauthorizationLink{connectionId, QStringLiteral("https://patchbay.example.com/connect/abc.def"),
                                QDateTime::fromString(QStringLiteral("2026-03-05T14:32:00Z"), Qt::ISODate)});
    }
    QList<qint64> asked;
};

} // namespace

class TestReauthorization : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void copiesTheServersLinkForTheCustomer();
    void saysSoWhenNoBrowserOpened();
    void saysFinishInTheBrowserOnlyWhenOneOpened();
    void bulkLinksAreSavedAsCsv();
    void csvQuotesWhatItMust();
    void expiryInWords();

private:
    // A panel showing the connection, as the console shows it when it is selected.
    static bool showConnection(ConnectionPanel &panel, OpsApi &ops, qint64 connectionId);
    // Clicks Re-authorise on the panel: the dialog that opens.
    ReauthorizeDialog *openDialog(ConnectionPanel &panel);
    static void screenshot(QWidget *widget, const QString &name);

    std::unique_ptr<ServerFixture> m_server;
};

void TestReauthorization::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    QVERIFY2(m_server->seed(), qPrintable(m_server->error()));
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
}

void TestReauthorization::cleanupTestCase()
{
    if (m_server && m_server->daemon().isRunning())
        QCOMPARE(m_server->daemon().stop(), 0);
    m_server.reset();
}

void TestReauthorization::screenshot(QWidget *widget, const QString &name)
{
    if (const QByteArray path = qgetenv("PATCHBAY_SCREENSHOT_DIR"); !path.isEmpty())
        widget->grab().save(QString::fromLocal8Bit(path) + QLatin1Char('/') + name);
}

bool TestReauthorization::showConnection(ConnectionPanel &panel, OpsApi &ops, qint64 connectionId)
{
    panel.resize(900, 500);
    panel.show();
    const auto summary = await(ops.connection(connectionId));
    if (!summary)
        return false;
    panel.showConnection(summary.value());
    return true;
}

ReauthorizeDialog *TestReauthorization::openDialog(ConnectionPanel &panel)
{
    auto *button = panel.findChild<QPushButton *>(QStringLiteral("reauthorizeButton"));
    if (!button || !button->isEnabled())
        return nullptr;
    QTest::mouseClick(button, Qt::LeftButton);
    auto *dialog = panel.findChild<ReauthorizeDialog *>(QStringLiteral("reauthorizeDialog"));
    if (dialog)
        (void)QTest::qWaitForWindowExposed(dialog);
    return dialog;
}

void TestReauthorization::copiesTheServersLinkForTheCustomer()
{
    RemoteOps remote(RemoteServer{m_server->baseUrl(), SecretBytes(m_server->daemon().adminKey()), {}});
    ConnectionPanel panel(&remote);
    panel.setAgainstServer(true);
    QVERIFY(showConnection(panel, remote, m_server->acmeConnection));
    QGuiApplication::clipboard()->clear();

    ReauthorizeDialog *dialog = openDialog(panel);
    QVERIFY(dialog);
    auto *copy = dialog->findChild<QPushButton *>(QStringLiteral("copyReauthorizationLinkButton"));
    QVERIFY(copy);
    QCOMPARE(copy->text(), QStringLiteral("Copy link for the customer"));
    const QDateTime asked = QDateTime::currentDateTimeUtc();
    QTest::mouseClick(copy, Qt::LeftButton);

    auto *url = dialog->findChild<QLineEdit *>(QStringLiteral("reauthorizationUrlLineEdit"));
    QTRY_VERIFY_WITH_TIMEOUT(url->isVisible(), 10000);
    // The server's link, on the clipboard as shown.
    const QString link = url->text();
    QVERIFY2(link.startsWith(m_server->baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/connect/")),
             qPrintable(link));
    QCOMPARE(QGuiApplication::clipboard()->text(), link);
    // Its expiry in the words a support engineer passes on.
    const QString status = dialog->findChild<QLabel *>(QStringLiteral("reauthorizationStatusLabel"))->text();
    const QString expected = ReauthorizeDialog::expiryText(asked.addSecs(15 * 60), asked);
    QVERIFY2(status.contains(expected) || status.contains(QStringLiteral("(14 minutes)")), qPrintable(status));
    QVERIFY(status.contains(QStringLiteral("works once, until ")));
    screenshot(dialog, QStringLiteral("reauthorize-link.png"));
    dialog->reject();
}

void TestReauthorization::saysSoWhenNoBrowserOpened()
{
    OpsFixture fixture;
    QVERIFY2(fixture.isValid(), qPrintable(fixture.errorString()));
    ConnectionPanel panel(&fixture.ops());
    QList<QUrl> opened;
    panel.setUrlOpener([&opened](const QUrl &url) {
        opened.append(url);
        return false; // no browser on this machine
    });
    QVERIFY(showConnection(panel, fixture.ops(), fixture.acmeConnection));
    QSignalSpy started(&panel, &ConnectionPanel::authorizationStarted);

    ReauthorizeDialog *dialog = openDialog(panel);
    QVERIFY(dialog);
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("reauthorizationExplanationLabel"))
                ->text()
                .contains(QStringLiteral("can only be finished in a browser on this computer")));
    QVERIFY(!dialog->findChild<QPushButton *>(QStringLiteral("copyReauthorizationLinkButton")));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("openReauthorizationBrowserButton")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 10000);

    auto *status = dialog->findChild<QLabel *>(QStringLiteral("reauthorizationStatusLabel"));
    QTRY_VERIFY(status->isVisible());
    QVERIFY2(status->text().startsWith(QStringLiteral("No browser could be opened on this computer.")),
             qPrintable(status->text()));
    QVERIFY(!status->text().contains(QStringLiteral("Finish in the browser")));
    // The address to open by hand: the provider's consent page, coming back to this computer.
    auto *url = dialog->findChild<QLineEdit *>(QStringLiteral("reauthorizationUrlLineEdit"));
    QVERIFY(url->isVisible());
    QCOMPARE(QUrl(url->text()), opened.first());
    const QUrl redirect(
        QUrlQuery(QUrl(url->text())).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    QCOMPARE(redirect.host(), QStringLiteral("127.0.0.1"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("copyReauthorizationUrlButton")), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), url->text());
    QCOMPARE(started.size(), 0); // the window does not say "finish in the browser" either
    screenshot(dialog, QStringLiteral("reauthorize-no-browser.png"));
    dialog->reject();
}

void TestReauthorization::saysFinishInTheBrowserOnlyWhenOneOpened()
{
    OpsFixture fixture;
    QVERIFY2(fixture.isValid(), qPrintable(fixture.errorString()));
    ConnectionPanel panel(&fixture.ops());
    panel.setUrlOpener([](const QUrl &) { return true; });
    QVERIFY(showConnection(panel, fixture.ops(), fixture.acmeConnection));
    QSignalSpy started(&panel, &ConnectionPanel::authorizationStarted);
    ReauthorizeDialog *dialog = openDialog(panel);
    QVERIFY(dialog);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("openReauthorizationBrowserButton")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 10000);
    const QString status = dialog->findChild<QLabel *>(QStringLiteral("reauthorizationStatusLabel"))->text();
    QVERIFY2(status.startsWith(QStringLiteral("Finish in the browser that opened on this computer")),
             qPrintable(status));
    QVERIFY(!dialog->findChild<QLineEdit *>(QStringLiteral("reauthorizationUrlLineEdit"))->isVisible());
    dialog->reject();
}

void TestReauthorization::bulkLinksAreSavedAsCsv()
{
    BulkOps ops;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("links.csv"));
    BulkReauthorizationDialog dialog(&ops);
    dialog.setPathChooser([path](QWidget *) { return path; });
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTRY_COMPARE(dialog.model()->rowCount(), 3);
    // Those needing re-authorisation are checked; the healthy one is not even shown.
    QCOMPARE(dialog.model()->item(0)->checkState(), Qt::Checked);
    QCOMPARE(dialog.model()->item(1)->checkState(), Qt::Checked);
    QCOMPARE(dialog.model()->item(2)->checkState(), Qt::Unchecked);
    auto *create = dialog.findChild<QPushButton *>(QStringLiteral("createReauthorizationLinksButton"));
    QVERIFY(create->isEnabled());
    screenshot(&dialog, QStringLiteral("bulk-reauthorization.png"));

    QSignalSpy saved(&dialog, &BulkReauthorizationDialog::saved);
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_COMPARE(saved.size(), 1);
    QCOMPARE(saved.first().at(1).toInt(), 1);
    QCOMPARE(saved.first().at(2).toInt(), 1);
    QCOMPARE(ops.asked, (QList<qint64>{11, 12}));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    // One row per connection, the failure a row with its error; quotes doubled, a formula kept as text.
    QCOMPARE(file.readAll(),
             QByteArray("tenant,connection,provider,link,expires at,error\r\n"
                        "\"Acme, \"\"Intl\"\" Ltd\",Acme HubSpot,hubspot,https://patchbay.example.com/connect/abc.def,"
                        "2026-03-05T14:32:00Z,\r\n"
                        "'=Globex,Globex CRM,salesforce,,,patchbayd has no OAuth app for Salesforce\r\n"));
    QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("bulkReauthorizationStatusLabel"))
                ->text()
                .contains(QStringLiteral("1 connection got no link")));

    // Filtering narrows what is created: only what is shown and checked.
    auto *filter = dialog.findChild<QLineEdit *>(QStringLiteral("bulkReauthorizationFilterLineEdit"));
    QTest::keyClicks(filter, QStringLiteral("acme"));
    ops.asked.clear();
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_COMPARE(saved.size(), 2);
    QCOMPARE(ops.asked, QList<qint64>{11});
}

void TestReauthorization::csvQuotesWhatItMust()
{
    BulkReauthorizationDialog::Row row;
    row.tenant = QStringLiteral("line\nbreak");
    row.connection = QStringLiteral("plain");
    row.provider = QStringLiteral("+1");
    row.error = QStringLiteral("said \"no\"");
    QCOMPARE(BulkReauthorizationDialog::csv({row}), QByteArray("tenant,connection,provider,link,expires at,error\r\n"
                                                               "\"line\nbreak\",plain,'+1,,,\"said \"\"no\"\"\"\r\n"));
}

void TestReauthorization::expiryInWords()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime at = now.addSecs(15 * 60);
    QCOMPARE(
        ReauthorizeDialog::expiryText(at, now),
        QStringLiteral("works once, until %1 (15 minutes)").arg(at.toLocalTime().toString(QStringLiteral("HH:mm"))));
    QVERIFY(ReauthorizeDialog::expiryText(now.addSecs(60), now).endsWith(QStringLiteral("(1 minute)")));
}

QTEST_MAIN(TestReauthorization)
#include "TestReauthorization.moc"
