#include "JsonReader.h"

#include "Utf8.h"

#include <charconv>
#include <cstdlib>

namespace patchbay::jsonata {

namespace {
constexpr int kMaxDepth = 512;

} // namespace

Result<Value> JsonReader::parse(std::string_view text)
{
    JsonReader reader(text);
    Value out;
    reader.skipWhitespace();
    if (!reader.parseValue(out, 0))
        return Error{"D0001", int(reader.m_pos), "Invalid JSON: " + reader.m_error, {}};
    reader.skipWhitespace();
    if (reader.m_pos != text.size()) {
        reader.fail("unexpected trailing characters");
        return Error{"D0001", int(reader.m_pos), "Invalid JSON: " + reader.m_error, {}};
    }
    return out;
}

bool JsonReader::fail(const char *message)
{
    if (m_error.empty())
        m_error = message;
    return false;
}

void JsonReader::skipWhitespace()
{
    while (m_pos < m_text.size()) {
        char c = m_text[m_pos];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            break;
        ++m_pos;
    }
}

bool JsonReader::parseValue(Value &out, int depth)
{
    if (depth > kMaxDepth)
        return fail("nesting too deep");
    if (m_pos >= m_text.size())
        return fail("unexpected end of input");
    char c = m_text[m_pos];
    switch (c) {
    case '{': {
        ++m_pos;
        skipWhitespace();
        const std::size_t base = m_entryStack.size();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            out = Value::emptyObject();
            return true;
        }
        while (true) {
            skipWhitespace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"')
                return fail("expected a string key");
            m_keyBuffer.clear();
            if (!parseString(m_keyBuffer))
                return false;
            m_entryStack.emplace_back(internKey(m_keyBuffer), Value());
            skipWhitespace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':')
                return fail("expected ':'");
            ++m_pos;
            skipWhitespace();
            Value item;
            if (!parseValue(item, depth + 1))
                return false;
            m_entryStack.back().second = std::move(item); // nested containers have popped their members
            skipWhitespace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                out = Value::emptyObject(m_entryStack.size() - base);
                Object &obj = out.mutableObject();
                for (std::size_t i = base; i < m_entryStack.size(); ++i)
                    obj.set(m_entryStack[i].first, std::move(m_entryStack[i].second));
                m_entryStack.resize(base);
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }
    case '[': {
        ++m_pos;
        skipWhitespace();
        const std::size_t base = m_itemStack.size();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            out = Value::newArray();
            return true;
        }
        while (true) {
            skipWhitespace();
            Value item;
            if (!parseValue(item, depth + 1))
                return false;
            m_itemStack.push_back(std::move(item));
            skipWhitespace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
                out = Value::newArray(m_itemStack.size() - base);
                Array &arr = out.mutableArray();
                for (std::size_t i = base; i < m_itemStack.size(); ++i)
                    arr.push(std::move(m_itemStack[i]));
                m_itemStack.resize(base);
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }
    case '"': {
        std::string s;
        if (!parseString(s))
            return false;
        out = Value::string(std::move(s));
        return true;
    }
    case 't':
        if (m_text.substr(m_pos, 4) == "true") {
            m_pos += 4;
            out = Value::boolean(true);
            return true;
        }
        return fail("invalid literal");
    case 'f':
        if (m_text.substr(m_pos, 5) == "false") {
            m_pos += 5;
            out = Value::boolean(false);
            return true;
        }
        return fail("invalid literal");
    case 'n':
        if (m_text.substr(m_pos, 4) == "null") {
            m_pos += 4;
            out = Value::null();
            return true;
        }
        return fail("invalid literal");
    default:
        return parseNumber(out);
    }
}

Key JsonReader::internKey(const std::string &text)
{
    // Bounded, so a document keyed by ids does not turn the table into a second copy of itself.
    constexpr std::size_t kMaxInterned = 4096;
    auto it = m_keys.find(text);
    if (it != m_keys.end())
        return it->second;
    Key key(text);
    if (m_keys.size() < kMaxInterned)
        m_keys.emplace(std::string_view(key.str()), key);
    return key;
}

bool JsonReader::parseString(std::string &out)
{
    ++m_pos; // opening quote
    std::size_t start = m_pos;
    while (m_pos < m_text.size()) {
        char c = m_text[m_pos];
        if (c == '"') {
            out.append(m_text, start, m_pos - start);
            ++m_pos;
            return true;
        }
        if (static_cast<unsigned char>(c) < 0x20)
            return fail("control character in string");
        if (c != '\\') {
            ++m_pos;
            continue;
        }
        out.append(m_text, start, m_pos - start);
        if (++m_pos >= m_text.size())
            return fail("unterminated string");
        char e = m_text[m_pos++];
        switch (e) {
        case '"':
        case '\\':
        case '/':
            out += e;
            break;
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'u': {
            const auto cp = Utf8::readUnicodeEscape(m_text, m_pos);
            if (!cp)
                return fail("invalid \\u escape");
            Utf8::append(out, *cp);
            break;
        }
        default:
            return fail("invalid escape");
        }
        start = m_pos;
    }
    return fail("unterminated string");
}

bool JsonReader::parseNumber(Value &out)
{
    std::size_t start = m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '-')
        ++m_pos;
    auto digits = [this]() {
        std::size_t s = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
            ++m_pos;
        return m_pos - s;
    };
    std::size_t intDigits = digits();
    if (intDigits == 0)
        return fail("invalid value");
    if (intDigits > 1 && m_text[m_pos - intDigits] == '0')
        return fail("leading zero");
    if (m_pos < m_text.size() && m_text[m_pos] == '.') {
        ++m_pos;
        if (digits() == 0)
            return fail("invalid number");
    }
    if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
        ++m_pos;
        if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
            ++m_pos;
        if (digits() == 0)
            return fail("invalid number");
    }
    double d = 0;
    auto res = std::from_chars(m_text.data() + start, m_text.data() + m_pos, d);
    if (res.ec == std::errc::result_out_of_range) {
        // from_chars reports overflow/underflow without a value; strtod gives the IEEE result (inf or 0).
        d = std::strtod(std::string(m_text.substr(start, m_pos - start)).c_str(), nullptr);
    }
    out = Value::number(d);
    return true;
}

} // namespace patchbay::jsonata
