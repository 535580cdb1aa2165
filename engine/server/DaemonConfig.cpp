#include "DaemonConfig.h"

#include "core/Notifications.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

namespace patchbay {

namespace {

// Applies one value to the config; returns what a valid value looks like when this one is not.
using Setter = std::function<std::optional<QString>(DaemonConfig &, const QString &)>;

struct Setting
{
    const char *key;  // in the YAML file
    const char *flag; // on the command line
    const char *valueName; // null: a switch, whose flag sets the value "false"
    const char *help;
    Setter set;
};

Setter pathSetter(QString DaemonConfig::*field)
{
    return [field](DaemonConfig &config, const QString &value) -> std::optional<QString> {
        if (value.isEmpty())
            return QStringLiteral("a path");
        config.*field = value;
        return std::nullopt;
    };
}

// A whole number within [min, max] (units names it in the message).
Setter countSetter(int DaemonConfig::*field, int min, int max, const char *units)
{
    return [=](DaemonConfig &config, const QString &value) -> std::optional<QString> {
        bool ok = false;
        const int number = value.toInt(&ok);
        if (!ok || number < min || number > max)
            return QStringLiteral("a whole number of %1 from %2 to %3").arg(QLatin1String(units)).arg(min).arg(max);
        config.*field = number;
        return std::nullopt;
    };
}

// HOST:PORT into address and port; what a valid value looks like when it is not one.
std::optional<QString> parseHostPort(const QString &value, QHostAddress &listenAddress, quint16 &listenPort)
{
    const QString expected = QStringLiteral("HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:0");
    const qsizetype colon = value.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return expected;
    QString host = value.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool portOk = false;
    const uint port = value.mid(colon + 1).toUInt(&portOk);
    QHostAddress address;
    if (host == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        return expected;
    if (!portOk || port > 65535)
        return expected;
    listenAddress = address;
    listenPort = static_cast<quint16>(port);
    return std::nullopt;
}

std::optional<QString> setListen(DaemonConfig &config, const QString &value)
{
    return parseHostPort(value, config.listenAddress, config.listenPort);
}

std::optional<QString> setMetricsListen(DaemonConfig &config, const QString &value)
{
    return parseHostPort(value, config.metricsListenAddress, config.metricsListenPort);
}

std::optional<QString> setPublicBaseUrl(DaemonConfig &config, const QString &value)
{
    const QUrl url(value, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return QStringLiteral("an absolute http:// or https:// URL");
    config.publicBaseUrl = url;
    return std::nullopt;
}

std::optional<QString> setLogLevel(DaemonConfig &config, const QString &value)
{
    static const QList<QPair<QString, QtMsgType>> levels = {{QStringLiteral("debug"), QtDebugMsg},
                                                            {QStringLiteral("info"), QtInfoMsg},
                                                            {QStringLiteral("warning"), QtWarningMsg},
                                                            {QStringLiteral("critical"), QtCriticalMsg}};
    for (const auto &[name, level] : levels) {
        if (value == name) {
            config.logLevel = level;
            return std::nullopt;
        }
    }
    return QStringLiteral("debug, info, warning or critical");
}

std::optional<QString> setLogFormat(DaemonConfig &config, const QString &value)
{
    if (value == QLatin1String("text"))
        config.logFormat = DaemonConfig::LogFormat::Text;
    else if (value == QLatin1String("json"))
        config.logFormat = DaemonConfig::LogFormat::Json;
    else
        return QStringLiteral("text or json");
    return std::nullopt;
}

Setter countSetter(int DaemonConfig::*field, int minimum, const char *unit)
{
    return [field, minimum, unit](DaemonConfig &config, const QString &value) -> std::optional<QString> {
        bool ok = false;
        const int count = value.toInt(&ok);
        if (!ok || count < minimum)
            return QStringLiteral("a whole number of %1, %2 or more").arg(QLatin1String(unit)).arg(minimum);
        config.*field = count;
        return std::nullopt;
    };
}

std::optional<QString> setScheduler(DaemonConfig &config, const QString &value)
{
    if (value != QLatin1String("true") && value != QLatin1String("false"))
        return QStringLiteral("true or false");
    config.scheduler = value == QLatin1String("true");
    return std::nullopt;
}

std::optional<QString> setWorkers(DaemonConfig &config, const QString &value)
{
    bool ok = false;
    const int workers = value.toInt(&ok);
    if (!ok || workers < 1 || workers > 64)
        return QStringLiteral("a whole number from 1 to 64");
    config.workers = workers;
    return std::nullopt;
}

std::optional<QString> setMaxBodyBytes(DaemonConfig &config, const QString &value)
{
    bool ok = false;
    const qint64 bytes = value.toLongLong(&ok);
    if (!ok || bytes < 1024)
        return QStringLiteral("a whole number of bytes, 1024 or more");
    config.maxBodyBytes = bytes;
    return std::nullopt;
}

const std::vector<Setting> &settings()
{
    static const std::vector<Setting> table = {
        {"listen", "listen", "host:port", "Address and port to listen on (port 0: any free port).", setListen},
        {"publicBaseUrl", "public-base-url", "url",
         "The URL clients reach this server at (behind a reverse proxy); default: the listening address.",
         setPublicBaseUrl},
        {"database", "database", "path", "SQLite database file (created and migrated when needed).",
         pathSetter(&DaemonConfig::databasePath)},
        {"keyFile", "key-file", "path", "Master key file that seals credentials (created when missing).",
         pathSetter(&DaemonConfig::keyFile)},
        {"providerDirectory", "provider-directory", "path", "Directory of provider definitions to add.",
         pathSetter(&DaemonConfig::providerDirectory)},
        {"integrationDirectory", "integration-directory", "path", "Directory of integration manifests to add.",
         pathSetter(&DaemonConfig::integrationDirectory)},
        {"tlsCertificate", "tls-certificate", "path", "PEM certificate (then its chain) to serve HTTPS; needs --tls-key.",
         pathSetter(&DaemonConfig::tlsCertificate)},
        {"tlsKey", "tls-key", "path", "PEM private key of the certificate, unencrypted, readable by its owner only.",
         pathSetter(&DaemonConfig::tlsKey)},
        {"logLevel", "log-level", "level", "debug, info, warning or critical.", setLogLevel},
        {"logFormat", "log-format", "format", "text, or json: one JSON object per line.", setLogFormat},
        {"shutdownGraceSeconds", "shutdown-grace", "seconds",
         "How long SIGTERM lets running work finish before exiting.",
         countSetter(&DaemonConfig::shutdownGraceSeconds, 0, "seconds")},
        {"connectSessionMinutes", "connect-session-minutes", "minutes",
         "How long a connect-session link works once created.",
         countSetter(&DaemonConfig::connectSessionMinutes, 1, "minutes")},
        {"scheduler", "no-scheduler", nullptr,
         "Serve only: run no scheduled or requested reads in this process (the file's key: scheduler: false).",
         setScheduler},
        {"workers", "workers", "count", "How many jobs the scheduler runs at once (1 to 64).", setWorkers},
        {"maxBodyBytes", "max-body-bytes", "bytes",
         "Largest request body accepted; larger ones are refused with 413 before they are read.", setMaxBodyBytes},
        {"maxWriteRecords", "max-write-records", "count", "Most records one write request may hold.",
         countSetter(&DaemonConfig::maxWriteRecords, 1, 10000, "records")},
        {"writeWaitSeconds", "write-wait", "seconds",
         "How long a write request waits for its results before answering 202 with the execution to poll.",
         countSetter(&DaemonConfig::writeWaitSeconds, 0, 600, "seconds")},
        {"changeRetentionDays", "change-retention-days", "days",
         "How long the records change feed keeps every change; older ones keep only each record's latest.",
         countSetter(&DaemonConfig::changeRetentionDays, 1, 36500, "days")},
        {"webhookMaxBodyBytes", "webhook-max-body-bytes", "bytes",
         "Largest provider webhook body accepted at /webhooks; larger ones are refused with 413.",
         countSetter(&DaemonConfig::webhookMaxBodyBytes, 1024, 64 * 1024 * 1024, "bytes")},
        {"webhookWorkers", "webhook-workers", "count", "How many stored provider webhook calls are applied at once.",
         countSetter(&DaemonConfig::webhookWorkers, 1, 64, "workers")},
        {"webhookRejectionLimit", "webhook-rejection-limit", "count",
         "Refused webhook calls one address may make per minute before it is answered 429.",
         countSetter(&DaemonConfig::webhookRejectionLimit, 1, 100000, "calls")},
        {"metricsListen", "metrics-listen", "host:port",
         "A second address serving only GET /metrics, without an API key, for scrapers (plain HTTP: bind it to "
         "loopback or a private network). Without it, /metrics on the main address needs an admin or viewer key.",
         setMetricsListen},
        {"proxyTimeoutSeconds", "proxy-timeout", "seconds",
         "How long a proxied call waits for the provider's answer before answering 502.",
         countSetter(&DaemonConfig::proxyTimeoutSeconds, 1, 300, "seconds")},
        {"proxyMaxResponseBytes", "proxy-max-response-bytes", "bytes",
         "Largest provider answer a proxied call relays; a larger one is answered 502.",
         countSetter(&DaemonConfig::proxyMaxResponseBytes, 1024, 256 * 1024 * 1024, "bytes")},
    };
    return table;
}

Error badValue(const QString &where, const QString &expected)
{
    return makeError("config.bad_value", QStringLiteral("%1: expected %2.").arg(where, expected));
}

QCommandLineOption optionFor(const Setting &setting)
{
    if (!setting.valueName)
        return QCommandLineOption(QString::fromLatin1(setting.flag), QString::fromLatin1(setting.help));
    return QCommandLineOption(QString::fromLatin1(setting.flag), QString::fromLatin1(setting.help),
                              QString::fromLatin1(setting.valueName));
}

const QCommandLineOption &configOption()
{
    static const QCommandLineOption option(QStringLiteral("config"), QStringLiteral("YAML configuration file."),
                                           QStringLiteral("file"));
    return option;
}

void addOptions(QCommandLineParser &parser)
{
    parser.addOption(configOption());
    for (const Setting &setting : settings())
        parser.addOption(optionFor(setting));
}

// A secret from a file only its owner can read (like the master key's), or from the environment: the entry's keys
// fileKey and envKey (clientSecretFile/clientSecretEnv of a provider, secretFile/secretEnv of an endpoint).
Result<SecretBytes> readSecret(const YAML::Node &entry, const QString &where, const char *fileKey, const char *envKey)
{
    const YAML::Node file = entry[fileKey];
    const YAML::Node variable = entry[envKey];
    const QString fileName = QString::fromLatin1(fileKey);
    if (file && variable)
        return badValue(where, QStringLiteral("%1 or %2, not both").arg(fileName, QLatin1String(envKey)));
    if (variable) {
        const QByteArray name = QByteArray::fromStdString(variable.as<std::string>());
        SecretBytes secret(qgetenv(name.constData()));
        if (secret.isEmpty())
            return badValue(where, QStringLiteral("the environment variable %1 (%2) to be set")
                                       .arg(QString::fromLatin1(name), QLatin1String(envKey)));
        return secret;
    }
    const QString path = QString::fromStdString(file.as<std::string>());
    QFile secretFile(path);
    if (!secretFile.open(QIODevice::ReadOnly))
        return makeError("config.unreadable", QStringLiteral("%1: cannot read %2 %3: %4")
                                                  .arg(where, fileName, path, secretFile.errorString()));
    if (secretFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                    | QFileDevice::WriteOther))
        return badValue(where, QStringLiteral("%1 %2 readable by its owner only (chmod 600)").arg(fileName, path));
    QByteArray bytes = secretFile.readAll();
    SecretBytes secret(bytes.trimmed());
    wipeBytes(bytes);
    if (secret.isEmpty())
        return badValue(where, QStringLiteral("a secret in %1, which is empty").arg(path));
    return secret;
}

// The `providers:` map: provider name -> {clientId, clientSecretFile | clientSecretEnv, originOverrides}.
Result<void> readProviders(const YAML::Node &node, const QString &path, DaemonConfig &config)
{
    const QString where = QStringLiteral("%1:%2: providers").arg(path).arg(node.Mark().line + 1);
    if (!node.IsMap())
        return badValue(where, QStringLiteral("a map from provider name to its settings"));
    static const QStringList known = {QStringLiteral("clientId"), QStringLiteral("clientSecretFile"),
                                      QStringLiteral("clientSecretEnv"), QStringLiteral("originOverrides")};
    for (const auto &provider : node) {
        const QString name = QString::fromStdString(provider.first.as<std::string>());
        const QString at = QStringLiteral("%1:%2: providers.%3").arg(path).arg(provider.first.Mark().line + 1).arg(name);
        const YAML::Node entry = provider.second;
        if (!entry.IsMap())
            return badValue(at, QStringLiteral("a map of clientId, clientSecretFile or clientSecretEnv, "
                                               "originOverrides"));
        ProviderSettings settings;
        for (const auto &field : entry) {
            const QString key = QString::fromStdString(field.first.as<std::string>());
            if (!known.contains(key))
                return makeError("config.unknown_key", QStringLiteral("%1.%2: unknown setting.").arg(at, key));
            const bool isMap = key == QLatin1String("originOverrides");
            if (isMap ? !field.second.IsMap() : !field.second.IsScalar())
                return badValue(at + QLatin1Char('.') + key, isMap ? QStringLiteral("a map from origin to origin")
                                                                    : QStringLiteral("a string"));
        }
        if (entry["clientId"])
            settings.clientId = QString::fromStdString(entry["clientId"].as<std::string>());
        if (entry["clientSecretFile"] || entry["clientSecretEnv"]) {
            auto secret = readSecret(entry, at, "clientSecretFile", "clientSecretEnv");
            if (!secret)
                return secret.error();
            settings.clientSecret = std::move(secret).value();
        }
        if (settings.clientId.isEmpty() != settings.clientSecret.isEmpty())
            return badValue(at, QStringLiteral("clientId and a client secret together"));
        for (const auto &origin : entry["originOverrides"]) {
            if (!origin.second.IsScalar())
                return badValue(at + QStringLiteral(".originOverrides"), QStringLiteral("a map from origin to origin"));
            settings.originOverrides.insert(QString::fromStdString(origin.first.as<std::string>()),
                                            QString::fromStdString(origin.second.as<std::string>()));
        }
        config.providers.insert(name, std::move(settings));
    }
    return {};
}

// One endpoint of `notifications.endpoints`: {url, secretFile | secretEnv, events}.
Result<NotificationEndpoint> readEndpoint(const QString &name, const YAML::Node &entry, const QString &at)
{
    if (!entry.IsMap())
        return badValue(at, QStringLiteral("a map of url, secretFile or secretEnv, events"));
    static const QStringList known = {QStringLiteral("url"), QStringLiteral("secretFile"), QStringLiteral("secretEnv"),
                                      QStringLiteral("events")};
    for (const auto &field : entry) {
        const QString key = QString::fromStdString(field.first.as<std::string>());
        if (!known.contains(key))
            return makeError("config.unknown_key", QStringLiteral("%1.%2: unknown setting.").arg(at, key));
    }
    NotificationEndpoint endpoint;
    endpoint.name = name;
    const YAML::Node url = entry["url"];
    endpoint.url = QUrl(url && url.IsScalar() ? QString::fromStdString(url.Scalar()) : QString(), QUrl::StrictMode);
    if (!endpoint.url.isValid() || endpoint.url.host().isEmpty()
        || (endpoint.url.scheme() != QLatin1String("http") && endpoint.url.scheme() != QLatin1String("https")))
        return badValue(at + QStringLiteral(".url"), QStringLiteral("an absolute http:// or https:// URL"));
    if (!entry["secretFile"] && !entry["secretEnv"])
        return badValue(at, QStringLiteral("a signing secret: secretFile or secretEnv"));
    auto secret = readSecret(entry, at, "secretFile", "secretEnv");
    if (!secret)
        return secret.error();
    endpoint.secret = std::move(secret).value();
    if (const YAML::Node events = entry["events"]) {
        const QStringList types = NotificationType::all();
        if (!events.IsSequence())
            return badValue(at + QStringLiteral(".events"), QStringLiteral("a list of event types"));
        for (const auto &event : events) {
            const QString type = event.IsScalar() ? QString::fromStdString(event.Scalar()) : QString();
            if (!types.contains(type))
                return badValue(at + QStringLiteral(".events"),
                                QStringLiteral("event types among %1").arg(types.join(QStringLiteral(", "))));
            endpoint.events.append(type);
        }
    }
    return endpoint;
}

// The `notifications:` section: endpoints (a map from name to endpoint) and the delivery policy.
Result<void> readNotifications(const YAML::Node &node, const QString &path, DaemonConfig &config)
{
    const QString where = QStringLiteral("%1:%2: notifications").arg(path).arg(node.Mark().line + 1);
    if (!node.IsMap())
        return badValue(where, QStringLiteral("a map of endpoints and delivery settings"));
    NotificationSettings &settings = config.notifications;
    struct Bound
    {
        const char *key;
        int NotificationSettings::*field;
        int min;
        int max;
        const char *units;
    };
    static const Bound bounds[] = {
        {"batchSeconds", &NotificationSettings::batchSeconds, 1, 3600, "seconds"},
        {"maxAttempts", &NotificationSettings::maxAttempts, 1, 100, "attempts"},
        {"retrySeconds", &NotificationSettings::retrySeconds, 1, 3600, "seconds"},
        {"timeoutSeconds", &NotificationSettings::timeoutSeconds, 1, 300, "seconds"},
        {"webhookSilenceMinutes", &NotificationSettings::webhookSilenceMinutes, 1, 10080, "minutes"},
    };
    for (const auto &field : node) {
        const QString key = QString::fromStdString(field.first.as<std::string>());
        const QString at = QStringLiteral("%1:%2: notifications.%3").arg(path).arg(field.first.Mark().line + 1).arg(key);
        if (key == QLatin1String("endpoints")) {
            if (!field.second.IsMap())
                return badValue(at, QStringLiteral("a map from endpoint name to its url and secret"));
            for (const auto &entry : field.second) {
                const QString name = QString::fromStdString(entry.first.as<std::string>());
                auto endpoint = readEndpoint(name, entry.second, at + QLatin1Char('.') + name);
                if (!endpoint)
                    return endpoint.error();
                settings.endpoints.append(std::move(endpoint).value());
            }
            continue;
        }
        const auto bound = std::find_if(std::begin(bounds), std::end(bounds),
                                        [&key](const Bound &b) { return key == QLatin1String(b.key); });
        if (bound == std::end(bounds))
            return makeError("config.unknown_key", QStringLiteral("%1: unknown setting.").arg(at));
        bool ok = false;
        const int value = field.second.IsScalar() ? QString::fromStdString(field.second.Scalar()).toInt(&ok) : 0;
        if (!ok || value < bound->min || value > bound->max)
            return badValue(at, QStringLiteral("a whole number of %1 from %2 to %3")
                                    .arg(QLatin1String(bound->units))
                                    .arg(bound->min)
                                    .arg(bound->max));
        settings.*(bound->field) = value;
    }
    return {};
}

} // namespace

Result<DaemonConfig> DaemonConfig::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("config.unreadable", QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    YAML::Node root;
    try {
        root = YAML::Load(file.readAll().toStdString());
    } catch (const YAML::Exception &e) {
        return makeError("config.bad_value", QStringLiteral("%1:%2: %3")
                                                 .arg(path)
                                                 .arg(e.mark.line + 1)
                                                 .arg(QString::fromStdString(e.msg)));
    }
    DaemonConfig config;
    if (root.IsNull())
        return config;
    if (!root.IsMap())
        return makeError("config.bad_value", QStringLiteral("%1: expected a map of settings.").arg(path));
    for (const auto &entry : root) {
        const QString key = QString::fromStdString(entry.first.as<std::string>());
        const QString where = QStringLiteral("%1:%2: %3").arg(path).arg(entry.first.Mark().line + 1).arg(key);
        if (key == QLatin1String("providers")) {
            if (auto read = readProviders(entry.second, path, config); !read)
                return read.error();
            continue;
        }
        if (key == QLatin1String("notifications")) {
            if (auto read = readNotifications(entry.second, path, config); !read)
                return read.error();
            continue;
        }
        const auto setting = std::find_if(settings().begin(), settings().end(),
                                          [&key](const Setting &s) { return key == QLatin1String(s.key); });
        if (setting == settings().end())
            return makeError("config.unknown_key", QStringLiteral("%1: unknown setting.").arg(where));
        if (!entry.second.IsScalar())
            return badValue(where, QString::fromLatin1(setting->help));
        if (const auto expected = setting->set(config, QString::fromStdString(entry.second.Scalar())))
            return badValue(where, *expected);
    }
    return config;
}

Result<DaemonConfig> DaemonConfig::fromArguments(const QStringList &arguments)
{
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(arguments))
        return makeError("config.unknown_key", parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return makeError("config.unknown_key",
                         QStringLiteral("Unexpected argument: %1").arg(parser.positionalArguments().constFirst()));
    DaemonConfig config;
    if (parser.isSet(configOption())) {
        auto loaded = fromFile(parser.value(configOption()));
        if (!loaded)
            return loaded.error();
        config = std::move(loaded).value();
    }
    for (const Setting &setting : settings()) {
        const QString flag = QString::fromLatin1(setting.flag);
        if (!parser.isSet(flag))
            continue;
        const QString value = setting.valueName ? parser.value(flag) : QStringLiteral("false");
        if (const auto expected = setting.set(config, value))
            return badValue(QStringLiteral("--") + flag, *expected);
    }
    return config;
}

Result<void> DaemonConfig::validate() const
{
    if (tlsCertificate.isEmpty() != tlsKey.isEmpty())
        return makeError("config.bad_value", QStringLiteral("tlsCertificate and tlsKey go together: give both to serve "
                                                            "HTTPS, or neither for plain HTTP (behind a proxy that "
                                                            "terminates TLS)."));
    return {};
}

Result<std::optional<QSslConfiguration>> DaemonConfig::tlsConfiguration() const
{
    if (tlsCertificate.isEmpty() && tlsKey.isEmpty())
        return std::optional<QSslConfiguration>();
    if (auto valid = validate(); !valid)
        return valid.error();
    const auto bad = [](const QString &message) { return makeError("config.bad_value", message); };
    QFile certificateFile(tlsCertificate);
    if (!certificateFile.open(QIODevice::ReadOnly))
        return bad(QStringLiteral("tlsCertificate: cannot read %1: %2").arg(tlsCertificate, certificateFile.errorString()));
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certificateFile.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull())
        return bad(QStringLiteral("tlsCertificate: no PEM certificate in %1 (expected -----BEGIN CERTIFICATE-----)")
                       .arg(tlsCertificate));
    if (chain.first().expiryDate() < QDateTime::currentDateTimeUtc())
        return bad(QStringLiteral("tlsCertificate: the certificate in %1 expired on %2; renew it")
                       .arg(tlsCertificate, chain.first().expiryDate().toString(Qt::ISODate)));
    QFile keyFile(tlsKey);
    if (!keyFile.open(QIODevice::ReadOnly))
        return bad(QStringLiteral("tlsKey: cannot read %1: %2").arg(tlsKey, keyFile.errorString()));
    if (keyFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                 | QFileDevice::WriteOther))
        return bad(QStringLiteral("tlsKey: make %1 readable by its owner only (chmod 600)").arg(tlsKey));
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem, QSsl::PrivateKey);
    if (key.isNull())
        return bad(QStringLiteral("tlsKey: no unencrypted PEM private key (RSA or EC) in %1").arg(tlsKey));
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients prove themselves with API keys, not certificates
    return std::optional<QSslConfiguration>(configuration);
}

QString DaemonConfig::usage()
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("patchbayd: the Patchbay server"));
    parser.addHelpOption();
    parser.addVersionOption();
    addOptions(parser);
    return parser.helpText();
}

} // namespace patchbay
