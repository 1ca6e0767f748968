// Shared set-up for the libFuzzer targets: deterministic keys, so a crash reproduces.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <sodium.h>

#include "crypto/Primitives.h"

namespace tandem::fuzz {

inline SecretBytes fixedSecret(std::uint8_t fill, std::size_t size = 32) {
    SecretBytes s(size);
    for (std::size_t i = 0; i < size; ++i) {
        s.data()[i] = static_cast<std::uint8_t>(fill + i);
    }
    return s;
}

inline void init() {
    if (sodium_init() < 0) {
        std::abort();
    }
}

}  // namespace tandem::fuzz
