#include "FunctionLibrary.h"

#include "Error.h"
#include "ErrorText.h"
#include "JsonWriter.h"
#include "Signature.h"

#include <QRegularExpression>

#include <cmath>
#include <memory>
#include <unordered_map>

namespace patchbay::jsonata {

namespace {
struct Registry
{
    std::vector<BuiltinDef> defs;
    // Owns the permanent (uncounted) function objects; declared before byName so it is destroyed after it.
    std::vector<std::unique_ptr<Function>> functions;
    std::unordered_map<std::string_view, Value> byName;

    Registry()
    {
        StringFunctions::registerAll(defs);
        NumericFunctions::registerAll(defs);
        CollectionFunctions::registerAll(defs);
        DateTimeFunctions::registerAll(defs);
        for (BuiltinDef &def : defs)
            def.signature = Signature::parse(def.signatureText);
        for (const BuiltinDef &def : defs) {
            functions.push_back(std::make_unique<Function>(Function::Kind::Builtin));
            Function *fn = functions.back().get();
            fn->m_builtin = &def;
            fn->makePermanent();
            byName.emplace(def.name, Value::function(fn));
        }
    }
};

const Registry &registry()
{
    static const Registry r;
    return r;
}
} // namespace

const Value *FunctionLibrary::lookup(std::string_view name)
{
    const Registry &r = registry();
    auto it = r.byName.find(name);
    return it == r.byName.end() ? nullptr : &it->second;
}

std::string FunctionLibrary::stringify(const Value &v, bool pretty)
{
    switch (v.type()) {
    case Value::Type::String:
        return v.asString();
    case Value::Type::Function:
        return {};
    case Value::Type::Number:
        if (!std::isfinite(v.asNumber()))
            throw Error{"D3001", 0, ErrorText::message("D3001"), {}};
        break;
    default:
        break;
    }
    const Value *target = &v;
    if (v.isArray() && v.asArray().m_outerWrapper && !v.asArray().empty())
        target = &v.asArray()[0];
    std::string out;
    JsonWriter::write(*target, out, pretty, true);
    return out;
}

Error FunctionLibrary::regexLimitError(const QRegularExpression &re)
{
    // The pattern compiled when the expression did, so a failed match is the engine giving up, not a bad pattern.
    return Error{"U1003", 0, ErrorText::message("U1003") + ": /" + re.pattern().toStdString() + "/", {}};
}

Value FunctionLibrary::regexMatchObject(const QRegularExpression &re, const std::string &subject, std::size_t from)
{
    const QString str = QString::fromStdString(subject);
    QRegularExpressionMatch m = re.match(str, qsizetype(from));
    if (!m.isValid())
        throw regexLimitError(re);
    if (!m.hasMatch())
        return {};
    Value obj = Value::emptyObject(4);
    Object &o = obj.mutableObject();
    o.set("match", Value::string(m.captured(0).toStdString()));
    o.set("start", Value::number(double(m.capturedStart(0))));
    o.set("end", Value::number(double(m.capturedEnd(0))));
    Value groups = Value::newArray();
    for (int i = 1; i <= re.captureCount(); ++i)
        groups.mutableArray().push(m.captured(i).isNull() ? Value() : Value::string(m.captured(i).toStdString()));
    o.set("groups", groups);
    return obj;
}

} // namespace patchbay::jsonata
