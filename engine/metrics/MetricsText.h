#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace patchbay {

// Writes the Prometheus text exposition format, version 0.0.4 (Content-Type kContentType): each family as
// "# HELP name text" and "# TYPE name type" followed by its samples "name{label="value",...} number". Help text
// escapes backslash and line feed; label values escape backslash, double quote and line feed; numbers are written
// as integers when whole, else in shortest round-trip form, and +Inf, -Inf, NaN by name. The caller keeps names
// valid ([a-zA-Z_:][a-zA-Z0-9_:]*) and writes each family once, its samples right after it.
class MetricsText
{
public:
    static constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";
    using Labels = QList<QPair<QString, QString>>;

    void family(const QString &name, const char *type, const QString &help);
    void sample(const QString &name, const Labels &labels, double value);

    const QByteArray &text() const { return m_text; }

    static QByteArray escaped(const QString &text, bool quoted);
    static QByteArray number(double value);

private:
    QByteArray m_text;
};

} // namespace patchbay
