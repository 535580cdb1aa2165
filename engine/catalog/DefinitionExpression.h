#pragma once

#include "core/Result.h"
#include "jsonata/Expression.h"

#include <QJsonValue>
#include <QString>

namespace patchbay {

// The JSONata expressions of provider definitions (bodies, results, conditions, webhook parts, template parts).
// The same few run for every page, record or call, so each is compiled once per process and shared between
// threads; the loader has already checked that they compile.
class DefinitionExpression
{
public:
    static constexpr jsonata::EvalLimits kLimits{1000, 200, 256}; // a page of records may be large

    static Result<jsonata::Expression> compiled(const QString &expression);
    // The value as JSON; undefined when the expression gives nothing. what names the expression in errors.
    static Result<QJsonValue> evaluate(const QString &expression, const QJsonValue &input,
                                       const jsonata::Bindings &bindings, const QString &what);
    // True only when the expression gives the boolean true (a failing expression is false).
    static bool holds(const QString &expression, const QJsonValue &input, const jsonata::Bindings &bindings = {});
};

} // namespace patchbay
