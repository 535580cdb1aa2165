#pragma once

#include "Lexer.h"
#include "Program.h"

#include <memory>
#include <string_view>

namespace patchbay::jsonata {

// Top-down operator-precedence (Pratt) parser producing the raw syntax tree, which AstProcessor then turns into
// the evaluable form. Throws Error (S0xxx) on a syntax error.
class Parser
{
public:
    static std::shared_ptr<Program> parse(std::string_view source);

private:
    Parser(std::string_view source, Program &program) : m_lexer(source), m_source(source), m_program(program) {}

    // 'afterOperand' is true where the reference implementation reads the next token as an infix operator: after
    // the token that starts an operand, and after the closing bracket of a block, array, predicate, object or
    // call. Anywhere else a '/' starts a regular expression.
    void advance(const char *expected = nullptr, bool afterOperand = false);
    Node *expression(int rbp);
    Node *nud(const Token &tok);
    Node *led(const Token &tok, Node *left);
    int leftBindingPower(const Token &tok) const;
    bool isOp(const char *op) const { return m_token.kind == Token::Kind::Operator && m_token.text == op; }
    Node *parseCall(const Token &tok, Node *left);
    Node *parseObject(const Token &tok, Node *left);
    [[noreturn]] void fail(const char *code, const Token &tok) const;

    Lexer m_lexer;
    std::string_view m_source;
    Program &m_program;
    Token m_token;
    Token::Kind m_previousKind = Token::Kind::End;
    std::string m_previousText;
    int m_depth = 0;
};

} // namespace patchbay::jsonata
