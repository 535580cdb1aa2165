#include "Error.h"
#include "ErrorText.h"
#include "Evaluator.h"
#include "FunctionLibrary.h"
#include "IntegerFormatter.h"
#include "JsNumber.h"
#include "NumberFormatter.h"
#include "Sequence.h"

#include <cmath>
#include <cstdlib>
#include <random>

namespace patchbay::jsonata {

namespace {

Error fail(const char *code)
{
    return Error{code, 0, ErrorText::message(code), {}};
}

bool parseJsonNumber(const std::string &s, double &out)
{
    // The JSON number grammar, plus the 0x/0o/0b prefixes JavaScript's Number() accepts.
    std::size_t i = 0;
    const std::size_t n = s.size();
    if (n > 2 && s[0] == '0' &&
        (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
        int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
        double v = 0;
        for (std::size_t k = 2; k < n; ++k) {
            int d;
            char c = s[k];
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return false;
            if (d >= base)
                return false;
            v = v * base + d;
        }
        out = v;
        return true;
    }
    if (i < n && s[i] == '-')
        ++i;
    if (i >= n)
        return false;
    if (s[i] >= '0' && s[i] <= '9') {
        while (i < n && std::isdigit(static_cast<unsigned char>(s[i])))
            ++i;
    } else {
        return false;
    }
    if (i < n && s[i] == '.') {
        ++i;
        std::size_t d = i;
        while (i < n && std::isdigit(static_cast<unsigned char>(s[i])))
            ++i;
        if (i == d)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            ++i;
        std::size_t d = i;
        while (i < n && std::isdigit(static_cast<unsigned char>(s[i])))
            ++i;
        if (i == d)
            return false;
    }
    if (i != n)
        return false;
    out = std::strtod(s.c_str(), nullptr);
    return std::isfinite(out);
}

Value fnNumber(CallContext &, std::vector<Value> &args)
{
    const Value &arg = args[0];
    switch (arg.type()) {
    case Value::Type::Undefined:
        return {};
    case Value::Type::Number:
        return arg;
    case Value::Type::Boolean:
        return Value::number(arg.asBool() ? 1 : 0);
    case Value::Type::String: {
        double d;
        if (parseJsonNumber(arg.asString(), d))
            return Value::number(d);
        break;
    }
    default:
        break;
    }
    throw fail("D3030");
}

Value fnAbs(CallContext &, std::vector<Value> &args)
{
    return args[0].isUndefined() ? Value() : Value::number(std::fabs(args[0].asNumber()));
}

Value fnFloor(CallContext &, std::vector<Value> &args)
{
    return args[0].isUndefined() ? Value() : Value::number(std::floor(args[0].asNumber()));
}

Value fnCeil(CallContext &, std::vector<Value> &args)
{
    return args[0].isUndefined() ? Value() : Value::number(std::ceil(args[0].asNumber()));
}

Value fnRound(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    int precision = args.size() > 1 && args[1].isNumber() ? int(args[1].asNumber()) : 0;
    return Value::number(JsNumber::roundHalfEven(args[0].asNumber(), precision));
}

Value fnPower(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    // An undefined exponent makes the result NaN in the reference, which is not a JSON number.
    if (args[1].isUndefined())
        throw fail("D3061");
    double r = std::pow(args[0].asNumber(), args[1].asNumber());
    if (!std::isfinite(r))
        throw fail("D3061");
    return Value::number(r);
}

Value fnSqrt(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (args[0].asNumber() < 0)
        throw fail("D3060");
    return Value::number(std::sqrt(args[0].asNumber()));
}

Value fnRandom(CallContext &, std::vector<Value> &)
{
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return Value::number(std::uniform_real_distribution<double>(0.0, 1.0)(engine));
}

Value fnSum(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    double total = 0;
    for (const Value &v : args[0].asArray().m_items)
        total += v.asNumber();
    return Value::number(total);
}

Value fnMax(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined() || args[0].asArray().empty())
        return {};
    double m = -INFINITY;
    for (const Value &v : args[0].asArray().m_items)
        m = std::max(m, v.asNumber());
    return Value::number(m);
}

Value fnMin(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined() || args[0].asArray().empty())
        return {};
    double m = INFINITY;
    for (const Value &v : args[0].asArray().m_items)
        m = std::min(m, v.asNumber());
    return Value::number(m);
}

Value fnAverage(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined() || args[0].asArray().empty())
        return {};
    double total = 0;
    for (const Value &v : args[0].asArray().m_items)
        total += v.asNumber();
    return Value::number(total / double(args[0].asArray().size()));
}

Value fnCount(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return Value::number(0);
    return Value::number(double(args[0].asArray().size()));
}

Value fnFormatBase(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    double value = args[0].asNumber();
    int radix = 10;
    if (args.size() > 1 && args[1].isNumber())
        radix = int(args[1].asNumber());
    if (radix < 2 || radix > 36)
        throw fail("D3100");
    if (std::isnan(value))
        return Value::string("NaN");
    value = JsNumber::roundHalfEven(value, 0);
    return Value::string(JsNumber::toRadix(value, radix));
}

Value fnFormatNumber(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    Value options = args.size() > 2 ? args[2] : Value();
    const std::string picture = args[1].isString() ? args[1].asString() : std::string();
    return Value::string(NumberFormatter::format(args[0].asNumber(), picture, options));
}

Value fnFormatInteger(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const std::string picture = args[1].isString() ? args[1].asString() : std::string();
    return Value::string(IntegerFormatter::format(args[0].asNumber(), picture));
}

Value fnParseInteger(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const std::string picture = args[1].isString() ? args[1].asString() : std::string();
    return IntegerFormatter::parse(args[0].asString(), picture);
}

} // namespace

void NumericFunctions::registerAll(std::vector<BuiltinDef> &defs)
{
    defs.push_back({"number", "<(nsb)-:n>", fnNumber, nullptr});
    defs.push_back({"abs", "<n-:n>", fnAbs, nullptr});
    defs.push_back({"floor", "<n-:n>", fnFloor, nullptr});
    defs.push_back({"ceil", "<n-:n>", fnCeil, nullptr});
    defs.push_back({"round", "<n-n?:n>", fnRound, nullptr});
    defs.push_back({"power", "<n-n:n>", fnPower, nullptr});
    defs.push_back({"sqrt", "<n-:n>", fnSqrt, nullptr});
    defs.push_back({"random", "<:n>", fnRandom, nullptr});
    defs.push_back({"sum", "<a<n>:n>", fnSum, nullptr});
    defs.push_back({"max", "<a<n>:n>", fnMax, nullptr});
    defs.push_back({"min", "<a<n>:n>", fnMin, nullptr});
    defs.push_back({"average", "<a<n>:n>", fnAverage, nullptr});
    defs.push_back({"count", "<a:n>", fnCount, nullptr});
    defs.push_back({"formatBase", "<n-n?:s>", fnFormatBase, nullptr});
    defs.push_back({"formatNumber", "<n-so?:s>", fnFormatNumber, nullptr});
    defs.push_back({"formatInteger", "<n-s:s>", fnFormatInteger, nullptr});
    defs.push_back({"parseInteger", "<s-s:n>", fnParseInteger, nullptr});
}

} // namespace patchbay::jsonata
