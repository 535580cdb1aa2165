#pragma once

#include "Error.h"
#include "Value.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace patchbay::jsonata {

// A function signature such as "<s-nn?:s>": which argument types a function accepts, which may be omitted and
// which default to the context value. Validation coerces as JSONata does (a non-array passed for an array
// parameter becomes a one-item array).
class Signature
{
public:
    // Throws Error (S0401/S0402) on a malformed signature; 'offset' of the error is relative to the text.
    static std::shared_ptr<Signature> parse(std::string_view text);

    // Validates and coerces; throws Error T0410/T0411/T0412 (position left 0 for the caller to fill in).
    void validate(std::vector<Value> &args, const Value &context, std::string_view name) const;
    std::size_t paramCount() const { return m_params.size(); }

    static char symbolOf(const Value &v);

private:
    struct Param
    {
        std::uint16_t accepted = 0; // bit set of symbols
        char type = 'x';
        char quantifier = 0; // 0, '?', '+'
        bool context = false;
        std::string subtype;
    };

    bool match(const std::string &symbols, std::size_t param, std::size_t pos, std::vector<int> &counts) const;

    std::vector<Param> m_params;
};

} // namespace patchbay::jsonata
