#pragma once

#include <string>

namespace patchbay::jsonata {

class Value;

// Serialises Values as JSON.stringify does: undefined members are dropped, functions become "", non-finite
// numbers become null; 'pretty' indents by two spaces.
class JsonWriter
{
public:
    static void write(const Value &value, std::string &out, bool pretty, bool roundNumbers = false);
    static void writeString(std::string_view s, std::string &out);

private:
    JsonWriter(std::string &out, bool pretty, bool roundNumbers)
        : m_out(out), m_pretty(pretty), m_roundNumbers(roundNumbers)
    {}
    void writeValue(const Value &value, int indent);
    void newline(int indent);

    std::string &m_out;
    bool m_pretty;
    bool m_roundNumbers;
};

} // namespace patchbay::jsonata
