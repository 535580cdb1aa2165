// The Tokens tab against a real connection to the HubSpot emulator on loopback (globex's: the fixture seeds both
// portals alike, so acme's refresh token is globex's grant's): the token's expiry counting down, the scopes, the
// timeline of refreshes growing, a refused refresh with the provider's words, and never a token. With
// PATCHBAY_SCREENSHOT_DIR set, the tab is saved there as tokens.png (run under xvfb-run for a real screen).

#include "AllAnswered.h"
#include "ConnectionPanel.h"
#include "DisplayFormat.h"
#include "OpsFixture.h"
#include "TokenPanel.h"
#include "TokenTimelineModel.h"

#include "auth/CredentialVault.h"
#include "hubspot/HubSpotEmulator.h"
#include "ops/LocalOps.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace patchbay;

namespace {

template <typename T> T await(QFuture<T> future)
{
    // The answer comes through this thread's event loop (which also serves the emulator).
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, 10000))
        qFatal("no answer from the ops API within 10 s");
    return future.result();
}

} // namespace

class TestTokenPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void expiryInWords_data();
    void expiryInWords();
    void showsExpiryScopesAndState();
    void refreshGrowsTheTimelineAndResetsTheCountdown();
    void refusedRefreshShowsTheProvidersMessageAndTheFailures();
    void noTokenEverShows();
    void countdownTicksOnlyWhileVisible();

private:
    template <typename T> T *child(const char *name) const
    {
        T *widget = m_panel->findChild<T *>(QLatin1String(name));
        if (!widget)
            qWarning("no child %s", name);
        return widget;
    }
    QString expiry() const { return child<QLabel>("tokenExpiryLabel")->text(); }
    // Sets the stored token's expiry, as if it had been obtained earlier.
    void setExpiry(const QDateTime &expiresAt);
    // Clicks Refresh token and waits for its execution to end and the tab to show it.
    void refreshToken(int expectedOperations);
    // Every text the panel shows a person: labels, list items, and every cell and tooltip of the timeline.
    QString allText() const;

    std::unique_ptr<OpsFixture> m_fixture;
    std::unique_ptr<ConnectionPanel> m_panel;
    TokenPanel *m_tokens = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestTokenPanel::init()
{
    m_fixture = std::make_unique<OpsFixture>();
    QVERIFY2(m_fixture->isValid(), qPrintable(m_fixture->errorString()));
    m_panel = std::make_unique<ConnectionPanel>(&m_fixture->ops());
    m_panel->resize(1000, 620);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    const auto summary = await(m_fixture->ops().connection(m_fixture->globexConnection));
    QVERIFY(summary.ok());
    m_panel->showConnection(summary.value());
    auto *tabs = child<QTabWidget>("connectionTabWidget");
    m_tokens = child<TokenPanel>("tokenPanel");
    QVERIFY(tabs && m_tokens);
    tabs->setCurrentWidget(m_tokens);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_tokens->model());
    QVERIFY(allAnswered(*m_panel));
}

void TestTokenPanel::cleanup()
{
    m_tester.reset();
    m_panel.reset();
    m_fixture.reset();
}

void TestTokenPanel::expiryInWords_data()
{
    QTest::addColumn<int>("secondsLeft"); // from now; INT_MIN: no expiry
    QTest::addColumn<bool>("obtained");   // a token was obtained (refreshedAt set)
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << 42 << true << QStringLiteral("expires in 42 s");
    QTest::newRow("minutes") << 4 * 60 + 12 << true << QStringLiteral("expires in 4 min 12 s");
    QTest::newRow("hours") << 3 * 3600 + 5 * 60 << true << QStringLiteral("expires in 3 h 05 min");
    QTest::newRow("days") << 3 * 86400 + 4 * 3600 << true << QStringLiteral("expires in 3 d 4 h");
    QTest::newRow("expired") << -3 * 60 << true << QStringLiteral("expired 3 min ago");
    QTest::newRow("no lifetime") << INT_MIN << true << QStringLiteral("does not expire");
    QTest::newRow("no token") << INT_MIN << false << QStringLiteral("unknown");
}

void TestTokenPanel::expiryInWords()
{
    QFETCH(int, secondsLeft);
    QFETCH(bool, obtained);
    QFETCH(QString, text);
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-03-05T14:00:00Z"), Qt::ISODate);
    RefreshHistory history;
    history.connectionId = 1;
    if (secondsLeft != INT_MIN)
        history.accessTokenExpiresAt = now.addSecs(secondsLeft);
    if (obtained)
        history.refreshedAt = now.addSecs(-600);
    QCOMPARE(TokenPanel::expiryText(history, now), text);
}

void TestTokenPanel::showsExpiryScopesAndState()
{
    // The fixture's token was given half an hour.
    QVERIFY2(expiry().startsWith(QStringLiteral("expires in 29 min")) ||
                 expiry() == QStringLiteral("expires in 30 min 0 s"),
             qPrintable(expiry()));
    QCOMPARE(child<QLabel>("tokenPanelStateLabel")->text(), QStringLiteral("\u25cf valid"));
    QCOMPARE(child<QLabel>("tokenFailuresLabel")->text(), QStringLiteral("0"));
    QVERIFY(!child<QLabel>("tokenFailuresLabel")->font().bold());
    // No operation yet: the tab says what starts one.
    QCOMPARE(m_tokens->model()->rowCount(), 0);
}

void TestTokenPanel::setExpiry(const QDateTime &expiresAt)
{
    auto stored = m_fixture->store().credentials().credential(m_fixture->globexConnection);
    QVERIFY(stored.ok());
    StoredCredential credential = stored.value();
    credential.expiresAt = expiresAt;
    QVERIFY(m_fixture->store().credentials().saveCredential(m_fixture->globexConnection, credential).ok());
    m_tokens->refresh();
    QVERIFY(allAnswered(*m_panel));
}

void TestTokenPanel::refreshToken(int expectedOperations)
{
    auto *button = child<QPushButton>("refreshTokenButton");
    QVERIFY(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    // The tab follows the execution's signals by itself.
    QTRY_COMPARE_WITH_TIMEOUT(m_tokens->model()->rowCount(), expectedOperations, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_fixture->ops().isBusy(m_fixture->globexConnection), 10000);
    m_panel->updateBusy(); // as the window does when an execution ends
    QVERIFY(allAnswered(*m_panel));
}

void TestTokenPanel::refreshGrowsTheTimelineAndResetsTheCountdown()
{
    setExpiry(QDateTime::currentDateTimeUtc().addSecs(90));
    QVERIFY2(expiry().startsWith(QStringLiteral("expires in 1 min ")), qPrintable(expiry()));
    m_fixture->emulator().setAccessTokenLifetime(2 * 3600);

    refreshToken(1);
    QTRY_VERIFY2(expiry().startsWith(QStringLiteral("expires in 1 h 59 min")) ||
                     expiry() == QStringLiteral("expires in 2 h 00 min"),
                 qPrintable(expiry()));
    TokenTimelineModel *model = m_tokens->model();
    QCOMPARE(model->index(0, TokenTimelineModel::OperationColumn).data().toString(), QStringLiteral("Refresh"));
    QCOMPARE(model->index(0, TokenTimelineModel::ResultColumn).data().toString(), QStringLiteral("succeeded"));
    QVERIFY(!model->index(0, 0).data(TokenTimelineModel::FailedRole).toBool());

    refreshToken(2);
    // Newest first.
    QVERIFY(model->index(0, 0).data(TokenTimelineModel::ExecutionIdRole).toLongLong() >
            model->index(1, 0).data(TokenTimelineModel::ExecutionIdRole).toLongLong());
    QCOMPARE(child<QLabel>("tokenFailuresLabel")->text(), QStringLiteral("0"));
    if (const QByteArray path = qgetenv("PATCHBAY_SCREENSHOT_DIR"); !path.isEmpty()) {
        m_fixture->emulator().revokeRefreshToken(QStringLiteral("globex"));
        refreshToken(3);
        // The header follows the connection, as the window makes it when connectionChanged arrives.
        const auto now = await(m_fixture->ops().connection(m_fixture->globexConnection));
        QVERIFY(now.ok());
        m_panel->updateConnection(now.value());
        QVERIFY(allAnswered(*m_panel));
        m_panel->grab().save(QString::fromLocal8Bit(path) + QStringLiteral("/tokens.png"));
    }
}

void TestTokenPanel::refusedRefreshShowsTheProvidersMessageAndTheFailures()
{
    refreshToken(1);
    QVERIFY(m_fixture->emulator().revokeRefreshToken(QStringLiteral("globex")));
    refreshToken(2);

    TokenTimelineModel *model = m_tokens->model();
    QVERIFY(model->index(0, 0).data(TokenTimelineModel::FailedRole).toBool());
    QCOMPARE(model->index(0, TokenTimelineModel::ResultColumn).data().toString(), QStringLiteral("failed"));
    const QString message = model->index(0, TokenTimelineModel::MessageColumn).data().toString();
    // The emulator refuses a revoked refresh token as HubSpot does, and its words reach the tab.
    QVERIFY2(message.contains(QStringLiteral("invalid_grant"), Qt::CaseInsensitive) ||
                 message.contains(QStringLiteral("refresh token"), Qt::CaseInsensitive),
             qPrintable(message));
    QVERIFY(!model->index(1, 0).data(TokenTimelineModel::FailedRole).toBool());

    auto *failures = child<QLabel>("tokenFailuresLabel");
    QCOMPARE(failures->text(), QStringLiteral("1"));
    QVERIFY(failures->font().bold());
    QCOMPARE(failures->palette().color(QPalette::WindowText), DisplayFormat::tokenStateColor(TokenState::Expired));
}

QString TestTokenPanel::allText() const
{
    QStringList texts;
    for (const QLabel *label : m_tokens->findChildren<QLabel *>())
        texts << label->text() << label->toolTip();
    const auto *scopes = child<QListWidget>("tokenScopesListWidget");
    for (int row = 0; row < scopes->count(); ++row)
        texts << scopes->item(row)->text();
    const TokenTimelineModel *model = m_tokens->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        for (int column = 0; column < model->columnCount(); ++column) {
            texts << model->index(row, column).data().toString()
                  << model->index(row, column).data(Qt::ToolTipRole).toString();
        }
    }
    return texts.join(QLatin1Char('\n'));
}

void TestTokenPanel::noTokenEverShows()
{
    refreshToken(1);
    QVERIFY(m_fixture->emulator().revokeRefreshToken(QStringLiteral("globex")));
    refreshToken(2);
    auto stored = m_fixture->store().credentials().credential(m_fixture->globexConnection);
    QVERIFY(stored.ok());
    auto credential = m_fixture->sync()->vault().open(m_fixture->globexConnection, stored->sealed);
    QVERIFY(credential.ok());
    const QString access = QString::fromUtf8(credential->accessToken.reveal());
    const QString refresh = QString::fromUtf8(credential->refreshToken.reveal());
    QVERIFY(access.size() >= 8 && refresh.size() >= 8);
    const QString text = allText();
    QVERIFY(text.contains(QStringLiteral("Refresh"))); // the texts were read at all
    QVERIFY2(!text.contains(access), "the access token shows in the Tokens tab");
    QVERIFY2(!text.contains(refresh), "the refresh token shows in the Tokens tab");
}

void TestTokenPanel::countdownTicksOnlyWhileVisible()
{
    QVERIFY(m_tokens->isCountingDown());
    const QString before = expiry();
    QTRY_VERIFY_WITH_TIMEOUT(expiry() != before, 2500); // a second later it says so
    auto *tabs = child<QTabWidget>("connectionTabWidget");
    tabs->setCurrentIndex(0);
    QVERIFY(!m_tokens->isCountingDown());
    tabs->setCurrentWidget(m_tokens);
    QVERIFY(m_tokens->isCountingDown());
    // Expired: in the failure colour, still moving.
    setExpiry(QDateTime::currentDateTimeUtc().addSecs(-3 * 60));
    QCOMPARE(expiry(), QStringLiteral("expired 3 min ago"));
    QCOMPARE(child<QLabel>("tokenExpiryLabel")->palette().color(QPalette::WindowText),
             DisplayFormat::tokenStateColor(TokenState::Expired));
}

QTEST_MAIN(TestTokenPanel)
#include "TestTokenPanel.moc"
