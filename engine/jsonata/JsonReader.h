#pragma once

#include "Error.h"
#include "Value.h"

#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace patchbay::jsonata {

// A strict, allocation-light JSON parser producing Values directly (no intermediate DOM).
class JsonReader
{
public:
    static Result<Value> parse(std::string_view text);

private:
    explicit JsonReader(std::string_view text) : m_text(text) {}
    bool parseValue(Value &out, int depth);
    bool parseString(std::string &out);
    Key internKey(const std::string &text);
    bool parseNumber(Value &out);
    void skipWhitespace();
    bool fail(const char *message);

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_error;
    // Members of the containers being parsed, collected here so each container is allocated once at its exact
    // size after its children: fewer allocations and records laid out contiguously in memory.
    std::vector<std::pair<Key, Value>> m_entryStack;
    std::vector<Value> m_itemStack;
    // Keys seen in this document: records repeat their keys, so each distinct key is stored once.
    std::unordered_map<std::string_view, Key> m_keys;
    std::string m_keyBuffer;
};

} // namespace patchbay::jsonata
