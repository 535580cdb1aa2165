#include "Sequence.h"

#include "Error.h"
#include "ErrorText.h"
#include "EvaluationBudget.h"

#include <cmath>

namespace patchbay::jsonata {

Value Sequence::create()
{
    Value v = Value::newArray();
    v.mutableArray().m_sequence = true;
    return v;
}

Value Sequence::create(Value item)
{
    Value v = Value::newArray(1);
    v.mutableArray().m_sequence = true;
    v.mutableArray().push(std::move(item));
    return v;
}

Value Sequence::append(const Value &a, const Value &b)
{
    if (a.isUndefined())
        return b;
    if (b.isUndefined())
        return a;
    const std::size_t size = (a.isArray() ? a.asArray().size() : 1) + (b.isArray() ? b.asArray().size() : 1);
    EvaluationBudget::work(size);
    EvaluationBudget::ensureRoom(size * sizeof(Value));
    Value result = Value::newArray();
    Array &out = result.mutableArray();
    if (a.isArray())
        out.m_items = a.asArray().m_items;
    else
        out.push(a);
    if (b.isArray())
        out.m_items.insert(out.m_items.end(), b.asArray().m_items.begin(), b.asArray().m_items.end());
    else
        out.push(b);
    return result;
}

void Sequence::flattenInto(const Value &v, Array &out, int depth)
{
    if (depth > kMaxValueDepth)
        throwTooDeep();
    if (v.isArray()) {
        // Arrays that share members can flatten to far more items than they hold.
        EvaluationBudget::work(v.asArray().size());
        EvaluationBudget::ensureRoom((out.size() + v.asArray().size()) * sizeof(Value));
        for (const Value &item : v.asArray().m_items)
            flattenInto(item, out, depth + 1);
    } else {
        out.push(v);
    }
}

bool Sequence::toBoolean(const Value &v)
{
    switch (v.type()) {
    case Value::Type::Undefined:
    case Value::Type::Null:
        return false;
    case Value::Type::Boolean:
        return v.asBool();
    case Value::Type::Number:
        // NaN is falsy, as in JavaScript; an infinite number is out of range (D1001), as in the reference.
        if (std::isinf(v.asNumber()))
            throw Error{"D1001", 0, ErrorText::message("D1001"), {}};
        return v.asNumber() != 0 && !std::isnan(v.asNumber());
    case Value::Type::String:
        return !v.asString().empty();
    case Value::Type::Array: {
        const Array &a = v.asArray();
        if (a.size() == 1)
            return toBoolean(a[0]);
        for (const Value &item : a.m_items) {
            if (toBoolean(item))
                return true;
        }
        return false;
    }
    case Value::Type::Object:
        return !v.asObject().empty();
    case Value::Type::Function:
        return false;
    }
    return false;
}

Value Sequence::booleanOf(const Value &v)
{
    if (v.isUndefined())
        return {};
    return Value::boolean(toBoolean(v));
}

Value Sequence::lookup(const Value &input, std::string_view key)
{
    if (input.isObject()) {
        const Value *found = input.asObject().find(key);
        return found ? *found : Value();
    }
    if (!input.isArray())
        return {};
    Value result = create();
    Array &out = result.mutableArray();
    const std::vector<Value> &items = input.asArray().m_items;
    for (std::size_t i = 0; i < items.size(); ++i) {
        prefetchAhead(items, i);
        const Value &item = items[i];
        Value res = lookup(item, key);
        if (res.isUndefined())
            continue;
        if (res.isArray()) {
            EvaluationBudget::work(res.asArray().size());
            EvaluationBudget::ensureRoom((out.size() + res.asArray().size()) * sizeof(Value));
            for (const Value &inner : res.asArray().m_items)
                out.push(inner);
        } else {
            out.push(std::move(res));
        }
    }
    return result;
}

bool Sequence::isNumeric(const Value &v)
{
    if (!v.isNumber() || std::isnan(v.asNumber()))
        return false;
    if (std::isinf(v.asNumber()))
        throw Error{"D1001", 0, ErrorText::message("D1001"), {}};
    return true;
}

bool Sequence::isArrayOfNumbers(const Value &v)
{
    if (!v.isArray())
        return false;
    for (const Value &item : v.asArray().m_items) {
        if (!item.isNumber())
            return false;
    }
    return true;
}

bool Sequence::isArrayOfStrings(const Value &v)
{
    if (!v.isArray())
        return false;
    for (const Value &item : v.asArray().m_items) {
        if (!item.isString())
            return false;
    }
    return true;
}

Value Sequence::deepClone(const Value &v, int depth)
{
    if (depth > kMaxValueDepth)
        throwTooDeep();
    // A clone is charged as it is made: cloning members shared many times over builds the copies for real.
    if (v.isArray()) {
        EvaluationBudget::work(v.asArray().size());
        Value out = Value::newArray(v.asArray().size());
        for (const Value &item : v.asArray().m_items)
            out.mutableArray().push(deepClone(item, depth + 1));
        EvaluationBudget::account(out);
        return out;
    }
    if (v.isObject()) {
        EvaluationBudget::work(v.asObject().size());
        Value out = Value::emptyObject(v.asObject().size());
        for (const auto &[key, item] : v.asObject().entries())
            out.mutableObject().set(key, deepClone(item, depth + 1));
        EvaluationBudget::account(out);
        return out;
    }
    return v;
}

Value Sequence::collapse(Value v)
{
    if (isSequence(v) && !v.asArray().m_tupleStream) {
        const Array &a = v.asArray();
        if (a.empty())
            return {};
        if (a.size() == 1 && !a.m_keepSingleton)
            return a[0];
    }
    return v;
}

} // namespace patchbay::jsonata
