#pragma once

#include "EvaluationBudget.h"
#include "Expression.h"
#include "Frame.h"
#include "Node.h"
#include "PathEvaluator.h"
#include "Value.h"

#include <memory>
#include <string>
#include <vector>

namespace patchbay::jsonata {

class Program;

// Evaluates one compiled Program against one input. Holds all per-evaluation state (frames, limits, clock), so
// the Program itself stays immutable and shareable across threads. Failures are thrown as Error internally
// (unwinding deep recursion is what exceptions are good at) and turned into a Result by Expression::evaluate.
class Evaluator
{
public:
    Evaluator(std::shared_ptr<const Program> program, const Bindings &bindings, const EvalLimits &limits);
    ~Evaluator();
    Evaluator(const Evaluator &) = delete;
    Evaluator &operator=(const Evaluator &) = delete;

    Value run(const Value &input);

    Value evaluate(const Node *node, const Value &input, Frame *env);
    // Calls any function value; 'input' is the call site's context (for signature '-' defaults).
    Value apply(const Value &fn, std::vector<Value> args, const Value &input, Frame *env);
    // Calls a function passed to a higher-order built-in with as many of the arguments as it declares.
    Value applyHof(const Value &fn, std::vector<Value> args);
    Value evaluateSource(const std::string &source, const Value &input, Frame *env);
    Frame *rootFrame() { return m_root.get(); }
    std::shared_ptr<Frame> newFrame(Frame *parent);
    // The evaluation's "now": fixed at first use so every $now()/$millis() of one evaluation agrees.
    double nowMillis();
    static int arityOf(const Value &fn);
    // The evaluation's time and memory; built-ins charge the work and values they make to it.
    EvaluationBudget &budget() { return m_budget; }

private:
    void checkLimits();
    void captureFrame(const std::shared_ptr<Frame> &frame);
    [[noreturn]] void limitExceeded(const char *what);

    Value evaluateBinary(const Node *node, const Value &input, Frame *env);
    Value evaluateArray(const Node *node, const Value &input, Frame *env);
    Value evaluateVariable(const Node *node, const Value &input, Frame *env);
    Value evaluateBlock(const Node *node, const Value &input, Frame *env);
    Value evaluateCall(const Node *node, const Value &input, Frame *env, const Value *applyTo);
    Value evaluatePartial(const Node *node, const Value &input, Frame *env);
    Value evaluateLambda(const Node *node, const Value &input, Frame *env);
    Value evaluateApply(const Node *node, const Value &input, Frame *env);
    Value evaluateTransform(const Node *node, const Value &input, Frame *env);
    Value applyInner(const Value &fn, std::vector<Value> &args, const Value &input, Frame *env);
    Value applyTransform(const Function &fn, const Value &arg);
    Value applyRegex(const Function &fn, std::vector<Value> &args);

    EvaluationBudget m_budget; // first: values the other members hold are refunded to it as they are freed
    PathEvaluator m_paths{*this};
    std::shared_ptr<const Program> m_program;
    std::shared_ptr<const Program> m_currentProgram; // the program lambdas being created belong to ($eval)
    std::shared_ptr<Frame> m_root;
    Value m_rootInput;
    std::vector<std::shared_ptr<Frame>> m_capturedFrames;
    int m_maxDepth;
    int m_depth = 0;
    const char *m_stackLimit = nullptr;
    double m_nowMillis = -1;
};

} // namespace patchbay::jsonata
