// The OpsApi contract: every method answers the same through LocalOps (in-process) and through RemoteOps (HTTP to a
// real patchbayd on loopback), over the same database contents. One seeded SQLite file is copied before patchbayd
// starts: LocalOps works on one copy, patchbayd on the other, both against the same HubSpot emulator.
//
// To cover a new OpsApi method, add one row to sameAnswer_data(): everyMethodHasACase fails until there is one.

#include "ServerFixture.h"
#include "core/Clock.h"
#include "ops/LocalOps.h"
#include "ops/OpsJson.h"
#include "ops/remote/RemoteOps.h"
#include "store/sqlite/SqliteStore.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace patchbay;
using namespace patchbay::test;

namespace {

const QString kIntegration = ServerFixture::kIntegration;
const QString kAuthor = ServerFixture::kAdminName; // the server's author of a change is the key's name

// The ids every case may use; the same in both databases.
struct Ids
{
    qint64 acme = 0;
    qint64 globex = 0;
    qint64 acmeConnection = 0;
    qint64 globexConnection = 0;
    qint64 execution = 0; // the seeded read of acme's connection
    qint64 unknown = 987654;
};

// An answer as JSON: the value in OpsJson's form, or the error body. Comparing these compares everything.
template <typename T>
QFuture<QJsonValue> asJson(QFuture<Result<T>> future)
{
    return future.then([](const Result<T> &result) -> QJsonValue {
        if (!result)
            return OpsJson::errorBody(result.error());
        return OpsJson::encode(result.value());
    });
}

using Call = std::function<QFuture<QJsonValue>(OpsApi &, const Ids &)>;
using Normalize = std::function<QJsonValue(const QJsonValue &)>;

// What may differ between two runs of a command: its times, and which execution it started (nonzero either way).
QJsonValue withoutRunDetails(const QJsonValue &value)
{
    static const QRegularExpression time(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"));
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == QLatin1String("executionId") || it.key() == QLatin1String("id"))
                *it = it->toInteger() != 0;
            else
                *it = withoutRunDetails(*it);
        }
        return object;
    }
    if (value.isArray()) {
        QJsonArray array;
        for (const QJsonValue &item : value.toArray())
            array.append(withoutRunDetails(item));
        return array;
    }
    if (value.isString() && time.match(value.toString()).hasMatch())
        return QStringLiteral("<time>");
    return value;
}

// An authorize URL names where the browser goes back to (a loopback listener here, the server's callback there)
// and a fresh state: what must match is the provider's authorize endpoint.
QJsonValue authorizeEndpoint(const QJsonValue &value)
{
    QJsonObject object = value.toObject();
    if (object.contains(QStringLiteral("url")))
        object.insert(QStringLiteral("url"),
                      QUrl(object.value(QStringLiteral("url")).toString()).adjusted(QUrl::RemoveQuery).toString());
    return object;
}

struct Case
{
    QString method; // the OpsApi method it covers
    Call call;
    Normalize normalize; // empty: compared exactly
};

} // namespace

Q_DECLARE_METATYPE(Case)

class TestOpsContract : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void everyMethodHasACase();
    void sameAnswer_data();
    void sameAnswer();
    // After the answers compared (it changes the server's database), before the scheduled run (which leaves the
    // server reading every 2 s).
    void reauthorizationLinkNeedsAServer();
    void commandSignalsNameTheExecutionItStarted_data();
    void commandSignalsNameTheExecutionItStarted();
    void transportFailuresAreRemoteErrorsThatSayWhatToDo();
    void whoamiNamesTheKeysRoleAndTenant();
    void supportKeySeesNoSecret();
    void scheduledRunAppearsAfterTheServerCameBack();

private:
    OpsApi &implementation(const QString &name);
    template <typename T>
    std::optional<T> wait(QFuture<T> future);

    static QList<Case> cases();

    QTemporaryDir m_dir;
    std::unique_ptr<ServerFixture> m_server;
    DaemonProcess *m_daemon = nullptr;
    std::unique_ptr<LocalOps> m_local;
    std::unique_ptr<RemoteOps> m_remote;
    Ids m_ids;
};

QList<Case> TestOpsContract::cases()
{
    // Queries first, over the seeded contents (compared exactly); then what changes state, in the same order on
    // both sides so the databases stay alike.
    const QJsonArray samples{QJsonObject{{"id", "s1"},
                                         {"properties", QJsonObject{{"email", "A@B.COM"}, {"firstname", "Ada"},
                                                                    {"lastname", "Byron"}, {"phone", "12"}}}}};
    const MappingTree broken{{"email", "$lowercase("}};
    return {
        {"tenants", [](OpsApi &ops, const Ids &) { return asJson(ops.tenants()); }, {}},
        {"connections", [](OpsApi &ops, const Ids &) { return asJson(ops.connections()); }, {}},
        {"connections", [](OpsApi &ops, const Ids &ids) { return asJson(ops.connections(ids.globex)); }, {}},
        {"connection", [](OpsApi &ops, const Ids &ids) { return asJson(ops.connection(ids.acmeConnection)); }, {}},
        {"connection", [](OpsApi &ops, const Ids &ids) { return asJson(ops.connection(ids.unknown)); }, {}},
        {"executions", [](OpsApi &ops, const Ids &ids) { return asJson(ops.executions(ids.acmeConnection, 10)); }, {}},
        {"executions",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.executions(ids.acmeConnection, 1, ids.execution)); },
         {}},
        {"executions", [](OpsApi &ops, const Ids &ids) { return asJson(ops.executions(ids.acmeConnection, 0)); }, {}},
        {"executions", [](OpsApi &ops, const Ids &ids) { return asJson(ops.executions(ids.acmeConnection, 5000)); },
         {}},
        {"executions", [](OpsApi &ops, const Ids &ids) { return asJson(ops.executions(ids.acmeConnection, 10, 0)); },
         {}},
        {"connections", [](OpsApi &ops, const Ids &ids) { return asJson(ops.connections(ids.unknown)); }, {}},
        {"execution", [](OpsApi &ops, const Ids &ids) { return asJson(ops.execution(ids.execution)); }, {}},
        {"execution", [](OpsApi &ops, const Ids &ids) { return asJson(ops.execution(ids.unknown)); }, {}},
        {"events", [](OpsApi &ops, const Ids &ids) { return asJson(ops.events(ids.execution)); }, {}},
        {"events", [](OpsApi &ops, const Ids &ids) { return asJson(ops.events(ids.unknown)); }, {}},
        {"exchanges", [](OpsApi &ops, const Ids &ids) { return asJson(ops.exchanges(ids.unknown)); }, {}},
        {"writeItems", [](OpsApi &ops, const Ids &ids) { return asJson(ops.writeItems(ids.unknown)); }, {}},
        {"failedRecords", [](OpsApi &ops, const Ids &ids) { return asJson(ops.failedRecords(ids.unknown)); }, {}},
        {"mapping", [](OpsApi &ops, const Ids &ids) { return asJson(ops.mapping(ids.unknown, "contacts", "read")); },
         {}},
        {"previewMapping",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.previewMapping(ids.unknown, "contacts", "read", {})); },
         {}},
        {"exchanges", [](OpsApi &ops, const Ids &ids) { return asJson(ops.exchanges(ids.execution)); }, {}},
        {"writeItems", [](OpsApi &ops, const Ids &ids) { return asJson(ops.writeItems(ids.execution)); }, {}},
        {"mapping",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.mapping(ids.acmeConnection, "contacts", "read")); }, {}},
        {"mapping",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.mapping(ids.acmeConnection, "tickets", "read")); }, {}},
        {"mapping", [](OpsApi &ops, const Ids &ids) { return asJson(ops.mapping(ids.acmeConnection, "", "read")); },
         {}},
        {"mappingHistory",
         [](OpsApi &ops, const Ids &ids) {
             return asJson(ops.mappingHistory(MappingLevel::Connection, QString::number(ids.acmeConnection),
                                              kIntegration, "contacts", "read"));
         },
         {}},
        {"mappingHistory",
         [](OpsApi &ops, const Ids &) {
             return asJson(ops.mappingHistory(MappingLevel::Environment, "", kIntegration, "contacts", "read"));
         },
         {}},
        {"previewMapping",
         [samples](OpsApi &ops, const Ids &ids) {
             return asJson(ops.previewMapping(ids.acmeConnection, "contacts", "read", samples));
         },
         {}},
        {"previewMapping",
         [samples](OpsApi &ops, const Ids &ids) {
             return asJson(ops.previewMapping(ids.acmeConnection, "contacts", "read", samples,
                                              MappingTree{{"name", "properties.firstname"}}));
         },
         {}},
        {"checkExpression", [](OpsApi &ops, const Ids &) { return asJson(ops.checkExpression("$sum(a.b)")); }, {}},
        {"checkExpression", [](OpsApi &ops, const Ids &) { return asJson(ops.checkExpression("a.(b")); }, {}},
        {"failedRecords", [](OpsApi &ops, const Ids &ids) { return asJson(ops.failedRecords(ids.acmeConnection)); },
         {}},
        {"failedRecords",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.failedRecords(ids.acmeConnection, "deals")); }, {}},
        {"checkExpression", [](OpsApi &ops, const Ids &) { return asJson(ops.checkExpression("")); }, {}},
        {"previewMapping",
         [samples](OpsApi &ops, const Ids &ids) {
             return asJson(ops.previewMapping(ids.acmeConnection, "tickets", "read", samples));
         },
         {}},
        {"findExecutions", [](OpsApi &ops, const Ids &) { return asJson(ops.findExecutions({})); }, {}},
        {"findExecutions",
         [](OpsApi &ops, const Ids &ids) {
             ExecutionFilter filter;
             filter.tenantId = ids.acme;
             filter.outcome = ExecutionOutcome::Partial;
             filter.kind = QStringLiteral("read");
             filter.startedFrom = QDateTime::currentDateTimeUtc().addDays(-1);
             return asJson(ops.findExecutions(filter));
         },
         {}},
        {"findExecutions",
         [](OpsApi &ops, const Ids &ids) {
             ExecutionFilter filter;
             filter.connectionId = ids.globexConnection;
             filter.text = QStringLiteral("contacts");
             filter.limit = 1;
             filter.beforeId = ids.unknown;
             return asJson(ops.findExecutions(filter));
         },
         {}},
        {"findExecutions",
         [](OpsApi &ops, const Ids &) {
             ExecutionFilter filter;
             filter.outcome = QStringLiteral("sort of");
             return asJson(ops.findExecutions(filter));
         },
         {}},
        {"findExecutions",
         [](OpsApi &ops, const Ids &) {
             ExecutionFilter filter;
             filter.limit = 5000;
             return asJson(ops.findExecutions(filter));
         },
         {}},
        {"executionFailedRecords",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.executionFailedRecords(ids.execution)); }, {}},
        {"executionFailedRecords",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.executionFailedRecords(ids.unknown)); }, {}},
        {"connectionFailedRecords",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.connectionFailedRecords(ids.acmeConnection)); }, {}},
        {"connectionFailedRecords",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.connectionFailedRecords(ids.unknown)); }, {}},
        {"health", [](OpsApi &ops, const Ids &) { return asJson(ops.health({})); }, {}},
        {"health",
         [](OpsApi &ops, const Ids &ids) {
             return asJson(ops.health(HealthFilter{ids.globex, QStringLiteral("healthy"), QStringLiteral("hubspot")}));
         },
         {}},
        {"health", [](OpsApi &ops, const Ids &) { return asJson(ops.health(HealthFilter{{}, "so-so", {}})); }, {}},
        {"refreshHistory", [](OpsApi &ops, const Ids &ids) { return asJson(ops.refreshHistory(ids.acmeConnection)); },
         {}},
        {"refreshHistory", [](OpsApi &ops, const Ids &ids) { return asJson(ops.refreshHistory(ids.unknown)); }, {}},
        {"replayExecution", [](OpsApi &ops, const Ids &ids) { return asJson(ops.replayExecution(ids.unknown)); }, {}},
        // A change without a reason, and a refused mapping: same code, same message, nothing changed.
        {"setMappingOverride",
         [](OpsApi &ops, const Ids &ids) {
             return asJson(ops.setMappingOverride(MappingLevel::Connection, QString::number(ids.acmeConnection),
                                                  kIntegration, "contacts", "read",
                                                  MappingTree{{"phone", "properties.phone"}}, kAuthor, " "));
         },
         {}},
        {"setMappingOverride",
         [broken](OpsApi &ops, const Ids &ids) {
             return asJson(ops.setMappingOverride(MappingLevel::Connection, QString::number(ids.acmeConnection),
                                                  kIntegration, "contacts", "read", broken, kAuthor, "contract"));
         },
         {}},
        {"setMappingOverride",
         [](OpsApi &ops, const Ids &ids) {
             return asJson(ops.setMappingOverride(MappingLevel::Connection, QString::number(ids.acmeConnection),
                                                  kIntegration, "contacts", "read",
                                                  MappingTree{{"phone", "properties.phone"}}, kAuthor,
                                                  "phones are text"));
         },
         withoutRunDetails},
        {"mappingHistory",
         [](OpsApi &ops, const Ids &ids) {
             return asJson(ops.mappingHistory(MappingLevel::Connection, QString::number(ids.acmeConnection),
                                              kIntegration, "contacts", "read"));
         },
         withoutRunDetails},
        {"syncNow", [](OpsApi &ops, const Ids &ids) { return asJson(ops.syncNow(ids.unknown)); }, {}},
        {"refreshToken", [](OpsApi &ops, const Ids &ids) { return asJson(ops.refreshToken(ids.unknown)); }, {}},
        {"remapFailedRecords", [](OpsApi &ops, const Ids &ids) { return asJson(ops.remapFailedRecords(ids.unknown)); },
         {}},
        {"retryFailedWrites",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.retryFailedWrites(ids.acmeConnection)); },
         withoutRunDetails},
        {"remapFailedRecords",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.remapFailedRecords(ids.acmeConnection)); },
         withoutRunDetails},
        // The seeded read kept failed records: a partial failure, replayed as a read of its own.
        {"replayExecution", [](OpsApi &ops, const Ids &ids) { return asJson(ops.replayExecution(ids.execution)); },
         withoutRunDetails},
        {"beginReauthorization",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.beginReauthorization(ids.unknown)); }, {}},
        {"beginReauthorization",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.beginReauthorization(ids.acmeConnection)); },
         authorizeEndpoint},
        // Replay of webhook events and notification deliveries (issue 13 item 6).
        {"webhookEvents", [](OpsApi &ops, const Ids &) { return asJson(ops.webhookEvents({})); }, {}},
        {"webhookEvents",
         [](OpsApi &ops, const Ids &ids) {
             return asJson(ops.webhookEvents(ReplayListFilter{std::nullopt, ids.acmeConnection, 10}));
         },
         {}},
        {"webhookEvents",
         [](OpsApi &ops, const Ids &) { return asJson(ops.webhookEvents(ReplayListFilter{{}, {}, 5000})); }, {}},
        {"notificationDeliveries", [](OpsApi &ops, const Ids &) { return asJson(ops.notificationDeliveries({})); },
         {}},
        {"notificationDeliveries",
         [](OpsApi &ops, const Ids &) { return asJson(ops.notificationDeliveries(ReplayListFilter{{}, {}, 0})); }, {}},
        {"replayWebhookEvent", [](OpsApi &ops, const Ids &ids) { return asJson(ops.replayWebhookEvent(ids.unknown)); },
         {}},
        {"replayNotificationDelivery",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.replayNotificationDelivery(ids.unknown)); }, {}},
        // The methods answered at once, from what the signals said: nothing runs now.
        {"isBusy",
         [](OpsApi &ops, const Ids &ids) {
             return QtFuture::makeReadyFuture(QJsonValue(ops.isBusy(ids.acmeConnection)));
         },
         {}},
        // Tokens (re-authorisation links): a connection that does not exist is not found either way (that only a
        // server gives a link is reauthorizationLinkNeedsAServer's).
        {"createReauthorizationLink",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.createReauthorizationLink(ids.unknown)); }, {}},
        // Pause / resume and full resync (connected users health): a paused connection refuses both reads alike, a
        // start after now or a connection that does not exist is refused before anything changes.
        {"pauseConnection", [](OpsApi &ops, const Ids &ids) { return asJson(ops.pauseConnection(ids.unknown)); }, {}},
        {"pauseConnection", [](OpsApi &ops, const Ids &ids) { return asJson(ops.pauseConnection(ids.acmeConnection)); },
         withoutRunDetails},
        {"syncNow", [](OpsApi &ops, const Ids &ids) { return asJson(ops.syncNow(ids.acmeConnection)); }, {}},
        {"fullResync", [](OpsApi &ops, const Ids &ids) { return asJson(ops.fullResync(ids.acmeConnection)); }, {}},
        {"resumeConnection",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.resumeConnection(ids.acmeConnection)); },
         withoutRunDetails},
        {"resumeConnection",
         [](OpsApi &ops, const Ids &ids) { return asJson(ops.resumeConnection(ids.acmeConnection)); },
         withoutRunDetails},
        {"resumeConnection", [](OpsApi &ops, const Ids &ids) { return asJson(ops.resumeConnection(ids.unknown)); },
         {}},
        {"fullResync",
         [](OpsApi &ops, const Ids &ids) {
             return asJson(ops.fullResync(ids.acmeConnection, QDateTime::currentDateTimeUtc().addDays(1)));
         },
         {}},
        {"fullResync", [](OpsApi &ops, const Ids &ids) { return asJson(ops.fullResync(ids.acmeConnection, QDateTime())); },
         {}},
        {"fullResync", [](OpsApi &ops, const Ids &ids) { return asJson(ops.fullResync(ids.unknown)); }, {}},
    };
}

template <typename T>
std::optional<T> TestOpsContract::wait(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 30000))
        return std::nullopt;
    return future.result();
}

void TestOpsContract::initTestCase()
{
    m_server = std::make_unique<ServerFixture>();
    m_daemon = &m_server->daemon();
    QVERIFY2(m_server->seed(), qPrintable(m_server->error()));
    m_ids = {m_server->acme, m_server->globex, m_server->acmeConnection, m_server->globexConnection,
             m_server->seededExecution};
    // LocalOps' copy, taken before patchbayd touches its own.
    const QString localPath = m_dir.filePath(QStringLiteral("local.db"));
    QVERIFY(QFile::copy(m_daemon->databasePath(), localPath));
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));

    auto store = SqliteStore::open(localPath);
    QVERIFY(store);
    m_local = std::make_unique<LocalOps>(std::move(store).value(), m_server->syncService(localPath),
                                         SystemClock::instance());
    m_remote = std::make_unique<RemoteOps>(RemoteServer{m_daemon->baseUrl(), SecretBytes(m_daemon->adminKey()), {}});
    m_remote->setReconnectDelays(std::chrono::milliseconds(100), std::chrono::milliseconds(500));
    QTRY_COMPARE_WITH_TIMEOUT(m_remote->linkState(), RemoteOps::LinkState::Connected, 10000);

    // The cases compare something: the seeded read left events, exchanges and failed records.
    const auto events = wait(m_local->events(m_ids.execution));
    const auto exchanges = wait(m_local->exchanges(m_ids.execution));
    const auto failed = wait(m_local->failedRecords(m_ids.acmeConnection));
    QVERIFY(events && events->ok() && !events->value().isEmpty());
    QVERIFY(exchanges && exchanges->ok() && !exchanges->value().isEmpty());
    QVERIFY(failed && failed->ok() && !failed->value().isEmpty());
}

void TestOpsContract::cleanupTestCase()
{
    if (m_local)
        (void)QTest::qWaitFor([this] { return !m_local->hasRunningWork(); }, 30000);
    m_remote.reset();
    m_local.reset();
    if (m_daemon && m_daemon->isRunning())
        QCOMPARE(m_daemon->stop(), 0);
    m_server.reset();
}

OpsApi &TestOpsContract::implementation(const QString &name)
{
    if (name == QLatin1String("remote"))
        return *m_remote;
    return *m_local;
}

void TestOpsContract::everyMethodHasACase()
{
    // The interface itself says which methods there are: a new one fails here until it has a case.
    QFile header(QStringLiteral(PATCHBAY_SOURCE_DIR "/engine/ops/OpsApi.h"));
    QVERIFY(header.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(header.readAll());
    static const QRegularExpression method(QStringLiteral(R"(virtual\s[^;{]*?\b(\w+)\s*\()"));
    QSet<QString> declared;
    for (const auto &match : method.globalMatch(text))
        declared.insert(match.captured(1));
    QSet<QString> covered;
    for (const Case &c : cases())
        covered.insert(c.method);
    QVERIFY(declared.size() >= 20);
    const QSet<QString> missing = declared - covered;
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("no contract case for: ") + QStringList(missing.values()).join(", ")));
}

void TestOpsContract::sameAnswer_data()
{
    QTest::addColumn<Case>("testCase");
    QHash<QString, int> seen;
    for (const Case &c : cases())
        QTest::addRow("%s#%d", qPrintable(c.method), ++seen[c.method]) << c;
}

void TestOpsContract::sameAnswer()
{
    QFETCH(Case, testCase);
    QJsonValue answers[2];
    for (int side = 0; side < 2; ++side) {
        OpsApi &ops = side == 0 ? static_cast<OpsApi &>(*m_local) : *m_remote;
        QSignalSpy finished(&ops, &OpsApi::executionFinished);
        const auto answer = wait(testCase.call(ops, m_ids));
        QVERIFY2(answer, side == 0 ? "LocalOps did not answer" : "RemoteOps did not answer");
        answers[side] = *answer;
        // A command started work: it ends before the other side (or the next case) starts, so that both databases
        // go through the same steps.
        const QJsonObject started = answer->toObject();
        if (started.contains(QStringLiteral("executionId")) && started.contains(QStringLiteral("connectionId")))
            QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);
    }
    const QJsonValue expected = testCase.normalize ? testCase.normalize(answers[0]) : answers[0];
    const QJsonValue actual = testCase.normalize ? testCase.normalize(answers[1]) : answers[1];
    QVERIFY(!expected.isUndefined() && !expected.isNull());
    if (expected != actual) {
        qWarning().noquote() << "local: " << QJsonDocument(QJsonArray{expected}).toJson(QJsonDocument::Compact);
        qWarning().noquote() << "remote:" << QJsonDocument(QJsonArray{actual}).toJson(QJsonDocument::Compact);
    }
    QCOMPARE(actual, expected);
}

void TestOpsContract::commandSignalsNameTheExecutionItStarted_data()
{
    QTest::addColumn<QString>("implementation");
    QTest::newRow("local") << QStringLiteral("local");
    QTest::newRow("remote") << QStringLiteral("remote");
}

void TestOpsContract::commandSignalsNameTheExecutionItStarted()
{
    QFETCH(QString, implementation);
    OpsApi &ops = this->implementation(implementation);
    const qint64 connection = m_ids.globexConnection;
    QSignalSpy started(&ops, &OpsApi::executionStarted);
    QSignalSpy progressed(&ops, &OpsApi::executionProgressed);
    QSignalSpy finished(&ops, &OpsApi::executionFinished);
    QSignalSpy changed(&ops, &OpsApi::connectionChanged);

    const auto answer = wait(ops.syncNow(connection));
    QVERIFY(answer);
    QVERIFY2(answer->ok(), qPrintable(answer->ok() ? QString() : answer->error().toString()));
    const qint64 executionId = answer->value().executionId;
    QVERIFY(executionId > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 10000);
    QVERIFY(!ops.isBusy(connection));

    QCOMPARE(started.size(), 1);
    QCOMPARE(started.first().at(0).toLongLong(), connection);
    QVERIFY(!progressed.isEmpty());
    for (const auto &arguments : progressed) {
        QCOMPARE(arguments.at(0).toLongLong(), connection);
        QCOMPARE(arguments.at(1).toLongLong(), executionId);
    }
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toLongLong(), connection);
    QCOMPARE(finished.first().at(1).toLongLong(), executionId);
    QVERIFY2(finished.first().at(2).toBool(), qPrintable(finished.first().at(3).toString()));
    QCOMPARE(changed.last().at(0).toLongLong(), connection);
}

void TestOpsContract::transportFailuresAreRemoteErrorsThatSayWhatToDo()
{
    // A wrong key: the server's refusal, said as what to fix.
    RemoteOps badKey(RemoteServer{m_daemon->baseUrl(), SecretBytes("pb_not-a-key"), {}});
    auto refused = wait(badKey.tenants());
    QVERIFY(refused && !refused->ok());
    QCOMPARE(refused->error().code, QStringLiteral("remote.bad_key"));
    QVERIFY(refused->error().message.contains(QStringLiteral("valid key")));
    // The live link is refused as well, and says so.
    QTRY_COMPARE_WITH_TIMEOUT(badKey.linkState(), RemoteOps::LinkState::Reconnecting, 10000);
    QVERIFY(!badKey.linkProblem().isEmpty());

    // Nobody listening.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    QUrl nowhere(QStringLiteral("http://127.0.0.1"));
    nowhere.setPort(closed.serverPort());
    closed.close();
    RemoteOps unreachable(RemoteServer{nowhere, SecretBytes(m_daemon->adminKey()), {}});
    auto none = wait(unreachable.connections());
    QVERIFY(none && !none->ok());
    QCOMPARE(none->error().code, QStringLiteral("remote.unreachable"));
    QVERIFY(none->error().message.contains(QStringLiteral("patchbayd is running")));

    // Something that is not patchbayd's ops API (a wrong path prefix).
    QUrl elsewhere = m_daemon->baseUrl();
    elsewhere.setPath(QStringLiteral("/not-patchbay/"));
    RemoteOps wrongUrl(RemoteServer{elsewhere, SecretBytes(m_daemon->adminKey()), {}});
    auto wrong = wait(wrongUrl.tenants());
    QVERIFY(wrong && !wrong->ok());
    QCOMPARE(wrong->error().code, QStringLiteral("remote.bad_answer"));
    QVERIFY(wrong->error().message.contains(QStringLiteral("check the server URL")));
}

void TestOpsContract::whoamiNamesTheKeysRoleAndTenant()
{
    auto admin = wait(m_remote->whoami());
    QVERIFY(admin && admin->ok());
    QCOMPARE(admin->value().keyName, kAuthor);
    QCOMPARE(admin->value().role, ApiRole::Admin);
    QVERIFY(!admin->value().tenantId);
    QVERIFY(admin->value().canAct());

    const QString viewerKey = m_server->addKey(QStringLiteral("globex viewer"), ApiRole::Viewer, m_ids.globex);
    QVERIFY(!viewerKey.isEmpty());
    RemoteOps viewer(RemoteServer{m_daemon->baseUrl(), SecretBytes(viewerKey.toUtf8()), {}});
    auto identity = wait(viewer.whoami());
    QVERIFY(identity && identity->ok());
    QCOMPARE(identity->value().role, ApiRole::Viewer);
    QCOMPARE(identity->value().tenantId, std::optional<qint64>(m_ids.globex));
    QCOMPARE(identity->value().tenantName, QStringLiteral("GLOBEX"));
    QVERIFY(!identity->value().canAct());
    // And what it may not do is refused by the server with the engine's access code.
    auto sync = wait(viewer.syncNow(m_ids.globexConnection));
    QVERIFY(sync && !sync->ok());
    QCOMPARE(sync->error().code, QStringLiteral("auth.forbidden"));
}

void TestOpsContract::supportKeySeesNoSecret()
{
    const QString supportKey = m_server->addKey(QStringLiteral("support"), ApiRole::Support, std::nullopt);
    RemoteOps support(RemoteServer{m_daemon->baseUrl(), SecretBytes(supportKey.toUtf8()), {}});
    // Everything the console shows of a connection and its runs, as the support key gets it.
    QJsonArray answers;
    for (QFuture<QJsonValue> future :
         {asJson(support.connections()), asJson(support.connection(m_ids.acmeConnection)),
          asJson(support.executions(m_ids.acmeConnection, 100)), asJson(support.events(m_ids.execution)),
          asJson(support.exchanges(m_ids.execution)), asJson(support.failedRecords(m_ids.acmeConnection))}) {
        const auto answer = wait(future);
        QVERIFY(answer);
        QVERIFY2(!answer->toObject().contains(QStringLiteral("error")), qPrintable(answer->toVariant().toString()));
        answers.append(*answer);
    }
    const QByteArray text = QJsonDocument(answers).toJson(QJsonDocument::Compact);
    QVERIFY(text.contains("/crm/v3/objects/contacts")); // the exchanges are there
    for (const QString &secret : {m_server->portal().accessToken, m_server->portal().refreshToken,
                                  m_server->portal().clientSecret})
        QVERIFY2(!text.contains(secret.toUtf8()), "a secret reached a support key");
}

void TestOpsContract::scheduledRunAppearsAfterTheServerCameBack()
{
    QSignalSpy link(m_remote.get(), &RemoteOps::linkStateChanged);
    QCOMPARE(m_daemon->stop(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_remote->linkState(), RemoteOps::LinkState::Reconnecting, 10000);
    QVERIFY(!m_remote->linkProblem().isEmpty());

    // It comes back with acme's contacts read on a schedule: nobody asks this client, and it hears of the run.
    m_server->setSchedule("{ every: 2s }");
    QSignalSpy started(m_remote.get(), &OpsApi::executionStarted);
    QSignalSpy finished(m_remote.get(), &OpsApi::executionFinished);
    QVERIFY2(m_daemon->start(), qPrintable(m_daemon->lastError()));
    QTRY_COMPARE_WITH_TIMEOUT(m_remote->linkState(), RemoteOps::LinkState::Connected, 15000);
    QVERIFY(m_remote->linkProblem().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
    QVERIFY(!started.isEmpty());
    QCOMPARE(started.first().at(0).toLongLong(), m_ids.acmeConnection);
    QCOMPARE(finished.first().at(0).toLongLong(), m_ids.acmeConnection);
    const qint64 executionId = finished.first().at(1).toLongLong();
    QVERIFY(executionId > 0);
    auto execution = wait(m_remote->execution(executionId));
    QVERIFY(execution && execution->ok());
    QCOMPARE(execution->value().connectionId, m_ids.acmeConnection);
}

QTEST_GUILESS_MAIN(TestOpsContract)
// Tokens (re-authorisation links): the one answer that differs by design. In-process there is no public address for
// the provider to send the customer's browser back to: refused, saying what to do instead.
void TestOpsContract::reauthorizationLinkNeedsAServer()
{
    const auto local = wait(m_local->createReauthorizationLink(m_ids.acmeConnection));
    QVERIFY(local && !local->ok());
    QCOMPARE(local->error().code, QStringLiteral("ops.needs_server"));
    QVERIFY(local->error().message.contains(QStringLiteral("re-authorise on this computer")));

    const QDateTime asked = QDateTime::currentDateTimeUtc();
    const auto remote = wait(m_remote->createReauthorizationLink(m_ids.acmeConnection));
    QVERIFY(remote);
    QVERIFY2(remote->ok(), qPrintable(remote->ok() ? QString() : remote->error().toString()));
    QCOMPARE(remote->value().connectionId, m_ids.acmeConnection);
    const QUrl url(remote->value().url);
    QCOMPARE(url.host(), m_daemon->baseUrl().host());
    QVERIFY2(url.path().startsWith(QStringLiteral("/connect/")), qPrintable(url.toString()));
    // patchbayd's sessions last 15 minutes unless configured otherwise.
    QVERIFY(remote->value().expiresAt > asked.addSecs(14 * 60));
    QVERIFY(remote->value().expiresAt <= asked.addSecs(15 * 60 + 1));

    // The customer follows it: the emulator's consent page sends the browser back to patchbayd, which authorises
    // that same connection again (no second one) and starts a sync of it.
    const auto before = wait(m_remote->connections(m_ids.acme));
    QVERIFY(before && before->ok());
    // A browser, one step at a time: the connection's authorize page is HubSpot's own address, which the sandbox
    // answers at the emulator's.
    QNetworkAccessManager browser;
    const auto open = [&browser](const QUrl &address) {
        QNetworkRequest request(address);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        std::shared_ptr<QNetworkReply> reply(browser.get(request));
        (void)QTest::qWaitFor([&reply] { return reply->isFinished(); }, 15000);
        return reply;
    };
    const auto linked = open(url);
    QCOMPARE(linked->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 302);
    QUrl authorize = QUrl::fromEncoded(linked->rawHeader("Location"));
    const QUrl emulator = m_server->emulatorUrl();
    authorize.setScheme(emulator.scheme());
    authorize.setHost(emulator.host());
    authorize.setPort(emulator.port());
    const auto consented = open(authorize);
    QCOMPARE(consented->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 302);
    const auto page = open(QUrl::fromEncoded(consented->rawHeader("Location")));
    const QByteArray body = page->readAll();
    QVERIFY2(page->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200, body.constData());
    QVERIFY2(body.contains("Connected to HubSpot"), body.constData());
    const auto kinds = [this] {
        QStringList newest;
        if (const auto executions = wait(m_remote->executions(m_ids.acmeConnection, 2)); executions && executions->ok())
            for (const Execution &execution : executions->value())
                newest.append(execution.kind);
        return newest;
    };
    QTRY_COMPARE_WITH_TIMEOUT(kinds(), (QStringList{QStringLiteral("read"), QStringLiteral("authorize")}), 15000);
    const auto after = wait(m_remote->connections(m_ids.acme));
    QVERIFY(after && after->ok());
    QCOMPARE(after->value().size(), before->value().size());
    const auto connection = wait(m_remote->connection(m_ids.acmeConnection));
    QVERIFY(connection && connection->ok());
    QCOMPARE(connection->value().connection.status, ConnectionStatus::Active);
    // The link worked once.
    QCOMPARE(open(url)->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 409);
    QVERIFY(QTest::qWaitFor([this] { return !m_remote->isBusy(m_ids.acmeConnection); }, 30000));
}

#include "TestOpsContract.moc"
