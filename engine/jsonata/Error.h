#pragma once

#include <string>
#include <utility>
#include <variant>

namespace patchbay::jsonata {

// A compile or evaluation failure. 'code' is the JSONata reference implementation's code (S0201, T2001, D3030,
// U1001 for exceeded limits, ...); 'position' is the character offset just past the offending token (0 when no
// token applies), the convention of the reference implementation.
struct Error
{
    std::string code;
    int position = 0;
    std::string message;
    std::string token;
};

// Either a value or an Error; the engine reports failures as values rather than exceptions at its API boundary.
template <typename T> class Result
{
public:
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T value() && { return std::get<0>(std::move(m_data)); } // by value: safe in range-for on a temporary
    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

} // namespace patchbay::jsonata
