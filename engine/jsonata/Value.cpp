#include "Value.h"

#include "Error.h"
#include "EvaluationBudget.h"
#include "Function.h"
#include "JsonReader.h"
#include "JsonWriter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

namespace patchbay::jsonata {

namespace {
constexpr std::size_t kIndexThreshold = 12;
}

void throwTooDeep()
{
    throw Error{"U1001", 0, "Value nests deeper than " + std::to_string(kMaxValueDepth) + " levels", {}};
}

namespace {
// Destroying a deeply nested value would recurse once per level. Past a fixed depth, payloads are queued and
// destroyed by the outermost call instead, so freeing any value takes bounded stack.
thread_local int t_destroyDepth = 0;
thread_local std::vector<std::pair<Value::Type, HeapItem *>> t_deferred;
} // namespace

void Value::destroy(Type type, HeapItem *item) noexcept
{
    if (t_destroyDepth > 64) {
        t_deferred.emplace_back(type, item);
        return;
    }
    ++t_destroyDepth;
    destroyNow(type, item);
    if (t_destroyDepth == 1) {
        while (!t_deferred.empty()) {
            auto [deferredType, deferredItem] = t_deferred.back();
            t_deferred.pop_back();
            destroyNow(deferredType, deferredItem);
        }
    }
    --t_destroyDepth;
}

void Value::destroyNow(Type type, HeapItem *item) noexcept
{
    if (item->m_charged != 0)
        EvaluationBudget::refund(item->m_charged);
    switch (type) {
    case Type::String:
        delete static_cast<StringItem *>(item);
        break;
    case Type::Array:
        delete static_cast<Array *>(item);
        break;
    case Type::Object:
        Object::destroy(static_cast<Object *>(item));
        break;
    case Type::Function:
        delete static_cast<Function *>(item);
        break;
    default:
        break;
    }
}

Key::Key(const Value &stringValue) : m_item(static_cast<StringItem *>(const_cast<HeapItem *>(stringValue.heap())))
{
    retain();
}

void Key::destroy(StringItem *item) noexcept
{
    if (item->m_charged != 0)
        EvaluationBudget::refund(item->m_charged);
    delete item;
}

Value Key::toValue() const
{
    return m_item ? Value::sharedString(m_item) : Value();
}

Value Value::sharedString(StringItem *item)
{
    Value v;
    v.m_type = Type::String;
    v.m_heap = item;
    v.retain();
    return v;
}

Value Value::null()
{
    Value v;
    v.m_type = Type::Null;
    return v;
}

Value Value::boolean(bool b)
{
    Value v;
    v.m_type = Type::Boolean;
    v.m_bool = b;
    return v;
}

Value Value::number(double d)
{
    Value v;
    v.m_type = Type::Number;
    v.m_number = d;
    return v;
}

Value Value::string(std::string s)
{
    Value v;
    v.m_type = Type::String;
    v.m_heap = new StringItem(std::move(s));
    v.retain();
    return v;
}

Value Value::array(Array *a)
{
    Value v;
    v.m_type = Type::Array;
    v.m_heap = a;
    v.retain();
    return v;
}

Value Value::object(Object *o)
{
    Value v;
    v.m_type = Type::Object;
    v.m_heap = o;
    v.retain();
    return v;
}

Value Value::function(Function *f)
{
    Value v;
    v.m_type = Type::Function;
    v.m_heap = f;
    v.retain();
    return v;
}

Value Value::emptyObject(std::size_t capacity)
{
    return object(Object::create(capacity));
}

Value Value::newArray(std::size_t reserve)
{
    auto *a = new Array;
    if (reserve)
        a->m_items.reserve(reserve);
    return array(a);
}

const std::string &Value::asString() const
{
    return static_cast<const StringItem *>(m_heap)->m_value;
}

std::size_t Value::footprint() const
{
    switch (m_type) {
    case Type::String: {
        const std::string &s = asString();
        return sizeof(StringItem) + (s.capacity() > 15 ? s.capacity() + 1 : 0);
    }
    case Type::Array:
        return sizeof(Array) + asArray().m_items.capacity() * sizeof(Value);
    case Type::Object:
        return asObject().footprint();
    case Type::Function:
        return sizeof(Function);
    default:
        return 0;
    }
}

bool Value::deepEquals(const Value &other, int depth) const
{
    if (depth > kMaxValueDepth)
        throwTooDeep();
    EvaluationBudget::work(1); // values that share members can be far larger than the memory they take
    if (m_type != other.m_type)
        return false;
    switch (m_type) {
    case Type::Undefined:
    case Type::Null:
        return true;
    case Type::Boolean:
        return m_bool == other.m_bool;
    case Type::Number:
        return m_number == other.m_number;
    case Type::String:
        return m_heap == other.m_heap || asString() == other.asString();
    case Type::Array: {
        const Array &a = asArray();
        const Array &b = other.asArray();
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!a[i].deepEquals(b[i], depth + 1))
                return false;
        }
        return true;
    }
    case Type::Object: {
        const Object &a = asObject();
        const Object &b = other.asObject();
        if (a.size() != b.size())
            return false;
        for (const auto &[key, value] : a.entries()) {
            const Value *bv = b.find(key);
            if (!bv || !value.deepEquals(*bv, depth + 1))
                return false;
        }
        return true;
    }
    case Type::Function:
        return m_heap == other.m_heap;
    }
    return false;
}

Result<Value> Value::fromJson(std::string_view json)
{
    return JsonReader::parse(json);
}

std::string Value::toJson(bool pretty) const
{
    std::string out;
    JsonWriter::write(*this, out, pretty);
    return out;
}

QJsonValue Value::toQJsonValue() const
{
    switch (m_type) {
    case Type::Undefined:
        return QJsonValue(QJsonValue::Undefined);
    case Type::Null:
        return QJsonValue(QJsonValue::Null);
    case Type::Boolean:
        return QJsonValue(m_bool);
    case Type::Number:
        return QJsonValue(m_number);
    case Type::String:
        return QJsonValue(QString::fromStdString(asString()));
    case Type::Array: {
        QJsonArray arr;
        for (const Value &v : asArray().m_items) {
            if (v.isDefined())
                arr.append(v.toQJsonValue());
        }
        return arr;
    }
    case Type::Object: {
        QJsonObject obj;
        for (const auto &[key, value] : asObject().entries()) {
            if (value.isDefined())
                obj.insert(QString::fromStdString(key.str()), value.toQJsonValue());
        }
        return obj;
    }
    case Type::Function:
        return QJsonValue(QString());
    }
    return {};
}

Value Value::fromQJsonValue(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Null:
        return null();
    case QJsonValue::Bool:
        return boolean(json.toBool());
    case QJsonValue::Double:
        return number(json.toDouble());
    case QJsonValue::String:
        return string(json.toString().toStdString());
    case QJsonValue::Array: {
        const QJsonArray src = json.toArray();
        Value result = newArray(std::size_t(src.size()));
        for (const QJsonValue &item : src)
            result.mutableArray().push(fromQJsonValue(item));
        return result;
    }
    case QJsonValue::Object: {
        const QJsonObject src = json.toObject();
        Value result = emptyObject(std::size_t(src.size()));
        for (auto it = src.begin(); it != src.end(); ++it)
            result.mutableObject().set(it.key().toStdString(), fromQJsonValue(it.value()));
        return result;
    }
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

Object *Object::create(std::size_t capacity)
{
    static_assert(sizeof(Object) % alignof(Entry) == 0, "inline members must stay aligned");
    void *memory = ::operator new(sizeof(Object) + capacity * sizeof(Entry));
    auto *object = new (memory) Object();
    object->m_begin = object->inlineStorage();
    object->m_capacity = std::uint32_t(capacity);
    object->m_inline = true;
    return object;
}

void Object::destroy(Object *object) noexcept
{
    object->~Object();
    ::operator delete(object);
}

Object::~Object()
{
    for (std::uint32_t i = 0; i < m_size; ++i)
        m_begin[i].~Entry();
    if (!m_inline)
        ::operator delete(m_begin);
}

std::size_t Object::footprint() const
{
    // An index costs about a hash node (key copy, position, link) and a bucket per member.
    return sizeof(Object) + m_capacity * sizeof(Entry) + (m_index ? m_size * 64 : 0);
}

void Object::reserve(std::size_t n)
{
    if (n <= m_capacity)
        return;
    auto *storage = static_cast<Entry *>(::operator new(n * sizeof(Entry)));
    for (std::uint32_t i = 0; i < m_size; ++i) {
        new (&storage[i]) Entry(std::move(m_begin[i]));
        m_begin[i].~Entry();
    }
    if (!m_inline)
        ::operator delete(m_begin);
    m_begin = storage;
    m_capacity = std::uint32_t(n);
    m_inline = false;
}

void Object::append(Key key, Value value)
{
    if (m_size == m_capacity)
        reserve(m_capacity < 4 ? 4 : std::size_t(m_capacity) * 2);
    new (&m_begin[m_size]) Entry(std::move(key), std::move(value));
    ++m_size;
    if (m_index)
        m_index->emplace(m_begin[m_size - 1].first.str(), m_size - 1);
    else if (m_size > kIndexThreshold)
        rebuildIndex();
}

const Value *Object::findIndexed(std::string_view key) const
{
    auto it = m_index->find(key);
    return it == m_index->end() ? nullptr : &m_begin[it->second].second;
}

Value *Object::findMutable(std::string_view key)
{
    if (m_index) {
        auto it = m_index->find(key);
        return it == m_index->end() ? nullptr : &m_begin[it->second].second;
    }
    for (std::uint32_t i = 0; i < m_size; ++i) {
        if (m_begin[i].first == key)
            return &m_begin[i].second;
    }
    return nullptr;
}

void Object::set(std::string_view key, Value value)
{
    if (Value *existing = findMutable(key)) {
        *existing = std::move(value);
        return;
    }
    append(Key(key), std::move(value));
}

void Object::set(const Key &key, Value value)
{
    if (Value *existing = findMutable(key)) {
        *existing = std::move(value);
        return;
    }
    append(key, std::move(value));
}

void Object::remove(std::string_view key)
{
    for (std::uint32_t i = 0; i < m_size; ++i) {
        if (m_begin[i].first == key) {
            for (std::uint32_t k = i; k + 1 < m_size; ++k)
                m_begin[k] = std::move(m_begin[k + 1]);
            m_begin[m_size - 1].~Entry();
            --m_size;
            if (m_index)
                rebuildIndex();
            return;
        }
    }
}

void Object::rebuildIndex()
{
    m_index = std::make_unique<std::unordered_map<std::string, std::uint32_t, KeyHash, std::equal_to<>>>();
    m_index->reserve(m_size * 2);
    for (std::uint32_t i = 0; i < m_size; ++i)
        m_index->emplace(m_begin[i].first.str(), i);
}

} // namespace patchbay::jsonata
