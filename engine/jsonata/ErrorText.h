#pragma once

#include <string>

namespace patchbay::jsonata {

// Human-readable text for each error code, worded for the person who wrote the expression.
class ErrorText
{
public:
    static std::string message(const std::string &code);
    static std::string argumentMessage(const std::string &code, int index, const std::string &function);
    static std::string arrayTypeMessage(int index, const std::string &function, const std::string &subtype);
};

} // namespace patchbay::jsonata
