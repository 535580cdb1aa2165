#include "CurlCommand.h"

#include <QStringList>

namespace patchbay {

QString shellQuoted(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString curlCommand(const Exchange &exchange)
{
    QStringList parts{QStringLiteral("curl -X %1 %2").arg(shellQuoted(exchange.method), shellQuoted(exchange.url))};
    for (const auto &[name, value] : exchange.requestHeaders)
        parts.append(QStringLiteral("-H %1").arg(shellQuoted(QString::fromUtf8(name + ": " + value))));
    if (!exchange.requestBody.isEmpty())
        parts.append(QStringLiteral("--data-raw %1").arg(shellQuoted(QString::fromUtf8(exchange.requestBody))));
    // One argument a line, as browsers copy it: readable and still pasted as one command.
    return parts.join(QStringLiteral(" \\\n  "));
}

} // namespace patchbay
