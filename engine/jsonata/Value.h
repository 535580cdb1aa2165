#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

class QJsonValue;

namespace patchbay::jsonata {

class Function;
struct Error;
template <typename T> class Result;

// Base of every heap payload a Value can point to. The count is atomic because one input document (and one
// compiled expression's literals) may be read by several evaluating threads at once. No vtable: the owning
// Value knows the payload's type, and 8 bytes per item matter for large documents.
class HeapItem
{
public:
    // Items that live for the whole program (the built-in functions) are never counted: every thread uses
    // them on every call, and a shared, constantly written counter would serialise those threads.
    static constexpr std::int32_t kPermanent = 1 << 30;
    bool isPermanent() const { return m_refs.load(std::memory_order_relaxed) >= kPermanent; }
    void makePermanent() { m_refs.store(kPermanent, std::memory_order_relaxed); }

    mutable std::atomic<std::int32_t> m_refs{0};
    // Bytes charged to the evaluation that built this payload (EvaluationBudget); refunded when it is freed.
    std::uint32_t m_charged = 0;
};

class Array;
class Object;
class StringItem;

// Deepest nesting of arrays and objects the engine walks recursively (results, $string, =, clones). Input JSON
// is limited to 512 levels; an expression that builds something deeper gets error U1001 instead of exhausting
// the stack.
constexpr int kMaxValueDepth = 1000;
[[noreturn]] void throwTooDeep();

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
    static Value emptyObject(std::size_t capacity = 0);
    // A string Value sharing an existing payload (used for object keys).
    static Value sharedString(StringItem *item);
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
    // Scans over large arrays are bound by memory latency: ask for an item's payload ahead of its use.
    void prefetch() const
    {
        if (isHeap())
            prefetchAddress(m_heap);
    }
    // GCC 12 drops __builtin_prefetch inside some loops at -O2; the asm form is kept.
    static void prefetchAddress(const void *address)
    {
#if defined(__x86_64__)
        asm volatile("prefetcht0 (%0)" : : "r"(address));
#else
        __builtin_prefetch(address);
#endif
    }

    // Parses standard JSON (RFC 8259). Error code "D0001" with the byte offset on malformed input.
    static Result<Value> fromJson(std::string_view json);
    // Serialises as JSON; undefined serialises as an empty string, functions as "".
    std::string toJson(bool pretty = false) const;
    QJsonValue toQJsonValue() const;
    static Value fromQJsonValue(const QJsonValue &json);

    // Bytes of this value's own payload (not of the values it holds); 0 for values without one.
    std::size_t footprint() const;

    // Structural equality (JSONata '=' semantics: no type coercion, deep for arrays/objects).
    bool deepEquals(const Value &other, int depth = 0) const;

private:
    void retain() const noexcept
    {
        if (isHeap() && !m_heap->isPermanent())
            m_heap->m_refs.fetch_add(1, std::memory_order_relaxed);
    }
    void release() noexcept
    {
        if (isHeap() && !m_heap->isPermanent() && m_heap->m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            destroy(m_type, m_heap);
        m_type = Type::Undefined;
    }
    static void destroy(Type type, HeapItem *item) noexcept;
    static void destroyNow(Type type, HeapItem *item) noexcept;
    bool isHeap() const
    {
        return m_type >= Type::String;
    }

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

// An object key: a shared, immutable string. Keys repeat across the records of a document and across the
// results of one expression, so they are shared rather than copied (8 bytes per object member).
class Key
{
public:
    Key() = default;
    explicit Key(std::string_view text) : m_item(new StringItem(std::string(text))) { m_item->m_refs = 1; }
    // Shares the text of a string Value.
    explicit Key(const Value &stringValue);
    Key(const Key &other) noexcept : m_item(other.m_item) { retain(); }
    Key(Key &&other) noexcept : m_item(other.m_item) { other.m_item = nullptr; }
    Key &operator=(const Key &other) noexcept
    {
        if (this != &other) {
            other.retain();
            release();
            m_item = other.m_item;
        }
        return *this;
    }
    Key &operator=(Key &&other) noexcept
    {
        if (this != &other) {
            release();
            m_item = other.m_item;
            other.m_item = nullptr;
        }
        return *this;
    }
    ~Key() { release(); }

    const std::string &str() const { return m_item->m_value; }
    operator std::string_view() const { return m_item->m_value; }
    bool operator==(std::string_view other) const { return m_item->m_value == other; }
    Value toValue() const;

private:
    void retain() const noexcept
    {
        if (m_item)
            m_item->m_refs.fetch_add(1, std::memory_order_relaxed);
    }
    void release() noexcept
    {
        if (m_item && m_item->m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            destroy(m_item);
        m_item = nullptr;
    }
    static void destroy(StringItem *item) noexcept;

    StringItem *m_item = nullptr;
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

// An object with insertion-ordered keys. Members live in the same allocation as the object when it is created
// with enough capacity (the JSON reader and object constructors know the count up front): one allocation and
// one cache miss less per object. Small objects are scanned linearly (faster than hashing for the handful of
// keys a record usually has); larger ones get a hash index built while the object is being filled.
class Object : public HeapItem
{
public:
    using Entry = std::pair<Key, Value>;

    static Object *create(std::size_t capacity);
    static void destroy(Object *object) noexcept;
    Object(const Object &) = delete;
    Object &operator=(const Object &) = delete;

    const Value *find(std::string_view key) const
    {
        if (m_index)
            return findIndexed(key);
        for (const Entry *e = m_begin, *end = m_begin + m_size; e != end; ++e) {
            const std::string &k = e->first.str();
            if (k.size() == key.size() && (key.empty() || (k[0] == key[0] && k.compare(key) == 0)))
                return &e->second;
        }
        return nullptr;
    }
    void set(std::string_view key, Value value);
    void set(const Key &key, Value value);
    // Adds a member the caller knows is not present yet.
    void appendUnique(Key key, Value value) { append(std::move(key), std::move(value)); }
    void remove(std::string_view key);
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    std::span<const Entry> entries() const { return {m_begin, m_size}; }
    void reserve(std::size_t n);
    std::size_t footprint() const;

private:
    Object() = default;
    ~Object();
    void rebuildIndex();
    const Value *findIndexed(std::string_view key) const;
    Value *findMutable(std::string_view key);
    void append(Key key, Value value);
    Entry *inlineStorage() { return reinterpret_cast<Entry *>(this + 1); }

    struct KeyHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };

    Entry *m_begin = nullptr;
    std::uint32_t m_size = 0;
    std::uint32_t m_capacity = 0;
    bool m_inline = false;
    std::unique_ptr<std::unordered_map<std::string, std::uint32_t, KeyHash, std::equal_to<>>> m_index;
};

} // namespace patchbay::jsonata
