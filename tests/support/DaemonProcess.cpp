#include "DaemonProcess.h"

#include "auth/CredentialVault.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QtTest>

#include <signal.h>

namespace patchbay::test {

namespace {

const QString kProviderDirectory = QStringLiteral("providers");
const QString kIntegrationDirectory = QStringLiteral("integrations");

bool writeFile(const QString &path, const QByteArray &bytes, QFileDevice::Permissions permissions = {})
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        return false;
    return permissions == QFileDevice::Permissions() || file.setPermissions(permissions);
}

} // namespace

QString DaemonProcess::Reply::errorCode() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

DaemonProcess::DaemonProcess() : m_masterKey(CredentialVault::generateKey())
{
    m_settings = {{QStringLiteral("listen"), QStringLiteral("127.0.0.1:0")},
                  {QStringLiteral("database"), databasePath()},
                  {QStringLiteral("keyFile"), m_dir.filePath(QStringLiteral("master.key"))},
                  {QStringLiteral("logFormat"), QStringLiteral("json")},
                  {QStringLiteral("shutdownGraceSeconds"), 5},
                  {QStringLiteral("workers"), 2}};
    // The key of the test's own environment must not override the one this daemon is given.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("PATCHBAY_MASTER_KEY"));
    environment.remove(QStringLiteral("PATCHBAY_KEY_FILE"));
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(&m_process, &QProcess::readyRead, [this] { readOutput(); });
}

DaemonProcess::~DaemonProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    readOutput();
    if (QTest::currentTestFailed()) {
        qWarning().noquote() << "patchbayd's log:";
        for (const QByteArray &line : std::as_const(m_lines))
            qWarning().noquote() << "    " << QString::fromUtf8(line);
        if (!m_partialLine.isEmpty())
            qWarning().noquote() << "    " << QString::fromUtf8(m_partialLine);
    }
}

QString DaemonProcess::databasePath() const
{
    return m_dir.filePath(QStringLiteral("patchbay.db"));
}

QString DaemonProcess::configPath() const
{
    return m_dir.filePath(QStringLiteral("patchbayd.yaml"));
}

void DaemonProcess::setSetting(const QString &key, const QJsonValue &value)
{
    if (value.isNull())
        m_settings.remove(key);
    else
        m_settings.insert(key, value);
}

void DaemonProcess::addProviderApp(const QString &provider, const QString &clientId, const QByteArray &clientSecret,
                                   const QJsonObject &originOverrides)
{
    const QString secretFile = m_dir.filePath(provider + QStringLiteral("-client-secret"));
    if (!writeFile(secretFile, clientSecret, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        m_error = QStringLiteral("Cannot write %1").arg(secretFile);
    QJsonObject app = {{QStringLiteral("clientId"), clientId}, {QStringLiteral("clientSecretFile"), secretFile}};
    if (!originOverrides.isEmpty())
        app.insert(QStringLiteral("originOverrides"), originOverrides);
    m_providers.insert(provider, app);
}

void DaemonProcess::addIntegration(const QString &fileName, const QByteArray &yaml)
{
    QDir(m_dir.path()).mkpath(kIntegrationDirectory);
    if (!writeFile(m_dir.filePath(kIntegrationDirectory + QLatin1Char('/') + fileName), yaml))
        m_error = QStringLiteral("Cannot write the integration %1").arg(fileName);
    m_settings.insert(QStringLiteral("integrationDirectory"), m_dir.filePath(kIntegrationDirectory));
}

void DaemonProcess::addProviderDefinition(const QString &fileName, const QByteArray &yaml)
{
    QDir(m_dir.path()).mkpath(kProviderDirectory);
    if (!writeFile(m_dir.filePath(kProviderDirectory + QLatin1Char('/') + fileName), yaml))
        m_error = QStringLiteral("Cannot write the provider definition %1").arg(fileName);
    m_settings.insert(QStringLiteral("providerDirectory"), m_dir.filePath(kProviderDirectory));
}

bool DaemonProcess::fail(const QString &why)
{
    m_error = why;
    return false;
}

QString DaemonProcess::writeSecretFile(const QString &fileName, const QByteArray &secret)
{
    const QString path = m_dir.filePath(fileName);
    return writeFile(path, secret + '\n', QFileDevice::ReadOwner | QFileDevice::WriteOwner) ? path : QString();
}

bool DaemonProcess::writeFiles()
{
    // JSON is YAML (its flow style): the daemon reads this file with its YAML reader like any other config.
    QJsonObject config = m_settings;
    if (!m_providers.isEmpty())
        config.insert(QStringLiteral("providers"), m_providers);
    if (!writeFile(configPath(), QJsonDocument(config).toJson(QJsonDocument::Indented)))
        return fail(QStringLiteral("Cannot write %1").arg(configPath()));
    const QString keyFile = m_settings.value(QStringLiteral("keyFile")).toString();
    if (!keyFile.isEmpty() && !QFile::exists(keyFile) &&
        !writeFile(keyFile, m_masterKey.reveal().toBase64() + '\n', QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return fail(QStringLiteral("Cannot write %1").arg(keyFile));
    return true;
}

bool DaemonProcess::createAdminKey()
{
    QProcess cli;
    cli.start(QStringLiteral(PATCHBAY_CLI_PATH),
              {QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--database"),
               m_settings.value(QStringLiteral("database")).toString(), QStringLiteral("--role"),
               QStringLiteral("admin"), QStringLiteral("--name"), QStringLiteral("e2e admin")});
    if (!cli.waitForFinished(30000) || cli.exitCode() != 0)
        return fail(
            QStringLiteral("patchbay keys create failed: %1").arg(QString::fromUtf8(cli.readAllStandardError())));
    m_adminKey = cli.readAllStandardOutput().trimmed();
    return true;
}

bool DaemonProcess::start(int timeoutMs)
{
    if (!m_error.isEmpty())
        return false;
    if (m_process.state() != QProcess::NotRunning)
        return fail(QStringLiteral("patchbayd is already running"));
    if (!writeFiles() || (m_adminKey.isEmpty() && !createAdminKey()))
        return false;
    m_baseUrl.clear();
    const qsizetype before = m_lines.size();
    m_process.start(QStringLiteral(PATCHBAYD_PATH), {QStringLiteral("--config"), configPath()});
    if (!m_process.waitForStarted(10000))
        return fail(QStringLiteral("patchbayd did not start: %1").arg(m_process.errorString()));

    QDeadlineTimer deadline(timeoutMs);
    const QJsonObject listening = waitForLog(QStringLiteral("patchbayd listening on"), timeoutMs, before);
    static const QRegularExpression url(QStringLiteral("listening on (http://[^ ]+)"));
    const auto match = url.match(listening.value(QStringLiteral("message")).toString());
    if (!match.hasMatch())
        return fail(QStringLiteral("patchbayd did not say where it listens (exit code %1)").arg(m_process.exitCode()));
    m_baseUrl = QUrl(match.captured(1));
    while (!deadline.hasExpired()) {
        if (request("GET", QStringLiteral("/readyz"), {}, {}, 5000).status == 200)
            return true;
        QTest::qWait(50);
    }
    return fail(QStringLiteral("patchbayd did not become ready (/readyz)"));
}

int DaemonProcess::stop(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, timeoutMs)) {
        m_error = QStringLiteral("patchbayd did not exit within %1 ms of SIGTERM").arg(timeoutMs);
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    readOutput();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

bool DaemonProcess::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

qint64 DaemonProcess::processId() const
{
    return m_process.processId();
}

DaemonProcess::Reply DaemonProcess::request(const QByteArray &method, const QString &path, const QByteArray &body,
                                            const QByteArray &key, int timeoutMs)
{
    QNetworkAccessManager network;
    QUrl url = m_baseUrl;
    const qsizetype query = path.indexOf(QLatin1Char('?'));
    url.setPath(path.left(query));
    if (query >= 0)
        url.setQuery(path.mid(query + 1));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + (key.isEmpty() ? m_adminKey : key));
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    Reply answer;
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, timeoutMs)) {
        reply->abort();
        return answer;
    }
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.json = QJsonDocument::fromJson(answer.body).object();
    reply->deleteLater();
    return answer;
}

void DaemonProcess::readOutput()
{
    m_partialLine += m_process.readAll();
    qsizetype end;
    while ((end = m_partialLine.indexOf('\n')) >= 0) {
        m_lines.append(m_partialLine.left(end));
        m_partialLine.remove(0, end + 1);
    }
}

QList<QByteArray> DaemonProcess::logLines()
{
    readOutput();
    return m_lines;
}

QJsonObject DaemonProcess::waitForLog(const QString &text, int timeoutMs, qsizetype skip)
{
    QDeadlineTimer deadline(timeoutMs);
    qsizetype next = skip;
    for (;;) {
        readOutput();
        for (; next < m_lines.size(); ++next) {
            const QJsonObject entry = QJsonDocument::fromJson(m_lines.at(next)).object();
            if (entry.value(QStringLiteral("message")).toString().contains(text))
                return entry;
        }
        if (deadline.hasExpired() || (m_process.state() == QProcess::NotRunning && !m_process.bytesAvailable()))
            return {};
        QTest::qWait(20);
    }
}

} // namespace patchbay::test
