#include "JsonReader.h"

#include <charconv>
#include <cstdlib>

namespace patchbay::jsonata {

namespace {
constexpr int kMaxDepth = 512;

void appendUtf8(std::string &out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
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
        out = Value::emptyObject();
        Object &obj = out.mutableObject();
        skipWhitespace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        std::string key;
        while (true) {
            skipWhitespace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"')
                return fail("expected a string key");
            key.clear();
            if (!parseString(key))
                return false;
            skipWhitespace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':')
                return fail("expected ':'");
            ++m_pos;
            skipWhitespace();
            Value item;
            if (!parseValue(item, depth + 1))
                return false;
            obj.set(key, std::move(item));
            skipWhitespace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }
    case '[': {
        ++m_pos;
        out = Value::newArray();
        Array &arr = out.mutableArray();
        skipWhitespace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        while (true) {
            skipWhitespace();
            Value item;
            if (!parseValue(item, depth + 1))
                return false;
            arr.push(std::move(item));
            skipWhitespace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
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
            auto readHex = [this](std::uint32_t &cp) {
                if (m_pos + 4 > m_text.size())
                    return false;
                cp = 0;
                for (int i = 0; i < 4; ++i) {
                    int h = hexValue(m_text[m_pos + std::size_t(i)]);
                    if (h < 0)
                        return false;
                    cp = cp * 16 + std::uint32_t(h);
                }
                m_pos += 4;
                return true;
            };
            std::uint32_t cp;
            if (!readHex(cp))
                return fail("invalid \\u escape");
            if (cp >= 0xD800 && cp < 0xDC00 && m_text.substr(m_pos, 2) == "\\u") {
                std::size_t save = m_pos;
                m_pos += 2;
                std::uint32_t low;
                if (readHex(low) && low >= 0xDC00 && low < 0xE000)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                else
                    m_pos = save;
            }
            appendUtf8(out, cp);
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
