#pragma once

#include "Value.h"

#include <string>

namespace patchbay::jsonata {

// XPath fn:format-integer pictures used by $formatInteger, $parseInteger and the date/time components:
// decimal digit patterns with grouping, 'a'/'A' alphabetic, 'i'/'I' roman numerals, 'w'/'W'/'Ww' words, and
// the ';o' ordinal modifier.
class IntegerFormatter
{
public:
    static std::string format(double value, const std::string &picture);
    static Value parse(const std::string &text, const std::string &picture);

    static std::string toWords(double value, bool ordinal);
    static double fromWords(const std::string &words);
    static std::string toRoman(long long value);
    static long long fromRoman(const std::string &roman);
    static std::string toLetters(long long value, char base);
    static double fromLetters(const std::string &letters, char base);
};

} // namespace patchbay::jsonata
