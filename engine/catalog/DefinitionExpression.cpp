#include "DefinitionExpression.h"

#include <QHash>
#include <QMutex>

namespace patchbay {

Result<jsonata::Expression> DefinitionExpression::compiled(const QString &expression)
{
    static QMutex mutex;
    static QHash<QString, jsonata::Expression> cache;
    QMutexLocker lock(&mutex);
    if (auto it = cache.constFind(expression); it != cache.constEnd())
        return it.value();
    auto result = jsonata::Expression::compile(expression);
    if (!result) {
        const jsonata::Error &error = result.error();
        return makeError("definition.invalid_expression", QStringLiteral("%1: %2 at position %3: %4")
                                                              .arg(expression, QString::fromStdString(error.code))
                                                              .arg(error.position)
                                                              .arg(QString::fromStdString(error.message)));
    }
    cache.insert(expression, result.value());
    return result.value();
}

Result<QJsonValue> DefinitionExpression::evaluate(const QString &expression, const QJsonValue &input,
                                                  const jsonata::Bindings &bindings, const QString &what)
{
    auto expressionCompiled = compiled(expression);
    if (!expressionCompiled)
        return makeError("definition.invalid_expression",
                         QStringLiteral("%1: %2").arg(what, expressionCompiled.error().message));
    auto value = expressionCompiled.value().evaluate(jsonata::Value::fromQJsonValue(input), bindings, kLimits);
    if (!value) {
        return makeError("definition.expression_failed", QStringLiteral("%1 failed: %2: %3")
                                                             .arg(what, QString::fromStdString(value.error().code),
                                                                  QString::fromStdString(value.error().message)));
    }
    return value.value().isDefined() ? value.value().toQJsonValue() : QJsonValue(QJsonValue::Undefined);
}

bool DefinitionExpression::holds(const QString &expression, const QJsonValue &input, const jsonata::Bindings &bindings)
{
    auto value = evaluate(expression, input, bindings, QString());
    return value && value.value() == QJsonValue(true);
}

} // namespace patchbay
