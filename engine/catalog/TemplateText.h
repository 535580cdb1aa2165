#pragma once

#include "core/Result.h"
#include "jsonata/Expression.h"

#include <QString>

#include <optional>

namespace patchbay {

// Strings of a definition with {{ JSONata }} parts: "/ex/jira/{{$connection.cloud_id}}/rest/api/3/field".
// Text outside the braces is literal; each part's value is inserted as text (strings as they are, other
// values as JSON, nothing for undefined).
class TemplateText
{
public:
    // The first problem of a template (unbalanced braces, an expression that does not compile), if any.
    static std::optional<QString> check(const QString &text);
    static bool hasParts(const QString &text) { return text.contains(QLatin1String("{{")); }
    static Result<QString> render(const QString &text, const jsonata::Bindings &bindings);
    // A URL template (a base URL, a request path, a token URL): a value can never change the URL's shape. A value
    // that starts the URL must be an http(s) origin (a captured instance_url); one inside the host may hold only
    // host name characters; one in the path is a single percent-encoded segment (no "/", "?", "#" or dot segment)
    // and one in the query a percent-encoded value.
    static Result<QString> renderUrl(const QString &text, const jsonata::Bindings &bindings);
};

} // namespace patchbay
