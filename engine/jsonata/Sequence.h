#pragma once

#include "Value.h"

namespace patchbay::jsonata {

// JSONata's sequence rules: result sets from path navigation, flattening, truthiness and key lookup.
class Sequence
{
public:
    static Value create();
    static Value create(Value item);
    static bool isSequence(const Value &v) { return v.isArray() && v.asArray().m_sequence; }
    // fn.append: concatenation where undefined disappears and non-arrays count as one-item arrays.
    static Value append(const Value &a, const Value &b);
    static void flattenInto(const Value &v, Array &out, int depth = 0);
    // The boolean value of a value (empty string, 0, null, empty array/object are false).
    static bool toBoolean(const Value &v);
    // Undefined stays undefined (for $boolean); otherwise toBoolean.
    static Value booleanOf(const Value &v);
    static Value lookup(const Value &input, std::string_view key);
    // isNumeric: a finite number; throws D1001 for an infinite one.
    static bool isNumeric(const Value &v);
    static bool isArrayOfNumbers(const Value &v);
    static bool isArrayOfStrings(const Value &v);
    static Value deepClone(const Value &v, int depth = 0);
    // Turns a singleton sequence into its item and an empty one into undefined.
    static Value collapse(Value v);
    // Prefetches the payload (with its inline members) of items[i + 16], and the nested objects and arrays of
    // items[i + 8], whose members are cached by then: scans over records are bound by memory latency.
    static void prefetchAhead(const std::vector<Value> &items, std::size_t i)
    {
        if (i + 16 < items.size())
            items[i + 16].prefetch();
        if (i + 8 < items.size() && items[i + 8].isObject()) {
            for (const auto &entry : items[i + 8].asObject().entries()) {
                if (entry.second.isObject() || entry.second.isArray())
                    entry.second.prefetch();
            }
        }
    }
};

} // namespace patchbay::jsonata
