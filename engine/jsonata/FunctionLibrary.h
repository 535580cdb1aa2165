#pragma once

#include "Error.h"
#include "Function.h"
#include "Value.h"

#include <string>
#include <string_view>

class QRegularExpression;

namespace patchbay::jsonata {

// The registry of built-in functions ($string, $map, ...) and helpers they share.
class FunctionLibrary
{
public:
    // The built-in bound to $name, or nullptr.
    static const Value *lookup(std::string_view name);
    // $string() semantics: strings as-is, other values as compact JSON with numbers at 15 significant digits.
    static std::string stringify(const Value &v, bool pretty = false);
    // { match, index, groups } for the first match at or after 'from' (a UTF-8 offset), undefined when none.
    static Value regexMatchObject(const QRegularExpression &re, const std::string &subject, std::size_t from);
    // U1003: a match gave up (the regex engine's backtracking limit); reported, never taken for "no match".
    static Error regexLimitError(const QRegularExpression &re);
};

// Built-in implementations, grouped by the JSONata documentation's categories.
class StringFunctions
{
public:
    static void registerAll(std::vector<BuiltinDef> &defs);
};

class NumericFunctions
{
public:
    static void registerAll(std::vector<BuiltinDef> &defs);
};

class CollectionFunctions
{
public:
    static void registerAll(std::vector<BuiltinDef> &defs);
};

class DateTimeFunctions
{
public:
    static void registerAll(std::vector<BuiltinDef> &defs);
};

} // namespace patchbay::jsonata
