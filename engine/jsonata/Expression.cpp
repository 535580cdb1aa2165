#include "Expression.h"

#include "EvaluationBudget.h"
#include "Evaluator.h"
#include "Parser.h"
#include "Program.h"

#include <QJsonObject>
#include <QString>

#include <new>
#include <stdexcept>

namespace patchbay::jsonata {

namespace {
// Results leave the evaluator as plain JSON: sequence bookkeeping flags are evaluation-internal, and clearing
// them here means no later evaluation (possibly on another thread) ever writes to a value it did not create.
// The walk is also the depth check of every result, and the check of its size written out: callers walk results
// recursively (toJson, QJson conversion), and a value whose members share payloads can be far larger written out
// than the memory it takes.
class ResultWalk
{
public:
    explicit ResultWalk(EvaluationBudget &budget) : m_budget(budget) {}

    bool hasSequenceFlags(const Value &v, int depth = 0)
    {
        visit(depth);
        if (v.isArray()) {
            const Array &a = v.asArray();
            if (a.m_sequence || a.m_keepSingleton || a.m_cons || a.m_outerWrapper || a.m_tupleStream)
                return true;
            for (const Value &item : a.m_items) {
                if ((item.isArray() || item.isObject()) && hasSequenceFlags(item, depth + 1))
                    return true;
            }
        } else if (v.isObject()) {
            for (const auto &entry : v.asObject().entries()) {
                if ((entry.second.isArray() || entry.second.isObject()) && hasSequenceFlags(entry.second, depth + 1))
                    return true;
            }
        }
        return false;
    }

    void clearSequenceFlags(const Value &v, int depth = 0)
    {
        visit(depth);
        if (v.isArray()) {
            Array &a = v.mutableArray();
            if (a.m_sequence || a.m_keepSingleton || a.m_cons || a.m_outerWrapper || a.m_tupleStream) {
                a.m_sequence = a.m_keepSingleton = a.m_cons = a.m_outerWrapper = a.m_tupleStream = false;
            }
            for (const Value &item : a.m_items) {
                if (item.isArray() || item.isObject())
                    clearSequenceFlags(item, depth + 1);
            }
        } else if (v.isObject()) {
            for (const auto &entry : v.asObject().entries()) {
                if (entry.second.isArray() || entry.second.isObject())
                    clearSequenceFlags(entry.second, depth + 1);
            }
        }
    }

private:
    void visit(int depth)
    {
        if (depth > kMaxValueDepth)
            throwTooDeep();
        // Counted per array or object visited, at the size of one member.
        if ((++m_visited & 1023) == 0) {
            m_budget.spend(1024);
            m_budget.checkSize(m_visited * sizeof(Value));
        }
    }

    EvaluationBudget &m_budget;
    std::size_t m_visited = 0;
};
} // namespace

void Bindings::set(std::string_view name, Value value)
{
    for (auto &entry : m_entries) {
        if (entry.first == name) {
            entry.second = std::move(value);
            return;
        }
    }
    m_entries.emplace_back(std::string(name), std::move(value));
}

Bindings Bindings::fromQJsonObject(const QJsonObject &object)
{
    Bindings b;
    for (auto it = object.begin(); it != object.end(); ++it)
        b.set(it.key().toStdString(), Value::fromQJsonValue(it.value()));
    return b;
}

Result<Expression> Expression::compile(std::string_view source)
{
    try {
        return Expression(Parser::parse(source));
    } catch (const Error &err) {
        return err;
    }
}

Result<Expression> Expression::compile(const QString &source)
{
    return compile(std::string_view(source.toStdString()));
}

const std::string &Expression::source() const
{
    return m_program->m_source;
}

Result<Value> Expression::evaluate(const Value &input, const Bindings &bindings, const EvalLimits &limits) const
{
    try {
        Evaluator evaluator(m_program, bindings, limits);
        Value result = evaluator.run(input);
        ResultWalk walk(evaluator.budget());
        if (walk.hasSequenceFlags(result))
            walk.clearSequenceFlags(result);
        return result;
    } catch (const Error &err) {
        return err;
    } catch (const std::bad_alloc &) {
        return Error{"U1002", 0, "Evaluation stopped: out of memory", {}};
    } catch (const std::length_error &) {
        return Error{"U1002", 0, "Evaluation stopped: a value grew too large", {}};
    }
}

} // namespace patchbay::jsonata
