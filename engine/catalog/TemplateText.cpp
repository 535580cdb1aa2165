#include "TemplateText.h"

#include "DefinitionExpression.h"


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

Result<QString> TemplateText::render(const QString &text, const jsonata::Bindings &bindings)
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
        out += textOf(value.value());
        from = part.end;
    }
    out += text.mid(from);
    return out;
}

} // namespace patchbay
