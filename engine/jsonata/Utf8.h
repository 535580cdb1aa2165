#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace patchbay::jsonata {

// UTF-8 <-> code point helpers for the string functions that count characters.
class Utf8
{
public:
    static std::u32string decode(std::string_view s);
    static std::string encode(std::u32string_view s);
    static void append(std::string &out, char32_t cp);
    // The code point of a \u escape whose four hex digits start at pos (a following \uDC00-\uDFFF escape
    // completes a surrogate pair); pos moves past what was read. nullopt when the digits are not hex.
    static std::optional<char32_t> readUnicodeEscape(std::string_view text, std::size_t &pos);
    static std::size_t length(std::string_view s);
    static bool isAscii(std::string_view s);
};

} // namespace patchbay::jsonata
