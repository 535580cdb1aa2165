#pragma once

#include "Error.h"
#include "Value.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

class QString;
class QJsonObject;

namespace patchbay::jsonata {

class Program;

// Limits for one evaluation; 0 means no explicit limit. Exceeding the time or the depth limit gives error U1001;
// independently of maxDepth the evaluator refuses to recurse past what the calling thread's stack can hold (also
// U1001). maxMemoryMb bounds the memory taken by the values the evaluation builds and holds at once (strings,
// arrays, objects, closures; not the input): exceeding it gives error U1002, as does running out of memory.
struct EvalLimits
{
    int timeoutMs = 0;
    int maxDepth = 0;
    int maxMemoryMb = 0;
};

// Variables visible to an expression as $name (names without the '$').
class Bindings
{
public:
    Bindings() = default;
    void set(std::string_view name, Value value);
    const std::vector<std::pair<std::string, Value>> &entries() const { return m_entries; }
    static Bindings fromQJsonObject(const QJsonObject &object);

private:
    std::vector<std::pair<std::string, Value>> m_entries;
};

// A compiled JSONata expression. Compile once, evaluate many times; evaluate() is const and may be called from
// several threads at once.
class Expression
{
public:
    static Result<Expression> compile(std::string_view source);
    static Result<Expression> compile(const char *source) { return compile(std::string_view(source)); }
    static Result<Expression> compile(const QString &source);

    Result<Value> evaluate(const Value &input, const Bindings &bindings = {}, const EvalLimits &limits = {}) const;
    const std::string &source() const;

private:
    explicit Expression(std::shared_ptr<const Program> program) : m_program(std::move(program)) {}
    std::shared_ptr<const Program> m_program;
};

} // namespace patchbay::jsonata
