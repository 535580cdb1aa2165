#include "ConformanceRunner.h"

#include "jsonata/Expression.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace patchbay::jsonata;
namespace fs = std::filesystem;

namespace {
// Cases without their own limits still get generous ones so a regression shows up as a failure, not a hang.
constexpr int kDefaultTimeoutMs = 10000;

std::string readFile(const std::string &path, bool &ok)
{
    std::ifstream in(path, std::ios::binary);
    ok = bool(in);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const Value *member(const Value &obj, const char *key)
{
    if (!obj.isObject())
        return nullptr;
    return obj.asObject().find(key);
}

std::string describe(const Value &v)
{
    if (v.isUndefined())
        return "(undefined)";
    std::string s = v.toJson();
    if (s.size() > 300)
        s = s.substr(0, 300) + "...";
    return s;
}
} // namespace

ConformanceRunner::ConformanceRunner(std::string suiteDir, std::string skipFile)
    : m_suiteDir(std::move(suiteDir)), m_skipFile(std::move(skipFile))
{}

bool ConformanceRunner::loadSkipList()
{
    if (m_skipFile.empty())
        return true;
    std::ifstream in(m_skipFile);
    if (!in)
        return false;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::size_t space = line.find_first_of(" \t");
        std::string id = line.substr(0, space);
        std::string reason = space == std::string::npos ? std::string() : line.substr(space + 1);
        m_skipped[id] = reason;
    }
    return true;
}

std::vector<ConformanceRunner::Case> ConformanceRunner::collectCases() const
{
    std::vector<Case> cases;
    std::vector<fs::path> groups;
    for (const auto &entry : fs::directory_iterator(fs::path(m_suiteDir) / "groups")) {
        if (entry.is_directory())
            groups.push_back(entry.path());
    }
    std::sort(groups.begin(), groups.end());
    for (const fs::path &group : groups) {
        std::vector<fs::path> files;
        for (const auto &entry : fs::directory_iterator(group)) {
            if (entry.path().extension() == ".json")
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const fs::path &file : files) {
            bool ok = false;
            std::string text = readFile(file.string(), ok);
            Result<Value> parsed = Value::fromJson(text);
            std::string base = group.filename().string() + "/" + file.stem().string();
            if (!parsed) {
                std::cerr << "cannot parse " << file << ": " << parsed.error().message << "\n";
                continue;
            }
            const Value &v = parsed.value();
            if (v.isArray()) {
                for (std::size_t i = 0; i < v.asArray().size(); ++i)
                    cases.push_back({base + "[" + std::to_string(i) + "]", group.string(), v.asArray()[i]});
            } else {
                cases.push_back({base, group.string(), v});
            }
        }
    }
    return cases;
}

const Value *ConformanceRunner::dataset(const std::string &name)
{
    auto it = m_datasets.find(name);
    if (it != m_datasets.end())
        return &it->second;
    bool ok = false;
    std::string text = readFile(m_suiteDir + "/datasets/" + name + ".json", ok);
    if (!ok)
        return nullptr;
    Result<Value> parsed = Value::fromJson(text);
    if (!parsed)
        return nullptr;
    return &m_datasets.emplace(name, parsed.value()).first->second;
}

bool ConformanceRunner::matches(const Value &actual, const Value &expected, bool unordered)
{
    if (actual.isNumber() && expected.isNumber()) {
        double a = actual.asNumber();
        double e = expected.asNumber();
        return a == e || std::fabs(a - e) <= 1e-13 * std::max(std::fabs(a), std::fabs(e));
    }
    if (actual.type() != expected.type())
        return false;
    if (actual.isArray()) {
        const Array &a = actual.asArray();
        const Array &e = expected.asArray();
        if (a.size() != e.size())
            return false;
        if (!unordered) {
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (!matches(a[i], e[i], false))
                    return false;
            }
            return true;
        }
        std::vector<bool> used(e.size(), false);
        for (const Value &item : a.m_items) {
            bool found = false;
            for (std::size_t j = 0; j < e.size(); ++j) {
                if (!used[j] && matches(item, e[j], false)) {
                    used[j] = true;
                    found = true;
                    break;
                }
            }
            if (!found)
                return false;
        }
        return true;
    }
    if (actual.isObject()) {
        const Object &a = actual.asObject();
        const Object &e = expected.asObject();
        std::size_t definedCount = 0;
        for (const auto &[key, value] : a.entries()) {
            if (value.isUndefined())
                continue;
            ++definedCount;
            const Value *ev = e.find(key);
            if (!ev || !matches(value, *ev, false))
                return false;
        }
        return definedCount == e.size();
    }
    if (actual.isFunction())
        return false;
    return actual.deepEquals(expected);
}

bool ConformanceRunner::runCase(const Case &c, std::string &detail)
{
    const Value &spec = c.spec;
    std::string exprText;
    if (const Value *e = member(spec, "expr"); e && e->isString()) {
        exprText = e->asString();
    } else if (const Value *f = member(spec, "expr-file"); f && f->isString()) {
        bool ok = false;
        exprText = readFile(c.dir + "/" + f->asString(), ok);
        if (!ok) {
            detail = "cannot read expr-file";
            return false;
        }
    }
    Value input;
    if (const Value *data = member(spec, "data")) {
        input = *data;
    } else if (const Value *ds = member(spec, "dataset"); ds && ds->isString()) {
        const Value *loaded = dataset(ds->asString());
        if (!loaded) {
            detail = "missing dataset " + ds->asString();
            return false;
        }
        input = *loaded;
    }
    Bindings bindings;
    if (const Value *b = member(spec, "bindings"); b && b->isObject()) {
        for (const auto &[key, value] : b->asObject().entries())
            bindings.set(key, value);
    }
    EvalLimits limits;
    limits.timeoutMs = kDefaultTimeoutMs;
    limits.maxMemoryMb = 512; // every case runs with memory accounting on: a limit must not change an answer
    if (const Value *t = member(spec, "timelimit"); t && t->isNumber())
        limits.timeoutMs = int(t->asNumber());
    if (const Value *d = member(spec, "depth"); d && d->isNumber())
        limits.maxDepth = int(d->asNumber());

    std::string expectedCode;
    std::string expectedMessage;
    std::string expectedToken;
    if (const Value *code = member(spec, "code"); code && code->isString())
        expectedCode = code->asString();
    if (const Value *token = member(spec, "token"); token && token->isString())
        expectedToken = token->asString();
    if (const Value *err = member(spec, "error"); err && err->isObject()) {
        if (const Value *code = member(*err, "code"); code && code->isString())
            expectedCode = code->asString();
        if (const Value *msg = member(*err, "message"); msg && msg->isString())
            expectedMessage = msg->asString();
        if (const Value *token = member(*err, "token"); token && token->isString())
            expectedToken = token->asString();
    }
    const Value *expectedResult = member(spec, "result");
    const Value *undefinedResult = member(spec, "undefinedResult");
    const Value *unordered = member(spec, "unordered");

    Result<Expression> compiled = Expression::compile(exprText);
    Result<Value> outcome =
        compiled ? compiled.value().evaluate(input, bindings, limits) : Result<Value>(compiled.error());
    if (!expectedCode.empty()) {
        if (outcome) {
            detail = "expected error " + expectedCode + ", got " + describe(outcome.value());
            return false;
        }
        if (outcome.error().code != expectedCode) {
            detail = "expected error " + expectedCode + ", got " + outcome.error().code + " (" +
                     outcome.error().message + ")";
            return false;
        }
        if (!expectedToken.empty() && outcome.error().token != expectedToken) {
            detail = "expected token \"" + expectedToken + "\", got \"" + outcome.error().token + "\"";
            return false;
        }
        if (!expectedMessage.empty() && outcome.error().message != expectedMessage) {
            detail = "expected message \"" + expectedMessage + "\", got \"" + outcome.error().message + "\"";
            return false;
        }
        return true;
    }
    if (!outcome) {
        detail = "error " + outcome.error().code + " at " + std::to_string(outcome.error().position) + ": " +
                 outcome.error().message;
        return false;
    }
    if (undefinedResult && undefinedResult->isBoolean() && undefinedResult->asBool()) {
        if (outcome.value().isDefined()) {
            detail = "expected undefined, got " + describe(outcome.value());
            return false;
        }
        return true;
    }
    if (!expectedResult) {
        detail = "case has no expected outcome";
        return false;
    }
    if (!matches(outcome.value(), *expectedResult, unordered && unordered->isBoolean() && unordered->asBool())) {
        detail = "expected " + describe(*expectedResult) + ", got " + describe(outcome.value());
        return false;
    }
    return true;
}

int ConformanceRunner::run(const std::string &filter, bool verbose)
{
    if (!fs::is_directory(fs::path(m_suiteDir) / "groups")) {
        std::cerr << "test suite not found at " << m_suiteDir << "\n";
        return 2;
    }
    if (!loadSkipList()) {
        std::cerr << "cannot read skip list " << m_skipFile << "\n";
        return 2;
    }
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    for (const Case &c : collectCases()) {
        if (!filter.empty() && c.id.find(filter) == std::string::npos)
            continue;
        std::string detail;
        bool ok = runCase(c, detail);
        const bool isSkipped = m_skipped.count(c.id) > 0;
        if (isSkipped) {
            ++skipped;
            if (ok && verbose)
                std::cout << "NOTE " << c.id << " is listed in skipped.txt but passes\n";
            continue;
        }
        if (ok) {
            ++passed;
            continue;
        }
        ++failed;
        const Value *e = member(c.spec, "expr");
        std::cout << "FAIL " << c.id << ": " << (e && e->isString() ? e->asString() : std::string("(expr-file)"))
                  << "\n     " << detail << "\n";
    }
    std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
    return failed == 0 ? 0 : 1;
}
