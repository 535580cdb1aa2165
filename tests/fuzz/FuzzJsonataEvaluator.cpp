#include "jsonata/Expression.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace patchbay::jsonata;

namespace {
// A record with the shapes expressions usually meet: nesting, arrays of objects, strings, numbers, nulls.
constexpr std::string_view kDocument = R"({
  "id": 42, "name": "Ada Lovelace", "email": "Ada@Example.com", "active": true, "score": 73.5, "missing": null,
  "tags": ["a", "bb", "ccc"], "numbers": [3, 1, 4, 1, 5, 9, 2, 6],
  "address": {"street": "1 Main St", "city": "London", "zip": "N1 9GU"},
  "orders": [{"sku": "X-1", "qty": 2, "price": 9.99, "when": "2024-03-01T10:00:00Z"},
             {"sku": "Y-2", "qty": 1, "price": 120, "when": "2024-03-02T12:30:00.000+01:00"}]
})";

const Value &document()
{
    static const Value doc = Value::fromJson(kDocument).value();
    return doc;
}
} // namespace

// Compiles and evaluates arbitrary bytes as an expression over a fixed record, under the limits tenant mappings
// get: every input must end in a result or a JSONata error, within those limits.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view source(reinterpret_cast<const char *>(data), size);
    Result<Expression> expr = Expression::compile(source);
    if (!expr)
        return 0;
    Bindings bindings;
    bindings.set("x", Value::number(7));
    Result<Value> result = expr.value().evaluate(document(), bindings, EvalLimits{250, 400, 64});
    if (result && result.value().isDefined())
        (void)result.value().toJson();
    return 0;
}
