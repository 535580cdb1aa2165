#include "DaemonLogging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cstdio>

namespace patchbay {

namespace {

QtMsgType g_level = QtInfoMsg;
DaemonConfig::LogFormat g_format = DaemonConfig::LogFormat::Text;

// Qt's QtMsgType values are not ordered by severity (QtInfoMsg comes after QtFatalMsg).
int severity(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return 0;
    case QtInfoMsg: return 1;
    case QtWarningMsg: return 2;
    case QtCriticalMsg: return 3;
    case QtFatalMsg: return 4;
    }
    return 4;
}

QLatin1String levelName(QtMsgType type)
{
    static const char *const names[] = {"debug", "info", "warning", "critical", "fatal"};
    return QLatin1String(names[severity(type)]);
}

void writeLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (severity(type) < severity(g_level))
        return;
    const QByteArray line = formatLogLine(type, context.category, message, g_format) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace

QByteArray formatLogLine(QtMsgType type, const char *category, const QString &message, DaemonConfig::LogFormat format)
{
    const QString time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const QString categoryName = QString::fromUtf8(category ? category : "default");
    if (format == DaemonConfig::LogFormat::Json) {
        const QJsonObject entry{{QStringLiteral("time"), time},
                                {QStringLiteral("level"), levelName(type)},
                                {QStringLiteral("category"), categoryName},
                                {QStringLiteral("message"), message}};
        return QJsonDocument(entry).toJson(QJsonDocument::Compact);
    }
    return QStringLiteral("%1 %2 %3: %4").arg(time, levelName(type), categoryName, message).toUtf8();
}

void installDaemonLogging(QtMsgType level, DaemonConfig::LogFormat format)
{
    g_level = level;
    g_format = format;
    // The patchbay.* categories log warnings and above unless turned on; turn them on down to the chosen level.
    if (severity(level) <= severity(QtInfoMsg))
        QLoggingCategory::setFilterRules(severity(level) == 0 ? QStringLiteral("patchbay.*.debug=true")
                                                              : QStringLiteral("patchbay.*.info=true"));
    qInstallMessageHandler(writeLog);
}

} // namespace patchbay
