#include "JavaScriptRegex.h"

#include <cctype>
#include <cstdio>

namespace patchbay::jsonata {

namespace {

// JavaScript's \s: ASCII white space plus the Unicode space separators, line/paragraph separators and BOM.
constexpr const char *kJsSpaceMembers = "\\s\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}"
                                        "\\x{3000}\\x{feff}";
constexpr const char *kLineTerminators = "\\n\\r\\x{2028}\\x{2029}";

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(std::string_view text)
{
    int v = 0;
    for (char c : text)
        v = v * 16 + (isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    return v;
}

std::string codePoint(unsigned cp)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\x{%x}", cp);
    return buf;
}

// Length of a quantifier in braces ("{2}", "{2,}", "{2,5}") starting at 'at', or 0 when '{' is a literal.
std::size_t braceQuantifierLength(std::string_view p, std::size_t at)
{
    std::size_t i = at + 1;
    const std::size_t digitsStart = i;
    while (i < p.size() && isDigit(p[i]))
        ++i;
    if (i == digitsStart)
        return 0;
    if (i < p.size() && p[i] == ',') {
        ++i;
        while (i < p.size() && isDigit(p[i]))
            ++i;
    }
    return i < p.size() && p[i] == '}' ? i + 1 - at : 0;
}

class Translator
{
public:
    Translator(std::string_view pattern, bool multiline, std::string &out)
        : m_p(pattern), m_multiline(multiline), m_out(out)
    {
        for (std::size_t at = pattern.find("(?<"); at != std::string_view::npos; at = pattern.find("(?<", at + 1)) {
            if (at + 3 < pattern.size() && pattern[at + 3] != '=' && pattern[at + 3] != '!')
                m_hasNamedGroups = true;
        }
    }

    bool run()
    {
        m_out.clear();
        bool inClass = false;
        bool afterQuantifier = false;
        while (m_i < m_p.size()) {
            const char c = m_p[m_i];
            const bool wasQuantifier = afterQuantifier;
            afterQuantifier = false;
            if (c == '\\') {
                if (!escape(inClass))
                    return false;
                continue;
            }
            if (inClass) {
                if (c == ']')
                    inClass = false;
                m_out += c == '[' ? std::string("\\[") : std::string(1, c);
                ++m_i;
                continue;
            }
            switch (c) {
            case '[':
                if (m_p.substr(m_i, 2) == "[]") {
                    m_out += "(?!)";
                    m_i += 2;
                } else if (m_p.substr(m_i, 3) == "[^]") {
                    m_out += "[\\s\\S]";
                    m_i += 3;
                } else {
                    inClass = true;
                    m_out += '[';
                    ++m_i;
                    if (m_i < m_p.size() && m_p[m_i] == '^')
                        m_out += m_p[m_i++];
                }
                break;
            case '.':
                m_out += std::string("[^") + kLineTerminators + "]";
                ++m_i;
                break;
            case '$':
                m_out += m_multiline ? std::string("(?=[") + kLineTerminators + "]|\\z)" : std::string("\\z");
                ++m_i;
                break;
            case '^':
                m_out += m_multiline ? std::string("(?:(?<![\\s\\S])|(?<=[") + kLineTerminators + "]))" : "^";
                ++m_i;
                break;
            case '(':
                if (m_p.substr(m_i, 2) == "(?" && !isJavaScriptGroup())
                    return false;
                m_out += c;
                ++m_i;
                break;
            case '*':
            case '+':
            case '?':
                // A quantifier right after a quantifier: PCRE2 reads "a++" as possessive, JavaScript rejects it.
                // (A '?' after a quantifier makes it lazy in both.)
                if (wasQuantifier && c != '?')
                    return false;
                m_out += c;
                ++m_i;
                afterQuantifier = c != '?' || !wasQuantifier;
                break;
            case '{': {
                const std::size_t length = braceQuantifierLength(m_p, m_i);
                if (length == 0) {
                    m_out += "\\{";
                    ++m_i;
                    break;
                }
                if (wasQuantifier)
                    return false;
                m_out.append(m_p.substr(m_i, length));
                m_i += length;
                afterQuantifier = true;
                break;
            }
            case '}':
                m_out += "\\}";
                ++m_i;
                break;
            default:
                m_out += c;
                ++m_i;
            }
        }
        return !inClass;
    }

private:
    bool isJavaScriptGroup() const
    {
        const std::string_view rest = m_p.substr(m_i);
        if (rest.starts_with("(?:") || rest.starts_with("(?=") || rest.starts_with("(?!") || rest.starts_with("(?<=") ||
            rest.starts_with("(?<!"))
            return true;
        // A named group: (?<name>
        if (!rest.starts_with("(?<"))
            return false;
        std::size_t i = 3;
        while (i < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[i])) || rest[i] == '_' ||
                                   rest[i] == '$' || static_cast<unsigned char>(rest[i]) >= 0x80))
            ++i;
        return i > 3 && i < rest.size() && rest[i] == '>';
    }

    // Reads "\uXXXX" at m_i (m_i on the backslash); returns the code unit or -1.
    int unicodeUnitAt(std::size_t at) const
    {
        if (at + 6 > m_p.size() || m_p[at] != '\\' || m_p[at + 1] != 'u')
            return -1;
        for (std::size_t k = at + 2; k < at + 6; ++k) {
            if (!isHex(m_p[k]))
                return -1;
        }
        return hexValue(m_p.substr(at + 2, 4));
    }

    bool escape(bool inClass)
    {
        if (m_i + 1 >= m_p.size())
            return false; // a trailing backslash
        const char e = m_p[m_i + 1];
        m_i += 2;
        switch (e) {
        case 'B':
            m_out += inClass ? "B" : "\\B"; // no word boundary in a class: the letter itself
            return true;
        case 'd':
        case 'D':
        case 'w':
        case 'W':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            m_out += '\\';
            m_out += e;
            return true;
        case 's':
            m_out += inClass ? std::string(kJsSpaceMembers) : std::string("[") + kJsSpaceMembers + "]";
            return true;
        case 'S':
            m_out += inClass ? std::string("\\S") : std::string("[^") + kJsSpaceMembers + "]";
            return true;
        case 'v':
            m_out += "\\x{b}";
            return true;
        case '0':
            if (m_i < m_p.size() && isDigit(m_p[m_i])) {
                m_out += "\\0"; // a legacy octal escape; PCRE2 reads it the same way
            } else {
                m_out += "\\x{0}";
            }
            return true;
        case 'c':
            if (m_i < m_p.size() && std::isalpha(static_cast<unsigned char>(m_p[m_i]))) {
                m_out += codePoint(unsigned(m_p[m_i]) % 32);
                ++m_i;
            } else {
                m_out += "\\\\c";
            }
            return true;
        case 'x':
            if (m_i + 2 <= m_p.size() && isHex(m_p[m_i]) && isHex(m_p[m_i + 1])) {
                m_out += codePoint(unsigned(hexValue(m_p.substr(m_i, 2))));
                m_i += 2;
            } else {
                m_out += 'x';
            }
            return true;
        case 'u': {
            const int unit = unicodeUnitAt(m_i - 2);
            if (unit < 0) {
                m_out += 'u';
                return true;
            }
            m_i += 4;
            if (unit >= 0xD800 && unit <= 0xDBFF) {
                const int low = unicodeUnitAt(m_i);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    m_out += codePoint(0x10000u + ((unsigned(unit) - 0xD800u) << 10) + (unsigned(low) - 0xDC00u));
                    m_i += 6;
                    return true;
                }
            }
            if (unit >= 0xD800 && unit <= 0xDFFF) {
                // A lone surrogate: UTF-8 text never contains one.
                if (!inClass)
                    m_out += "(?!)";
                return true;
            }
            m_out += codePoint(unsigned(unit));
            return true;
        }
        case 'k':
            if (m_hasNamedGroups) {
                m_out += "\\k";
            } else {
                m_out += 'k';
            }
            return true;
        default:
            break;
        }
        if (isDigit(e)) {
            m_out += '\\';
            m_out += e;
            return true;
        }
        if (std::isalpha(static_cast<unsigned char>(e))) {
            m_out += e; // an identity escape: \p, \a, \h, \Q ... are the letter itself without the u flag
            return true;
        }
        m_out += '\\';
        m_out += e; // escaped punctuation (or the first byte of a UTF-8 character) is that character
        return true;
    }

    std::string_view m_p;
    bool m_multiline;
    std::string &m_out;
    std::size_t m_i = 0;
    bool m_hasNamedGroups = false;
};

} // namespace

bool JavaScriptRegex::toPcre(std::string_view pattern, bool multiline, std::string &out)
{
    return Translator(pattern, multiline, out).run();
}

} // namespace patchbay::jsonata
