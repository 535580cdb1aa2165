#include "NumberFormatter.h"

#include "Error.h"
#include "ErrorText.h"
#include "JsNumber.h"
#include "Utf8.h"
#include "Value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

namespace patchbay::jsonata {

namespace {

Error fail(const char *code)
{
    return Error{code, 0, ErrorText::message(code), {}};
}

struct Symbols
{
    std::u32string decimal = U".";
    std::u32string grouping = U",";
    std::u32string exponent = U"e";
    std::u32string minus = U"-";
    std::u32string percent = U"%";
    std::u32string perMille = U"\u2030";
    std::u32string infinity = U"Infinity";
    std::u32string nan = U"NaN";
    std::u32string patternSeparator = U";";
    char32_t zero = U'0';
    char32_t digit = U'#';
};

// The analysed form of one sub-picture (XPath fn:format-number terminology).
struct SubPicture
{
    std::u32string picture;
    std::u32string prefix;
    std::u32string suffix;
    std::u32string integerPart;
    std::u32string fractionalPart;
    bool hasExponent = false;
    std::u32string exponentPart;
    std::vector<int> integerGroups;
    std::vector<int> fractionalGroups;
    int regularGroup = 0;
    int minInteger = 0;
    int scalingFactor = 0;
    int minFraction = 0;
    int maxFraction = 0;
    int minExponent = 0;
};

bool contains(const std::u32string &s, const std::u32string &part)
{
    return !part.empty() && s.find(part) != std::u32string::npos;
}

class Analyzer
{
public:
    explicit Analyzer(const Symbols &sym) : m_sym(sym) {}

    bool isDigit(char32_t c) const { return c >= m_sym.zero && c <= m_sym.zero + 9; }
    bool isSingle(char32_t c, const std::u32string &symbol) const { return symbol.size() == 1 && symbol[0] == c; }
    // Characters that shape the number; percent and per-mille are passive here and land in prefix or suffix.
    bool isActive(char32_t c) const
    {
        return isDigit(c) || c == m_sym.digit || isSingle(c, m_sym.decimal) || isSingle(c, m_sym.grouping) ||
               isSingle(c, m_sym.exponent) || isSingle(c, m_sym.patternSeparator);
    }
    bool isMantissaChar(char32_t c) const
    {
        return isDigit(c) || c == m_sym.digit || isSingle(c, m_sym.decimal) || isSingle(c, m_sym.grouping);
    }
    int countDigits(const std::u32string &s, bool includeOptional) const
    {
        int n = 0;
        for (char32_t c : s)
            n += (isDigit(c) || (includeOptional && c == m_sym.digit)) ? 1 : 0;
        return n;
    }

    SubPicture analyse(const std::u32string &pic) const
    {
        SubPicture p;
        p.picture = pic;
        std::size_t first = std::u32string::npos;
        std::size_t last = std::u32string::npos;
        for (std::size_t i = 0; i < pic.size(); ++i) {
            if (isMantissaChar(pic[i])) {
                if (first == std::u32string::npos)
                    first = i;
                last = i;
            }
        }
        // An empty sub-picture has no mantissa at all (D3085); other text without one has only passive characters.
        if (first == std::u32string::npos)
            throw fail(pic.empty() ? "D3085" : "D3086");
        // The exponent part runs from an exponent separator following the mantissa through its digits.
        std::size_t activeEnd = last + 1;
        std::size_t expPos = std::u32string::npos;
        if (m_sym.exponent.size() == 1) {
            std::size_t e = pic.find(m_sym.exponent[0], first);
            if (e != std::u32string::npos && e > first) {
                expPos = e;
                std::size_t k = e + 1;
                while (k < pic.size() && isActive(pic[k]))
                    ++k;
                activeEnd = std::max(activeEnd, k);
                if (e >= activeEnd)
                    expPos = std::u32string::npos;
            }
        }
        p.prefix = pic.substr(0, first);
        p.suffix = pic.substr(activeEnd);
        std::u32string active = pic.substr(first, activeEnd - first);
        std::u32string mantissa = active;
        if (expPos != std::u32string::npos) {
            p.hasExponent = true;
            mantissa = active.substr(0, expPos - first);
            p.exponentPart = active.substr(expPos - first + 1);
        }
        std::size_t dec = m_sym.decimal.size() == 1 ? mantissa.find(m_sym.decimal[0]) : std::u32string::npos;
        if (dec == std::u32string::npos) {
            p.integerPart = mantissa;
        } else {
            p.integerPart = mantissa.substr(0, dec);
            p.fractionalPart = mantissa.substr(dec + 1);
        }
        validate(p, active, mantissa);

        const char32_t sep = m_sym.grouping.size() == 1 ? m_sym.grouping[0] : 0;
        for (std::size_t i = 0; i < p.integerPart.size(); ++i) {
            if (p.integerPart[i] == sep)
                p.integerGroups.push_back(countDigits(p.integerPart.substr(i), true));
        }
        for (std::size_t i = 0; i < p.fractionalPart.size(); ++i) {
            if (p.fractionalPart[i] == sep)
                p.fractionalGroups.push_back(countDigits(p.fractionalPart.substr(0, i), true));
        }
        if (!p.integerGroups.empty()) {
            int factor = 0;
            for (int g : p.integerGroups)
                factor = std::gcd(factor, g);
            bool regular = factor > 0;
            for (std::size_t k = 1; regular && k <= p.integerGroups.size(); ++k) {
                if (std::find(p.integerGroups.begin(), p.integerGroups.end(), int(k) * factor) == p.integerGroups.end())
                    regular = false;
            }
            p.regularGroup = regular ? factor : 0;
        }
        p.minInteger = countDigits(p.integerPart, false);
        p.scalingFactor = p.minInteger;
        p.minFraction = countDigits(p.fractionalPart, false);
        p.maxFraction = countDigits(p.fractionalPart, true);
        if (p.minInteger == 0 && p.maxFraction == 0) {
            if (p.hasExponent) {
                p.minFraction = 1;
                p.maxFraction = 1;
            } else {
                p.minInteger = 1;
            }
        }
        if (p.hasExponent && p.minInteger == 0 && p.integerPart.find(m_sym.digit) != std::u32string::npos)
            p.minInteger = 1;
        if (p.minInteger == 0 && p.minFraction == 0)
            p.minFraction = 1;
        if (p.hasExponent)
            p.minExponent = countDigits(p.exponentPart, false);
        return p;
    }

private:
    void validate(const SubPicture &p, const std::u32string &active, const std::u32string &mantissa) const
    {
        // Every applicable rule is checked and the last one reported, matching the reference's precedence.
        const char *error = nullptr;
        const std::u32string &pic = p.picture;
        auto countOf = [&pic](const std::u32string &symbol) {
            if (symbol.empty())
                return 0;
            int n = 0;
            for (std::size_t at = pic.find(symbol); at != std::u32string::npos; at = pic.find(symbol, at + 1))
                ++n;
            return n;
        };
        if (countOf(m_sym.decimal) > 1)
            error = "D3081";
        if (countOf(m_sym.percent) > 1)
            error = "D3082";
        if (countOf(m_sym.perMille) > 1)
            error = "D3083";
        if (countOf(m_sym.percent) > 0 && countOf(m_sym.perMille) > 0)
            error = "D3084";
        if (countDigits(mantissa, true) == 0)
            error = "D3085";
        for (char32_t c : active) {
            if (!isActive(c))
                error = "D3086";
        }
        const char32_t sep = m_sym.grouping.size() == 1 ? m_sym.grouping[0] : 0;
        std::size_t dec = m_sym.decimal.size() == 1 ? pic.find(m_sym.decimal[0]) : std::u32string::npos;
        if (dec != std::u32string::npos) {
            if ((dec > 0 && pic[dec - 1] == sep) || (dec + 1 < pic.size() && pic[dec + 1] == sep))
                error = "D3087";
        } else if (!p.integerPart.empty() && p.integerPart.back() == sep) {
            error = "D3088";
        }
        if (sep && pic.find(std::u32string{sep, sep}) != std::u32string::npos)
            error = "D3089";
        std::size_t optional = p.integerPart.find(m_sym.digit);
        if (optional != std::u32string::npos && countDigits(p.integerPart.substr(0, optional), false) > 0)
            error = "D3090";
        optional = p.fractionalPart.rfind(m_sym.digit);
        if (optional != std::u32string::npos && countDigits(p.fractionalPart.substr(optional), false) > 0)
            error = "D3091";
        if (p.hasExponent && !p.exponentPart.empty() && (countOf(m_sym.percent) > 0 || countOf(m_sym.perMille) > 0))
            error = "D3092";
        if (p.hasExponent) {
            bool bad = p.exponentPart.empty();
            for (char32_t c : p.exponentPart) {
                if (!isDigit(c))
                    bad = true;
            }
            if (bad)
                error = "D3093";
        }
        if (error)
            throw fail(error);
    }

    const Symbols &m_sym;
};

std::u32string symbolOption(const Value &options, const char *name, const std::u32string &fallback)
{
    if (!options.isObject())
        return fallback;
    const Value *v = options.asObject().find(name);
    if (!v || !v->isString())
        return fallback;
    return Utf8::decode(v->asString());
}

} // namespace

std::string NumberFormatter::format(double value, const std::string &picture, const Value &options)
{
    Symbols sym;
    sym.decimal = symbolOption(options, "decimal-separator", sym.decimal);
    sym.grouping = symbolOption(options, "grouping-separator", sym.grouping);
    sym.exponent = symbolOption(options, "exponent-separator", sym.exponent);
    sym.minus = symbolOption(options, "minus-sign", sym.minus);
    sym.percent = symbolOption(options, "percent", sym.percent);
    sym.perMille = symbolOption(options, "per-mille", sym.perMille);
    sym.infinity = symbolOption(options, "infinity", sym.infinity);
    sym.nan = symbolOption(options, "NaN", sym.nan);
    sym.patternSeparator = symbolOption(options, "pattern-separator", sym.patternSeparator);
    std::u32string zero = symbolOption(options, "zero-digit", U"0");
    sym.zero = zero.empty() ? U'0' : zero[0];
    std::u32string digit = symbolOption(options, "digit", U"#");
    sym.digit = digit.empty() ? U'#' : digit[0];

    const std::u32string pic = Utf8::decode(picture);
    std::vector<std::u32string> subPictures;
    std::size_t sepPos = sym.patternSeparator.empty() ? std::u32string::npos : pic.find(sym.patternSeparator);
    if (sepPos == std::u32string::npos) {
        subPictures.push_back(pic);
    } else {
        subPictures.push_back(pic.substr(0, sepPos));
        std::u32string rest = pic.substr(sepPos + sym.patternSeparator.size());
        if (rest.find(sym.patternSeparator) != std::u32string::npos)
            throw fail("D3080");
        subPictures.push_back(rest);
    }
    Analyzer analyzer(sym);
    std::vector<SubPicture> parts;
    for (const std::u32string &sp : subPictures)
        parts.push_back(analyzer.analyse(sp));

    if (std::isnan(value))
        return Utf8::encode(sym.nan);
    const SubPicture &p = (value >= 0 || parts.size() == 1) ? parts[0] : parts[1];
    double adjusted = std::fabs(value);
    if (contains(p.picture, sym.percent))
        adjusted *= 100;
    else if (contains(p.picture, sym.perMille))
        adjusted *= 1000;
    std::u32string out;
    if (std::isinf(adjusted)) {
        out = p.prefix + sym.infinity + p.suffix;
    } else {
        double mantissa = adjusted;
        int exponent = 0;
        if (p.hasExponent && mantissa != 0) {
            const double maxMantissa = std::pow(10.0, p.scalingFactor);
            const double minMantissa = std::pow(10.0, p.scalingFactor - 1);
            while (mantissa < minMantissa) {
                mantissa *= 10;
                --exponent;
            }
            while (mantissa > maxMantissa) {
                mantissa /= 10;
                ++exponent;
            }
        }
        double rounded = JsNumber::roundHalfEven(mantissa, p.maxFraction);
        std::vector<char> buf(400);
        std::snprintf(buf.data(), buf.size(), "%.*f", p.maxFraction, rounded);
        std::string fixed(buf.data());
        std::size_t dot = fixed.find('.');
        std::string intDigits = dot == std::string::npos ? fixed : fixed.substr(0, dot);
        std::string fracDigits = dot == std::string::npos ? std::string() : fixed.substr(dot + 1);
        while (!intDigits.empty() && intDigits[0] == '0')
            intDigits.erase(0, 1);
        while (!fracDigits.empty() && fracDigits.back() == '0')
            fracDigits.pop_back();
        while (int(intDigits.size()) < p.minInteger)
            intDigits.insert(intDigits.begin(), '0');
        while (int(fracDigits.size()) < p.minFraction)
            fracDigits.push_back('0');
        auto toFamily = [&sym](const std::string &digits) {
            std::u32string s;
            for (char c : digits)
                s += sym.zero + char32_t(c - '0');
            return s;
        };
        std::u32string integer = toFamily(intDigits);
        if (p.regularGroup > 0) {
            std::u32string grouped;
            int count = 0;
            for (auto it = integer.rbegin(); it != integer.rend(); ++it) {
                if (count > 0 && count % p.regularGroup == 0)
                    grouped.insert(0, sym.grouping);
                grouped.insert(grouped.begin(), *it);
                ++count;
            }
            integer = grouped;
        } else {
            // Irregular positions count characters back from the decimal point, separators included.
            for (int pos : p.integerGroups) {
                if (std::size_t(pos) < integer.size())
                    integer.insert(integer.size() - std::size_t(pos), sym.grouping);
            }
        }
        std::u32string fraction = toFamily(fracDigits);
        for (auto it = p.fractionalGroups.rbegin(); it != p.fractionalGroups.rend(); ++it) {
            if (std::size_t(*it) < fraction.size())
                fraction.insert(std::size_t(*it), sym.grouping);
        }
        out = integer;
        if (!fraction.empty())
            out += sym.decimal + fraction;
        if (p.hasExponent) {
            std::string e = std::to_string(std::abs(exponent));
            while (int(e.size()) < p.minExponent)
                e.insert(e.begin(), '0');
            out += sym.exponent;
            if (exponent < 0)
                out += sym.minus;
            out += toFamily(e);
        }
        out = p.prefix + out + p.suffix;
    }
    if (value < 0 && parts.size() == 1)
        out = sym.minus + out;
    return Utf8::encode(out);
}

} // namespace patchbay::jsonata
