#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace patchbay {

// An engine error: a stable machine-readable code and a message a support person can act on.
struct Error
{
    QString code;    // e.g. "store.newer_schema", "auth.revoked", "http.unreachable"
    QString message; // plain words: what happened and what to do

    QString toString() const { return code + QStringLiteral(": ") + message; }

    bool operator==(const Error &) const = default;
};

// Errors are values in the engine: a Result holds either a T or an Error.
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T value() && { return std::get<T>(std::move(m_data)); } // by value: safe in range-for on a temporary
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

inline Error makeError(const char *code, const QString &message)
{
    return Error{QString::fromLatin1(code), message};
}

} // namespace patchbay
