#include "Error.h"
#include "ErrorText.h"
#include "EvaluationBudget.h"
#include "Evaluator.h"
#include "FunctionLibrary.h"
#include "MergeSort.h"
#include "Sequence.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string_view>
#include <unordered_set>

namespace patchbay::jsonata {

namespace {

Error fail(const char *code)
{
    return Error{code, 0, ErrorText::message(code), {}};
}

Value fnBoolean(CallContext &, std::vector<Value> &args)
{
    return Sequence::booleanOf(args[0]);
}

Value fnNot(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    return Value::boolean(!Sequence::toBoolean(args[0]));
}

Value fnExists(CallContext &, std::vector<Value> &args)
{
    return Value::boolean(args[0].isDefined());
}

Value fnAppend(CallContext &, std::vector<Value> &args)
{
    return Sequence::append(args[0], args[1]);
}

Value fnReverse(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (args[0].asArray().size() <= 1)
        return args[0];
    ctx.evaluator.budget().spend(args[0].asArray().size());
    Value out = Value::newArray(args[0].asArray().size());
    out.mutableArray().m_items.assign(args[0].asArray().m_items.rbegin(), args[0].asArray().m_items.rend());
    return out;
}

Value fnShuffle(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (args[0].asArray().size() <= 1)
        return args[0];
    ctx.evaluator.budget().spend(args[0].asArray().size());
    thread_local std::mt19937_64 engine{std::random_device{}()};
    Value out = Value::newArray();
    out.mutableArray().m_items = args[0].asArray().m_items;
    std::shuffle(out.mutableArray().m_items.begin(), out.mutableArray().m_items.end(), engine);
    return out;
}

Value fnSort(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const Array &input = args[0].asArray();
    if (input.size() <= 1)
        return args[0];
    EvaluationBudget &budget = ctx.evaluator.budget();
    std::vector<Value> items = input.m_items;
    if (args.size() > 1 && args[1].isDefined()) {
        const Value &comparator = args[1];
        // The comparator answers "must a come after b"; it is asked the reference's questions in its order.
        std::vector<std::size_t> order(items.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        referenceMergeSort(order, [&](std::size_t a, std::size_t b) {
            return Sequence::toBoolean(ctx.evaluator.applyHof(comparator, {items[a], items[b]}));
        });
        std::vector<Value> sorted;
        sorted.reserve(items.size());
        for (std::size_t i : order)
            sorted.push_back(items[i]);
        items = std::move(sorted);
    } else {
        bool allNumbers = std::all_of(items.begin(), items.end(), [](const Value &v) { return v.isNumber(); });
        bool allStrings = std::all_of(items.begin(), items.end(), [](const Value &v) { return v.isString(); });
        if (!allNumbers && !allStrings)
            throw fail("D3070");
        if (allNumbers) {
            std::stable_sort(items.begin(), items.end(), [&budget](const Value &a, const Value &b) {
                budget.spend(1);
                return a.asNumber() < b.asNumber();
            });
        } else {
            std::stable_sort(items.begin(), items.end(), [&budget](const Value &a, const Value &b) {
                budget.spend(1 + std::min(a.asString().size(), b.asString().size()) / 64);
                return a.asString() < b.asString();
            });
        }
    }
    Value out = Value::newArray();
    out.mutableArray().m_items = std::move(items);
    return out;
}

Value fnZip(CallContext &ctx, std::vector<Value> &args)
{
    EvaluationBudget &budget = ctx.evaluator.budget();
    Value out = Value::newArray();
    if (args.empty())
        return out;
    std::size_t length = SIZE_MAX;
    for (const Value &a : args)
        length = std::min(length, a.isArray() ? a.asArray().size() : std::size_t(0));
    for (std::size_t i = 0; i < length; ++i) {
        Value tuple = Value::newArray(args.size());
        for (const Value &a : args)
            tuple.mutableArray().push(a.asArray()[i]);
        budget.spend(args.size());
        budget.charge(tuple);
        out.mutableArray().push(tuple);
    }
    return out;
}

Value fnDistinct(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (!args[0].isArray() || args[0].asArray().size() <= 1)
        return args[0];
    // Distinct items of a sequence form a sequence (one item stands alone); of an array, an array.
    Value out = args[0].asArray().m_sequence ? Sequence::create() : Value::newArray();
    Array &result = out.mutableArray();
    // Scalars are de-duplicated by hashing; arrays and objects by deep comparison among themselves.
    std::unordered_set<double> numbers;
    std::unordered_set<std::string_view> strings;
    bool seenTrue = false;
    bool seenFalse = false;
    bool seenNull = false;
    std::vector<const Value *> composites;
    for (const Value &item : args[0].asArray().m_items) {
        bool fresh = false;
        switch (item.type()) {
        case Value::Type::Number:
            fresh = numbers.insert(item.asNumber()).second;
            break;
        case Value::Type::String:
            fresh = strings.insert(item.asString()).second;
            break;
        case Value::Type::Boolean:
            fresh = !(item.asBool() ? seenTrue : seenFalse);
            (item.asBool() ? seenTrue : seenFalse) = true;
            break;
        case Value::Type::Null:
            fresh = !seenNull;
            seenNull = true;
            break;
        default:
            ctx.evaluator.budget().spend(composites.size()); // quadratic in the number of distinct arrays/objects
            fresh = std::none_of(composites.begin(), composites.end(),
                                 [&item](const Value *c) { return c->deepEquals(item); });
            if (fresh)
                composites.push_back(&item);
        }
        if (fresh)
            result.push(item);
    }
    return out;
}

Value fnKeys(CallContext &ctx, std::vector<Value> &args)
{
    const Value &arg = args[0];
    EvaluationBudget &budget = ctx.evaluator.budget();
    Value out = Sequence::create();
    Array &keys = out.mutableArray();
    if (arg.isObject()) {
        // An object's keys are distinct already.
        budget.spend(arg.asObject().size());
        keys.m_items.reserve(arg.asObject().size());
        for (const auto &entry : arg.asObject().entries())
            keys.push(entry.first.toValue());
        return out;
    }
    if (!arg.isArray())
        return {};
    std::unordered_set<std::string_view> seen;
    for (const Value &item : arg.asArray().m_items) {
        if (!item.isObject())
            continue;
        budget.spend(item.asObject().size());
        budget.reserve((keys.size() + item.asObject().size()) * (sizeof(Value) + 32));
        for (const auto &entry : item.asObject().entries()) {
            if (seen.insert(entry.first.str()).second)
                keys.push(entry.first.toValue());
        }
    }
    return out;
}

Value fnLookup(CallContext &, std::vector<Value> &args)
{
    if (args[1].isUndefined())
        return {};
    return Sequence::lookup(args[0], args[1].asString());
}

Value spreadObject(const Value &object, EvaluationBudget &budget)
{
    Value out = Sequence::create();
    for (const auto &[key, value] : object.asObject().entries()) {
        Value single = Value::emptyObject(1);
        single.mutableObject().set(key, value);
        budget.charge(single);
        out.mutableArray().push(single);
    }
    return out;
}

// An object becomes a sequence of one-key objects. The items of an array are spread in turn and appended
// (arrays flattened into the result, which is then a plain array, as the reference's append makes it).
Value spread(const Value &arg, int depth, EvaluationBudget &budget)
{
    if (depth > kMaxValueDepth)
        throwTooDeep();
    if (arg.isObject())
        return spreadObject(arg, budget);
    if (!arg.isArray())
        return arg;
    Value out = Sequence::create();
    for (const Value &item : arg.asArray().m_items) {
        Value part = spread(item, depth + 1, budget);
        if (part.isUndefined())
            continue;
        out.mutableArray().m_sequence = false;
        if (part.isArray()) {
            for (const Value &inner : part.asArray().m_items)
                out.mutableArray().push(inner);
        } else {
            out.mutableArray().push(std::move(part));
        }
    }
    return out;
}

Value fnSpread(CallContext &ctx, std::vector<Value> &args)
{
    return spread(args[0], 0, ctx.evaluator.budget());
}

Value fnMerge(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    EvaluationBudget &budget = ctx.evaluator.budget();
    Value out = Value::emptyObject();
    for (const Value &item : args[0].asArray().m_items) {
        budget.spend(item.asObject().size());
        for (const auto &[key, value] : item.asObject().entries())
            out.mutableObject().set(key, value);
    }
    return out;
}

Value fnSift(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    Value out = Value::emptyObject();
    for (const auto &[key, value] : args[0].asObject().entries()) {
        Value keep = ctx.evaluator.applyHof(args[1], {value, key.toValue(), args[0]});
        if (Sequence::toBoolean(keep))
            out.mutableObject().set(key, value);
    }
    if (out.asObject().empty())
        return {};
    return out;
}

Value fnEach(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    Value out = Sequence::create();
    for (const auto &[key, value] : args[0].asObject().entries()) {
        Value r = ctx.evaluator.applyHof(args[1], {value, key.toValue(), args[0]});
        if (r.isDefined())
            out.mutableArray().push(r);
    }
    return out;
}

Value fnError(CallContext &, std::vector<Value> &args)
{
    std::string message =
        !args.empty() && args[0].isString() ? args[0].asString() : std::string("$error() function evaluated");
    throw Error{"D3137", 0, message, {}};
}

Value fnAssert(CallContext &, std::vector<Value> &args)
{
    if (!Sequence::toBoolean(args[0])) {
        std::string message =
            args.size() > 1 && args[1].isString() ? args[1].asString() : std::string("$assert() statement failed");
        throw Error{"D3141", 0, message, {}};
    }
    return {};
}

Value fnType(CallContext &, std::vector<Value> &args)
{
    switch (args[0].type()) {
    case Value::Type::Undefined:
        return {};
    case Value::Type::Null:
        return Value::string("null");
    case Value::Type::Boolean:
        return Value::string("boolean");
    case Value::Type::Number:
        // As in the reference: an infinite number is out of range, and NaN is not a number but an "object".
        if (std::isinf(args[0].asNumber()))
            throw fail("D1001");
        return Value::string(std::isnan(args[0].asNumber()) ? "object" : "number");
    case Value::Type::String:
        return Value::string("string");
    case Value::Type::Array:
        return Value::string("array");
    case Value::Type::Object:
        return Value::string("object");
    case Value::Type::Function:
        return Value::string("function");
    }
    return {};
}

Value fnMap(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const Array &arr = args[0].asArray();
    Value out = Sequence::create();
    out.mutableArray().m_items.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
        Sequence::prefetchAhead(arr.m_items, i);
        Value r = ctx.evaluator.applyHof(args[1], {arr[i], Value::number(double(i)), args[0]});
        if (r.isDefined())
            out.mutableArray().push(std::move(r));
    }
    return out;
}

Value fnFilter(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const Array &arr = args[0].asArray();
    Value out = Sequence::create();
    for (std::size_t i = 0; i < arr.size(); ++i) {
        Value r = ctx.evaluator.applyHof(args[1], {arr[i], Value::number(double(i)), args[0]});
        if (Sequence::toBoolean(r))
            out.mutableArray().push(arr[i]);
    }
    return out;
}

Value fnSingle(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    const Array &arr = args[0].asArray();
    bool found = false;
    Value result;
    for (std::size_t i = 0; i < arr.size(); ++i) {
        bool positive = true;
        if (args.size() > 1 && args[1].isDefined())
            positive =
                Sequence::toBoolean(ctx.evaluator.applyHof(args[1], {arr[i], Value::number(double(i)), args[0]}));
        if (positive) {
            if (found)
                throw fail("D3138");
            found = true;
            result = arr[i];
        }
    }
    if (!found)
        throw fail("D3139");
    return result;
}

Value fnReduce(CallContext &ctx, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (Evaluator::arityOf(args[1]) < 2)
        throw fail("D3050");
    const Array &arr = args[0].asArray();
    std::size_t index = 0;
    Value accumulator;
    if (args.size() > 2 && args[2].isDefined()) {
        accumulator = args[2];
    } else if (!arr.empty()) {
        accumulator = arr[0];
        index = 1;
    }
    for (; index < arr.size(); ++index)
        accumulator = ctx.evaluator.applyHof(args[1], {accumulator, arr[index], Value::number(double(index)), args[0]});
    return accumulator;
}

Value fnClone(CallContext &, std::vector<Value> &args)
{
    return Sequence::deepClone(args[0]);
}

} // namespace

void CollectionFunctions::registerAll(std::vector<BuiltinDef> &defs)
{
    defs.push_back({"boolean", "<x-:b>", fnBoolean, nullptr});
    defs.push_back({"not", "<x-:b>", fnNot, nullptr});
    defs.push_back({"exists", "<x:b>", fnExists, nullptr});
    defs.push_back({"append", "<xx:a>", fnAppend, nullptr});
    defs.push_back({"reverse", "<a:a>", fnReverse, nullptr});
    defs.push_back({"shuffle", "<a:a>", fnShuffle, nullptr});
    defs.push_back({"sort", "<af?:a>", fnSort, nullptr});
    defs.push_back({"zip", "<a+>", fnZip, nullptr});
    defs.push_back({"distinct", "<x:x>", fnDistinct, nullptr});
    defs.push_back({"keys", "<x-:a<s>>", fnKeys, nullptr});
    defs.push_back({"lookup", "<x-s:x>", fnLookup, nullptr});
    defs.push_back({"spread", "<x-:a<o>>", fnSpread, nullptr});
    defs.push_back({"merge", "<a<o>:o>", fnMerge, nullptr});
    defs.push_back({"sift", "<o-f?:o>", fnSift, nullptr});
    defs.push_back({"each", "<o-f:a>", fnEach, nullptr});
    defs.push_back({"error", "<s?:x>", fnError, nullptr});
    defs.push_back({"assert", "<bs?:x>", fnAssert, nullptr});
    defs.push_back({"type", "<x:s>", fnType, nullptr});
    defs.push_back({"map", "<af>", fnMap, nullptr});
    defs.push_back({"filter", "<af>", fnFilter, nullptr});
    defs.push_back({"single", "<af?>", fnSingle, nullptr});
    defs.push_back({"reduce", "<afj?:j>", fnReduce, nullptr});
    defs.push_back({"clone", "<(oa)-:o>", fnClone, nullptr});
}

} // namespace patchbay::jsonata
