#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QProcess;

namespace patchbay::sandbox {

// A patchbay-sandbox run as a child process for a program that needs provider emulators without carrying them
// (the console's --demo). The child is started with --supervised: its emulators listen on free loopback ports,
// it reports them on one JSON line on stdout, and it exits when its stdin closes — when this object stops it, and
// also when the starting process dies without cleaning up (a kill closes the pipe). Tenants are then made and
// changed through each emulator's control API (SandboxControlApi).
class SandboxProcess
{
public:
    SandboxProcess();
    ~SandboxProcess(); // stops the child

    static QString programName() { return QStringLiteral("patchbay-sandbox"); }
    // The sandbox program to start: explicitPath when given (an error when it is no executable file); otherwise
    // the one beside the running program (an installation), then the one in the build tree (app/sandbox beside
    // app/console). The error names every place looked at.
    static Result<QString> locate(const QString &explicitPath);

    // Starts program with these emulators (hubspot, salesforce, ...) and waits up to timeoutMs for its ready line.
    Result<void> start(const QString &program, const QStringList &providers, int timeoutMs = 20000);
    // Closes the child's stdin and waits briefly for it to exit; kills it when it does not.
    void stop();
    bool isRunning() const;
    qint64 processId() const;

    // Where an emulator listens (http://127.0.0.1:port), or an empty URL when it was not started.
    QUrl url(const QString &provider) const { return m_urls.value(provider); }
    // One control call (method, a path under /_sandbox/, a JSON body) to an emulator; the answer's JSON object, or
    // an error naming the call and the emulator's message.
    Result<QJsonObject> control(const QString &provider, const QByteArray &method, const QString &path,
                                const QJsonObject &body = {}, int timeoutMs = 30000) const;

private:
    Result<void> readReadyLine(int timeoutMs);

    std::unique_ptr<QProcess> m_process;
    QString m_program;
    QHash<QString, QUrl> m_urls;
};

} // namespace patchbay::sandbox
