#include "jsonata/Expression.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

// Compiles arbitrary bytes as a JSONata expression: the parser must answer with an expression or an error.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view source(reinterpret_cast<const char *>(data), size);
    (void)patchbay::jsonata::Expression::compile(source);
    return 0;
}
