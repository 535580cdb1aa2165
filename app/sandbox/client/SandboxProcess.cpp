#include "SandboxProcess.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

namespace patchbay::sandbox {

namespace {

// What the child prints on stderr goes on to ours: its warnings belong in the same log as the program's.
void forwardErrors(QProcess &process)
{
    const QByteArray text = process.readAllStandardError();
    if (!text.isEmpty()) {
        std::fwrite(text.constData(), 1, static_cast<size_t>(text.size()), stderr);
        std::fflush(stderr);
    }
}

} // namespace

SandboxProcess::SandboxProcess() = default;

SandboxProcess::~SandboxProcess()
{
    stop();
}

Result<QString> SandboxProcess::locate(const QString &explicitPath)
{
    if (!explicitPath.isEmpty()) {
        const QFileInfo given(explicitPath);
        if (given.isFile() && given.isExecutable())
            return given.absoluteFilePath();
        return makeError("sandbox.not_found",
                         QStringLiteral("The provider emulators %1 are not an executable file.")
                             .arg(QDir::toNativeSeparators(explicitPath)));
    }
    // Installed, the sandbox sits beside the program; in a build tree, app/sandbox sits beside app/console.
    const QString here = QCoreApplication::applicationDirPath();
    const QStringList places = {here, QDir::cleanPath(here + QStringLiteral("/../sandbox"))};
    const QString found = QStandardPaths::findExecutable(programName(), places);
    if (!found.isEmpty())
        return found;
    QStringList shown;
    for (const QString &place : places)
        shown.append(QDir::toNativeSeparators(place));
    return makeError("sandbox.not_found",
                     QStringLiteral("Cannot find the provider emulators (%1) in %2. Build or install them, or name "
                                    "them with --sandbox PATH.")
                         .arg(programName(), shown.join(QStringLiteral(" or "))));
}

Result<void> SandboxProcess::start(const QString &program, const QStringList &providers, int timeoutMs)
{
    stop();
    m_program = program;
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(program);
    m_process->setArguments({QStringLiteral("--supervised"), QStringLiteral("--port"), QStringLiteral("0"),
                             QStringLiteral("--tenants"), QStringLiteral("0"), QStringLiteral("--provider"),
                             providers.join(QLatin1Char(','))});
    m_process->start();
    if (!m_process->waitForStarted(timeoutMs)) {
        const QString reason = m_process->errorString();
        m_process.reset();
        return makeError("sandbox.start_failed", QStringLiteral("Cannot start the provider emulators %1: %2")
                                                     .arg(QDir::toNativeSeparators(program), reason));
    }
    if (auto ready = readReadyLine(timeoutMs); !ready) {
        stop();
        return ready;
    }
    QObject::connect(m_process.get(), &QProcess::readyReadStandardError, m_process.get(),
                     [process = m_process.get()] { forwardErrors(*process); });
    return {};
}

Result<void> SandboxProcess::readReadyLine(int timeoutMs)
{
    // The ready line is a JSON object naming each emulator's URL; nothing else comes on stdout before it.
    QElapsedTimer waited;
    waited.start();
    while (!m_process->canReadLine()) {
        const qint64 left = timeoutMs - waited.elapsed();
        if (m_process->state() != QProcess::Running || left <= 0) {
            const QString said = QString::fromUtf8(m_process->readAllStandardError()).trimmed();
            return makeError("sandbox.start_failed",
                             QStringLiteral("The provider emulators %1 did not start%2")
                                 .arg(QDir::toNativeSeparators(m_program),
                                      said.isEmpty() ? QStringLiteral(" within %1 s.").arg(timeoutMs / 1000)
                                                     : QStringLiteral(": ") + said));
        }
        m_process->waitForReadyRead(int(left));
    }
    const QJsonObject ready = QJsonDocument::fromJson(m_process->readLine()).object();
    const QJsonObject emulators = ready.value(QStringLiteral("emulators")).toObject();
    if (ready.value(QStringLiteral("sandbox")).toString() != QLatin1String("ready") || emulators.isEmpty())
        return makeError("sandbox.start_failed", QStringLiteral("The provider emulators %1 answered no ready line; "
                                                                "is it a patchbay-sandbox of this version?")
                                                     .arg(QDir::toNativeSeparators(m_program)));
    m_urls.clear();
    for (auto it = emulators.begin(); it != emulators.end(); ++it)
        m_urls.insert(it.key(), QUrl(it.value().toString()));
    return {};
}

void SandboxProcess::stop()
{
    m_urls.clear();
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        // Closing stdin is how the child is told to stop; it is given a moment to close its sockets.
        m_process->closeWriteChannel();
        if (!m_process->waitForFinished(3000)) {
            m_process->kill();
            m_process->waitForFinished(3000);
        }
    }
    forwardErrors(*m_process);
    m_process.reset();
}

bool SandboxProcess::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 SandboxProcess::processId() const
{
    return m_process ? m_process->processId() : 0;
}

Result<QJsonObject> SandboxProcess::control(const QString &provider, const QByteArray &method, const QString &path,
                                            const QJsonObject &body, int timeoutMs) const
{
    const QUrl base = url(provider);
    const QString call = QStringLiteral("%1 /_sandbox/%2").arg(QString::fromLatin1(method), path);
    if (base.isEmpty())
        return makeError("sandbox.control_failed",
                         QStringLiteral("%1: the %2 emulator is not running.").arg(call, provider));
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy); // loopback, whatever the environment's proxy says
    QNetworkRequest request(base.resolved(QUrl(QStringLiteral("/_sandbox/") + path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    std::unique_ptr<QNetworkReply> reply(
        network.sendCustomRequest(request, method, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    if (reply->error() != QNetworkReply::NoError) {
        const QString said = answer.value(QStringLiteral("error")).toString();
        return makeError("sandbox.control_failed", QStringLiteral("%1 to the %2 emulator failed: %3")
                                                       .arg(call, provider, said.isEmpty() ? reply->errorString() : said));
    }
    return answer;
}

} // namespace patchbay::sandbox
