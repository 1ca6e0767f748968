// Expected<T, E>: a value or an error, for failures that are part of normal operation
// (wrong passphrase, corrupted file, bad input). std::expected is C++23 and clang 14 with
// libstdc++ 12 cannot use it, so this is the small subset the project needs.
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace tandem {

template <class E>
struct Unexpected {
    E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
    return {std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Expected {
public:
    using value_type = T;
    using error_type = E;

    Expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
    Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
    template <class G>
    Expected(Unexpected<G> u) : v_(std::in_place_index<1>, E(std::move(u.error))) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(v_));
    }
    const E& error() const& {
        assert(!has_value());
        return std::get<1>(v_);
    }
    E&& error() && {
        assert(!has_value());
        return std::get<1>(std::move(v_));
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }

    template <class U>
    T value_or(U&& fallback) const& {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] Expected<void, E> {
public:
    using value_type = void;
    using error_type = E;

    Expected() = default;
    template <class G>
    Expected(Unexpected<G> u) : error_(E(std::move(u.error))) {}  // NOLINT: implicit

    [[nodiscard]] bool has_value() const noexcept { return !error_.has_value(); }
    explicit operator bool() const noexcept { return has_value(); }
    void value() const { assert(has_value()); }
    const E& error() const& {
        assert(!has_value());
        return *error_;
    }
    E&& error() && {
        assert(!has_value());
        return std::move(*error_);
    }

private:
    std::optional<E> error_;
};

}  // namespace tandem

// Propagates the error of an Expected expression out of the enclosing function, which must
// return an Expected with the same error type. Keeps call sites flat without exceptions.
#define TANDEM_TRY(expr)                                                        \
    do {                                                                        \
        auto&& tandem_try_result_ = (expr);                                     \
        if (!tandem_try_result_) {                                              \
            return ::tandem::unexpected(std::move(tandem_try_result_).error()); \
        }                                                                       \
    } while (false)

// Like TANDEM_TRY, but binds the value: TANDEM_TRY_ASSIGN(auto row, repo.get(id));
#define TANDEM_CONCAT_INNER_(a, b) a##b
#define TANDEM_CONCAT_(a, b) TANDEM_CONCAT_INNER_(a, b)
// NOLINTBEGIN(bugprone-macro-parentheses): `decl` is a declaration and cannot be parenthesized.
#define TANDEM_TRY_ASSIGN(decl, expr) \
    TANDEM_TRY_ASSIGN_IMPL_(TANDEM_CONCAT_(tandem_try_tmp_, __LINE__), decl, expr)
#define TANDEM_TRY_ASSIGN_IMPL_(tmp, decl, expr)             \
    auto&& tmp = (expr);                                     \
    if (!tmp) {                                              \
        return ::tandem::unexpected(std::move(tmp).error()); \
    }                                                        \
    decl = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
