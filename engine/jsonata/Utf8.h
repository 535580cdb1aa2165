#pragma once

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
    static std::size_t length(std::string_view s);
    static bool isAscii(std::string_view s);
};

} // namespace patchbay::jsonata
