#include "Error.h"
#include "ErrorText.h"
#include "EvaluationBudget.h"
#include "Evaluator.h"
#include "FunctionLibrary.h"
#include "JsNumber.h"
#include "Sequence.h"
#include "Utf8.h"

#include <QByteArray>
#include <QRegularExpression>
#include <QString>

#include <cmath>
#include <cstring>

namespace patchbay::jsonata {

namespace {

Error fail(const char *code)
{
    return Error{code, 0, ErrorText::message(code), {}};
}

// One regex match in JavaScript terms: offsets in UTF-16 units, like String.prototype.match reports them.
struct Hit
{
    qsizetype start = 0;
    qsizetype end = 0;
    QString match;
    QStringList groups;
};

Value hitToObject(const Hit &hit, bool withIndex)
{
    Value obj = Value::emptyObject(3);
    Object &o = obj.mutableObject();
    o.set("match", Value::string(hit.match.toStdString()));
    if (withIndex) {
        o.set("index", Value::number(double(hit.start)));
    } else {
        o.set("start", Value::number(double(hit.start)));
        o.set("end", Value::number(double(hit.end)));
    }
    Value groups = Value::newArray(std::size_t(hit.groups.size()));
    // A group that took no part in the match is undefined (null in JSON), as in the reference.
    for (const QString &g : hit.groups)
        groups.mutableArray().push(g.isNull() ? Value() : Value::string(g.toStdString()));
    o.set("groups", groups);
    return obj;
}

// Walks matches as the reference's matcher closure does: the first search starts at 0, later ones where the
// previous match ended; a later zero-length match is an error (D1004) rather than an endless loop.
// A pattern may also be a user function returning {match, start, end, groups, next}.
template <typename Callback>
void forEachMatch(CallContext &ctx, const Value &pattern, const QString &subject, Callback callback)
{
    if (!pattern.isFunction())
        return;
    const Function &fn = pattern.asFunction();
    if (fn.kind() != Function::Kind::Regex) {
        Value result = ctx.evaluator.applyHof(pattern, {Value::string(subject.toStdString())});
        while (result.isObject()) {
            const Object &o = result.asObject();
            const Value *match = o.find("match");
            const Value *start = o.find("start");
            const Value *end = o.find("end");
            const Value *groups = o.find("groups");
            const Value *next = o.find("next");
            if (!match || !start || !end || !match->isString() || !start->isNumber() || !end->isNumber())
                throw fail("T1010");
            Hit hit;
            hit.match = QString::fromStdString(match->asString());
            hit.start = qsizetype(start->asNumber());
            hit.end = qsizetype(end->asNumber());
            if (groups && groups->isArray()) {
                for (const Value &g : groups->asArray().m_items)
                    hit.groups << (g.isString() ? QString::fromStdString(g.asString()) : QString());
            }
            if (!callback(hit))
                return;
            ctx.evaluator.budget().spend(1);
            if (!next || !next->isFunction())
                return;
            result = ctx.evaluator.applyHof(*next, {});
        }
        if (result.isDefined())
            throw fail("T1010");
        return;
    }
    const QRegularExpression &re = *fn.m_regex;
    qsizetype from = 0;
    bool first = true;
    while (true) {
        if (!first && from >= subject.size())
            return;
        ctx.evaluator.budget().spend(1 + std::size_t(subject.size() - from) / 64);
        QRegularExpressionMatch m = re.match(subject, from);
        if (!m.isValid())
            throw FunctionLibrary::regexLimitError(re);
        if (!m.hasMatch())
            return;
        Hit hit;
        hit.start = m.capturedStart(0);
        hit.end = m.capturedEnd(0);
        hit.match = m.captured(0);
        if (!first && hit.match.isEmpty())
            throw fail("D1004");
        for (int i = 1; i <= re.captureCount(); ++i)
            hit.groups << m.captured(i);
        if (!callback(hit))
            return;
        from = hit.end;
        first = false;
    }
}

Value fnString(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    bool pretty = args.size() > 1 && args[1].isBoolean() && args[1].asBool();
    return Value::string(FunctionLibrary::stringify(args[0], pretty));
}

Value fnLength(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    return Value::number(double(Utf8::length(args[0].asString())));
}

Value fnSubstring(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    // An undefined or NaN start is read as JavaScript reads it in the reference: the whole string without a
    // length, and nothing with one (the end is NaN). So is a NaN length.
    const bool withLength = args.size() > 2 && args[2].isDefined();
    if (args[1].isUndefined() || std::isnan(args[1].asNumber()))
        return withLength ? Value::string(std::string()) : args[0];
    if (withLength && std::isnan(args[2].asNumber()))
        return Value::string(std::string());
    std::u32string str = Utf8::decode(args[0].asString());
    const double len = double(str.size());
    double start = args[1].asNumber();
    auto slice = [&](double from, double to) {
        auto clamp = [len](double v) {
            if (std::isnan(v)) // from 0 % 0, say: JavaScript's substring reads it as 0
                return 0.0;
            if (v < 0)
                v = std::max(0.0, len + v);
            return std::min(v, len);
        };
        double a = clamp(std::trunc(from));
        double b = clamp(std::trunc(to));
        if (b <= a)
            return Value::string(std::string());
        return Value::string(Utf8::encode(std::u32string_view(str).substr(std::size_t(a), std::size_t(b - a))));
    };
    if (len + start < 0)
        start = 0;
    if (args.size() > 2 && args[2].isDefined()) {
        double length = args[2].asNumber();
        if (length <= 0)
            return Value::string(std::string());
        double end = start >= 0 ? start + length : len + start + length;
        return slice(start, end);
    }
    return slice(start, len);
}

Value fnSubstringBefore(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (args[1].isUndefined())
        return args[0];
    const std::string &s = args[0].asString();
    std::size_t pos = s.find(args[1].asString());
    return pos == std::string::npos ? args[0] : Value::string(s.substr(0, pos));
}

Value fnSubstringAfter(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (args[1].isUndefined())
        return args[0];
    const std::string &s = args[0].asString();
    std::size_t pos = s.find(args[1].asString());
    return pos == std::string::npos ? args[0] : Value::string(s.substr(pos + args[1].asString().size()));
}

Value fnUppercase(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const std::string &s = args[0].asString();
    if (Utf8::isAscii(s)) {
        std::string out = s;
        for (char &c : out) {
            if (c >= 'a' && c <= 'z')
                c = char(c - 32);
        }
        return Value::string(std::move(out));
    }
    return Value::string(QString::fromStdString(s).toUpper().toStdString());
}

Value fnLowercase(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const std::string &s = args[0].asString();
    if (Utf8::isAscii(s)) {
        std::string out = s;
        for (char &c : out) {
            if (c >= 'A' && c <= 'Z')
                c = char(c + 32);
        }
        return Value::string(std::move(out));
    }
    return Value::string(QString::fromStdString(s).toLower().toStdString());
}

Value fnTrim(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const std::string &s = args[0].asString();
    std::string out;
    bool pendingSpace = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            pendingSpace = true;
            continue;
        }
        if (pendingSpace && !out.empty())
            out += ' ';
        pendingSpace = false;
        out += c;
    }
    return Value::string(std::move(out));
}

Value fnPad(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    std::u32string str = Utf8::decode(args[0].asString());
    double width = std::trunc(args[1].asNumber());
    std::u32string padChar = U" ";
    if (args.size() > 2 && args[2].isString() && !args[2].asString().empty())
        padChar = Utf8::decode(args[2].asString());
    double padLength = std::fabs(width) - double(str.size());
    if (!(padLength > 0)) // also a width that is not a number (0 % 0)
        return args[0];
    if (padLength > 1e7)
        throw Error{"U1002", 0, "Evaluation stopped: padding of more than 10 million characters", {}};
    ctx.evaluator.budget().reserve(std::size_t(padLength) * sizeof(char32_t));
    std::u32string padding;
    while (double(padding.size()) < padLength)
        padding += padChar;
    padding.resize(std::size_t(padLength));
    return Value::string(Utf8::encode(width > 0 ? str + padding : padding + str));
}

Value fnContains(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined() || args[1].isUndefined())
        return {};
    if (args[1].isString())
        return Value::boolean(args[0].asString().find(args[1].asString()) != std::string::npos);
    bool found = false;
    forEachMatch(ctx, args[1], QString::fromStdString(args[0].asString()), [&found](const Hit &) {
        found = true;
        return false;
    });
    return Value::boolean(found);
}

Value fnSplit(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    double limit = -1;
    if (args.size() > 2 && args[2].isDefined()) {
        limit = args[2].asNumber();
        if (limit < 0)
            throw fail("D3020");
        // A string separator takes the whole part of the limit (as String.split does in the reference); a
        // regular expression compares the count of parts with the limit as given, so 2.5 allows three.
        if (args[1].isString())
            limit = std::floor(limit);
    }
    Value result = Value::newArray();
    Array &out = result.mutableArray();
    EvaluationBudget &budget = ctx.evaluator.budget();
    // Each piece is a value of its own, larger than the text it holds: charged as it is made.
    auto add = [&](std::string piece) {
        Value v = Value::string(std::move(piece));
        budget.spend(1);
        budget.charge(v);
        out.push(std::move(v));
    };
    auto room = [&]() { return limit < 0 || double(out.size()) < limit; };
    const std::string &str = args[0].asString();
    if (args[1].isString()) {
        const std::string &sep = args[1].asString();
        if (sep.empty()) {
            for (char32_t cp : Utf8::decode(str)) {
                if (!room())
                    break;
                std::string one;
                Utf8::append(one, cp);
                add(std::move(one));
            }
            return result;
        }
        std::size_t start = 0;
        while (room()) {
            std::size_t pos = str.find(sep, start);
            if (pos == std::string::npos) {
                add(str.substr(start));
                break;
            }
            add(str.substr(start, pos - start));
            start = pos + sep.size();
        }
        return result;
    }
    const QString subject = QString::fromStdString(str);
    qsizetype start = 0;
    int count = 0;
    forEachMatch(ctx, args[1], subject, [&](const Hit &hit) {
        if (!room())
            return false;
        add(subject.mid(start, hit.start - start).toStdString());
        start = hit.end;
        ++count;
        return true;
    });
    if (room())
        add(subject.mid(start).toStdString());
    return result;
}

Value fnJoin(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    std::string sep = args.size() > 1 && args[1].isString() ? args[1].asString() : std::string();
    const std::vector<Value> &items = args[0].asArray().m_items;
    std::size_t total = 0;
    for (const Value &item : items)
        total += item.asString().size() + sep.size();
    ctx.evaluator.budget().spend(items.size());
    ctx.evaluator.budget().reserve(total);
    std::string out;
    out.reserve(total);
    bool first = true;
    for (const Value &item : args[0].asArray().m_items) {
        if (!first)
            out += sep;
        first = false;
        out += item.asString();
    }
    return Value::string(std::move(out));
}

Value fnMatch(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    double limit = -1;
    if (args.size() > 2 && args[2].isDefined()) {
        limit = args[2].asNumber();
        if (limit < 0)
            throw fail("D3040");
    }
    Value result = Sequence::create();
    if (limit == 0)
        return result;
    // The limit is checked when the next match has been found, so an invalid next match (D1004) is reported
    // even past the limit, as the reference does.
    forEachMatch(ctx, args[1], QString::fromStdString(args[0].asString()), [&](const Hit &hit) {
        if (limit >= 0 && double(result.asArray().size()) >= limit)
            return false;
        Value match = hitToObject(hit, true);
        ctx.evaluator.budget().charge(match);
        result.mutableArray().push(std::move(match));
        return true;
    });
    return result;
}

std::string substituteGroups(const QString &replacement, const Hit &hit)
{
    QString out;
    qsizetype position = 0;
    qsizetype index = replacement.indexOf(u'$', position);
    while (index != -1 && position < replacement.size()) {
        out += replacement.mid(position, index - position);
        position = index + 1;
        QChar dollarVal = position < replacement.size() ? replacement[position] : QChar();
        if (dollarVal == u'$') {
            out += u'$';
            ++position;
        } else if (dollarVal == u'0') {
            out += hit.match;
            ++position;
        } else {
            qsizetype groupCount = hit.groups.size();
            int maxDigits = groupCount == 0 ? 1 : int(std::floor(std::log10(double(groupCount)))) + 1;
            auto parseDigits = [&](int digits) {
                int value = 0;
                int used = 0;
                for (int k = 0; k < digits && position + k < replacement.size(); ++k) {
                    QChar c = replacement[position + k];
                    if (!c.isDigit())
                        break;
                    value = value * 10 + c.digitValue();
                    ++used;
                }
                return used == 0 ? -1 : value;
            };
            int group = parseDigits(maxDigits);
            if (maxDigits > 1 && group > groupCount)
                group = parseDigits(maxDigits - 1);
            if (group >= 0) {
                if (groupCount > 0 && group >= 1 && group <= groupCount)
                    out += hit.groups[group - 1];
                position += qsizetype(std::to_string(group).size());
            } else {
                out += u'$';
            }
        }
        index = replacement.indexOf(u'$', position);
    }
    out += replacement.mid(position);
    return out.toStdString();
}

Value fnReplace(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (args[1].isString() && args[1].asString().empty())
        throw fail("D3010");
    double limit = -1;
    if (args.size() > 3 && args[3].isDefined()) {
        limit = args[3].asNumber();
        if (limit < 0)
            throw fail("D3011");
    }
    const Value &replacement = args[2];
    if (limit == 0)
        return args[0];
    if (args[1].isString()) {
        const std::string &str = args[0].asString();
        const std::string &pattern = args[1].asString();
        std::string repl = replacement.isString() ? replacement.asString() : std::string();
        std::string out;
        std::size_t position = 0;
        int count = 0;
        EvaluationBudget &budget = ctx.evaluator.budget();
        std::size_t index = str.find(pattern, position);
        while (index != std::string::npos && (limit < 0 || count < limit)) {
            budget.spend(1);
            budget.reserve(out.size() + repl.size());
            out.append(str, position, index - position);
            out += repl;
            position = index + pattern.size();
            ++count;
            index = str.find(pattern, position);
        }
        out.append(str, position, std::string::npos);
        return Value::string(std::move(out));
    }
    const QString subject = QString::fromStdString(args[0].asString());
    QString out;
    qsizetype position = 0;
    int count = 0;
    const QString replText = replacement.isString() ? QString::fromStdString(replacement.asString()) : QString();
    forEachMatch(ctx, args[1], subject, [&](const Hit &hit) {
        if (limit >= 0 && count >= limit)
            return false;
        out += subject.mid(position, hit.start - position);
        ctx.evaluator.budget().reserve(std::size_t(out.size()) * 2);
        if (replacement.isFunction()) {
            Value r = ctx.evaluator.applyHof(replacement, {hitToObject(hit, true)});
            if (!r.isString())
                throw fail("D3012");
            out += QString::fromStdString(r.asString());
        } else {
            out += QString::fromStdString(substituteGroups(replText, hit));
        }
        position = hit.start + hit.match.size();
        ++count;
        return true;
    });
    out += subject.mid(position);
    return Value::string(out.toStdString());
}

Value fnEval(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    Value input = args.size() > 1 && args[1].isDefined() ? args[1] : ctx.input;
    return ctx.evaluator.evaluateSource(args[0].asString(), input, ctx.env ? ctx.env : ctx.evaluator.rootFrame());
}

// The reference encodes with btoa/atob: each character is one byte (Latin-1). Text beyond Latin-1, which the
// reference rejects, is encoded as UTF-8 instead.
Value fnBase64Encode(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const std::string &s = args[0].asString();
    std::u32string chars = Utf8::decode(s);
    QByteArray bytes;
    bool latin1 = true;
    for (char32_t c : chars) {
        if (c > 0xFF) {
            latin1 = false;
            break;
        }
        bytes.append(char(c));
    }
    if (!latin1)
        bytes = QByteArray(s.data(), qsizetype(s.size()));
    return Value::string(bytes.toBase64().toStdString());
}

Value fnBase64Decode(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    // Decodes as Node's Buffer does for the reference: both the standard and the URL-safe alphabet, characters
    // outside them skipped, the first '=' ends the data, and bits short of a whole byte are dropped.
    std::string out;
    unsigned bits = 0;
    int bitCount = 0;
    for (char c : args[0].asString()) {
        int sextet;
        if (c >= 'A' && c <= 'Z')
            sextet = c - 'A';
        else if (c >= 'a' && c <= 'z')
            sextet = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            sextet = c - '0' + 52;
        else if (c == '+' || c == '-')
            sextet = 62;
        else if (c == '/' || c == '_')
            sextet = 63;
        else if (c == '=')
            break;
        else
            continue;
        bits = ((bits << 6) | unsigned(sextet)) & 0xFFFFu;
        bitCount += 6;
        if (bitCount >= 8) {
            bitCount -= 8;
            Utf8::append(out, char32_t((bits >> bitCount) & 0xFF));
        }
    }
    return Value::string(std::move(out));
}

Value encodeUri(const std::vector<Value> &args, const char *keep)
{
    if (args[0].isUndefined())
        return {};
    static const char hex[] = "0123456789ABCDEF";
    const std::string &s = args[0].asString();
    for (char32_t cp : Utf8::decode(s)) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            throw fail("D3140");
    }
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            (c < 0x80 && std::strchr(keep, c) && c != 0)) {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return Value::string(std::move(out));
}

Value decodeUri(const std::vector<Value> &args, const char *reserved, const char *name)
{
    if (args[0].isUndefined())
        return {};
    const std::string &s = args[0].asString();
    auto malformed = [&]() {
        return Error{"D3140", 0, std::string("Malformed URL passed to ") + name + "(): \"" + s + "\"", {}};
    };
    auto hexVal = [](char c) {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] != '%') {
            out += s[i++];
            continue;
        }
        // Collect one escaped UTF-8 sequence and validate it as a whole.
        std::string bytes;
        std::size_t j = i;
        auto readByte = [&](std::size_t at, unsigned char &b) {
            if (at + 2 >= s.size() || s[at] != '%')
                return false;
            int h = hexVal(s[at + 1]);
            int l = hexVal(s[at + 2]);
            if (h < 0 || l < 0)
                return false;
            b = static_cast<unsigned char>(h * 16 + l);
            return true;
        };
        unsigned char lead;
        if (!readByte(j, lead))
            throw malformed();
        int extra = lead < 0x80 ? 0 : (lead >> 5) == 6 ? 1 : (lead >> 4) == 14 ? 2 : (lead >> 3) == 30 ? 3 : -1;
        if (extra < 0)
            throw malformed();
        bytes += char(lead);
        j += 3;
        for (int k = 0; k < extra; ++k) {
            unsigned char b;
            if (!readByte(j, b) || (b & 0xC0) != 0x80)
                throw malformed();
            bytes += char(b);
            j += 3;
        }
        if (extra == 0 && std::strchr(reserved, lead) && lead != 0)
            out.append(s, i, 3);
        else
            out += bytes;
        i = j;
    }
    return Value::string(std::move(out));
}

Value fnEncodeUrlComponent(CallContext &, std::vector<Value> &args)
{
    return encodeUri(args, "-_.!~*'()");
}

Value fnEncodeUrl(CallContext &, std::vector<Value> &args)
{
    return encodeUri(args, "-_.!~*'();/?:@&=+$,#");
}

Value fnDecodeUrlComponent(CallContext &, std::vector<Value> &args)
{
    return decodeUri(args, "", "$decodeUrlComponent");
}

Value fnDecodeUrl(CallContext &, std::vector<Value> &args)
{
    return decodeUri(args, ";/?:@&=+$,#", "$decodeUrl");
}

} // namespace

void StringFunctions::registerAll(std::vector<BuiltinDef> &defs)
{
    defs.push_back({"string", "<x-b?:s>", fnString, nullptr, 1});
    defs.push_back({"length", "<s-:n>", fnLength, nullptr});
    defs.push_back({"substring", "<s-nn?:s>", fnSubstring, nullptr});
    defs.push_back({"substringBefore", "<s-s:s>", fnSubstringBefore, nullptr});
    defs.push_back({"substringAfter", "<s-s:s>", fnSubstringAfter, nullptr});
    defs.push_back({"uppercase", "<s-:s>", fnUppercase, nullptr});
    defs.push_back({"lowercase", "<s-:s>", fnLowercase, nullptr});
    defs.push_back({"trim", "<s-:s>", fnTrim, nullptr});
    defs.push_back({"pad", "<s-ns?:s>", fnPad, nullptr});
    defs.push_back({"contains", "<s-(sf):b>", fnContains, nullptr});
    defs.push_back({"split", "<s-(sf)n?:a<s>>", fnSplit, nullptr});
    defs.push_back({"join", "<a<s>s?:s>", fnJoin, nullptr});
    defs.push_back({"match", "<s-f<s:o>n?:a<o>>", fnMatch, nullptr});
    defs.push_back({"replace", "<s-(sf)(sf)n?:s>", fnReplace, nullptr});
    defs.push_back({"eval", "<sx?:x>", fnEval, nullptr});
    defs.push_back({"base64encode", "<s-:s>", fnBase64Encode, nullptr});
    defs.push_back({"base64decode", "<s-:s>", fnBase64Decode, nullptr});
    defs.push_back({"encodeUrlComponent", "<s-:s>", fnEncodeUrlComponent, nullptr});
    defs.push_back({"encodeUrl", "<s-:s>", fnEncodeUrl, nullptr});
    defs.push_back({"decodeUrlComponent", "<s-:s>", fnDecodeUrlComponent, nullptr});
    defs.push_back({"decodeUrl", "<s-:s>", fnDecodeUrl, nullptr});
}

} // namespace patchbay::jsonata
