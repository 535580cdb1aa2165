#pragma once

#include "core/Result.h"
#include "core/SecretBytes.h"
#include "notify/NotificationSettings.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QMap>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QtGlobal>

#include <optional>

namespace patchbay {

// patchbayd's settings: a YAML file (--config FILE) whose keys are the flags' names in camelCase, then the flags,
// which override it. Every key is parsed by the same rule whether it comes from the file or a flag, so both give
// the same errors: config.unknown_key, config.bad_value (naming the key, and the file and line for the file) and
// config.unreadable. See resources/patchbayd.example.yaml.
// patchbayd's own settings for one provider (the `providers:` map of the YAML file; there are no flags for them).
struct ProviderSettings
{
    // The OAuth app patchbayd connects every tenant's customers through: its client id, and its secret read from
    // clientSecretFile (which others may not read) or the environment variable clientSecretEnv. Never logged.
    QString clientId;
    SecretBytes clientSecret;
    // Origins of the definition to send elsewhere for every new connection (a sandbox emulator, an egress proxy):
    // the connection config's originOverrides (see OriginOverrides).
    QJsonObject originOverrides;
};

struct DaemonConfig
{
    enum class LogFormat { Text, Json };

    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8080;       // 0: any free port (the log says which)
    QUrl publicBaseUrl;              // empty: the listening address
    QString databasePath = QStringLiteral("patchbay.db");
    QString keyFile;                 // empty: PATCHBAY_MASTER_KEY, PATCHBAY_KEY_FILE or master.key beside the database
    QString providerDirectory;       // empty: the built-in provider definitions only
    QString integrationDirectory;    // empty: the built-in integrations only
    QString tlsCertificate;          // PEM: the certificate, then its chain; with tlsKey, HTTPS is served
    QString tlsKey;                  // PEM, unencrypted, RSA or EC; readable by its owner only
    QtMsgType logLevel = QtInfoMsg;
    LogFormat logFormat = LogFormat::Text;
    int shutdownGraceSeconds = 30;   // how long SIGTERM waits for running work
    int connectSessionMinutes = 15;  // how long a connect-session link works
    QMap<QString, ProviderSettings> providers; // by provider name
    bool scheduler = true;           // false (--no-scheduler): serve only, run no jobs in this process
    int workers = 4;                 // jobs the scheduler runs at once
    qint64 maxBodyBytes = 8 * 1024 * 1024; // larger request bodies are refused (413) before they are read
    int maxWriteRecords = 100; // records one write request may hold
    int writeWaitSeconds = 20; // a write answers its results within this, else 202 with the execution to poll
    int changeRetentionDays = 30; // the records change log keeps every version this long, then each record's latest
    int webhookMaxBodyBytes = 1024 * 1024; // provider webhook bodies larger than this are refused (413)
    int webhookWorkers = 2;                // stored webhook calls applied at once
    int webhookRejectionLimit = 20;        // refused webhook calls from one address per minute before it gets 429
    NotificationSettings notifications; // the `notifications:` section (no flags): signed events to the product
    // A second listener serving only GET /metrics without an API key, for scrapers that cannot send one (plain
    // HTTP: meant for loopback or a private monitoring network). Null address: none; /metrics on the main listener
    // always needs an admin or viewer key for every tenant.
    QHostAddress metricsListenAddress;
    quint16 metricsListenPort = 0;
    int proxyTimeoutSeconds = 30;                   // a proxied call's provider must answer within this
    int proxyMaxResponseBytes = 8 * 1024 * 1024;    // a larger answer of the provider is not relayed (502)

    // Parses arguments (argv without the program name's meaning: arguments.first() is skipped): --config FILE first,
    // then every other flag on top. --help and --version are the caller's (it answers them before calling this).
    static Result<DaemonConfig> fromArguments(const QStringList &arguments);
    // Reads one YAML file over the defaults (what --config does).
    static Result<DaemonConfig> fromFile(const QString &path);

    // Settings that cannot work together (a TLS certificate without its key, or the reverse).
    Result<void> validate() const;
    // The TLS setup of tlsCertificate and tlsKey; nullopt when neither is set. Refused (config.bad_value, naming the
    // setting and what to do): a file that cannot be read, no certificate in it, an expired one, a key others can
    // read, or no unencrypted RSA or EC key.
    Result<std::optional<QSslConfiguration>> tlsConfiguration() const;

    // The help text of every flag, for --help.
    static QString usage();
};

} // namespace patchbay
