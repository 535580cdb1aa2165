#pragma once

#include <string>
#include <string_view>

namespace patchbay::jsonata {

// JSONata regular expressions are JavaScript RegExp literals (without the u flag); the engine matches them with
// PCRE2 (QRegularExpression). This rewrites a pattern so PCRE2 matches what JavaScript would, where the two
// dialects differ: identity escapes (\p is just "p", \a just "a"), \uXXXX, \v, JavaScript's \s, '.', '$'
// (end of input only), ^/$ under the m flag, the empty class [] and [^], '{' that is not a quantifier, '[' inside
// a class, and PCRE2-only syntax (possessive quantifiers, inline options) that JavaScript rejects.
class JavaScriptRegex
{
public:
    // Returns false when JavaScript would reject the pattern.
    static bool toPcre(std::string_view pattern, bool multiline, std::string &out);
};

} // namespace patchbay::jsonata
