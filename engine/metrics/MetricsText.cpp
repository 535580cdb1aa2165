#include "MetricsText.h"

#include <QLocale>

#include <cmath>

namespace patchbay {

// Help text escapes backslash and line feed; a label value a double quote too.
QByteArray MetricsText::escaped(const QString &text, bool quoted)
{
    QByteArray out;
    for (const char c : text.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quoted)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

QByteArray MetricsText::number(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    // Whole values below 2^53 are exact in a double: written without a fraction or exponent.
    if (std::floor(value) == value && std::fabs(value) < 9007199254740992.0)
        return QByteArray::number(static_cast<qint64>(value));
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

void MetricsText::family(const QString &name, const char *type, const QString &help)
{
    const QByteArray utf8 = name.toUtf8();
    m_text += "# HELP " + utf8 + ' ' + escaped(help, false) + '\n';
    m_text += "# TYPE " + utf8 + ' ' + type + '\n';
}

void MetricsText::sample(const QString &name, const Labels &labels, double value)
{
    m_text += name.toUtf8();
    if (!labels.isEmpty()) {
        m_text += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_text += ',';
            m_text += labels.at(i).first.toUtf8() + "=\"" + escaped(labels.at(i).second, true) + '"';
        }
        m_text += '}';
    }
    m_text += ' ' + number(value) + '\n';
}

} // namespace patchbay
