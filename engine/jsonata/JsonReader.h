#pragma once

#include "Error.h"
#include "Value.h"

#include <string_view>

namespace patchbay::jsonata {

// A strict, allocation-light JSON parser producing Values directly (no intermediate DOM).
class JsonReader
{
public:
    static Result<Value> parse(std::string_view text);

private:
    explicit JsonReader(std::string_view text) : m_text(text) {}
    bool parseValue(Value &out, int depth);
    bool parseString(std::string &out);
    bool parseNumber(Value &out);
    void skipWhitespace();
    bool fail(const char *message);

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_error;
};

} // namespace patchbay::jsonata
