// Native side of the benchmark: jsonata_bench DATA.json WORKLOADS.json NAME [REPEAT]
// Parses the records once, compiles the expression once, then evaluates it per record (or once over the whole
// array) and prints records/s in the same format as bench.js.
#include "jsonata/Expression.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace patchbay::jsonata;

namespace {

std::string readFile(const char *path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

long runOnce(const Expression &expr, const Value &records, bool whole, std::size_t limit)
{
    long sink = 0;
    if (whole) {
        Result<Value> r = expr.evaluate(records);
        if (!r.ok()) {
            std::fprintf(stderr, "error %s: %s\n", r.error().code.c_str(), r.error().message.c_str());
            std::exit(1);
        }
        return r.value().isDefined() ? 1 : 0;
    }
    const Array &items = records.asArray();
    const std::size_t n = limit ? std::min(limit, items.size()) : items.size();
    for (std::size_t i = 0; i < n; ++i) {
        Result<Value> r = expr.evaluate(items[i]);
        if (!r.ok()) {
            std::fprintf(stderr, "error %s: %s\n", r.error().code.c_str(), r.error().message.c_str());
            std::exit(1);
        }
        sink += r.value().isDefined() ? 1 : 0;
    }
    return sink;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: jsonata_bench DATA.json WORKLOADS.json NAME [REPEAT]\n");
        return 2;
    }
    const auto parseStart = std::chrono::steady_clock::now();
    Result<Value> records = Value::fromJson(readFile(argv[1]));
    const double parseSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - parseStart).count();
    Result<Value> workloads = Value::fromJson(readFile(argv[2]));
    if (!records.ok() || !workloads.ok() || !records.value().isArray()) {
        std::fprintf(stderr, "cannot read data or workloads\n");
        return 1;
    }
    const Value *workload = workloads.value().asObject().find(argv[3]);
    if (!workload) {
        std::fprintf(stderr, "unknown workload %s\n", argv[3]);
        return 2;
    }
    const std::string source = workload->asObject().find("expr")->asString();
    const bool whole = workload->asObject().find("mode")->asString() == "whole";
    Result<Expression> expr = Expression::compile(std::string_view(source));
    if (!expr.ok()) {
        std::fprintf(stderr, "compile error %s: %s\n", expr.error().code.c_str(), expr.error().message.c_str());
        return 1;
    }
    const Value &data = records.value();
    runOnce(expr.value(), data, whole, 10000); // same warm-up as the JavaScript side
    // REPEAT > 1 runs the measured pass several times (for profiling); records/s stays per pass.
    const int repeat = argc > 4 ? std::max(1, std::atoi(argv[4])) : 1;
    const auto start = std::chrono::steady_clock::now();
    long sink = 0;
    for (int i = 0; i < repeat; ++i)
        sink += runOnce(expr.value(), data, whole, 0);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double count = double(data.asArray().size()) * repeat;
    std::printf("%s native %.0f records/s (%.3f s, %ld; JSON parse %.0f MB/s)\n", argv[3], count / seconds, seconds,
                sink, double(readFile(argv[1]).size()) / 1e6 / parseSeconds);
    return 0;
}
