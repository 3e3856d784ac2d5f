#pragma once

#include <string>
#include <utility>
#include <variant>

namespace spanscope::storage {

// An error that reaches the user: one sentence that says what happened and, where possible,
// what to do about it.
struct Error
{
    std::string message;
};

// A value or an error; storage and ingest report failures this way instead of throwing.
template<typename T>
class Result
{
public:
    Result(T value)
        : m_state(std::move(value))
    {}
    Result(Error error)
        : m_state(std::move(error))
    {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() { return std::get<0>(m_state); }
    const T &value() const { return std::get<0>(m_state); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const std::string &error() const { return std::get<1>(m_state).message; }

private:
    std::variant<T, Error> m_state;
};

} // namespace spanscope::storage
