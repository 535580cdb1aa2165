#include "core/Notifications.h"
#include "server/DaemonConfig.h"
#include "server/DaemonLogging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;

// patchbayd's configuration: the YAML file, the flags over it, and the errors for unknown keys and bad values.
class TestDaemonConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exampleFileLoads();
    void goodFileSetsEveryField();
    void unknownKeyNamesKeyAndLine();
    void badValueNamesKeyAndLine_data();
    void badValueNamesKeyAndLine();
    void flagsOverrideFile();
    void badFlagIsRefused();
    void tlsCertificateAndKeyGoTogether();
    void jsonLogLineIsOneObject();
    void providerAppCredentialsAreRead();
    void providerSecretReadableByOthersIsRefused();
    void providerSettingsErrors_data();
    void providerSettingsErrors();
    void notificationEndpointsAreRead();
    void notificationSettingsErrors_data();
    void notificationSettingsErrors();

private:
    QString writeConfig(const QByteArray &yaml);
    // A client secret file with these permissions; its path, empty when it could not be written.
    QString writeSecret(const QString &name, const QByteArray &secret, QFileDevice::Permissions permissions);
    QTemporaryDir m_dir;
};

QString TestDaemonConfig::writeConfig(const QByteArray &yaml)
{
    const QString path = m_dir.filePath(QStringLiteral("patchbayd.yaml"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(yaml);
    return path;
}

void TestDaemonConfig::exampleFileLoads()
{
    auto config = DaemonConfig::fromFile(QStringLiteral(PATCHBAY_SOURCE_DIR "/resources/patchbayd.example.yaml"));
    QVERIFY2(config, config ? "" : qPrintable(config.error().toString()));
    QCOMPARE(config->listenPort, quint16(8080));
    QCOMPARE(config->publicBaseUrl, QUrl(QStringLiteral("https://patchbay.example.com")));
    QCOMPARE(config->logFormat, DaemonConfig::LogFormat::Json);
    QCOMPARE(config->changeRetentionDays, 30);
    QVERIFY(config->validate());
}

void TestDaemonConfig::goodFileSetsEveryField()
{
    const QString path = writeConfig("listen: '[::1]:0'\n"
                                     "publicBaseUrl: http://proxy.local:9000/patchbay\n"
                                     "database: /tmp/x.db\n"
                                     "keyFile: /tmp/x.key\n"
                                     "providerDirectory: /tmp/providers\n"
                                     "integrationDirectory: /tmp/integrations\n"
                                     "logLevel: debug\n"
                                     "logFormat: text\n"
                                     "shutdownGraceSeconds: 5\n"
                                     "scheduler: false\n"
                                     "workers: 8\n"
                                     "changeRetentionDays: 7\n"
                                     "metricsListen: 127.0.0.1:9464\n");
    auto config = DaemonConfig::fromFile(path);
    QVERIFY2(config, config ? "" : qPrintable(config.error().toString()));
    QCOMPARE(config->listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(config->listenPort, quint16(0));
    QCOMPARE(config->publicBaseUrl.toString(), QStringLiteral("http://proxy.local:9000/patchbay"));
    QCOMPARE(config->databasePath, QStringLiteral("/tmp/x.db"));
    QCOMPARE(config->keyFile, QStringLiteral("/tmp/x.key"));
    QCOMPARE(config->providerDirectory, QStringLiteral("/tmp/providers"));
    QCOMPARE(config->integrationDirectory, QStringLiteral("/tmp/integrations"));
    QCOMPARE(config->logLevel, QtDebugMsg);
    QCOMPARE(config->logFormat, DaemonConfig::LogFormat::Text);
    QCOMPARE(config->shutdownGraceSeconds, 5);
    QCOMPARE(config->scheduler, false);
    QCOMPARE(config->workers, 8);
    QCOMPARE(config->changeRetentionDays, 7);
    QCOMPARE(config->metricsListenAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(config->metricsListenPort, quint16(9464));
}

void TestDaemonConfig::unknownKeyNamesKeyAndLine()
{
    const QString path = writeConfig("listen: 127.0.0.1:1\nlistenPort: 8080\n");
    auto config = DaemonConfig::fromFile(path);
    QVERIFY(!config);
    QCOMPARE(config.error().code, QStringLiteral("config.unknown_key"));
    QVERIFY2(config.error().message.contains(path + QStringLiteral(":2: listenPort")), qPrintable(config.error().message));
}

void TestDaemonConfig::badValueNamesKeyAndLine_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("where");
    QTest::newRow("port too large") << QByteArray("listen: 127.0.0.1:70000\n") << QStringLiteral(":1: listen");
    QTest::newRow("no port") << QByteArray("logLevel: info\nlisten: 127.0.0.1\n") << QStringLiteral(":2: listen");
    QTest::newRow("log level") << QByteArray("logLevel: loud\n") << QStringLiteral(":1: logLevel");
    QTest::newRow("log format") << QByteArray("logFormat: xml\n") << QStringLiteral(":1: logFormat");
    QTest::newRow("grace") << QByteArray("shutdownGraceSeconds: -1\n") << QStringLiteral(":1: shutdownGraceSeconds");
    QTest::newRow("url") << QByteArray("publicBaseUrl: ftp://x\n") << QStringLiteral(":1: publicBaseUrl");
    QTest::newRow("not a scalar") << QByteArray("database: [a, b]\n") << QStringLiteral(":1: database");
    QTest::newRow("no workers") << QByteArray("workers: 0\n") << QStringLiteral(":1: workers");
    QTest::newRow("scheduler") << QByteArray("scheduler: sometimes\n") << QStringLiteral(":1: scheduler");
    QTest::newRow("metrics address") << QByteArray("metricsListen: everywhere\n") << QStringLiteral(":1: metricsListen");
    QTest::newRow("no retention") << QByteArray("changeRetentionDays: 0\n") << QStringLiteral(":1: changeRetentionDays");
}

void TestDaemonConfig::badValueNamesKeyAndLine()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, where);
    const QString path = writeConfig(yaml);
    auto config = DaemonConfig::fromFile(path);
    QVERIFY(!config);
    QCOMPARE(config.error().code, QStringLiteral("config.bad_value"));
    QVERIFY2(config.error().message.contains(path + where), qPrintable(config.error().message));
}

void TestDaemonConfig::flagsOverrideFile()
{
    const QString path = writeConfig("listen: 127.0.0.1:8080\ndatabase: from-file.db\nlogFormat: json\n");
    auto config = DaemonConfig::fromArguments({QStringLiteral("patchbayd"), QStringLiteral("--config"), path,
                                               QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
                                               QStringLiteral("--log-format=text")});
    QVERIFY2(config, config ? "" : qPrintable(config.error().toString()));
    QCOMPARE(config->listenAddress, QHostAddress(QHostAddress::AnyIPv4));
    QCOMPARE(config->listenPort, quint16(0));
    QCOMPARE(config->databasePath, QStringLiteral("from-file.db")); // not overridden
    QCOMPARE(config->logFormat, DaemonConfig::LogFormat::Text);
    QCOMPARE(config->scheduler, true);
    QCOMPARE(config->workers, 4);

    // A serve-only process, and the size of the worker pool.
    auto serveOnly = DaemonConfig::fromArguments({QStringLiteral("patchbayd"), QStringLiteral("--config"), path,
                                                  QStringLiteral("--no-scheduler"), QStringLiteral("--workers"),
                                                  QStringLiteral("2")});
    QVERIFY2(serveOnly, serveOnly ? "" : qPrintable(serveOnly.error().toString()));
    QCOMPARE(serveOnly->scheduler, false);
    QCOMPARE(serveOnly->workers, 2);
}

void TestDaemonConfig::badFlagIsRefused()
{
    auto unknown = DaemonConfig::fromArguments({QStringLiteral("patchbayd"), QStringLiteral("--colour")});
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().code, QStringLiteral("config.unknown_key"));
    auto bad = DaemonConfig::fromArguments({QStringLiteral("patchbayd"), QStringLiteral("--log-level"),
                                            QStringLiteral("loud")});
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, QStringLiteral("config.bad_value"));
    QVERIFY(bad.error().message.startsWith(QStringLiteral("--log-level:")));
}

void TestDaemonConfig::tlsCertificateAndKeyGoTogether()
{
    auto config = DaemonConfig::fromArguments({QStringLiteral("patchbayd"), QStringLiteral("--tls-certificate"),
                                               QStringLiteral("cert.pem")});
    QVERIFY(config);
    QVERIFY(!config->validate());
    QVERIFY(config->validate().error().message.contains(QStringLiteral("go together")));
    QVERIFY(!config->tlsConfiguration());
    const auto plain = DaemonConfig::fromArguments({QStringLiteral("patchbayd")});
    QVERIFY(plain && plain->validate() && plain->tlsConfiguration() && !plain->tlsConfiguration()->has_value());
}

void TestDaemonConfig::jsonLogLineIsOneObject()
{
    const QByteArray line = formatLogLine(QtInfoMsg, "patchbay.server", QStringLiteral("a \"quoted\"\nmessage"),
                                          DaemonConfig::LogFormat::Json);
    QVERIFY(!line.contains('\n'));
    const QJsonObject entry = QJsonDocument::fromJson(line).object();
    QCOMPARE(entry.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
    QCOMPARE(entry.value(QStringLiteral("category")).toString(), QStringLiteral("patchbay.server"));
    QCOMPARE(entry.value(QStringLiteral("message")).toString(), QStringLiteral("a \"quoted\"\nmessage"));
    QVERIFY(QDateTime::fromString(entry.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs).isValid());
}
QString TestDaemonConfig::writeSecret(const QString &name, const QByteArray &secret,
                                      QFileDevice::Permissions permissions)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(secret) != secret.size())
        return {};
    file.close();
    return file.setPermissions(permissions) ? path : QString();
}

void TestDaemonConfig::providerAppCredentialsAreRead()
{
    const QString secretPath = writeSecret(QStringLiteral("hubspot.secret"), "s3cret-from-file\n",
                                           QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(!secretPath.isEmpty());
    qputenv("PATCHBAY_TEST_PIPEDRIVE_SECRET", "s3cret-from-env");
    const QString path = writeConfig("connectSessionMinutes: 5\n"
                                     "providers:\n"
                                     "  hubspot:\n"
                                     "    clientId: hub-client\n"
                                     "    clientSecretFile: " + secretPath.toUtf8() + "\n"
                                     "  pipedrive:\n"
                                     "    clientId: pd-client\n"
                                     "    clientSecretEnv: PATCHBAY_TEST_PIPEDRIVE_SECRET\n"
                                     "    originOverrides: {'https://oauth.pipedrive.com': 'http://127.0.0.1:9'}\n");
    auto config = DaemonConfig::fromFile(path);
    QVERIFY2(config, config ? "" : qPrintable(config.error().toString()));
    QCOMPARE(config->connectSessionMinutes, 5);
    QCOMPARE(config->providers.size(), 2);
    QCOMPARE(config->providers.value(QStringLiteral("hubspot")).clientId, QStringLiteral("hub-client"));
    QCOMPARE(config->providers.value(QStringLiteral("hubspot")).clientSecret.reveal(), QByteArray("s3cret-from-file"));
    QCOMPARE(config->providers.value(QStringLiteral("pipedrive")).clientSecret.reveal(), QByteArray("s3cret-from-env"));
    QCOMPARE(config->providers.value(QStringLiteral("pipedrive")).originOverrides,
             (QJsonObject{{QStringLiteral("https://oauth.pipedrive.com"), QStringLiteral("http://127.0.0.1:9")}}));
    qunsetenv("PATCHBAY_TEST_PIPEDRIVE_SECRET");
}

void TestDaemonConfig::providerSecretReadableByOthersIsRefused()
{
    const QString secretPath = writeSecret(QStringLiteral("open.secret"), "s3cret-open",
                                           QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup);
    QVERIFY(!secretPath.isEmpty());
    const QString path = writeConfig("providers:\n  hubspot:\n    clientId: c\n    clientSecretFile: "
                                     + secretPath.toUtf8() + "\n");
    auto config = DaemonConfig::fromFile(path);
    QVERIFY(!config);
    QCOMPARE(config.error().code, QStringLiteral("config.bad_value"));
    QVERIFY2(config.error().message.contains(QStringLiteral("chmod 600")), qPrintable(config.error().message));
    QVERIFY(!config.error().message.contains(QStringLiteral("s3cret")));
}

void TestDaemonConfig::providerSettingsErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("code");
    QTest::newRow("unknown field") << QByteArray("providers:\n  hubspot:\n    clientKey: x\n")
                                   << QStringLiteral("config.unknown_key");
    QTest::newRow("id without secret") << QByteArray("providers:\n  hubspot:\n    clientId: x\n")
                                       << QStringLiteral("config.bad_value");
    QTest::newRow("unset variable")
        << QByteArray("providers:\n  hubspot:\n    clientId: x\n    clientSecretEnv: PATCHBAY_TEST_UNSET_VARIABLE\n")
        << QStringLiteral("config.bad_value");
    QTest::newRow("missing file")
        << QByteArray("providers:\n  hubspot:\n    clientId: x\n    clientSecretFile: /nonexistent/secret\n")
        << QStringLiteral("config.unreadable");
    QTest::newRow("not a map") << QByteArray("providers: hubspot\n") << QStringLiteral("config.bad_value");
    QTest::newRow("overrides not a map")
        << QByteArray("providers:\n  hubspot:\n    originOverrides: x\n") << QStringLiteral("config.bad_value");
    QTest::newRow("session minutes") << QByteArray("connectSessionMinutes: 0\n") << QStringLiteral("config.bad_value");
}

void TestDaemonConfig::providerSettingsErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, code);
    auto config = DaemonConfig::fromFile(writeConfig(yaml));
    QVERIFY(!config);
    QCOMPARE(config.error().code, code);
}

void TestDaemonConfig::notificationEndpointsAreRead()
{
    const QString secretPath = writeSecret(QStringLiteral("notify.secret"), "whsec-from-file\n",
                                           QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(!secretPath.isEmpty());
    qputenv("PATCHBAY_TEST_NOTIFY_SECRET", "whsec-from-env");
    const QString path = writeConfig("notifications:\n"
                                     "  batchSeconds: 2\n"
                                     "  maxAttempts: 3\n"
                                     "  endpoints:\n"
                                     "    product:\n"
                                     "      url: https://product.example.com/hooks\n"
                                     "      secretFile: " + secretPath.toUtf8() + "\n"
                                     "    alerts:\n"
                                     "      url: http://127.0.0.1:9/alerts\n"
                                     "      secretEnv: PATCHBAY_TEST_NOTIFY_SECRET\n"
                                     "      events: [connection.needs_reauth, webhooks.silent]\n");
    auto config = DaemonConfig::fromFile(path);
    qunsetenv("PATCHBAY_TEST_NOTIFY_SECRET");
    QVERIFY2(config, config ? "" : qPrintable(config.error().toString()));
    const NotificationSettings &settings = config->notifications;
    QVERIFY(settings.enabled());
    QCOMPARE(settings.batchSeconds, 2);
    QCOMPARE(settings.maxAttempts, 3);
    QCOMPARE(settings.retrySeconds, 10);
    QCOMPARE(settings.endpoints.size(), 2);
    QCOMPARE(settings.endpoints.at(0).name, QStringLiteral("product"));
    QCOMPARE(settings.endpoints.at(0).secret.reveal(), QByteArray("whsec-from-file"));
    QVERIFY(settings.endpoints.at(0).wants(NotificationType::RecordsChanged));
    QCOMPARE(settings.endpoints.at(1).url, QUrl(QStringLiteral("http://127.0.0.1:9/alerts")));
    QCOMPARE(settings.endpoints.at(1).secret.reveal(), QByteArray("whsec-from-env"));
    QVERIFY(settings.endpoints.at(1).wants(NotificationType::WebhooksSilent));
    QVERIFY(!settings.endpoints.at(1).wants(NotificationType::RecordsChanged));
}

void TestDaemonConfig::notificationSettingsErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("code");
    const QByteArray endpoint = "notifications:\n  endpoints:\n    product:\n      url: http://127.0.0.1:9/\n";
    QTest::newRow("no secret") << endpoint << QStringLiteral("config.bad_value");
    QTest::newRow("unset variable") << endpoint + "      secretEnv: PATCHBAY_TEST_UNSET_VARIABLE\n"
                                    << QStringLiteral("config.bad_value");
    QTest::newRow("missing file") << endpoint + "      secretFile: /nonexistent/secret\n"
                                  << QStringLiteral("config.unreadable");
    QTest::newRow("unknown event")
        << QByteArray("notifications:\n  endpoints:\n    p:\n      url: http://h/\n      secretEnv: HOME\n"
                      "      events: [record.changed]\n")
        << QStringLiteral("config.bad_value");
    QTest::newRow("not a URL") << QByteArray("notifications:\n  endpoints:\n    p:\n      url: ftp://h/\n"
                                             "      secretEnv: HOME\n")
                               << QStringLiteral("config.bad_value");
    QTest::newRow("unknown endpoint field")
        << QByteArray("notifications:\n  endpoints:\n    p:\n      secret: x\n") << QStringLiteral("config.unknown_key");
    QTest::newRow("unknown setting") << QByteArray("notifications:\n  retries: 3\n")
                                     << QStringLiteral("config.unknown_key");
    QTest::newRow("attempts out of range") << QByteArray("notifications:\n  maxAttempts: 0\n")
                                           << QStringLiteral("config.bad_value");
}

void TestDaemonConfig::notificationSettingsErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, code);
    auto config = DaemonConfig::fromFile(writeConfig(yaml));
    QVERIFY(!config);
    QCOMPARE(config.error().code, code);
}

QTEST_GUILESS_MAIN(TestDaemonConfig)
#include "TestDaemonConfig.moc"
