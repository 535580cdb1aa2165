#include "Evaluator.h"

#include "ErrorText.h"
#include "Function.h"
#include "FunctionLibrary.h"
#include "JsNumber.h"
#include "Parser.h"
#include "Program.h"
#include "Sequence.h"
#include "Signature.h"

#include <QRegularExpression>

#include <pthread.h>

#include <algorithm>
#include <cmath>

namespace patchbay::jsonata {

namespace {
constexpr double kMaxSafeInteger = 9007199254740991.0; // 2^53 - 1

// Work units of one evaluation step: the budget reads the clock every 256 steps.
constexpr std::size_t kUnitsPerStep = 64;

// About what a scope kept alive by a closure takes: the frame, its control block and a few bindings.
constexpr std::size_t kCapturedFrameBytes = 256;

// Headroom kept free below the evaluator's deepest allowed frame, for built-ins, Qt regex and the unwinding.
constexpr std::size_t kStackReserve = 256 * 1024;

const char *stackFloor()
{
    // The lowest usable stack address of this thread, looked up once per thread (the lookup can read /proc).
    thread_local const char *floor = [] {
        pthread_attr_t attr;
        void *addr = nullptr;
        std::size_t size = 0;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &addr, &size);
            pthread_attr_destroy(&attr);
        }
        return static_cast<const char *>(addr);
    }();
    return floor;
}

Error errorAt(const char *code, int position, std::string token = {})
{
    return Error{code, position, ErrorText::message(code), std::move(token)};
}
} // namespace

Evaluator::Evaluator(std::shared_ptr<const Program> program, const Bindings &bindings, const EvalLimits &limits)
    : m_budget(limits), m_program(std::move(program)), m_currentProgram(m_program), m_maxDepth(limits.maxDepth)
{
    m_root = std::make_shared<Frame>(nullptr);
    for (const auto &[name, value] : bindings.entries())
        m_root->bind(name, value);
    char probe = 0;
    const char *floor = stackFloor();
    const char *here = &probe;
    if (floor && here > floor) {
        const std::size_t available = std::size_t(here - floor);
        m_stackLimit = floor + std::min(kStackReserve, available / 2);
    }
}

double Evaluator::nowMillis()
{
    if (m_nowMillis < 0) {
        m_nowMillis = double(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
    }
    return m_nowMillis;
}

Evaluator::~Evaluator()
{
    // Closures capture their frames and frames hold closures: clear them to break the reference cycles.
    for (auto &frame : m_capturedFrames)
        frame->clear();
    m_root->clear();
}

void Evaluator::captureFrame(const std::shared_ptr<Frame> &frame)
{
    // Lambdas made in a loop share their frame: remember it once. Frames stay until the evaluation ends, so the
    // memory they take is charged for good.
    if (!m_capturedFrames.empty() && m_capturedFrames.back() == frame)
        return;
    m_budget.chargeRetained(kCapturedFrameBytes);
    m_capturedFrames.push_back(frame);
}

std::shared_ptr<Frame> Evaluator::newFrame(Frame *parent)
{
    return std::make_shared<Frame>(parent);
}

void Evaluator::limitExceeded(const char *what)
{
    throw Error{"U1001", 0, std::string("Evaluation stopped: ") + what, {}};
}

void Evaluator::checkLimits()
{
    if (m_maxDepth > 0 && m_depth > m_maxDepth)
        limitExceeded("the expression recursed deeper than the depth limit");
    char probe = 0;
    if (m_stackLimit && &probe < m_stackLimit)
        limitExceeded("the expression recursed deeper than the stack allows");
    m_budget.spend(kUnitsPerStep);
}

Value Evaluator::run(const Value &input)
{
    Value wrapped = input;
    if (input.isArray() && !input.asArray().m_sequence) {
        wrapped = Sequence::create(input);
        wrapped.mutableArray().m_outerWrapper = true;
    }
    m_rootInput = input; // $$ is the input as given; only the context ($) gets the array wrapper
    Value result = evaluate(m_program->m_root, wrapped, m_root.get());
    return Sequence::collapse(std::move(result));
}

Value Evaluator::evaluate(const Node *node, const Value &input, Frame *env)
{
    struct DepthGuard
    {
        int &depth;
        ~DepthGuard() { --depth; }
    } guard{++m_depth};
    checkLimits();
    Value result;
    switch (node->type) {
    case NodeType::Path:
        result = m_paths.evaluatePath(node, input, env);
        break;
    case NodeType::Binary:
        result = evaluateBinary(node, input, env);
        break;
    case NodeType::Unary: {
        Value v = evaluate(node->lhs, input, env);
        if (v.isDefined()) {
            if (!Sequence::isNumeric(v))
                throw errorAt("D1002", node->position, "-");
            result = Value::number(-v.asNumber());
        }
        break;
    }
    case NodeType::ArrayCons:
        result = evaluateArray(node, input, env);
        break;
    case NodeType::ObjectCons:
        if (node->constantKeys && !input.isArray()) {
            // One input item and fixed distinct keys: grouping would pair every key with that item anyway.
            result = Value::emptyObject(node->pairs.size());
            Object &obj = result.mutableObject();
            for (const auto &[key, valueNode] : node->pairs) {
                Value v = evaluate(valueNode, input, env);
                if (v.isDefined())
                    obj.appendUnique(Key(key->literal), std::move(v));
            }
        } else {
            result = m_paths.evaluateGroup(node->pairs, input, env);
        }
        break;
    case NodeType::Name:
        result = Sequence::lookup(input, node->text);
        break;
    case NodeType::Literal:
    case NodeType::Regex:
        result = node->literal;
        break;
    case NodeType::Wildcard:
        result = m_paths.evaluateWildcard(input);
        break;
    case NodeType::Descendant:
        result = m_paths.evaluateDescendants(input);
        break;
    case NodeType::Parent: {
        const Value *v = env->lookup(node->slot->label);
        if (v)
            result = *v;
        break;
    }
    case NodeType::Variable:
        result = evaluateVariable(node, input, env);
        break;
    case NodeType::Condition: {
        Value cond = evaluate(node->condition, input, env);
        if (Sequence::toBoolean(cond))
            result = evaluate(node->thenBranch, input, env);
        else if (node->elseBranch)
            result = evaluate(node->elseBranch, input, env);
        break;
    }
    case NodeType::Elvis: {
        Value lhs = evaluate(node->lhs, input, env);
        result = Sequence::toBoolean(lhs) ? lhs : evaluate(node->rhs, input, env);
        break;
    }
    case NodeType::Coalesce: {
        Value lhs = evaluate(node->lhs, input, env);
        result = lhs.isDefined() ? lhs : evaluate(node->rhs, input, env);
        break;
    }
    case NodeType::Block:
        result = evaluateBlock(node, input, env);
        break;
    case NodeType::Bind: {
        result = evaluate(node->rhs, input, env);
        env->bind(node->lhs->text, result);
        break;
    }
    case NodeType::Function:
        result = evaluateCall(node, input, env, nullptr);
        break;
    case NodeType::Partial:
        result = evaluatePartial(node, input, env);
        break;
    case NodeType::Lambda:
        result = evaluateLambda(node, input, env);
        break;
    case NodeType::Apply:
        result = evaluateApply(node, input, env);
        break;
    case NodeType::Transform:
        result = evaluateTransform(node, input, env);
        break;
    case NodeType::Sort:
    case NodeType::Placeholder:
        break;
    }
    for (const Stage &stage : node->predicates)
        result = m_paths.evaluateFilter(stage.expr, result, env);
    if (node->type != NodeType::Path && node->group)
        result = m_paths.evaluateGroup(node->group->pairs, result, env);
    m_budget.charge(result);
    if (Sequence::isSequence(result) && !result.asArray().m_tupleStream) {
        if (node->keepArray)
            result.mutableArray().m_keepSingleton = true;
        const Array &a = result.asArray();
        if (a.empty())
            return {};
        if (a.size() == 1 && !a.m_keepSingleton)
            return a[0];
    }
    return result;
}

Value Evaluator::evaluateVariable(const Node *node, const Value &input, Frame *env)
{
    if (node->text.empty()) {
        if (input.isArray() && input.asArray().m_outerWrapper && !input.asArray().empty())
            return input.asArray()[0];
        return input;
    }
    if (const Value *v = env->lookup(node->text))
        return *v;
    if (node->text.size() == 1 && node->text[0] == '$')
        return m_rootInput; // $$
    if (node->builtin)
        return *node->builtin;
    return {};
}

Value Evaluator::evaluateBlock(const Node *node, const Value &input, Frame *env)
{
    std::shared_ptr<Frame> frame = newFrame(env);
    Value result;
    for (const Node *item : node->items)
        result = evaluate(item, input, frame.get());
    return result;
}

Value Evaluator::evaluateArray(const Node *node, const Value &input, Frame *env)
{
    Value result = Value::newArray(node->items.size());
    Array &out = result.mutableArray();
    for (const Node *item : node->items) {
        Value v = evaluate(item, input, env);
        if (v.isUndefined())
            continue;
        if (item->type == NodeType::ArrayCons || !v.isArray()) {
            out.push(std::move(v));
        } else {
            const std::vector<Value> &items = v.asArray().m_items;
            m_budget.spend(items.size());
            m_budget.reserve((out.size() + items.size()) * sizeof(Value));
            out.m_items.insert(out.m_items.end(), items.begin(), items.end());
        }
    }
    if (node->consArray)
        out.m_cons = true;
    return result;
}

Value Evaluator::evaluateBinary(const Node *node, const Value &input, Frame *env)
{
    Value lhs = evaluate(node->lhs, input, env);
    if (node->op == BinaryOp::And) {
        if (!Sequence::toBoolean(lhs))
            return Value::boolean(false);
        return Value::boolean(Sequence::toBoolean(evaluate(node->rhs, input, env)));
    }
    if (node->op == BinaryOp::Or) {
        if (Sequence::toBoolean(lhs))
            return Value::boolean(true);
        return Value::boolean(Sequence::toBoolean(evaluate(node->rhs, input, env)));
    }
    Value rhs = evaluate(node->rhs, input, env);
    switch (node->op) {
    case BinaryOp::Add:
    case BinaryOp::Subtract:
    case BinaryOp::Multiply:
    case BinaryOp::Divide:
    case BinaryOp::Modulo: {
        try {
            if (lhs.isDefined() && !Sequence::isNumeric(lhs))
                throw errorAt("T2001", node->position, node->text);
            if (rhs.isDefined() && !Sequence::isNumeric(rhs))
                throw errorAt("T2002", node->position, node->text);
        } catch (Error &err) {
            if (err.position == 0)
                err.position = node->position;
            throw;
        }
        if (lhs.isUndefined() || rhs.isUndefined())
            return {};
        double l = lhs.asNumber();
        double r = rhs.asNumber();
        switch (node->op) {
        case BinaryOp::Add:
            return Value::number(l + r);
        case BinaryOp::Subtract:
            return Value::number(l - r);
        case BinaryOp::Multiply:
            return Value::number(l * r);
        case BinaryOp::Divide:
            return Value::number(l / r);
        default:
            return Value::number(std::fmod(l, r));
        }
    }
    case BinaryOp::Equal:
    case BinaryOp::NotEqual: {
        if (lhs.isUndefined() || rhs.isUndefined())
            return Value::boolean(false);
        bool eq = lhs.deepEquals(rhs);
        return Value::boolean(node->op == BinaryOp::Equal ? eq : !eq);
    }
    case BinaryOp::Less:
    case BinaryOp::LessEqual:
    case BinaryOp::Greater:
    case BinaryOp::GreaterEqual: {
        auto comparable = [](const Value &v) { return v.isUndefined() || v.isString() || v.isNumber(); };
        if (!comparable(lhs) || !comparable(rhs))
            throw errorAt("T2010", node->position, node->text);
        if (lhs.isUndefined() || rhs.isUndefined())
            return {};
        if (lhs.type() != rhs.type())
            throw errorAt("T2009", node->position, node->text);
        if (lhs.isNumber() && (std::isnan(lhs.asNumber()) || std::isnan(rhs.asNumber())))
            return Value::boolean(false); // NaN is not ordered, as in JavaScript
        int cmp;
        if (lhs.isNumber())
            cmp = lhs.asNumber() < rhs.asNumber() ? -1 : (lhs.asNumber() > rhs.asNumber() ? 1 : 0);
        else
            cmp = lhs.asString() < rhs.asString() ? -1 : (lhs.asString() > rhs.asString() ? 1 : 0);
        bool r = false;
        switch (node->op) {
        case BinaryOp::Less:
            r = cmp < 0;
            break;
        case BinaryOp::LessEqual:
            r = cmp <= 0;
            break;
        case BinaryOp::Greater:
            r = cmp > 0;
            break;
        default:
            r = cmp >= 0;
        }
        return Value::boolean(r);
    }
    case BinaryOp::Concat: {
        if (lhs.isString() && rhs.isString()) {
            m_budget.reserve(lhs.asString().size() + rhs.asString().size());
            std::string s;
            s.reserve(lhs.asString().size() + rhs.asString().size());
            s.append(lhs.asString()).append(rhs.asString());
            return Value::string(std::move(s));
        }
        std::string s = lhs.isUndefined() ? std::string() : FunctionLibrary::stringify(lhs);
        if (rhs.isDefined()) {
            std::string right = FunctionLibrary::stringify(rhs);
            m_budget.reserve(s.size() + right.size());
            s += right;
        }
        return Value::string(std::move(s));
    }
    case BinaryOp::Range: {
        if (lhs.isDefined() && !(lhs.isNumber() && JsNumber::isInteger(lhs.asNumber())))
            throw errorAt("T2003", node->position, "..");
        if (rhs.isDefined() && !(rhs.isNumber() && JsNumber::isInteger(rhs.asNumber())))
            throw errorAt("T2004", node->position, "..");
        if (lhs.isUndefined() || rhs.isUndefined())
            return {};
        double from = lhs.asNumber();
        double to = rhs.asNumber();
        // Past 2^53 consecutive integers are no longer distinct numbers: such a range cannot be counted out.
        if (std::fabs(from) > kMaxSafeInteger)
            throw Error{"T2003", node->position, ErrorText::message("T2003") + " no larger than 2^53 in magnitude",
                        ".."};
        if (std::fabs(to) > kMaxSafeInteger)
            throw Error{"T2004", node->position, ErrorText::message("T2004") + " no larger than 2^53 in magnitude",
                        ".."};
        if (from > to)
            return {};
        double size = to - from + 1;
        if (size > 1e7)
            throw errorAt("D2014", node->position, "..");
        const auto count = std::size_t(size);
        m_budget.reserve(count * sizeof(Value));
        m_budget.spend(count);
        Value result = Value::newArray(count);
        Array &out = result.mutableArray();
        out.m_sequence = true;
        for (std::size_t i = 0; i < count; ++i)
            out.push(Value::number(from + double(i)));
        return result;
    }
    case BinaryOp::In: {
        if (lhs.isUndefined() || rhs.isUndefined())
            return Value::boolean(false);
        auto same = [&lhs](const Value &v) {
            if (v.type() != lhs.type())
                return false;
            if (v.isArray() || v.isObject() || v.isFunction())
                return v.heap() == lhs.heap();
            return v.deepEquals(lhs);
        };
        if (rhs.isArray()) {
            for (const Value &item : rhs.asArray().m_items) {
                if (same(item))
                    return Value::boolean(true);
            }
            return Value::boolean(false);
        }
        return Value::boolean(same(rhs));
    }
    default:
        return {};
    }
}

Value Evaluator::evaluateLambda(const Node *node, const Value &input, Frame *env)
{
    auto *fn = new Function(Function::Kind::Lambda);
    fn->m_node = node;
    fn->m_env = env->shared_from_this();
    fn->m_input = input;
    fn->m_program = m_currentProgram;
    if (!node->thunk)
        captureFrame(fn->m_env);
    return Value::function(fn);
}

Value Evaluator::evaluateTransform(const Node *node, const Value &, Frame *env)
{
    auto *fn = new Function(Function::Kind::Transform);
    fn->m_node = node;
    fn->m_env = env->shared_from_this();
    fn->m_program = m_currentProgram;
    captureFrame(fn->m_env);
    return Value::function(fn);
}

Value Evaluator::evaluateCall(const Node *node, const Value &input, Frame *env, const Value *applyTo)
{
    Value proc = evaluate(node->procedure, input, env);
    const Node *procNode = node->procedure;
    std::string procName;
    if (procNode->type == NodeType::Path && !procNode->items.empty())
        procName = procNode->items[0]->text;
    else
        procName = procNode->text;
    if (proc.isUndefined() && procNode->type == NodeType::Path && procNode->items[0]->type == NodeType::Name &&
        (env->lookup(procName) || FunctionLibrary::lookup(procName))) {
        throw errorAt("T1005", node->position, procName);
    }
    std::vector<Value> args;
    args.reserve(node->items.size() + (applyTo ? 1 : 0));
    if (applyTo)
        args.push_back(*applyTo);
    for (const Node *arg : node->items)
        args.push_back(evaluate(arg, input, env));
    try {
        return apply(proc, std::move(args), input, env);
    } catch (Error &err) {
        if (err.position == 0)
            err.position = node->position;
        if (err.token.empty())
            err.token = procName;
        throw;
    }
}

Value Evaluator::evaluatePartial(const Node *node, const Value &input, Frame *env)
{
    auto *fn = new Function(Function::Kind::Partial);
    Value result = Value::function(fn);
    for (const Node *arg : node->items) {
        if (arg->type == NodeType::Placeholder) {
            fn->m_args.emplace_back();
            fn->m_placeholder.push_back(true);
        } else {
            fn->m_args.push_back(evaluate(arg, input, env));
            fn->m_placeholder.push_back(false);
        }
    }
    Value proc = evaluate(node->procedure, input, env);
    const Node *procNode = node->procedure;
    if (proc.isUndefined() && procNode->type == NodeType::Path && procNode->items[0]->type == NodeType::Name &&
        (env->lookup(procNode->items[0]->text) || FunctionLibrary::lookup(procNode->items[0]->text))) {
        throw errorAt("T1007", node->position, procNode->items[0]->text);
    }
    if (!proc.isFunction())
        throw errorAt("T1008", node->position, procNode->type == NodeType::Path ? procNode->items[0]->text : "");
    fn->m_target = proc;
    return result;
}

Value Evaluator::evaluateApply(const Node *node, const Value &input, Frame *env)
{
    Value lhs = evaluate(node->lhs, input, env);
    if (node->rhs->type == NodeType::Function)
        return evaluateCall(node->rhs, input, env, &lhs);
    Value func = evaluate(node->rhs, input, env);
    if (!func.isFunction())
        throw errorAt("T2006", node->position, "~>");
    if (lhs.isFunction()) {
        auto *chain = new Function(Function::Kind::Chain);
        chain->m_target = lhs;
        chain->m_second = func;
        return Value::function(chain);
    }
    return apply(func, {lhs}, input, env);
}

int Evaluator::arityOf(const Value &fn)
{
    const Function &f = fn.asFunction();
    switch (f.kind()) {
    case Function::Kind::Lambda:
        return int(f.m_node->params.size());
    case Function::Kind::Builtin:
        return f.m_builtin->arity >= 0 ? f.m_builtin->arity : int(f.m_builtin->signature->paramCount());
    case Function::Kind::Partial: {
        int n = 0;
        for (bool p : f.m_placeholder)
            n += p ? 1 : 0;
        return n;
    }
    case Function::Kind::Regex:
    case Function::Kind::Chain:
    case Function::Kind::Transform:
        return 1;
    }
    return 0;
}

Value Evaluator::applyHof(const Value &fn, std::vector<Value> args)
{
    if (fn.isFunction()) {
        std::size_t arity = std::size_t(arityOf(fn));
        if (args.size() > arity)
            args.resize(arity);
    }
    return apply(fn, std::move(args), Value(), m_root.get());
}

Value Evaluator::apply(const Value &fn, std::vector<Value> args, const Value &input, Frame *env)
{
    Value result = applyInner(fn, args, input, env);
    // Trampoline: calls in tail position come back as thunks so deep tail recursion runs in constant stack.
    while (result.isFunction() && result.asFunction().kind() == Function::Kind::Lambda &&
           result.asFunction().m_node->thunk) {
        Value thunk = std::move(result);
        const Function &t = thunk.asFunction();
        const Node *call = t.m_node->body;
        Frame *thunkEnv = t.m_env.get();
        Value next = evaluate(call->procedure, t.m_input, thunkEnv);
        std::vector<Value> nextArgs;
        nextArgs.reserve(call->items.size());
        for (const Node *arg : call->items)
            nextArgs.push_back(evaluate(arg, t.m_input, thunkEnv));
        try {
            result = applyInner(next, nextArgs, t.m_input, thunkEnv);
        } catch (Error &err) {
            if (err.position == 0)
                err.position = call->position;
            throw;
        }
    }
    return result;
}

Value Evaluator::applyInner(const Value &fn, std::vector<Value> &args, const Value &input, Frame *env)
{
    if (!fn.isFunction())
        throw errorAt("T1006", 0);
    const Function &f = fn.asFunction();
    switch (f.kind()) {
    case Function::Kind::Lambda: {
        const Node *lambda = f.m_node;
        if (lambda->signature)
            lambda->signature->validate(args, input, "lambda");
        std::shared_ptr<Frame> frame = newFrame(f.m_env.get());
        for (std::size_t i = 0; i < lambda->params.size(); ++i)
            frame->bind(lambda->params[i], i < args.size() ? args[i] : Value());
        return evaluate(lambda->body, f.m_input, frame.get());
    }
    case Function::Kind::Builtin: {
        const BuiltinDef *def = f.m_builtin;
        def->signature->validate(args, input, def->name);
        CallContext ctx{*this, input, def->name, env};
        return def->impl(ctx, args);
    }
    case Function::Kind::Partial: {
        std::vector<Value> full;
        full.reserve(f.m_args.size());
        std::size_t next = 0;
        for (std::size_t i = 0; i < f.m_args.size(); ++i) {
            if (f.m_placeholder[i])
                full.push_back(next < args.size() ? args[next++] : Value());
            else
                full.push_back(f.m_args[i]);
        }
        return apply(f.m_target, std::move(full), input, env);
    }
    case Function::Kind::Regex:
        return applyRegex(f, args);
    case Function::Kind::Chain: {
        Value first = apply(f.m_target, args, input, env);
        return apply(f.m_second, {first}, input, env);
    }
    case Function::Kind::Transform:
        return applyTransform(f, args.empty() ? Value() : args[0]);
    }
    return {};
}

Value Evaluator::applyRegex(const Function &fn, std::vector<Value> &args)
{
    if (args.empty() || !args[0].isString())
        return {};
    return FunctionLibrary::regexMatchObject(*fn.m_regex, args[0].asString(), 0);
}

Value Evaluator::applyTransform(const Function &fn, const Value &arg)
{
    if (arg.isUndefined())
        return {};
    // A transform's signature is <(oa):o>: it updates objects (also inside arrays), nothing else.
    if (!arg.isObject() && !arg.isArray())
        throw Error{"T0410", fn.m_node->position, ErrorText::argumentMessage("T0410", 1, {}), {}};
    const Node *node = fn.m_node;
    Frame *env = fn.m_env.get();
    if (const Value *clone = env->lookup("clone"); clone && !clone->isFunction())
        throw errorAt("T2013", node->position);
    Value result = Sequence::deepClone(arg);
    Value matches = evaluate(node->condition, result, env);
    if (matches.isUndefined())
        return result;
    std::vector<Value> targets;
    if (matches.isArray())
        targets = matches.asArray().m_items;
    else
        targets.push_back(matches);
    for (const Value &match : targets) {
        Value update = evaluate(node->thenBranch, match, env);
        if (update.isDefined()) {
            if (!update.isObject())
                throw errorAt("T2011", node->thenBranch->position);
            if (match.isObject()) {
                // Cloned: the update may refer to the match itself, and shared values must not form a cycle.
                for (const auto &[key, value] : update.asObject().entries())
                    match.mutableObject().set(key, Sequence::deepClone(value));
            }
        }
        if (node->elseBranch) {
            Value deletions = evaluate(node->elseBranch, match, env);
            if (deletions.isUndefined())
                continue;
            Value list = deletions;
            if (!list.isArray()) {
                list = Value::newArray(1);
                list.mutableArray().push(deletions);
            }
            if (!Sequence::isArrayOfStrings(list))
                throw errorAt("T2012", node->elseBranch->position);
            if (match.isObject()) {
                for (const Value &key : list.asArray().m_items)
                    match.mutableObject().remove(key.asString());
            }
        }
    }
    return result;
}

Value Evaluator::evaluateSource(const std::string &source, const Value &input, Frame *env)
{
    std::shared_ptr<Program> program;
    try {
        program = Parser::parse(source);
    } catch (Error &err) {
        throw Error{"D3120", 0, ErrorText::message("D3120") + ": " + err.message, {}};
    }
    std::shared_ptr<const Program> saved = m_currentProgram;
    m_currentProgram = program;
    Value wrapped = input;
    if (input.isArray() && !input.asArray().m_sequence) {
        wrapped = Sequence::create(input);
        wrapped.mutableArray().m_outerWrapper = true;
    }
    // As in the reference, $$ stays the root of the calling evaluation; only the context ($) is the new input.
    std::shared_ptr<Frame> frame = newFrame(env);
    try {
        Value result = evaluate(program->m_root, wrapped, frame.get());
        m_currentProgram = saved;
        return result;
    } catch (Error &err) {
        m_currentProgram = saved;
        if (err.code.rfind("U10", 0) == 0) // an exceeded limit stays what it is
            throw;
        throw Error{"D3121", 0, ErrorText::message("D3121") + ": " + err.message, {}};
    }
}

} // namespace patchbay::jsonata
