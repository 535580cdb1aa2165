#pragma once

#include "Value.h"

#include <memory>
#include <string>
#include <string_view>

class QRegularExpression;

namespace patchbay::jsonata {

struct Token
{
    enum class Kind : std::uint8_t { End, Name, Variable, Number, String, Literal, Regex, Operator };
    Kind kind = Kind::End;
    std::string text;  // operator spelling, name, variable name, decoded string, regex pattern
    std::string flags; // regex flags
    Value value;       // number / literal value
    int position = 0;  // offset just past the token
    int start = 0;     // offset of the token's first character
};

// Splits an expression into tokens. Throws Error with an S01xx code on malformed input.
class Lexer
{
public:
    explicit Lexer(std::string_view source) : m_src(source) {}
    // 'operandExpected' decides whether '/' starts a regex literal or is the division operator.
    Token next(bool operandExpected);
    void seek(std::size_t pos) { m_pos = pos; }

private:
    Token readString(char quote);
    Token readRegex();
    bool skipWhitespaceAndComments();

    std::string_view m_src;
    std::size_t m_pos = 0;
};

} // namespace patchbay::jsonata
