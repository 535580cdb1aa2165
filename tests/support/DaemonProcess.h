#pragma once

#include "core/SecretBytes.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace patchbay::test {

// The real patchbayd executable for end-to-end tests: a process on a free loopback port, with its database, master
// key and config file in a temporary folder, and an admin API key made by `patchbay keys create` on that database.
//
//     DaemonProcess daemon;
//     daemon.addProviderApp("hubspot", "client", "secret", {{"https://api.hubapi.com", emulator.baseUrl()}});
//     daemon.addIntegration("contacts.yaml", manifest);
//     QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
//     const auto reply = daemon.request("POST", "/api/v1/tenants", R"({"name":"acme"})");
//     QCOMPARE(daemon.stop(), 0);   // SIGTERM; start() again runs it on the same database and key
//
// Every wait (start, waitForLog, request, stop) runs the test's event loop, so emulators living in the test process
// answer the daemon meanwhile. What the daemon logs (JSON, one object per line) collects in logLines(); a test that
// fails prints it when the DaemonProcess is destroyed, and a daemon still running then is killed.
class DaemonProcess
{
public:
    DaemonProcess();
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess &) = delete;
    DaemonProcess &operator=(const DaemonProcess &) = delete;

    // --- Configuration: takes effect at the next start(). ---

    // A top-level key of the config file (see resources/patchbayd.example.yaml), e.g. ("workers", 2) or
    // ("writeWaitSeconds", 0). Defaults: listen 127.0.0.1:0, database and keyFile in directory(), logFormat json,
    // shutdownGraceSeconds 5, workers 2. A null value removes the key.
    void setSetting(const QString &key, const QJsonValue &value);
    // The OAuth app patchbayd connects provider through (its secret in a file only the owner reads), with origins of
    // the definition sent elsewhere (typically {"https://api.hubapi.com": emulator.baseUrl()}).
    void addProviderApp(const QString &provider, const QString &clientId, const QByteArray &clientSecret,
                        const QJsonObject &originOverrides = {});
    // Writes (or replaces) an integration manifest in the integration directory, which the config then names.
    void addIntegration(const QString &fileName, const QByteArray &yaml);
    // Writes (or replaces) a provider definition in the provider directory, which the config then names.
    void addProviderDefinition(const QString &fileName, const QByteArray &yaml);
    // Writes secret (and a line feed) to a file of directory() only its owner may read, for settings that take a
    // secretFile; its path, or empty when it could not be written.
    QString writeSecretFile(const QString &fileName, const QByteArray &secret);

    // --- Life cycle ---

    // Writes the config, creates the admin key on the first start, starts patchbayd and waits until it logs its
    // port and /readyz answers 200. False (with lastError()) when it did not come up within timeoutMs.
    bool start(int timeoutMs = 30000);
    // SIGTERM, then waits for the exit: the exit code, or -1 when it crashed or did not exit within timeoutMs (then
    // it is killed).
    int stop(int timeoutMs = 30000);
    bool isRunning() const;
    qint64 processId() const;
    QString lastError() const { return m_error; }

    // --- What a client needs ---

    QUrl baseUrl() const { return m_baseUrl; } // http://127.0.0.1:PORT while running
    QByteArray adminKey() const { return m_adminKey; }
    QString directory() const { return m_dir.path(); }
    QString databasePath() const;
    const SecretBytes &masterKey() const { return m_masterKey; } // to seal credentials a test stores itself
    QString configPath() const;

    struct Reply
    {
        int status = 0; // 0: no answer (connection refused, timeout)
        QByteArray body;
        QJsonObject json; // the body when it is a JSON object
        QString errorCode() const;
    };
    // One API call with key (the admin key when empty) as bearer token and body as JSON; waits up to timeoutMs.
    Reply request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const QByteArray &key = {}, int timeoutMs = 30000);

    // --- Its log ---

    // Every line patchbayd wrote so far (across restarts), oldest first.
    QList<QByteArray> logLines();
    // The first logged line (JSON object) whose message contains text, waiting up to timeoutMs for it; empty when
    // none came. Only lines after the first `skip` are looked at (pass logLines().size() to wait for a new one).
    QJsonObject waitForLog(const QString &text, int timeoutMs = 30000, qsizetype skip = 0);

private:
    void readOutput();
    bool writeFiles();
    bool createAdminKey();
    bool fail(const QString &why);

    QTemporaryDir m_dir;
    QJsonObject m_settings;
    QJsonObject m_providers;
    SecretBytes m_masterKey;
    QByteArray m_adminKey;
    QProcess m_process;
    QByteArray m_partialLine;
    QList<QByteArray> m_lines;
    QUrl m_baseUrl;
    QString m_error;
};

} // namespace patchbay::test
