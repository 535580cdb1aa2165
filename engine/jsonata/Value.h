#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

class QJsonValue;

namespace patchbay::jsonata {

class Function;
struct Error;
template <typename T>
class Result;

// Base of every heap payload a Value can point to. The count is atomic because one input document (and one
// compiled expression's literals) may be read by several evaluating threads at once.
class HeapItem
{
public:
    virtual ~HeapItem() = default;
    mutable std::atomic<std::int32_t> m_refs{0};
};

class Array;
class Object;
class StringItem;

// A JSON value as JSONata sees it: undefined, null, boolean, number, string, array, object or function.
// 16 bytes; arrays, objects and strings are shared and treated as immutable once published.
class Value
{
public:
    enum class Type : std::uint8_t { Undefined, Null, Boolean, Number, String, Array, Object, Function };

    Value() noexcept : m_number(0) {}
    Value(const Value &other) noexcept : m_number(other.m_number), m_type(other.m_type)
    {
        if (other.isHeap())
            m_heap = other.m_heap;
        retain();
    }
    Value(Value &&other) noexcept : m_number(other.m_number), m_type(other.m_type)
    {
        if (other.isHeap())
            m_heap = other.m_heap;
        other.m_type = Type::Undefined;
    }
    Value &operator=(const Value &other) noexcept
    {
        if (this != &other) {
            other.retain();
            release();
            m_type = other.m_type;
            if (other.isHeap())
                m_heap = other.m_heap;
            else
                m_number = other.m_number;
        }
        return *this;
    }
    Value &operator=(Value &&other) noexcept
    {
        if (this != &other) {
            release();
            m_type = other.m_type;
            if (other.isHeap())
                m_heap = other.m_heap;
            else
                m_number = other.m_number;
            other.m_type = Type::Undefined;
        }
        return *this;
    }
    ~Value() { release(); }

    static Value null();
    static Value boolean(bool b);
    static Value number(double d);
    static Value string(std::string s);
    static Value string(std::string_view s) { return string(std::string(s)); }
    static Value string(const char *s) { return string(std::string(s)); }
    static Value array(Array *a);
    static Value object(Object *o);
    static Value function(Function *f);
    static Value emptyObject();
    static Value newArray(std::size_t reserve = 0);

    Type type() const { return m_type; }
    bool isUndefined() const { return m_type == Type::Undefined; }
    bool isDefined() const { return m_type != Type::Undefined; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBoolean() const { return m_type == Type::Boolean; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }
    bool isFunction() const { return m_type == Type::Function; }

    bool asBool() const { return m_bool; }
    double asNumber() const { return m_number; }
    const std::string &asString() const;
    const Array &asArray() const { return *reinterpret_cast<const Array *>(m_heap); }
    const Object &asObject() const { return *reinterpret_cast<const Object *>(m_heap); }
    const Function &asFunction() const { return *reinterpret_cast<const Function *>(m_heap); }
    // Mutable access for values the caller has just built and not yet shared.
    Array &mutableArray() const { return *reinterpret_cast<Array *>(m_heap); }
    Object &mutableObject() const { return *reinterpret_cast<Object *>(m_heap); }
    const HeapItem *heap() const { return m_heap; }

    // Parses standard JSON (RFC 8259). Error code "D0001" with the byte offset on malformed input.
    static Result<Value> fromJson(std::string_view json);
    // Serialises as JSON; undefined serialises as an empty string, functions as "".
    std::string toJson(bool pretty = false) const;
    QJsonValue toQJsonValue() const;
    static Value fromQJsonValue(const QJsonValue &json);

    // Structural equality (JSONata '=' semantics: no type coercion, deep for arrays/objects).
    bool deepEquals(const Value &other) const;

private:
    void retain() const noexcept
    {
        if (isHeap())
            m_heap->m_refs.fetch_add(1, std::memory_order_relaxed);
    }
    void release() noexcept
    {
        if (isHeap() && m_heap->m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            destroy(m_heap);
        m_type = Type::Undefined;
    }
    static void destroy(HeapItem *item) noexcept;
    bool isHeap() const { return m_type >= Type::String; }

    union {
        double m_number;
        bool m_bool;
        HeapItem *m_heap;
    };
    Type m_type = Type::Undefined;
};

class StringItem : public HeapItem
{
public:
    explicit StringItem(std::string s) : m_value(std::move(s)) {}
    std::string m_value;
};

// An ordered list of values. The flags carry JSONata's sequence bookkeeping: a sequence is a result set produced
// by path evaluation (collapsed to its single item when it has one), 'cons' marks an array built by an array
// constructor so that path steps do not flatten it.
class Array : public HeapItem
{
public:
    std::vector<Value> m_items;
    bool m_sequence = false;
    bool m_keepSingleton = false;
    bool m_cons = false;
    bool m_outerWrapper = false;
    bool m_tupleStream = false;

    std::size_t size() const { return m_items.size(); }
    bool empty() const { return m_items.empty(); }
    const Value &operator[](std::size_t i) const { return m_items[i]; }
    void push(Value v) { m_items.push_back(std::move(v)); }
};

// An object with insertion-ordered keys. Small objects are scanned linearly (faster than hashing for the handful
// of keys a record usually has); larger ones get a hash index built while the object is being filled.
class Object : public HeapItem
{
public:
    const Value *find(std::string_view key) const;
    void set(std::string_view key, Value value);
    void remove(std::string_view key);
    std::size_t size() const { return m_entries.size(); }
    bool empty() const { return m_entries.empty(); }
    const std::vector<std::pair<std::string, Value>> &entries() const { return m_entries; }
    void reserve(std::size_t n) { m_entries.reserve(n); }

private:
    void rebuildIndex();

    std::vector<std::pair<std::string, Value>> m_entries;
    struct KeyHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unique_ptr<std::unordered_map<std::string, std::uint32_t, KeyHash, std::equal_to<>>> m_index;
};

} // namespace patchbay::jsonata
