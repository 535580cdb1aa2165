#include "Parser.h"

#include "AstProcessor.h"
#include "Error.h"
#include "ErrorText.h"
#include "Function.h"
#include "JavaScriptRegex.h"
#include "Signature.h"

#include <QRegularExpression>

#include <unordered_map>

namespace patchbay::jsonata {

namespace {
// Deep enough for any hand-written expression, shallow enough to keep recursive descent off the stack limit.
constexpr int kMaxNesting = 400;

const std::unordered_map<std::string, int> &bindingPowers()
{
    static const std::unordered_map<std::string, int> table = {
        {".", 75},  {"[", 80},  {"{", 70},  {"(", 80},  {"@", 80},  {"#", 80},   {"?", 20},  {"+", 50},  {"-", 50},
        {"*", 60},  {"/", 60},  {"%", 60},  {"=", 40},  {"<", 40},  {">", 40},   {"^", 40},  {":=", 10}, {"!=", 40},
        {"<=", 40}, {">=", 40}, {"~>", 40}, {"?:", 40}, {"??", 40}, {"and", 30}, {"or", 25}, {"in", 40}, {"&", 50},
    };
    return table;
}

bool binaryOpFor(const std::string &text, BinaryOp &op)
{
    static const std::unordered_map<std::string, BinaryOp> ops = {
        {"+", BinaryOp::Add},        {"-", BinaryOp::Subtract}, {"*", BinaryOp::Multiply},      {"/", BinaryOp::Divide},
        {"%", BinaryOp::Modulo},     {"=", BinaryOp::Equal},    {"!=", BinaryOp::NotEqual},     {"<", BinaryOp::Less},
        {"<=", BinaryOp::LessEqual}, {">", BinaryOp::Greater},  {">=", BinaryOp::GreaterEqual}, {"and", BinaryOp::And},
        {"or", BinaryOp::Or},        {"&", BinaryOp::Concat},   {"..", BinaryOp::Range},        {"in", BinaryOp::In},
    };
    auto it = ops.find(text);
    if (it == ops.end())
        return false;
    op = it->second;
    return true;
}
} // namespace

std::shared_ptr<Program> Parser::parse(std::string_view source)
{
    auto program = std::make_shared<Program>();
    program->m_source = std::string(source);
    Parser parser(program->m_source, *program);
    parser.advance();
    Node *raw = parser.expression(0);
    if (parser.m_token.kind != Token::Kind::End)
        parser.fail("S0201", parser.m_token);
    AstProcessor processor(*program);
    program->m_root = processor.process(raw);
    if (!program->m_root->seekingParent.empty() || program->m_root->type == NodeType::Parent)
        throw Error{"S0217", program->m_root->position, ErrorText::message("S0217"), "%"};
    processor.finalize(program->m_root);
    return program;
}

void Parser::fail(const char *code, const Token &tok) const
{
    std::string token = tok.kind == Token::Kind::End ? "(end)" : tok.text;
    if (tok.kind == Token::Kind::Number)
        token = tok.value.isNumber() ? std::to_string(tok.value.asNumber()) : token;
    throw Error{code, tok.position, ErrorText::message(code) + (token.empty() ? "" : ": " + token), token};
}

void Parser::advance(const char *expected, bool afterOperand)
{
    if (expected && !isOp(expected)) {
        Error err{m_token.kind == Token::Kind::End ? "S0203" : "S0202", m_token.position, {}, m_token.text};
        err.message = m_token.kind == Token::Kind::End
                          ? std::string("Expected \"") + expected + "\" before end of expression"
                          : std::string("Expected \"") + expected + "\", got \"" + m_token.text + "\"";
        throw err;
    }
    m_token = m_lexer.next(!afterOperand);
    if (m_token.kind == Token::Kind::Operator && (m_token.text == "!" || m_token.text == "~"))
        fail("S0204", m_token);
}

int Parser::leftBindingPower(const Token &tok) const
{
    if (tok.kind != Token::Kind::Operator)
        return 0;
    auto it = bindingPowers().find(tok.text);
    return it == bindingPowers().end() ? 0 : it->second;
}

Node *Parser::expression(int rbp)
{
    if (++m_depth > kMaxNesting)
        throw Error{"U1001", m_token.position, "Expression is nested too deeply", {}};
    Token t = m_token;
    advance(nullptr, true);
    Node *left = nud(t);
    while (rbp < leftBindingPower(m_token)) {
        t = m_token;
        advance();
        left = led(t, left);
    }
    --m_depth;
    return left;
}

Node *Parser::nud(const Token &tok)
{
    switch (tok.kind) {
    case Token::Kind::End:
        fail("S0207", tok);
    case Token::Kind::Name: {
        Node *n = m_program.newNode(NodeType::Name, tok.position);
        n->text = tok.text;
        return n;
    }
    case Token::Kind::Variable: {
        Node *n = m_program.newNode(NodeType::Variable, tok.position);
        n->text = tok.text;
        return n;
    }
    case Token::Kind::Number:
    case Token::Kind::String:
    case Token::Kind::Literal: {
        Node *n = m_program.newNode(NodeType::Literal, tok.position);
        n->literal = tok.value;
        n->text = tok.text;
        return n;
    }
    case Token::Kind::Regex: {
        Node *n = m_program.newNode(NodeType::Regex, tok.position);
        QRegularExpression::PatternOptions options = QRegularExpression::NoPatternOption;
        if (tok.flags.find('i') != std::string::npos)
            options |= QRegularExpression::CaseInsensitiveOption;
        std::string pcre;
        if (!JavaScriptRegex::toPcre(tok.text, tok.flags.find('m') != std::string::npos, pcre))
            throw Error{"S0302", tok.position, "Invalid regular expression: /" + tok.text + "/", tok.text};
        n->regex = std::make_shared<QRegularExpression>(QString::fromStdString(pcre), options);
        n->regex->optimize();
        if (!n->regex->isValid())
            throw Error{"S0302", tok.position, "Invalid regular expression: " + n->regex->errorString().toStdString(),
                        tok.text};
        auto *fn = new Function(Function::Kind::Regex);
        fn->m_regex = n->regex;
        n->literal = Value::function(fn);
        n->text = tok.text;
        return n;
    }
    case Token::Kind::Operator:
        break;
    }
    const std::string &op = tok.text;
    if (op == "and" || op == "or" || op == "in") {
        Node *n = m_program.newNode(NodeType::Name, tok.position);
        n->text = op;
        return n;
    }
    if (op == "-") {
        Node *n = m_program.newNode(NodeType::Unary, tok.position);
        n->text.push_back('-');
        n->lhs = expression(70);
        return n;
    }
    if (op == "*")
        return m_program.newNode(NodeType::Wildcard, tok.position);
    if (op == "**")
        return m_program.newNode(NodeType::Descendant, tok.position);
    if (op == "%")
        return m_program.newNode(NodeType::Parent, tok.position);
    if (op == "(") {
        Node *n = m_program.newNode(NodeType::Block, tok.position);
        while (!isOp(")")) {
            n->items.push_back(expression(0));
            if (!isOp(";"))
                break;
            advance(";");
        }
        advance(")", true);
        return n;
    }
    if (op == "[") {
        Node *n = m_program.newNode(NodeType::ArrayCons, tok.position);
        if (!isOp("]")) {
            while (true) {
                Node *item = expression(0);
                if (isOp("..")) {
                    Node *range = m_program.newNode(NodeType::Binary, m_token.position);
                    range->text.append("..");
                    range->op = BinaryOp::Range;
                    range->lhs = item;
                    advance("..");
                    range->rhs = expression(0);
                    item = range;
                }
                n->items.push_back(item);
                if (!isOp(","))
                    break;
                advance(",");
            }
        }
        advance("]", true);
        return n;
    }
    if (op == "{")
        return parseObject(tok, nullptr);
    if (op == "|") {
        Node *n = m_program.newNode(NodeType::Transform, tok.position);
        n->condition = expression(0);
        advance("|");
        n->thenBranch = expression(0);
        if (isOp(",")) {
            advance(",");
            n->elseBranch = expression(0);
        }
        advance("|");
        return n;
    }
    fail("S0211", tok);
}

Node *Parser::parseObject(const Token &tok, Node *left)
{
    Node *n = m_program.newNode(left ? NodeType::Binary : NodeType::ObjectCons, tok.position);
    n->text.push_back('{');
    n->lhs = left;
    if (!isOp("}")) {
        while (true) {
            Node *key = expression(0);
            advance(":");
            Node *value = expression(0);
            n->pairs.emplace_back(key, value);
            if (!isOp(","))
                break;
            advance(",");
        }
    }
    advance("}", true);
    return n;
}

Node *Parser::parseCall(const Token &tok, Node *left)
{
    Node *n = m_program.newNode(NodeType::Function, tok.position);
    n->procedure = left;
    if (!isOp(")")) {
        while (true) {
            if (isOp("?")) {
                n->type = NodeType::Partial;
                n->items.push_back(m_program.newNode(NodeType::Placeholder, m_token.position));
                advance("?");
            } else {
                n->items.push_back(expression(0));
            }
            if (!isOp(","))
                break;
            advance(",");
        }
    }
    advance(")", true);
    if (left->type == NodeType::Name && (left->text == "function" || left->text == "\u03BB")) {
        n->type = NodeType::Lambda;
        for (Node *arg : n->items) {
            if (arg->type != NodeType::Variable)
                throw Error{"S0208", arg->position, ErrorText::message("S0208"), arg->text};
            n->params.push_back(arg->text);
        }
        n->items.clear();
        if (isOp("<")) {
            // The signature is read straight from the source: its characters are not expression tokens.
            std::size_t start = std::size_t(m_token.start);
            int depth = 0;
            std::size_t i = start;
            for (; i < m_source.size(); ++i) {
                if (m_source[i] == '<')
                    ++depth;
                else if (m_source[i] == '>' && --depth == 0)
                    break;
                else if (m_source[i] == '{')
                    break;
            }
            if (i >= m_source.size() || m_source[i] != '>') {
                Error err{"S0203", int(m_source.size()), "Expected \">\" before end of function signature", ">"};
                throw err;
            }
            try {
                n->signature = Signature::parse(m_source.substr(start, i - start + 1));
            } catch (Error &err) {
                err.position += int(start);
                throw;
            }
            m_lexer.seek(i + 1);
            m_token = Token{};
            m_token.kind = Token::Kind::Operator;
            m_token.text.assign(1, '>');
            advance();
        }
        advance("{");
        n->body = expression(0);
        advance("}");
    }
    return n;
}

Node *Parser::led(const Token &tok, Node *left)
{
    const std::string &op = tok.text;
    if (op == "(")
        return parseCall(tok, left);
    if (op == "[") {
        if (isOp("]")) {
            Node *step = left;
            while (step && step->type == NodeType::Binary && step->text == "[")
                step = step->lhs;
            step->keepArray = true;
            advance("]");
            return left;
        }
        Node *n = m_program.newNode(NodeType::Binary, tok.position);
        n->text.push_back('[');
        n->lhs = left;
        n->rhs = expression(0);
        advance("]", true);
        return n;
    }
    if (op == "{")
        return parseObject(tok, left);
    if (op == "^") {
        Node *n = m_program.newNode(NodeType::Binary, tok.position);
        n->text.push_back('^');
        n->lhs = left;
        advance("(");
        while (true) {
            SortTerm term;
            if (isOp("<")) {
                advance("<");
            } else if (isOp(">")) {
                term.descending = true;
                advance(">");
            }
            term.expr = expression(0);
            n->sortTerms.push_back(term);
            if (!isOp(","))
                break;
            advance(",");
        }
        advance(")");
        return n;
    }
    if (op == ":=") {
        if (left->type != NodeType::Variable)
            throw Error{"S0212", tok.position, ErrorText::message("S0212"), left->text};
        Node *n = m_program.newNode(NodeType::Bind, tok.position);
        n->lhs = left;
        n->rhs = expression(10 - 1);
        return n;
    }
    if (op == "@" || op == "#") {
        Node *n = m_program.newNode(NodeType::Binary, tok.position);
        n->text = op;
        n->lhs = left;
        n->rhs = expression(80);
        if (n->rhs->type != NodeType::Variable)
            throw Error{"S0214", n->rhs->position, ErrorText::message("S0214"), op};
        return n;
    }
    if (op == "?") {
        Node *n = m_program.newNode(NodeType::Condition, tok.position);
        n->condition = left;
        n->thenBranch = expression(0);
        if (isOp(":")) {
            advance(":");
            n->elseBranch = expression(0);
        }
        return n;
    }
    if (op == "?:" || op == "??") {
        Node *n = m_program.newNode(op == "?:" ? NodeType::Elvis : NodeType::Coalesce, tok.position);
        n->lhs = left;
        n->rhs = expression(0);
        return n;
    }
    if (op == "~>") {
        Node *n = m_program.newNode(NodeType::Apply, tok.position);
        n->lhs = left;
        n->rhs = expression(40);
        return n;
    }
    Node *n = m_program.newNode(NodeType::Binary, tok.position);
    n->text = op;
    n->lhs = left;
    if (op != "." && !binaryOpFor(op, n->op))
        fail("S0201", tok);
    n->rhs = expression(leftBindingPower(tok));
    return n;
}

} // namespace patchbay::jsonata
