// JSON parse throughput of the engine's readers over one document: hotpath_parse_bench FILE [RUNS]
// Prints MB/s (best of RUNS, default 3) of each way the engine turns JSON text into values, and, when simdjson is
// installed (Debian: libsimdjson-dev), of simdjson's DOM parser alone and with jsonata values built from its DOM:
// the measurement behind keeping the engine's own reader (building the values costs more than the parse).
#include "jsonata/Error.h"
#include "jsonata/Value.h"

#ifdef PATCHBAY_BENCH_SIMDJSON
#include <simdjson.h>

#include <unordered_map>
#endif

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

using namespace patchbay;

namespace {

// Best time of RUNS calls of parse, in seconds; parse returns false when the document was refused.
double bestSeconds(int runs, const std::function<bool()> &parse)
{
    double best = 1e30;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        if (!parse()) {
            std::fprintf(stderr, "the document was refused\n");
            std::exit(1);
        }
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

#ifdef PATCHBAY_BENCH_SIMDJSON
// jsonata values from simdjson's DOM, the way the engine's reader builds them (keys shared, objects sized once).
class SimdjsonBuilder
{
public:
    bool build(simdjson::dom::element element, jsonata::Value &out)
    {
        switch (element.type()) {
        case simdjson::dom::element_type::ARRAY: {
            const simdjson::dom::array array = element.get_array().value_unsafe();
            out = jsonata::Value::newArray(array.size());
            for (simdjson::dom::element item : array) {
                jsonata::Value value;
                if (!build(item, value))
                    return false;
                out.mutableArray().push(std::move(value));
            }
            return true;
        }
        case simdjson::dom::element_type::OBJECT: {
            const simdjson::dom::object object = element.get_object().value_unsafe();
            out = jsonata::Value::emptyObject(object.size());
            for (simdjson::dom::key_value_pair member : object) {
                jsonata::Value value;
                if (!build(member.value, value))
                    return false;
                out.mutableObject().set(key(member.key), std::move(value));
            }
            return true;
        }
        case simdjson::dom::element_type::INT64:
            out = jsonata::Value::number(double(element.get_int64().value_unsafe()));
            return true;
        case simdjson::dom::element_type::UINT64:
            out = jsonata::Value::number(double(element.get_uint64().value_unsafe()));
            return true;
        case simdjson::dom::element_type::DOUBLE:
            out = jsonata::Value::number(element.get_double().value_unsafe());
            return true;
        case simdjson::dom::element_type::STRING:
            out = jsonata::Value::string(element.get_string().value_unsafe());
            return true;
        case simdjson::dom::element_type::BOOL:
            out = jsonata::Value::boolean(element.get_bool().value_unsafe());
            return true;
        case simdjson::dom::element_type::NULL_VALUE:
            out = jsonata::Value::null();
            return true;
        }
        return false;
    }

private:
    jsonata::Key key(std::string_view text)
    {
        const auto it = m_keys.find(text);
        if (it != m_keys.end())
            return it->second;
        jsonata::Key made(text);
        m_keys.emplace(std::string_view(made.str()), made);
        return made;
    }

    std::unordered_map<std::string_view, jsonata::Key> m_keys;
};
#endif

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: hotpath_parse_bench FILE [RUNS]\n");
        return 2;
    }
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    QFile file(QString::fromLocal8Bit(argv[1]));
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    const QByteArray bytes = file.readAll();
    const std::string text(bytes.constData(), std::size_t(bytes.size()));
    const double megabytes = double(bytes.size()) / 1e6;
    const auto report = [megabytes](const char *name, double seconds) {
        std::printf("%-34s %8.0f MB/s (%.3f s for %.1f MB)\n", name, megabytes / seconds, seconds, megabytes);
    };
    report("jsonata::Value::fromJson", bestSeconds(runs, [&] { return jsonata::Value::fromJson(text).ok(); }));
    report("QJsonDocument::fromJson", bestSeconds(runs, [&] { return !QJsonDocument::fromJson(bytes).isNull(); }));
#ifdef PATCHBAY_BENCH_SIMDJSON
    const simdjson::padded_string padded(text);
    simdjson::dom::parser parser;
    report("simdjson DOM (parse only)", bestSeconds(runs, [&] { return !parser.parse(padded).error(); }));
    report("simdjson DOM -> jsonata::Value", bestSeconds(runs, [&] {
               simdjson::dom::element root;
               jsonata::Value value;
               return !parser.parse(padded).get(root) && SimdjsonBuilder().build(root, value);
           }));
#endif
    return 0;
}
