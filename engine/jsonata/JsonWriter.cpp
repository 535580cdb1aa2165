#include "JsonWriter.h"

#include "Error.h"
#include "EvaluationBudget.h"
#include "JsNumber.h"
#include "Value.h"

#include <algorithm>
#include <cmath>

namespace patchbay::jsonata {

void JsonWriter::write(const Value &value, std::string &out, bool pretty, bool roundNumbers)
{
    JsonWriter writer(out, pretty, roundNumbers);
    writer.writeValue(value, 0);
}

void JsonWriter::writeString(std::string_view s, std::string &out)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s, start, i - start);
        start = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out.append(s, start, std::string_view::npos);
    out += '"';
}

void JsonWriter::newline(int indent)
{
    if (m_pretty) {
        m_out += '\n';
        m_out.append(std::size_t(indent) * 2, ' ');
    }
}

void JsonWriter::writeValue(const Value &value, int indent)
{
    if (indent > kMaxValueDepth)
        throwTooDeep();
    switch (value.type()) {
    case Value::Type::Undefined:
    case Value::Type::Null:
        m_out += "null";
        return;
    case Value::Type::Boolean:
        m_out += value.asBool() ? "true" : "false";
        return;
    case Value::Type::Number: {
        double d = value.asNumber();
        if (!std::isfinite(d) && m_roundNumbers)
            throw Error{"D1001", 0, "Number out of range", {}};
        if (!std::isfinite(d))
            m_out += "null";
        else
            JsNumber::append(m_out, m_roundNumbers && d != std::trunc(d) ? JsNumber::roundTo15(d) : d);
        return;
    }
    case Value::Type::String:
        // Members shared many times over are written out each time: the text can outgrow any value held.
        EvaluationBudget::work(1 + value.asString().size() / 64);
        EvaluationBudget::ensureRoom(std::max(m_out.capacity(), m_out.size() + value.asString().size()));
        writeString(value.asString(), m_out);
        return;
    case Value::Type::Function:
        m_out += "\"\"";
        return;
    case Value::Type::Array: {
        const Array &arr = value.asArray();
        if (arr.empty()) {
            m_out += "[]";
            return;
        }
        EvaluationBudget::work(arr.size());
        EvaluationBudget::ensureRoom(std::max(m_out.capacity(), m_out.size() + arr.size()));
        m_out += '[';
        bool first = true;
        for (const Value &item : arr.m_items) {
            if (!first)
                m_out += ',';
            first = false;
            newline(indent + 1);
            writeValue(item, indent + 1);
        }
        newline(indent);
        m_out += ']';
        return;
    }
    case Value::Type::Object: {
        const Object &obj = value.asObject();
        EvaluationBudget::work(obj.size());
        EvaluationBudget::ensureRoom(std::max(m_out.capacity(), m_out.size() + obj.size()));
        m_out += '{';
        bool first = true;
        for (const auto &[key, item] : obj.entries()) {
            if (item.isUndefined())
                continue;
            if (!first)
                m_out += ',';
            first = false;
            newline(indent + 1);
            writeString(key, m_out);
            m_out += m_pretty ? ": " : ":";
            writeValue(item, indent + 1);
        }
        if (!first)
            newline(indent);
        m_out += '}';
        return;
    }
    }
}

} // namespace patchbay::jsonata
