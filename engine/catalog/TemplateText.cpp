#include "TemplateText.h"

#include "DefinitionExpression.h"

#include <QRegularExpression>
#include <QUrl>

namespace patchbay {

namespace {

struct Part
{
    qsizetype start; // of "{{"
    qsizetype end;   // after "}}"
    QString expression;
};

std::optional<QList<Part>> split(const QString &text, QString *problem)
{
    QList<Part> parts;
    qsizetype from = 0;
    for (;;) {
        const qsizetype open = text.indexOf(QLatin1String("{{"), from);
        if (open < 0)
            break;
        const qsizetype close = text.indexOf(QLatin1String("}}"), open + 2);
        if (close < 0) {
            *problem = QStringLiteral("'{{' at character %1 has no closing '}}'").arg(open);
            return std::nullopt;
        }
        parts.append({open, close + 2, text.mid(open + 2, close - open - 2).trimmed()});
        from = close + 2;
    }
    return parts;
}

Result<jsonata::Expression> compiled(const QString &expression)
{
    auto result = DefinitionExpression::compiled(expression);
    if (!result)
        return makeError("template.invalid", QStringLiteral("{{%1}}").arg(result.error().message));
    return result;
}

QString textOf(const jsonata::Value &value)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (value.isString())
        return QString::fromStdString(value.asString());
    return QString::fromStdString(value.toJson());
}

enum class UrlPart { Origin, Host, Path, Query };

// Where a value lands, from the URL text before it.
UrlPart urlPartAfter(const QString &before)
{
    if (before.isEmpty())
        return UrlPart::Origin;
    if (before.contains(QLatin1Char('?')) || before.contains(QLatin1Char('#')))
        return UrlPart::Query;
    const qsizetype scheme = before.indexOf(QLatin1String("://"));
    if (scheme >= 0 && before.indexOf(QLatin1Char('/'), scheme + 3) < 0)
        return UrlPart::Host;
    return UrlPart::Path;
}

Result<QString> urlValue(const QString &value, UrlPart part, const QString &expression)
{
    const auto refuse = [&](const QString &why) {
        return makeError("template.unsafe_url",
                         QStringLiteral("{{%1}} gives a value that %2; the URL was not built. Check the connection's "
                                        "config.")
                             .arg(expression, why));
    };
    switch (part) {
    case UrlPart::Origin: {
        if (value.isEmpty())
            return value;
        const QUrl url(value, QUrl::StrictMode);
        const bool web = url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http");
        if (!url.isValid() || !web || url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasQuery() ||
            url.hasFragment() || value.contains(QLatin1Char('\\'))) {
            return refuse(QStringLiteral("is not a plain http(s) address (scheme, host, optional port and path)"));
        }
        return value;
    }
    case UrlPart::Host: {
        static const QRegularExpression hostChars(QStringLiteral("^[A-Za-z0-9._-]*$"));
        if (!hostChars.match(value).hasMatch())
            return refuse(QStringLiteral("has characters a host name cannot have"));
        return value;
    }
    case UrlPart::Path:
        // One segment: "/" "?" "#" "%" and a dot segment are encoded, so the value stays where the template put it.
        if (value == QLatin1String(".") || value == QLatin1String(".."))
            return QString(value).replace(QLatin1Char('.'), QLatin1String("%2E"));
        return QString::fromLatin1(QUrl::toPercentEncoding(value, "!$&'()*+,;=:@"));
    case UrlPart::Query:
        return QString::fromLatin1(QUrl::toPercentEncoding(value, "!$'()*,;:@/?"));
    }
    return value;
}

} // namespace

std::optional<QString> TemplateText::check(const QString &text)
{
    QString problem;
    const auto parts = split(text, &problem);
    if (!parts)
        return problem;
    for (const Part &part : *parts) {
        if (auto expression = compiled(part.expression); !expression)
            return expression.error().message;
    }
    return std::nullopt;
}

namespace {

Result<QString> renderParts(const QString &text, const jsonata::Bindings &bindings, bool url)
{
    QString problem;
    const auto parts = split(text, &problem);
    if (!parts)
        return makeError("template.invalid", problem);
    if (parts->isEmpty())
        return text;
    QString out;
    qsizetype from = 0;
    for (const Part &part : *parts) {
        out += text.mid(from, part.start - from);
        auto expression = compiled(part.expression);
        if (!expression)
            return expression.error();
        auto value = expression->evaluate(jsonata::Value::null(), bindings, {1000, 200});
        if (!value) {
            return makeError("template.failed", QStringLiteral("{{%1}} failed: %2: %3")
                                                    .arg(part.expression, QString::fromStdString(value.error().code),
                                                         QString::fromStdString(value.error().message)));
        }
        if (url) {
            auto placed = urlValue(textOf(value.value()), urlPartAfter(out), part.expression);
            if (!placed)
                return placed.error();
            out += placed.value();
        } else {
            out += textOf(value.value());
        }
        from = part.end;
    }
    out += text.mid(from);
    return out;
}

} // namespace

Result<QString> TemplateText::render(const QString &text, const jsonata::Bindings &bindings)
{
    return renderParts(text, bindings, false);
}

Result<QString> TemplateText::renderUrl(const QString &text, const jsonata::Bindings &bindings)
{
    return renderParts(text, bindings, true);
}

} // namespace patchbay
