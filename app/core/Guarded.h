// guarded(object, f): a QFuture continuation that runs `f` only while `object` lives.
//
// Use it as future.then(guarded(this, [this](T value) { … })) for futures finished on the
// object's own thread (the store's continuations, relay requests): the continuation runs
// where the future finishes, and not at all when the object is gone or the future was
// cancelled (its promise dropped unfinished, as happens to those of an object destroyed
// mid-way). QFuture::then(context, …) instead asserts in Qt 6.4 that the context still
// lives when the future ends, which a promise cancelled by its owner's destruction breaks.
#pragma once

#include <utility>

#include <QPointer>

namespace tandem::core {

namespace detail {
template <class M>
struct ArgumentOf;
template <class C, class R, class A>
struct ArgumentOf<R (C::*)(A) const> {
    using type = A;
};
template <class C, class R, class A>
struct ArgumentOf<R (C::*)(A)> {
    using type = A;
};
}  // namespace detail

template <class O, class F>
auto guarded(O* object, F f) {
    using Argument = typename detail::ArgumentOf<decltype(&F::operator())>::type;
    return [guard = QPointer<O>(object), f = std::move(f)](Argument value) mutable {
        if (guard) {
            f(std::forward<Argument>(value));
        }
    };
}

}  // namespace tandem::core
