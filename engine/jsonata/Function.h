#pragma once

#include "Value.h"

#include <memory>
#include <string>
#include <vector>

class QRegularExpression;

namespace patchbay::jsonata {

class Evaluator;
class Frame;
class Program;
class Signature;
struct Node;

// Arguments of a built-in call after signature validation, plus the context (focus) value of the call site.
struct CallContext
{
    Evaluator &evaluator;
    const Value &input;
    std::string_view name;
    Frame *env; // the caller's scope ($eval sees the caller's variables)
};

using BuiltinImpl = Value (*)(CallContext &ctx, std::vector<Value> &args);

struct BuiltinDef
{
    const char *name;
    const char *signatureText;
    BuiltinImpl impl;
    std::shared_ptr<Signature> signature;
    int arity = -1; // parameters a higher-order caller passes; -1: one per signature parameter
};

// A callable value: a lambda closure, a built-in, a partial application, a compiled regex, a '~>' composition of
// two functions, or a transform ('|pattern|update|') waiting for its input.
class Function : public HeapItem
{
public:
    enum class Kind : std::uint8_t { Lambda, Builtin, Partial, Regex, Chain, Transform };

    explicit Function(Kind kind) : m_kind(kind) {}
    Kind kind() const { return m_kind; }
    int arity() const;

    Kind m_kind;
    // Lambda and Transform
    const Node *m_node = nullptr;
    std::shared_ptr<Frame> m_env;
    std::shared_ptr<const Program> m_program;
    Value m_input;
    // Builtin
    const BuiltinDef *m_builtin = nullptr;
    // Partial: m_target with m_args where m_placeholder[i] marks a '?'; Chain: m_target then m_second
    Value m_target;
    Value m_second;
    std::vector<Value> m_args;
    std::vector<bool> m_placeholder;
    // Regex
    std::shared_ptr<QRegularExpression> m_regex;
};

} // namespace patchbay::jsonata
