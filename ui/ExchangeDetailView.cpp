#include "ExchangeDetailView.h"

#include "DisplayFormat.h"

#include <QFontDatabase>
#include <QJsonDocument>
#include <QStringDecoder>

namespace patchbay {

namespace {

QString headersText(const HeaderList &headers)
{
    QString text;
    for (const auto &[name, value] : headers)
        text += QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromUtf8(value) + QLatin1Char('\n');
    return text;
}

QString bodyText(const QByteArray &body)
{
    if (body.isEmpty())
        return QStringLiteral("(no body)\n");
    QJsonParseError error;
    const QJsonDocument json = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && (json.isObject() || json.isArray()))
        return QString::fromUtf8(json.toJson(QJsonDocument::Indented));
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(body);
    if (decoder.hasError() || body.contains('\0'))
        return QStringLiteral("(%1 bytes of binary data)\n").arg(body.size());
    return text.endsWith(QLatin1Char('\n')) ? text : text + QLatin1Char('\n');
}

} // namespace

ExchangeDetailView::ExchangeDetailView(QWidget *parent) : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("exchangeDetailTextEdit"));
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(QStringLiteral("Select an exchange to see its request and response."));
}

void ExchangeDetailView::setExchange(const Exchange &exchange)
{
    setPlainText(format(exchange));
}

void ExchangeDetailView::clearExchange()
{
    clear();
}

QString ExchangeDetailView::format(const Exchange &exchange)
{
    QString text = exchange.method + QLatin1Char(' ') + exchange.url + QLatin1Char('\n');
    text += headersText(exchange.requestHeaders);
    text += QLatin1Char('\n') + bodyText(exchange.requestBody);
    text += QLatin1Char('\n') + QString(60, QChar(0x2500)) + QLatin1Char('\n');
    const QString timing =
        QStringLiteral(" \u00b7 %1 \u00b7 %2")
            .arg(DisplayFormat::duration(exchange.durationMs), DisplayFormat::fullTime(exchange.startedAt));
    if (exchange.status == 0) {
        text += QStringLiteral("No response") + timing + QLatin1Char('\n');
        if (!exchange.error.isEmpty())
            text += exchange.error + QLatin1Char('\n');
        return text;
    }
    text += QStringLiteral("HTTP %1").arg(exchange.status) + timing + QLatin1Char('\n');
    text += headersText(exchange.responseHeaders);
    text += QLatin1Char('\n') + bodyText(exchange.responseBody);
    return text;
}

} // namespace patchbay
