#pragma once

#include <string>

namespace patchbay::jsonata {

class Value;

// $formatNumber: XPath fn:format-number pictures ("#,##0.00", "0.0e0", "99%", ...) with optional overrides of
// the decimal format symbols. Throws Error D308x for an invalid picture.
class NumberFormatter
{
public:
    static std::string format(double value, const std::string &picture, const Value &options);
};

} // namespace patchbay::jsonata
