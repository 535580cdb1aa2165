#include "Signature.h"

#include "ErrorText.h"

namespace patchbay::jsonata {

namespace {
std::uint16_t bit(char symbol)
{
    switch (symbol) {
    case 'a':
        return 1;
    case 's':
        return 2;
    case 'n':
        return 4;
    case 'b':
        return 8;
    case 'l':
        return 16;
    case 'f':
        return 32;
    case 'o':
        return 64;
    case 'm':
        return 128;
    default:
        return 0;
    }
}

std::uint16_t bits(std::string_view symbols)
{
    std::uint16_t r = 0;
    for (char c : symbols)
        r |= bit(c);
    return r;
}

std::size_t closing(std::string_view text, std::size_t open, char openChar, char closeChar)
{
    int depth = 1;
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        if (text[i] == openChar)
            ++depth;
        else if (text[i] == closeChar && --depth == 0)
            return i;
    }
    return text.size();
}
} // namespace

char Signature::symbolOf(const Value &v)
{
    switch (v.type()) {
    case Value::Type::Undefined:
        return 'm';
    case Value::Type::Null:
        return 'l';
    case Value::Type::Boolean:
        return 'b';
    case Value::Type::Number:
        return 'n';
    case Value::Type::String:
        return 's';
    case Value::Type::Array:
        return 'a';
    case Value::Type::Object:
        return 'o';
    case Value::Type::Function:
        return 'f';
    }
    return 'm';
}

std::shared_ptr<Signature> Signature::parse(std::string_view text)
{
    auto sig = std::make_shared<Signature>();
    // text includes the surrounding '<' '>'
    std::size_t pos = 1;
    const std::size_t end = text.size() > 0 ? text.size() - 1 : 0;
    while (pos < end) {
        char c = text[pos];
        if (c == ':')
            break;
        Param p;
        switch (c) {
        case 's':
        case 'n':
        case 'b':
        case 'l':
        case 'o':
            p.accepted = bit(c) | bit('m');
            p.type = c;
            sig->m_params.push_back(p);
            break;
        case 'a':
            p.accepted = bits("asnblfom");
            p.type = 'a';
            sig->m_params.push_back(p);
            break;
        case 'f':
            p.accepted = bit('f');
            p.type = 'f';
            sig->m_params.push_back(p);
            break;
        case 'j':
            p.accepted = bits("asnblom");
            p.type = 'j';
            sig->m_params.push_back(p);
            break;
        case 'x':
            p.accepted = bits("asnblfom");
            p.type = 'x';
            sig->m_params.push_back(p);
            break;
        case '-':
            if (!sig->m_params.empty()) {
                sig->m_params.back().context = true;
                sig->m_params.back().quantifier = '?';
            }
            break;
        case '?':
        case '+':
            if (!sig->m_params.empty())
                sig->m_params.back().quantifier = c;
            break;
        case '(': {
            std::size_t close = closing(text, pos, '(', ')');
            std::string_view choice = text.substr(pos + 1, close - pos - 1);
            if (choice.find('<') != std::string_view::npos)
                throw Error{"S0402", int(pos), ErrorText::message("S0402"), std::string(choice)};
            p.accepted = bits(choice) | bit('m');
            p.type = '(';
            sig->m_params.push_back(p);
            pos = close;
            break;
        }
        case '<': {
            if (sig->m_params.empty() || (sig->m_params.back().type != 'a' && sig->m_params.back().type != 'f'))
                throw Error{"S0401", int(pos), ErrorText::message("S0401"), {}};
            std::size_t close = closing(text, pos, '<', '>');
            sig->m_params.back().subtype = std::string(text.substr(pos + 1, close - pos - 1));
            pos = close;
            break;
        }
        default:
            break;
        }
        ++pos;
    }
    return sig;
}

bool Signature::match(const std::string &symbols, std::size_t param, std::size_t pos, std::vector<int> &counts) const
{
    if (param == m_params.size())
        return pos == symbols.size();
    const Param &p = m_params[param];
    std::size_t maxCount = 0;
    while (pos + maxCount < symbols.size() && (p.accepted & bit(symbols[pos + maxCount])))
        ++maxCount;
    std::size_t lo = p.quantifier == '?' ? 0 : 1;
    std::size_t hi = p.quantifier == '+' ? maxCount : std::min<std::size_t>(1, maxCount);
    for (std::size_t n = hi + 1; n-- > lo;) {
        counts[param] = int(n);
        if (match(symbols, param + 1, pos + n, counts))
            return true;
    }
    return false;
}

void Signature::validate(std::vector<Value> &args, const Value &context, std::string_view functionName) const
{
    if (args.size() == m_params.size()) {
        // Fast path: one argument per parameter, each of an accepted type, nothing to coerce.
        bool direct = true;
        for (std::size_t i = 0; i < args.size() && direct; ++i) {
            const Param &p = m_params[i];
            const char s = symbolOf(args[i]);
            direct = (p.accepted & bit(s)) && (p.type != 'a' || (s == 'a' && p.subtype.empty()));
        }
        if (direct)
            return;
    }
    const std::string name(functionName);
    std::string symbols;
    symbols.reserve(args.size());
    for (const Value &a : args)
        symbols += symbolOf(a);
    std::vector<int> counts(m_params.size(), 0);
    if (!match(symbols, 0, 0, counts)) {
        // Find how far a prefix of the parameters matches, to name the first bad argument.
        std::size_t good = 0;
        for (std::size_t i = 0; i < m_params.size(); ++i) {
            const Param &p = m_params[i];
            std::size_t n = 0;
            std::size_t limit = p.quantifier == '+' ? symbols.size() : 1;
            while (good + n < symbols.size() && n < limit && (p.accepted & bit(symbols[good + n])))
                ++n;
            if (n == 0 && p.quantifier != '?')
                throw Error{"T0410", 0, ErrorText::argumentMessage("T0410", int(i) + 1, name), name};
            good += n;
        }
        throw Error{"T0410", 0, ErrorText::argumentMessage("T0410", int(m_params.size()) + 1, name), name};
    }
    std::vector<Value> out;
    out.reserve(m_params.size());
    std::size_t argIndex = 0;
    for (std::size_t i = 0; i < m_params.size(); ++i) {
        const Param &p = m_params[i];
        if (counts[i] == 0) {
            if (p.context) {
                if (p.accepted & bit(symbolOf(context)))
                    out.push_back(context);
                else
                    throw Error{"T0411", 0, ErrorText::argumentMessage("T0411", int(i) + 1, name), name};
            } else {
                // As in the reference, an omitted optional parameter still takes the next argument's slot.
                out.push_back(argIndex < args.size() ? args[argIndex] : Value());
                ++argIndex;
            }
            continue;
        }
        for (int k = 0; k < counts[i]; ++k) {
            if (argIndex >= args.size()) {
                out.emplace_back();
                continue;
            }
            const Value &arg = args[argIndex];
            char single = symbols[argIndex];
            if (p.type == 'a') {
                if (single == 'm') {
                    out.emplace_back();
                } else {
                    bool ok = true;
                    if (!p.subtype.empty()) {
                        if (single != 'a' && std::string(1, single) != p.subtype) {
                            ok = false;
                        } else if (single == 'a' && !arg.asArray().empty()) {
                            char itemType = symbolOf(arg.asArray()[0]);
                            if (itemType != p.subtype[0]) {
                                ok = false;
                            } else {
                                for (const Value &item : arg.asArray().m_items) {
                                    if (symbolOf(item) != itemType) {
                                        ok = false;
                                        break;
                                    }
                                }
                            }
                        }
                    }
                    if (!ok)
                        throw Error{"T0412", 0, ErrorText::arrayTypeMessage(int(i) + 1, name, p.subtype), name};
                    if (single != 'a') {
                        Value wrapped = Value::newArray(1);
                        wrapped.mutableArray().push(arg);
                        out.push_back(std::move(wrapped));
                    } else {
                        out.push_back(arg);
                    }
                }
            } else {
                out.push_back(arg);
            }
            ++argIndex;
        }
    }
    args = std::move(out);
}

} // namespace patchbay::jsonata
