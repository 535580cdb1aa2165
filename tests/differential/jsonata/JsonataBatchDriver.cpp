// Native side of the differential test: evaluates many JSONata cases in one process.
// Reads one JSON object per line from standard input: {"expr": "...", "input": <JSON>} ("input" left out for no
// input) and writes one line per case, in order: {"value": <JSON>}, {"undefined": true} or
// {"error": "CODE", "message": "..."}. Each answer is flushed, so a caller can also ask one case at a time.
#include "jsonata/Expression.h"

#include <cstdio>
#include <iostream>
#include <string>

using namespace patchbay::jsonata;

namespace {

// Bounds that no generated case should reach; a runaway case answers U1001 instead of hanging the run.
constexpr EvalLimits kLimits{2000, 500};

std::string quoted(const std::string &text)
{
    return Value::string(text).toJson();
}

std::string answer(const std::string &line)
{
    Result<Value> request = Value::fromJson(line);
    if (!request || !request.value().isObject())
        return R"({"error": "DRIVER", "message": "request is not a JSON object"})";
    const Object &fields = request.value().asObject();
    const Value *expr = fields.find("expr");
    const Value *input = fields.find("input");
    if (!expr || !expr->isString())
        return R"({"error": "DRIVER", "message": "request has no expr"})";
    Result<Expression> compiled = Expression::compile(std::string_view(expr->asString()));
    if (!compiled)
        return R"({"error": )" + quoted(compiled.error().code) + R"(, "message": )" + quoted(compiled.error().message) +
               "}";
    Result<Value> result = compiled.value().evaluate(input ? *input : Value(), {}, kLimits);
    if (!result)
        return R"({"error": )" + quoted(result.error().code) + R"(, "message": )" + quoted(result.error().message) +
               "}";
    if (result.value().isUndefined())
        return R"({"undefined": true})";
    return R"({"value": )" + result.value().toJson() + "}";
}

} // namespace

int main()
{
    std::ios::sync_with_stdio(false);
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty())
            continue;
        const std::string out = answer(line) + "\n";
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
    }
    return 0;
}
