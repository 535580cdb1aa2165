#include "IntegerFormatter.h"

#include "Error.h"
#include "ErrorText.h"
#include "Utf8.h"

#include <QChar>
#include <QString>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace patchbay::jsonata {

namespace {

const char *const kSmall[] = {"zero",     "one",     "two",     "three",     "four",     "five",    "six",
                              "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen",
                              "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
const char *const kTens[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
const char *const kSmallOrdinal[] = {"zeroth",    "first",     "second",      "third",      "fourth",
                                     "fifth",     "sixth",     "seventh",     "eighth",     "ninth",
                                     "tenth",     "eleventh",  "twelfth",     "thirteenth", "fourteenth",
                                     "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
struct Scale
{
    double value;
    const char *name;
};
const Scale kScales[] = {{1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}, {1e3, "thousand"}};

Error fail(const char *code)
{
    return Error{code, 0, ErrorText::message(code), {}};
}

std::string wordsOf(double n)
{
    if (n < 20)
        return kSmall[int(n)];
    if (n < 100) {
        int v = int(n);
        std::string s = kTens[v / 10];
        if (v % 10)
            s += std::string("-") + kSmall[v % 10];
        return s;
    }
    if (n < 1000) {
        int v = int(n);
        std::string s = std::string(kSmall[v / 100]) + " hundred";
        if (v % 100)
            s += " and " + wordsOf(v % 100);
        return s;
    }
    for (const Scale &scale : kScales) {
        if (n >= scale.value) {
            double lead = std::floor(n / scale.value);
            double rem = n - lead * scale.value;
            if (rem < 0)
                rem = 0;
            std::string s = wordsOf(lead) + " " + scale.name;
            if (rem >= 1)
                s += (rem < 100 ? " and " : ", ") + wordsOf(rem);
            return s;
        }
    }
    return {};
}

std::string ordinalWord(const std::string &word)
{
    for (int i = 0; i < 20; ++i) {
        if (word == kSmall[i])
            return kSmallOrdinal[i];
    }
    if (!word.empty() && word.back() == 'y')
        return word.substr(0, word.size() - 1) + "ieth";
    return word + "th";
}

std::string ordinalSuffix(long long value)
{
    long long lastTwo = value % 100;
    if (lastTwo >= 11 && lastTwo <= 13)
        return "th";
    switch (value % 10) {
    case 1:
        return "st";
    case 2:
        return "nd";
    case 3:
        return "rd";
    default:
        return "th";
    }
}

std::string toUpper(std::string s)
{
    for (char &c : s) {
        if (c >= 'a' && c <= 'z')
            c = char(c - 32);
    }
    return s;
}

std::string toTitle(std::string s)
{
    bool start = true;
    for (char &c : s) {
        if (start && c >= 'a' && c <= 'z')
            c = char(c - 32);
        start = c == ' ' || c == '-';
    }
    // "and" stays lower case in title-cased words
    std::size_t pos = 0;
    while ((pos = s.find(" And ", pos)) != std::string::npos) {
        s[pos + 1] = 'a';
        pos += 4;
    }
    return s;
}

int digitValue(char32_t cp)
{
    return QChar::digitValue(cp);
}

struct Picture
{
    std::string primary;
    bool ordinal = false;
};

Picture splitPicture(const std::string &picture)
{
    Picture p;
    std::size_t semi = picture.rfind(';');
    p.primary = picture;
    if (semi != std::string::npos && semi > 0) {
        std::string modifier = picture.substr(semi + 1);
        p.primary = picture.substr(0, semi);
        p.ordinal = !modifier.empty() && modifier[0] == 'o';
    }
    return p;
}

// A decimal-digit pattern such as "#,##0" or "0001": digit family, mandatory digits and separator positions.
struct DecimalPattern
{
    char32_t zero = U'0';
    int mandatory = 0;
    std::vector<std::pair<int, char32_t>> separators; // position counted in digits from the right
    bool regular = false;
    int groupSize = 0;
};

bool parseDecimalPattern(const std::string &primary, DecimalPattern &out)
{
    std::u32string chars = Utf8::decode(primary);
    bool anyDigit = false;
    char32_t family = 0;
    for (char32_t c : chars) {
        int d = digitValue(c);
        if (d >= 0) {
            char32_t zero = c - char32_t(d);
            if (family && family != zero)
                throw fail("D3131");
            family = zero;
            anyDigit = true;
        }
    }
    if (!anyDigit)
        return false;
    out.zero = family;
    int digitsSeen = 0;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) {
        char32_t c = *it;
        if (digitValue(c) >= 0) {
            ++out.mandatory;
            ++digitsSeen;
        } else if (c == U'#') {
            ++digitsSeen;
        } else {
            out.separators.emplace_back(digitsSeen, c);
        }
    }
    if (!out.separators.empty()) {
        out.regular = true;
        int first = out.separators[0].first;
        for (std::size_t i = 0; i < out.separators.size(); ++i) {
            if (out.separators[i].second != out.separators[0].second || out.separators[i].first != first * int(i + 1)) {
                out.regular = false;
            }
        }
        if (first <= 0)
            out.regular = false;
        if (out.regular)
            out.groupSize = first;
    }
    return true;
}

// Inserts a decimal pattern's grouping separators into formatted digits as the reference does: a regular
// grouping every groupSize digits from the right; otherwise each separator, from the picture's leftmost, at its
// distance from the right end of the text so far (one beyond the digits goes in front, cutting digits off as
// JavaScript's substr does: "#(00)#" formats 7 as "()7").
void insertSeparators(std::u32string &text, const DecimalPattern &pattern)
{
    if (pattern.separators.empty())
        return;
    if (pattern.regular) {
        const auto size = std::size_t(pattern.groupSize);
        for (std::size_t group = (text.size() - 1) / size; group > 0; --group)
            text.insert(text.size() - group * size, 1, pattern.separators[0].second);
        return;
    }
    for (auto it = pattern.separators.rbegin(); it != pattern.separators.rend(); ++it) {
        const long long at = (long long)text.size() - it->first;
        if (at >= 0) {
            text.insert(std::size_t(at), 1, it->second);
        } else {
            const long long keepFrom = std::max(0LL, (long long)text.size() + at);
            text = it->second + text.substr(std::size_t(keepFrom));
        }
    }
}

bool isJsWhitespace(char32_t c)
{
    return c == U' ' || (c >= U'\t' && c <= U'\r') || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

double parseIntLikeJavaScript(const std::string &text)
{
    const std::u32string chars = Utf8::decode(text);
    std::size_t i = 0;
    while (i < chars.size() && isJsWhitespace(chars[i]))
        ++i;
    double sign = 1;
    if (i < chars.size() && (chars[i] == U'+' || chars[i] == U'-'))
        sign = chars[i++] == U'-' ? -1 : 1;
    int radix = 10;
    if (i + 1 < chars.size() && chars[i] == U'0' && (chars[i + 1] == U'x' || chars[i + 1] == U'X')) {
        radix = 16;
        i += 2;
    }
    std::string digits;
    for (; i < chars.size(); ++i) {
        const char32_t c = chars[i];
        const bool decimal = c >= U'0' && c <= U'9';
        const bool hex = radix == 16 && ((c >= U'a' && c <= U'f') || (c >= U'A' && c <= U'F'));
        if (!decimal && !hex)
            break;
        digits += char(c);
    }
    if (digits.empty())
        return std::nan("");
    if (radix == 10)
        return sign * std::strtod(digits.c_str(), nullptr);
    double value = 0;
    for (char c : digits)
        value = value * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    return sign * value;
}

// Whether every word of 'text' (split at spaces, hyphens and commas) is a number word or "and".
bool isNumberInWords(const std::string &text)
{
    std::vector<std::string> words;
    std::string current;
    for (char c : text + " ") {
        if (c == ' ' || c == '-' || c == ',') {
            if (!current.empty())
                words.push_back(current);
            current.clear();
        } else {
            current += (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
        }
    }
    auto known = [](const std::string &w) {
        if (w == "and" || w == "hundred" || w == "hundredth")
            return true;
        for (int i = 0; i < 20; ++i) {
            if (w == kSmall[i] || w == kSmallOrdinal[i])
                return true;
        }
        for (int i = 2; i < 10; ++i) {
            const std::string tens = kTens[i];
            if (w == tens || w == tens.substr(0, tens.size() - 1) + "ieth")
                return true;
        }
        for (const Scale &scale : kScales) {
            if (w == scale.name || w == std::string(scale.name) + "th")
                return true;
        }
        return false;
    };
    return !words.empty() && std::all_of(words.begin(), words.end(), known);
}

bool isDecimalPrimary(const std::string &primary)
{
    for (char32_t c : Utf8::decode(primary)) {
        if (digitValue(c) >= 0 || c == U'#')
            return true;
    }
    return false;
}

} // namespace

std::string IntegerFormatter::toWords(double value, bool ordinal)
{
    std::string words = wordsOf(value);
    if (!ordinal)
        return words;
    std::size_t cut = words.find_last_of(" -");
    if (cut == std::string::npos)
        return ordinalWord(words);
    return words.substr(0, cut + 1) + ordinalWord(words.substr(cut + 1));
}

std::string IntegerFormatter::toRoman(long long value)
{
    static const std::pair<int, const char *> table[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"},
                                                         {90, "XC"},  {50, "L"},   {40, "XL"}, {10, "X"},   {9, "IX"},
                                                         {5, "V"},    {4, "IV"},   {1, "I"}};
    std::string out;
    for (const auto &[n, s] : table) {
        while (value >= n) {
            out += s;
            value -= n;
        }
    }
    return out;
}

long long IntegerFormatter::fromRoman(const std::string &roman)
{
    auto val = [](char c) {
        switch (c) {
        case 'I':
            return 1;
        case 'V':
            return 5;
        case 'X':
            return 10;
        case 'L':
            return 50;
        case 'C':
            return 100;
        case 'D':
            return 500;
        case 'M':
            return 1000;
        default:
            return 0;
        }
    };
    std::string r = toUpper(roman);
    long long total = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        int v = val(r[i]);
        if (i + 1 < r.size() && val(r[i + 1]) > v)
            total -= v;
        else
            total += v;
    }
    return total;
}

std::string IntegerFormatter::toLetters(long long value, char base)
{
    std::string out;
    while (value > 0) {
        long long rem = (value - 1) % 26;
        out.insert(out.begin(), char(base + rem));
        value = (value - 1) / 26;
    }
    return out;
}

double IntegerFormatter::fromLetters(const std::string &letters, char base)
{
    double value = 0;
    for (char32_t c : Utf8::decode(letters))
        value = value * 26 + (double(c) - double(base) + 1);
    return value;
}

double IntegerFormatter::fromWords(const std::string &text)
{
    std::string lower;
    for (char c : text)
        lower += (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
    std::vector<std::string> words;
    std::string current;
    for (char c : lower) {
        if (c == ' ' || c == '-' || c == ',') {
            if (!current.empty())
                words.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty())
        words.push_back(current);
    auto smallValue = [](const std::string &w) -> int {
        for (int i = 0; i < 20; ++i) {
            if (w == kSmall[i] || w == kSmallOrdinal[i])
                return i;
        }
        for (int i = 2; i < 10; ++i) {
            std::string t = kTens[i];
            if (w == t || w == t.substr(0, t.size() - 1) + "ieth")
                return i * 10;
        }
        return -1;
    };
    std::vector<std::pair<double, double>> parts; // (scale, value)
    double acc = 0;
    bool lastWasScale = false;
    for (std::string w : words) {
        if (w == "and")
            continue;
        if (w == "hundred" || w == "hundredth") {
            acc *= 100;
            lastWasScale = false;
            continue;
        }
        double scale = 0;
        for (const Scale &s : kScales) {
            if (w == s.name || w == std::string(s.name) + "th")
                scale = s.value;
        }
        if (scale > 0) {
            double sum = acc;
            while (!parts.empty() && (parts.back().first < scale || (lastWasScale && acc == 0))) {
                sum += parts.back().second;
                parts.pop_back();
                lastWasScale = false;
            }
            parts.emplace_back(scale, sum * scale);
            acc = 0;
            lastWasScale = true;
            continue;
        }
        int v = smallValue(w);
        if (v >= 0)
            acc += v;
        lastWasScale = false;
    }
    double total = acc;
    for (const auto &p : parts)
        total += p.second;
    return total;
}

std::string IntegerFormatter::format(double value, const std::string &picture)
{
    Picture p = splitPicture(picture);
    const std::string &primary = p.primary;
    const bool letters = primary == "A" || primary == "a";
    const bool roman = primary == "I" || primary == "i";
    // As the reference shows NaN: nothing in letters or roman numerals, "NaN" in place of the digits otherwise.
    const bool notANumber = std::isnan(value);
    if (notANumber && (letters || roman))
        return {};
    if (notANumber && !isDecimalPrimary(primary))
        return "NaN";
    // The reference rounds down before taking the sign apart: -3.5 is formatted as -4.
    const bool negative = value < 0;
    double magnitude = std::fabs(std::floor(value));
    // Roman numerals of huge numbers would be absurdly long (letters grow with the logarithm, up to the largest
    // whole number held exactly); decimal and words handle any size.
    constexpr double kMaxRoman = 1e7;
    constexpr double kMaxLetters = 9e18;
    if ((roman && magnitude > kMaxRoman) || (letters && magnitude >= kMaxLetters))
        throw fail("D3130");
    const long long n = magnitude < 9e18 ? static_cast<long long>(magnitude) : 0;
    std::string out;
    if (letters) {
        out = toLetters(n, primary == "A" ? 'A' : 'a');
    } else if (roman) {
        out = toRoman(n);
        if (primary == "i")
            for (char &c : out)
                c = char(c + 32);
    } else if (primary == "W" || primary == "w" || primary == "Ww") {
        out = toWords(magnitude, p.ordinal);
        if (primary == "W")
            out = toUpper(out);
        else if (primary == "Ww")
            out = toTitle(out);
    } else {
        DecimalPattern pattern;
        if (!parseDecimalPattern(primary, pattern))
            throw fail("D3130");
        std::string digits = n == 0 && magnitude == 0 ? std::string("0") : std::string();
        if (notANumber || std::isinf(magnitude))
            digits = notANumber ? "NaN" : "Infinity"; // JavaScript's text, grouped as digits are
        if (digits.empty()) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.0f", magnitude);
            digits = buf;
        }
        while (int(digits.size()) < pattern.mandatory)
            digits.insert(digits.begin(), '0');
        std::u32string result;
        for (char digit : digits)
            result += digit >= '0' && digit <= '9' ? pattern.zero + char32_t(digit - '0') : char32_t(digit);
        insertSeparators(result, pattern);
        out = Utf8::encode(result);
        if (p.ordinal)
            out += ordinalSuffix(n);
    }
    return negative ? "-" + out : out;
}

Value IntegerFormatter::parse(const std::string &text, const std::string &picture)
{
    Picture p = splitPicture(picture);
    const std::string &primary = p.primary;
    if (primary == "A" || primary == "a")
        return Value::number(fromLetters(text, primary == "A" ? 'A' : 'a'));
    // Text that is not a roman numeral or a number in words is not a number (NaN), as in the reference.
    if (primary == "I" || primary == "i") {
        for (char c : text) {
            const char numeral = primary == "i" && c >= 'a' && c <= 'z' ? char(c - 32) : c;
            if (std::strchr("MDCLXVI", numeral) == nullptr || numeral == '\0')
                return Value::number(std::nan(""));
        }
        return Value::number(double(fromRoman(text)));
    }
    if (primary == "W" || primary == "w" || primary == "Ww")
        return Value::number(isNumberInWords(text) ? fromWords(text) : std::nan(""));
    if (!isDecimalPrimary(primary))
        throw fail("D3130");
    DecimalPattern pattern;
    if (!parseDecimalPattern(primary, pattern))
        throw fail("D3130");
    // As the reference: the picture's separators are dropped (only ',' for a regular grouping), digits of the
    // picture's family become ASCII, and the rest is read like JavaScript's parseInt: leading space, a sign,
    // digits up to the first non-digit, NaN when there are none.
    std::u32string chars = Utf8::decode(text);
    if (p.ordinal) // the last two characters are the ordinal suffix ("st", "nd", "rd", "th")
        chars.resize(chars.size() >= 2 ? chars.size() - 2 : 0);
    std::string digits;
    for (char32_t c : chars) {
        bool separator = false;
        for (const auto &[position, character] : pattern.separators)
            separator = separator || (pattern.regular ? c == U',' : c == character);
        if (separator)
            continue;
        if (pattern.zero != U'0' && c >= pattern.zero && c <= pattern.zero + 9)
            c = U'0' + (c - pattern.zero);
        Utf8::append(digits, c);
    }
    return Value::number(parseIntLikeJavaScript(digits));
}

} // namespace patchbay::jsonata
