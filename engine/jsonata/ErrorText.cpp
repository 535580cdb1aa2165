#include "ErrorText.h"

#include <unordered_map>

namespace patchbay::jsonata {

std::string ErrorText::message(const std::string &code)
{
    static const std::unordered_map<std::string, const char *> texts = {
        {"S0101", "String literal is missing its closing quote"},
        {"S0102", "Number literal is too large to represent"},
        {"S0103", "Unsupported escape sequence in string literal"},
        {"S0104", "\\u must be followed by four hexadecimal digits"},
        {"S0105", "Quoted property name is missing its closing backtick"},
        {"S0106", "Comment is missing its closing */"},
        {"S0201", "Syntax error"},
        {"S0202", "Unexpected token"},
        {"S0203", "Expression ended before an expected token"},
        {"S0204", "Unknown operator"},
        {"S0205", "Unexpected token"},
        {"S0206", "Unknown expression type"},
        {"S0207", "Unexpected end of expression"},
        {"S0208", "Function parameters must be variables, e.g. $x"},
        {"S0209", "A predicate cannot follow a grouping expression in a step"},
        {"S0210", "Each step can only have one grouping expression"},
        {"S0211", "This symbol cannot be used as a unary operator"},
        {"S0212", "The left side of := must be a variable name, e.g. $x"},
        {"S0213", "A literal value cannot be used as a step in a path expression"},
        {"S0214", "The right side of @ or # must be a variable name, e.g. $x"},
        {"S0215", "A context variable binding must come before any predicates on a step"},
        {"S0216", "A context variable binding must come before any order-by clause on a step"},
        {"S0217", "The parent of this expression cannot be derived"},
        {"S0301", "Empty regular expression"},
        {"S0302", "Regular expression is missing its closing /"},
        {"S0401", "A type parameter can only be applied to functions and arrays"},
        {"S0402", "Choice groups containing parameterized types are not supported"},
        {"T0410", "Argument does not match the function signature"},
        {"T0411", "The context value is not a compatible type with the function argument"},
        {"T0412", "Argument must be an array of the declared type"},
        {"D1001", "Number out of range"},
        {"D1002", "Cannot negate a non-numeric value"},
        {"T1003", "Object key must evaluate to a string"},
        {"D1004", "Regular expression matches a zero length string"},
        {"T1005", "Attempted to invoke a non-function. Did you mean to use a $ variable?"},
        {"T1006", "Attempted to invoke a non-function"},
        {"T1007", "Attempted to partially apply a non-function. Did you mean to use a $ variable?"},
        {"T1008", "Attempted to partially apply a non-function"},
        {"D1009", "Multiple key definitions evaluate to the same key"},
        {"D1010", "Attempted to access the JavaScript object prototype"},
        {"T1010", "The matcher function did not return the correct object structure"},
        {"T2001", "The left side of the arithmetic operator must be a number"},
        {"T2002", "The right side of the arithmetic operator must be a number"},
        {"T2003", "The left side of the range operator must be an integer"},
        {"T2004", "The right side of the range operator must be an integer"},
        {"D2005", "The left side of := must be a variable name"},
        {"T2006", "The right side of the function application operator ~> must be a function"},
        {"T2007", "Cannot compare values of different types"},
        {"T2008", "Order-by expressions must evaluate to numbers or strings"},
        {"T2009", "The values either side of the operator must be of the same type"},
        {"T2010", "Comparison operators need numbers or strings on both sides"},
        {"T2011", "The insert/update clause of a transform must evaluate to an object"},
        {"T2012", "The delete clause of a transform must evaluate to a string or array of strings"},
        {"T2013", "The transform expression clones its input with $clone(); it has been redefined"},
        {"D2014", "The size of the sequence allocated by the range operator exceeds 10 million items"},
        {"D3001", "Attempting to invoke string function on Infinity or NaN"},
        {"D3010", "Second argument of replace function cannot be an empty string"},
        {"D3011", "Fourth argument of replace function must evaluate to a positive number"},
        {"D3012", "Attempted to replace a matched string with a non-string value"},
        {"D3020", "Third argument of split function must evaluate to a positive number"},
        {"D3030", "Unable to cast value to a number"},
        {"D3040", "Third argument of match function must evaluate to a positive number"},
        {"D3050", "The second argument of reduce function must be a function with at least two arguments"},
        {"D3060", "The sqrt function cannot be applied to a negative number"},
        {"D3061", "The power function has resulted in a value that cannot be represented as a JSON number"},
        {"D3070", "The single argument form of the sort function can only be applied to an array of strings or "
                  "an array of numbers. Use the second argument to specify a comparison function"},
        {"D3080", "The picture string must only contain a maximum of two sub-pictures"},
        {"D3081", "The sub-picture must not contain more than one instance of the 'decimal-separator' character"},
        {"D3082", "The sub-picture must not contain more than one instance of the 'percent' character"},
        {"D3083", "The sub-picture must not contain more than one instance of the 'per-mille' character"},
        {"D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character"},
        {"D3085", "The mantissa part of a sub-picture must contain at least one character that is an optional "
                  "digit character or a member of the 'decimal digit family'"},
        {"D3086", "The sub-picture must not contain a passive character that is preceded by an active character "
                  "and that is followed by another active character"},
        {"D3087", "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a "
                  "'decimal-separator' character"},
        {"D3088", "The sub-picture must not contain a 'grouping-separator' at the end of the integer part"},
        {"D3089", "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character"},
        {"D3090", "The integer part of the sub-picture must not contain a member of the 'decimal digit family' "
                  "that is followed by an instance of the 'optional digit character'"},
        {"D3091", "The fractional part of the sub-picture must not contain an instance of the 'optional digit "
                  "character' that is followed by a member of the 'decimal digit family'"},
        {"D3092", "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a "
                  "character treated as an 'exponent-separator'"},
        {"D3093", "The exponent part of the sub-picture must comprise only of one or more characters that are "
                  "members of the 'decimal digit family'"},
        {"D3100", "The radix of the formatBase function must be between 2 and 36"},
        {"D3110", "The argument of the toMillis function must be an ISO 8601 formatted timestamp"},
        {"D3120", "Syntax error in expression passed to function eval"},
        {"D3121", "Dynamic error evaluating the expression passed to function eval"},
        {"D3130", "Formatting or parsing an integer as a sequence starting with this character is not supported"},
        {"D3131", "In a decimal digit pattern, all digits must be from the same decimal group"},
        {"D3132", "Unknown component specifier in date/time picture string"},
        {"D3133", "The 'name' modifier can only be applied to months and days in the date/time picture string"},
        {"D3134", "The timezone integer format specifier cannot have more than four digits"},
        {"D3135", "No matching closing bracket ']' in date/time picture string"},
        {"D3136", "The date/time picture string is missing specifiers required to parse the timestamp"},
        {"D3137", "$error() function evaluated"},
        {"D3138", "The $single() function expected exactly 1 matching result. Instead it matched more"},
        {"D3139", "The $single() function expected exactly 1 matching result. Instead it matched 0"},
        {"D3140", "Malformed URL"},
        {"D3141", "$assert() statement failed"},
        {"U1001", "Evaluation exceeded the configured time or depth limit"},
        {"U1002", "Evaluation stopped: the values it builds exceed the configured memory limit"},
        {"U1003", "Evaluation stopped: the regular expression needs more backtracking than the regex engine allows"},
    };
    auto it = texts.find(code);
    return it == texts.end() ? std::string("Error ") + code : std::string(it->second);
}

std::string ErrorText::argumentMessage(const std::string &code, int index, const std::string &function)
{
    if (code == "T0411")
        return "Context value is not a compatible type with argument " + std::to_string(index) + " of function $" +
               function;
    return "Argument " + std::to_string(index) + " of function $" + function + " does not match function signature";
}

std::string ErrorText::arrayTypeMessage(int index, const std::string &function, const std::string &subtype)
{
    static const std::unordered_map<std::string, const char *> names = {
        {"a", "arrays"},  {"b", "booleans"}, {"f", "functions"}, {"n", "numbers"},
        {"o", "objects"}, {"s", "strings"},  {"l", "nulls"}};
    auto it = names.find(subtype);
    return "Argument " + std::to_string(index) + " of function $" + function + " must be an array of " +
           (it == names.end() ? subtype : std::string(it->second));
}

} // namespace patchbay::jsonata
