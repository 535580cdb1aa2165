#include "JsNumber.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace patchbay::jsonata {

std::string JsNumber::toString(double d)
{
    std::string out;
    append(out, d);
    return out;
}

void JsNumber::append(std::string &out, double d)
{
    if (std::isnan(d)) {
        out += "NaN";
        return;
    }
    if (std::isinf(d)) {
        out += d < 0 ? "-Infinity" : "Infinity";
        return;
    }
    if (d == 0) {
        out += '0';
        return;
    }
    if (std::fabs(d) < 1e15 && d == std::trunc(d)) {
        char buf[32];
        auto res = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
        out.append(buf, res.ptr);
        return;
    }
    // Shortest round-trip digits in scientific form, then laid out by the ECMAScript Number::toString rules.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string_view sci(buf, std::size_t(res.ptr - buf));
    bool negative = false;
    if (sci.front() == '-') {
        negative = true;
        sci.remove_prefix(1);
    }
    std::size_t ePos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, ePos)) {
        if (c != '.')
            digits += c;
    }
    int exponent = std::atoi(std::string(sci.substr(ePos + 1)).c_str());
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    const int k = int(digits.size());
    const int n = exponent + 1;
    if (negative)
        out += '-';
    if (k <= n && n <= 21) {
        out += digits;
        out.append(std::size_t(n - k), '0');
    } else if (0 < n && n <= 21) {
        out.append(digits, 0, std::size_t(n));
        out += '.';
        out.append(digits, std::size_t(n), std::string::npos);
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(std::size_t(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += 'e';
        out += (n - 1) >= 0 ? '+' : '-';
        out += std::to_string(std::abs(n - 1));
    }
}

double JsNumber::roundTo15(double d)
{
    if (!std::isfinite(d) || d == 0)
        return d;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.14e", d);
    return std::strtod(buf, nullptr);
}

std::string JsNumber::toRadix(double d, int radix)
{
    // Number.prototype.toString(radix) for integral values: base 10 is the ordinary number text ("1e+300"); other
    // bases spell the value out in full, with the digits below the double's precision written as zeros.
    if (radix == 10 || !std::isfinite(d))
        return toString(d);
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    constexpr double kExactLimit = 9007199254740992.0; // 2^53: integers below it are exact doubles
    double v = std::fabs(std::trunc(d));
    std::string reversed;
    while (v / radix >= kExactLimit) {
        v /= radix;
        reversed += '0';
    }
    v = std::trunc(v);
    do {
        const double r = std::fmod(v, radix);
        reversed += digits[int(r)];
        v = (v - r) / radix;
    } while (v >= 1);
    if (d < 0 && !(reversed.size() == 1 && reversed[0] == '0'))
        reversed += '-';
    return std::string(reversed.rbegin(), reversed.rend());
}

namespace {
double shiftDecimal(double value, int places)
{
    std::string text = JsNumber::toString(value);
    std::size_t e = text.find('e');
    int exponent = places;
    std::string mantissa = text;
    if (e != std::string::npos) {
        mantissa = text.substr(0, e);
        exponent += std::atoi(text.c_str() + e + 1);
    }
    mantissa += 'e';
    mantissa += std::to_string(exponent);
    return std::strtod(mantissa.c_str(), nullptr);
}
} // namespace

double JsNumber::roundHalfEven(double value, int precision)
{
    if (!std::isfinite(value))
        return value;
    if (precision != 0)
        value = shiftDecimal(value, precision);
    double result = std::floor(value + 0.5); // Math.round: halves go towards +infinity
    if (std::fabs(result - value) == 0.5 && std::fabs(std::fmod(result, 2)) == 1)
        result -= 1;
    if (precision != 0)
        result = shiftDecimal(result, -precision);
    if (result == 0)
        result = 0; // never negative zero
    return result;
}

bool JsNumber::isInteger(double d)
{
    return std::isfinite(d) && d == std::trunc(d);
}

} // namespace patchbay::jsonata
