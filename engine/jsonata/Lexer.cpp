#include "Lexer.h"

#include "Error.h"
#include "ErrorText.h"
#include "Utf8.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace patchbay::jsonata {

namespace {
bool isOperatorChar(char c)
{
    return std::strchr(".[]{}(),@#;:?+-*/%|=<>^&!~", c) != nullptr && c != '\0';
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

} // namespace

bool Lexer::skipWhitespaceAndComments()
{
    while (m_pos < m_src.size()) {
        char c = m_src[m_pos];
        if (isSpace(c)) {
            ++m_pos;
        } else if (c == '/' && m_pos + 1 < m_src.size() && m_src[m_pos + 1] == '*') {
            std::size_t end = m_src.find("*/", m_pos + 2);
            if (end == std::string_view::npos)
                throw Error{"S0106", int(m_pos), ErrorText::message("S0106"), {}};
            m_pos = end + 2;
        } else {
            break;
        }
    }
    return m_pos < m_src.size();
}

Token Lexer::next(bool operandExpected)
{
    Token tok;
    if (!skipWhitespaceAndComments()) {
        tok.kind = Token::Kind::End;
        tok.position = int(m_src.size());
        tok.start = int(m_src.size());
        return tok;
    }
    const std::size_t start = m_pos;
    tok.start = int(start);
    char c = m_src[m_pos];
    if (c == '/' && operandExpected)
        return readRegex();

    auto two = [&](const char *op) { return m_src.substr(m_pos, 2) == op; };
    static const char *twoCharOps[] = {"..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??"};
    for (const char *op : twoCharOps) {
        if (two(op)) {
            m_pos += 2;
            tok.kind = Token::Kind::Operator;
            tok.text = op;
            tok.position = int(m_pos);
            return tok;
        }
    }
    if (isOperatorChar(c)) {
        ++m_pos;
        tok.kind = Token::Kind::Operator;
        tok.text = std::string(1, c);
        tok.position = int(m_pos);
        return tok;
    }
    if (c == '"' || c == '\'')
        return readString(c);
    if (c >= '0' && c <= '9') {
        std::size_t p = m_pos;
        if (m_src[p] == '0') {
            ++p;
        } else {
            while (p < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[p])))
                ++p;
        }
        if (p + 1 < m_src.size() && m_src[p] == '.' && std::isdigit(static_cast<unsigned char>(m_src[p + 1]))) {
            ++p;
            while (p < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[p])))
                ++p;
        }
        if (p < m_src.size() && (m_src[p] == 'e' || m_src[p] == 'E')) {
            std::size_t q = p + 1;
            if (q < m_src.size() && (m_src[q] == '+' || m_src[q] == '-'))
                ++q;
            if (q < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[q]))) {
                while (q < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[q])))
                    ++q;
                p = q;
            }
        }
        double d = std::strtod(std::string(m_src.substr(m_pos, p - m_pos)).c_str(), nullptr);
        if (!std::isfinite(d))
            throw Error{"S0102", int(p), ErrorText::message("S0102"), std::string(m_src.substr(m_pos, p - m_pos))};
        m_pos = p;
        tok.kind = Token::Kind::Number;
        tok.value = Value::number(d);
        tok.position = int(m_pos);
        return tok;
    }
    if (c == '`') {
        std::size_t end = m_src.find('`', m_pos + 1);
        if (end == std::string_view::npos)
            throw Error{"S0105", int(m_src.size()), ErrorText::message("S0105"), {}};
        tok.kind = Token::Kind::Name;
        tok.text = std::string(m_src.substr(m_pos + 1, end - m_pos - 1));
        m_pos = end + 1;
        tok.position = int(m_pos);
        return tok;
    }
    // names and variables run to the next whitespace or operator character
    std::size_t p = m_pos;
    while (p < m_src.size() && !isSpace(m_src[p]) && !isOperatorChar(m_src[p]))
        ++p;
    if (c == '$') {
        tok.kind = Token::Kind::Variable;
        tok.text = std::string(m_src.substr(m_pos + 1, p - m_pos - 1));
        m_pos = p;
        tok.position = int(m_pos);
        return tok;
    }
    std::string word(m_src.substr(m_pos, p - m_pos));
    m_pos = p;
    tok.position = int(m_pos);
    if (word == "and" || word == "or" || word == "in") {
        tok.kind = Token::Kind::Operator;
        tok.text = word;
    } else if (word == "true" || word == "false") {
        tok.kind = Token::Kind::Literal;
        tok.text = word;
        tok.value = Value::boolean(word == "true");
    } else if (word == "null") {
        tok.kind = Token::Kind::Literal;
        tok.text = word;
        tok.value = Value::null();
    } else {
        tok.kind = Token::Kind::Name;
        tok.text = std::move(word);
    }
    return tok;
}

Token Lexer::readString(char quote)
{
    Token tok;
    tok.kind = Token::Kind::String;
    tok.start = int(m_pos);
    ++m_pos;
    std::string out;
    while (m_pos < m_src.size()) {
        char c = m_src[m_pos];
        if (c == quote) {
            ++m_pos;
            tok.text = std::move(out);
            tok.value = Value::string(tok.text);
            tok.position = int(m_pos);
            return tok;
        }
        if (c != '\\') {
            out += c;
            ++m_pos;
            continue;
        }
        ++m_pos;
        if (m_pos >= m_src.size())
            break;
        char e = m_src[m_pos++];
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
            const auto cp = Utf8::readUnicodeEscape(m_src, m_pos);
            if (!cp)
                throw Error{"S0104", int(m_pos), ErrorText::message("S0104"), {}};
            Utf8::append(out, *cp);
            break;
        }
        default:
            throw Error{"S0103", int(m_pos), ErrorText::message("S0103"), std::string(1, e)};
        }
    }
    throw Error{"S0101", int(m_src.size()), ErrorText::message("S0101"), {}};
}

Token Lexer::readRegex()
{
    Token tok;
    tok.kind = Token::Kind::Regex;
    tok.start = int(m_pos);
    // As in the reference, the closing '/' is the first one outside brackets of any kind ((), [], {}), counting
    // a bracket unless a backslash precedes it, and not escaped by an odd number of backslashes.
    std::size_t p = m_pos + 1;
    int depth = 0;
    while (p < m_src.size()) {
        const char c = m_src[p];
        if (c == '/' && depth == 0) {
            std::size_t backslashes = 0;
            while (m_src[p - backslashes - 1] == '\\')
                ++backslashes;
            if (backslashes % 2 == 0)
                break;
        }
        const bool escaped = m_src[p - 1] == '\\';
        if ((c == '(' || c == '[' || c == '{') && !escaped)
            ++depth;
        else if ((c == ')' || c == ']' || c == '}') && !escaped)
            --depth;
        ++p;
    }
    if (p >= m_src.size())
        throw Error{"S0302", int(p), ErrorText::message("S0302"), {}};
    tok.text = std::string(m_src.substr(m_pos + 1, p - m_pos - 1));
    if (tok.text.empty())
        throw Error{"S0301", int(p), ErrorText::message("S0301"), {}};
    ++p;
    std::size_t flagStart = p;
    while (p < m_src.size() && (m_src[p] == 'i' || m_src[p] == 'm'))
        ++p;
    tok.flags = std::string(m_src.substr(flagStart, p - flagStart));
    m_pos = p;
    tok.position = int(m_pos);
    return tok;
}

} // namespace patchbay::jsonata
