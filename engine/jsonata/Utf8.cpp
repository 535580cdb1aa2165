#include "Utf8.h"

namespace patchbay::jsonata {

std::u32string Utf8::decode(std::string_view s)
{
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        char32_t cp;
        int extra;
        if (c < 0x80) {
            cp = c;
            extra = 0;
        } else if ((c >> 5) == 6) {
            cp = c & 0x1F;
            extra = 1;
        } else if ((c >> 4) == 14) {
            cp = c & 0x0F;
            extra = 2;
        } else if ((c >> 3) == 30) {
            cp = c & 0x07;
            extra = 3;
        } else {
            cp = 0xFFFD;
            extra = 0;
        }
        ++i;
        for (int k = 0; k < extra && i < s.size(); ++k, ++i)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
        out += cp;
    }
    return out;
}

namespace {

std::optional<char32_t> readHex4(std::string_view text, std::size_t &pos)
{
    if (pos + 4 > text.size())
        return std::nullopt;
    char32_t cp = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const char h = text[pos + i];
        const int v = (h >= '0' && h <= '9')   ? h - '0'
                      : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                      : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                               : -1;
        if (v < 0)
            return std::nullopt;
        cp = cp * 16 + char32_t(v);
    }
    pos += 4;
    return cp;
}

} // namespace

std::optional<char32_t> Utf8::readUnicodeEscape(std::string_view text, std::size_t &pos)
{
    auto cp = readHex4(text, pos);
    if (!cp)
        return std::nullopt;
    if (*cp >= 0xD800 && *cp < 0xDC00 && text.substr(pos, 2) == "\\u") {
        std::size_t low = pos + 2;
        if (auto second = readHex4(text, low); second && *second >= 0xDC00 && *second < 0xE000) {
            pos = low;
            return 0x10000 + ((*cp - 0xD800) << 10) + (*second - 0xDC00);
        }
    }
    return cp;
}

void Utf8::append(std::string &out, char32_t cp)
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

std::string Utf8::encode(std::u32string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (char32_t cp : s)
        append(out, cp);
    return out;
}

std::size_t Utf8::length(std::string_view s)
{
    std::size_t n = 0;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++n;
    }
    return n;
}

bool Utf8::isAscii(std::string_view s)
{
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    }
    return true;
}

} // namespace patchbay::jsonata
