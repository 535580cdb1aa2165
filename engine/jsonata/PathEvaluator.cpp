#include "PathEvaluator.h"

#include "ErrorText.h"
#include "EvaluationBudget.h"
#include "Evaluator.h"
#include "MergeSort.h"
#include "Sequence.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace patchbay::jsonata {

namespace {
const std::string kFocusKey = "@";

Value tupleContext(const Value &tuple)
{
    if (!tuple.isObject())
        return {};
    const Value *v = tuple.asObject().find(kFocusKey);
    return v ? *v : Value();
}

Value copyObject(const Value &tuple)
{
    if (!tuple.isObject())
        return Value::emptyObject();
    Value copy = Value::emptyObject(tuple.asObject().size() + 2);
    for (const auto &[key, value] : tuple.asObject().entries())
        copy.mutableObject().set(key, value);
    return copy;
}
} // namespace

std::shared_ptr<Frame> PathEvaluator::frameFromTuple(Frame *env, const Value &tuple)
{
    std::shared_ptr<Frame> frame = m_evaluator.newFrame(env);
    if (tuple.isObject()) {
        for (const auto &[key, value] : tuple.asObject().entries())
            frame->bind(key, value);
    }
    return frame;
}

Value PathEvaluator::evaluatePath(const Node *node, const Value &input, Frame *env)
{
    const auto &steps = node->items;
    if (node->simplePath && input.isObject()) {
        // Plain field navigation from one object: no sequences needed unless an array turns up midway.
        const Value *current = &input;
        for (std::size_t i = 0;; ++i) {
            const Value *found = current->asObject().find(steps[i]->text);
            if (!found || found->isUndefined())
                return {};
            if (i + 1 == steps.size()) {
                if (!found->isArray() || !found->asArray().m_sequence)
                    return *found;
                break;
            }
            if (found->isArray())
                break;
            if (!found->isObject())
                return {};
            current = found;
        }
    }
    Value inputSeq;
    if (input.isArray() && steps[0]->type != NodeType::Variable)
        inputSeq = input;
    else
        inputSeq = Sequence::create(input);

    Value resultSeq;
    bool isTuple = false;
    Value tuples;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Node *step = steps[i];
        if (step->tuple)
            isTuple = true;
        if (!inputSeq.isArray())
            inputSeq = Sequence::create(inputSeq);
        if (i == 0 && step->consArray)
            resultSeq = m_evaluator.evaluate(step, inputSeq, env);
        else if (isTuple)
            tuples = evaluateTupleStep(step, inputSeq.asArray(), tuples, env);
        else
            resultSeq = evaluateStep(step, inputSeq.asArray(), env, i == steps.size() - 1);
        if (!isTuple && (resultSeq.isUndefined() || (resultSeq.isArray() && resultSeq.asArray().empty())))
            break;
        if (step->focus.empty())
            inputSeq = resultSeq;
    }
    if (isTuple) {
        if (node->tuple) {
            resultSeq = tuples;
        } else {
            resultSeq = Sequence::create();
            if (tuples.isArray()) {
                for (const Value &tb : tuples.asArray().m_items)
                    resultSeq.mutableArray().push(tupleContext(tb));
            }
        }
    }
    if (node->keepSingletonArray && resultSeq.isArray()) {
        if (resultSeq.asArray().m_cons && !resultSeq.asArray().m_sequence)
            resultSeq = Sequence::create(resultSeq);
        if (resultSeq.asArray().m_sequence)
            resultSeq.mutableArray().m_keepSingleton = true;
    }
    if (node->group)
        resultSeq = evaluateGroup(node->group->pairs, isTuple ? tuples : resultSeq, env);
    return resultSeq;
}

Value PathEvaluator::evaluateStep(const Node *step, const Array &input, Frame *env, bool lastStep)
{
    if (step->type == NodeType::Sort) {
        Value sorted = evaluateSort(step, Value::array(const_cast<Array *>(&input)), env);
        return evaluateStages(step->stages, sorted, env);
    }
    // Fast path: a plain name step over one object needs no intermediate sequence.
    if (step->type == NodeType::Name && step->stages.empty() && input.size() == 1 && input[0].isObject()) {
        const Value *found = input[0].asObject().find(step->text);
        if (!found || found->isUndefined())
            return Sequence::create();
        if (found->isArray()) {
            if (lastStep && !found->asArray().m_sequence)
                return *found;
            if (found->asArray().m_cons)
                return Sequence::create(*found);
            Value out = Sequence::create();
            out.mutableArray().m_items = found->asArray().m_items;
            return out;
        }
        return Sequence::create(*found);
    }
    std::vector<Value> results;
    results.reserve(input.size());
    for (std::size_t i = 0; i < input.size(); ++i) {
        Sequence::prefetchAhead(input.m_items, i);
        const Value &item = input[i];
        Value res = m_evaluator.evaluate(step, item, env);
        for (const Stage &stage : step->stages)
            res = evaluateFilter(stage.expr, res, env);
        if (res.isDefined())
            results.push_back(std::move(res));
    }
    if (lastStep && results.size() == 1 && results[0].isArray() && !results[0].asArray().m_sequence)
        return results[0];
    if (results.size() == 1 && Sequence::isSequence(results[0])) {
        // Flattening one plain sequence would only copy it (and touch every item's reference count).
        const Array &only = results[0].asArray();
        if (!only.m_keepSingleton && !only.m_tupleStream && !only.m_outerWrapper && !only.m_cons)
            return results[0];
    }
    std::size_t total = 0;
    for (const Value &res : results)
        total += !res.isArray() || res.asArray().m_cons ? 1 : res.asArray().size();
    EvaluationBudget &budget = m_evaluator.budget();
    budget.spend(total);
    budget.reserve(total * sizeof(Value));
    Value out = Sequence::create();
    Array &seq = out.mutableArray();
    seq.m_items.reserve(total);
    for (Value &res : results) {
        if (!res.isArray() || res.asArray().m_cons)
            seq.push(std::move(res));
        else
            seq.m_items.insert(seq.m_items.end(), res.asArray().m_items.begin(), res.asArray().m_items.end());
    }
    return out;
}

Value PathEvaluator::evaluateTupleStep(const Node *step, const Array &input, const Value &tuples, Frame *env)
{
    if (step->type == NodeType::Sort) {
        Value result;
        if (tuples.isDefined()) {
            result = evaluateSort(step, tuples, env);
        } else {
            Value sorted = evaluateSort(step, Value::array(const_cast<Array *>(&input)), env);
            result = Sequence::create();
            result.mutableArray().m_tupleStream = true;
            if (sorted.isArray()) {
                for (std::size_t i = 0; i < sorted.asArray().size(); ++i) {
                    Value tuple = Value::emptyObject(2);
                    tuple.mutableObject().set(kFocusKey, sorted.asArray()[i]);
                    if (!step->indexVar.empty())
                        tuple.mutableObject().set(step->indexVar, Value::number(double(i)));
                    result.mutableArray().push(tuple);
                }
            }
        }
        return evaluateStages(step->stages, result, env);
    }
    Value result = Sequence::create();
    result.mutableArray().m_tupleStream = true;
    Value bindings = tuples;
    if (bindings.isUndefined()) {
        bindings = Value::newArray(input.size());
        for (const Value &item : input.m_items) {
            Value tuple = Value::emptyObject(2);
            tuple.mutableObject().set(kFocusKey, item);
            bindings.mutableArray().push(tuple);
        }
    }
    for (const Value &tb : bindings.asArray().m_items) {
        std::shared_ptr<Frame> stepEnv = frameFromTuple(env, tb);
        Value context = tupleContext(tb);
        Value res = m_evaluator.evaluate(step, context, stepEnv.get());
        if (res.isUndefined())
            continue;
        if (!res.isArray()) {
            Value wrapped = Value::newArray(1);
            wrapped.mutableArray().push(res);
            res = wrapped;
        }
        const Array &items = res.asArray();
        EvaluationBudget &budget = m_evaluator.budget();
        for (std::size_t bb = 0; bb < items.size(); ++bb) {
            budget.spend(8);
            Value tuple = copyObject(tb);
            Object &t = tuple.mutableObject();
            if (items.m_tupleStream) {
                if (items[bb].isObject()) {
                    for (const auto &[key, value] : items[bb].asObject().entries())
                        t.set(key, value);
                }
            } else {
                if (!step->focus.empty()) {
                    t.set(step->focus, items[bb]);
                    t.set(kFocusKey, context);
                } else {
                    t.set(kFocusKey, items[bb]);
                }
                if (!step->indexVar.empty())
                    t.set(step->indexVar, Value::number(double(bb)));
                if (step->ancestor)
                    t.set(step->ancestor->label, context);
            }
            budget.charge(tuple); // every input item times every step result: can be far more than either
            result.mutableArray().push(tuple);
        }
    }
    return evaluateStages(step->stages, result, env);
}

Value PathEvaluator::evaluateStages(const std::vector<Stage> &stages, Value input, Frame *env)
{
    for (const Stage &stage : stages) {
        if (!stage.isIndex) {
            input = evaluateFilter(stage.expr, input, env);
        } else if (input.isArray()) {
            const Array &tuples = input.asArray();
            for (std::size_t i = 0; i < tuples.size(); ++i) {
                if (tuples[i].isObject())
                    tuples[i].mutableObject().set(stage.indexVar, Value::number(double(i)));
            }
        }
    }
    return input;
}

Value PathEvaluator::evaluateFilter(const Node *predicate, const Value &input, Frame *env)
{
    Value results = Sequence::create();
    Array &out = results.mutableArray();
    const bool tupleStream = input.isArray() && input.asArray().m_tupleStream;
    out.m_tupleStream = tupleStream;
    Value seq = input.isArray() ? input : Sequence::create(input);
    const Array &items = seq.asArray();
    if (predicate->type == NodeType::Literal && predicate->literal.isNumber()) {
        double index = std::floor(predicate->literal.asNumber());
        if (index < 0)
            index += double(items.size());
        if (index >= 0 && index < double(items.size())) {
            const Value &item = items[std::size_t(index)];
            if (item.isArray())
                return item;
            if (item.isDefined())
                out.push(item);
        }
        return results;
    }
    for (std::size_t index = 0; index < items.size(); ++index) {
        Sequence::prefetchAhead(items.m_items, index);
        const Value &item = items[index];
        Value tupleFocus;
        std::shared_ptr<Frame> tupleEnv;
        Frame *itemEnv = env;
        if (tupleStream) {
            tupleFocus = tupleContext(item);
            tupleEnv = frameFromTuple(env, item);
            itemEnv = tupleEnv.get();
        }
        Value res = m_evaluator.evaluate(predicate, tupleStream ? tupleFocus : item, itemEnv);
        if (Sequence::isNumeric(res)) {
            double ii = std::floor(res.asNumber());
            if (ii < 0)
                ii += double(items.size());
            if (ii == double(index))
                out.push(item);
        } else if (Sequence::isArrayOfNumbers(res)) {
            for (const Value &n : res.asArray().m_items) {
                double ii = std::floor(n.asNumber());
                if (ii < 0)
                    ii += double(items.size());
                if (ii == double(index))
                    out.push(item);
            }
        } else if (Sequence::toBoolean(res)) {
            out.push(item);
        }
    }
    return results;
}

Value PathEvaluator::evaluateGroup(const std::vector<std::pair<Node *, Node *>> &pairs, const Value &input, Frame *env)
{
    struct Group
    {
        Value key;
        Value first;             // the first input item that produced this key
        std::vector<Value> more; // any later ones, in order (rare for object constructors)
        std::size_t exprIndex;
    };
    const bool reduce = input.isArray() && input.asArray().m_tupleStream;
    // Iterate the input as a sequence without allocating one for a single item.
    const Value undefinedItem;
    const Value *begin = &input;
    const Value *end = &input + 1;
    if (input.isArray()) {
        const Array &arr = input.asArray();
        if (arr.empty() && !reduce) {
            // An empty sequence still builds the object once (for literal keys); an empty tuple stream
            // (`a@$x.missing{...}`) has nothing to group, as in the reference.
            begin = &undefinedItem;
            end = &undefinedItem + 1;
        } else {
            begin = arr.m_items.data();
            end = begin + arr.size();
        }
    }
    std::vector<Group> groups;
    std::unordered_map<std::string_view, std::size_t> index; // only used once there are many groups
    auto findGroup = [&](const std::string &key) -> Group * {
        if (!index.empty()) {
            auto it = index.find(key);
            return it == index.end() ? nullptr : &groups[it->second];
        }
        for (Group &g : groups) {
            if (g.key.asString() == key)
                return &g;
        }
        return nullptr;
    };
    EvaluationBudget &budget = m_evaluator.budget();
    for (const Value *it = begin; it != end; ++it) {
        if (end - it > 16)
            it[16].prefetch();
        budget.spend(1);
        const Value &item = *it;
        std::shared_ptr<Frame> tupleEnv;
        Frame *itemEnv = env;
        Value context;
        if (reduce) {
            tupleEnv = frameFromTuple(env, item);
            itemEnv = tupleEnv.get();
            context = tupleContext(item);
        }
        for (std::size_t pairIndex = 0; pairIndex < pairs.size(); ++pairIndex) {
            Value key = m_evaluator.evaluate(pairs[pairIndex].first, reduce ? context : item, itemEnv);
            if (key.isUndefined())
                continue;
            if (!key.isString())
                throw Error{"T1003", pairs[pairIndex].first->position, ErrorText::message("T1003"), {}};
            if (Group *g = findGroup(key.asString())) {
                if (g->exprIndex != pairIndex)
                    throw Error{"D1009", pairs[pairIndex].first->position, ErrorText::message("D1009"), key.asString()};
                g->more.push_back(item);
            } else {
                if (groups.empty())
                    groups.reserve(pairs.size());
                groups.push_back(Group{key, item, {}, pairIndex});
                if (groups.size() == 16) {
                    for (std::size_t gi = 0; gi < groups.size(); ++gi)
                        index.emplace(groups[gi].key.asString(), gi);
                } else if (groups.size() > 16) {
                    index.emplace(groups.back().key.asString(), groups.size() - 1);
                }
            }
        }
    }
    Value result = Value::emptyObject(groups.size());
    Object &obj = result.mutableObject();
    for (Group &g : groups) {
        // The reference appends items one by one (fn.append): one item stays itself, several are concatenated.
        Value data;
        if (g.more.empty()) {
            data = std::move(g.first);
        } else {
            data = Value::newArray(g.more.size() + 1);
            Array &arr = data.mutableArray();
            auto add = [&arr, &budget](Value &v) {
                budget.spend(1);
                if (v.isArray())
                    arr.m_items.insert(arr.m_items.end(), v.asArray().m_items.begin(), v.asArray().m_items.end());
                else
                    arr.push(std::move(v));
            };
            add(g.first);
            for (Value &v : g.more)
                add(v);
        }
        Value context = data;
        std::shared_ptr<Frame> tupleEnv;
        Frame *groupEnv = env;
        if (reduce) {
            Value tuple;
            if (data.isArray() && !data.asArray().empty()) {
                const Array &stream = data.asArray();
                tuple = copyObject(stream[0]);
                for (std::size_t i = 1; i < stream.size(); ++i) {
                    if (!stream[i].isObject())
                        continue;
                    for (const auto &[key, value] : stream[i].asObject().entries()) {
                        const Value *existing = tuple.asObject().find(key);
                        tuple.mutableObject().set(key, Sequence::append(existing ? *existing : Value(), value));
                    }
                }
            } else {
                tuple = copyObject(data);
            }
            context = tupleContext(tuple);
            tuple.mutableObject().remove(kFocusKey);
            tupleEnv = frameFromTuple(env, tuple);
            groupEnv = tupleEnv.get();
        }
        Value value = m_evaluator.evaluate(pairs[g.exprIndex].second, context, groupEnv);
        if (value.isDefined())
            obj.set(Key(g.key), std::move(value));
    }
    return result;
}

Value PathEvaluator::evaluateSort(const Node *step, const Value &input, Frame *env)
{
    if (!input.isArray())
        return input;
    const Array &items = input.asArray();
    if (items.size() <= 1)
        return input;
    const bool tupleSort = items.m_tupleStream;
    const std::size_t termCount = step->sortTerms.size();
    // Keys are evaluated when a comparison first needs them, and checked only when compared with another
    // defined key: later terms only break ties, so (as in the reference) a key that is never compared is never
    // checked.
    std::vector<Value> keys(items.size() * termCount);
    std::vector<bool> evaluated(keys.size(), false);
    auto key = [&](std::size_t i, std::size_t t) -> const Value & {
        const std::size_t slot = i * termCount + t;
        if (!evaluated[slot]) {
            Value context = items[i];
            std::shared_ptr<Frame> tupleEnv;
            Frame *itemEnv = env;
            if (tupleSort) {
                context = tupleContext(items[i]);
                tupleEnv = frameFromTuple(env, items[i]);
                itemEnv = tupleEnv.get();
            }
            keys[slot] = m_evaluator.evaluate(step->sortTerms[t].expr, context, itemEnv);
            evaluated[slot] = true;
        }
        return keys[slot];
    };
    EvaluationBudget &budget = m_evaluator.budget();
    auto compare = [&](std::size_t a, std::size_t b) {
        budget.spend(termCount);
        int comp = 0;
        for (std::size_t t = 0; comp == 0 && t < termCount; ++t) {
            const Value &aa = key(a, t);
            const Value &bb = key(b, t);
            if (aa.isUndefined()) {
                comp = bb.isUndefined() ? 0 : 1;
                continue;
            }
            if (bb.isUndefined()) {
                comp = -1;
                continue;
            }
            if ((!aa.isString() && !aa.isNumber()) || (!bb.isString() && !bb.isNumber()))
                throw Error{"T2008", step->position, ErrorText::message("T2008"), {}};
            if (aa.type() != bb.type())
                throw Error{"T2007", step->position, ErrorText::message("T2007"), {}};
            if (aa.isNumber())
                comp = aa.asNumber() == bb.asNumber() ? 0 : (aa.asNumber() < bb.asNumber() ? -1 : 1);
            else
                comp = aa.asString() == bb.asString() ? 0 : (aa.asString() < bb.asString() ? -1 : 1);
            if (step->sortTerms[t].descending)
                comp = -comp;
        }
        return comp;
    };
    std::vector<std::size_t> order(items.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    referenceMergeSort(order, [&](std::size_t a, std::size_t b) { return compare(a, b) == 1; });
    Value result = Value::newArray(items.size());
    Array &out = result.mutableArray();
    out.m_sequence = items.m_sequence;
    out.m_tupleStream = items.m_tupleStream;
    for (std::size_t i : order)
        out.push(items[i]);
    return result;
}

Value PathEvaluator::evaluateWildcard(const Value &input)
{
    Value results = Sequence::create();
    Value source = input;
    if (source.isArray() && source.asArray().m_outerWrapper && !source.asArray().empty())
        source = source.asArray()[0];
    bool plain = false;
    Value out = Value::newArray();
    Array &arr = out.mutableArray();
    if (source.isArray()) {
        // Arrays are objects keyed by index to the reference implementation, so '*' yields their members.
        for (const Value &value : source.asArray().m_items) {
            if (value.isArray()) {
                Sequence::flattenInto(value, arr);
                plain = true;
            } else {
                arr.push(value);
            }
        }
        arr.m_sequence = !plain;
        return out;
    }
    if (!source.isObject())
        return results;
    for (const auto &[key, value] : source.asObject().entries()) {
        if (value.isArray()) {
            Sequence::flattenInto(value, arr);
            plain = true;
        } else {
            arr.push(value);
        }
    }
    // fn.append's concatenation yields a plain (non-sequence) array once an array value was merged in.
    arr.m_sequence = !plain;
    return out;
}

Value PathEvaluator::evaluateDescendants(const Value &input)
{
    if (input.isUndefined())
        return {};
    Value results = Sequence::create();
    Array &out = results.mutableArray();
    struct Walker
    {
        Array &out;
        EvaluationBudget &budget;
        void walk(const Value &v, int depth = 0)
        {
            if (depth > kMaxValueDepth)
                throwTooDeep();
            // Members shared many times over are visited (and listed) each time.
            budget.spend(1);
            if ((out.size() & 1023) == 1023)
                budget.reserve(out.size() * sizeof(Value));
            if (!v.isArray())
                out.push(v);
            if (v.isArray()) {
                for (const Value &item : v.asArray().m_items)
                    walk(item, depth + 1);
            } else if (v.isObject()) {
                for (const auto &entry : v.asObject().entries())
                    walk(entry.second, depth + 1);
            }
        }
    } walker{out, m_evaluator.budget()};
    walker.walk(input);
    if (out.size() == 1)
        return out[0];
    return results;
}

} // namespace patchbay::jsonata
