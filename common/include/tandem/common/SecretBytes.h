// SecretBytes: an owned byte buffer for key material and passphrases. It cannot be copied by
// accident, and its memory is wiped with sodium_memzero when it is destroyed or moved from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sodium.h>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace tandem {

class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size) : bytes_(size, 0) {}
    SecretBytes(const std::uint8_t* data, std::size_t size) : bytes_(data, data + size) {}
    explicit SecretBytes(std::span<const std::uint8_t> data) : bytes_(data.begin(), data.end()) {}
    static SecretBytes fromString(std::string_view text) {
        return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};  // NOLINT
    }

    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.wipe(); }
    SecretBytes& operator=(SecretBytes&& other) noexcept {
        if (this != &other) {
            wipe();
            bytes_ = std::move(other.bytes_);
            other.wipe();
        }
        return *this;
    }
    ~SecretBytes() { wipe(); }

    [[nodiscard]] SecretBytes clone() const { return SecretBytes(span()); }

    [[nodiscard]] std::uint8_t* data() noexcept { return bytes_.data(); }
    [[nodiscard]] const std::uint8_t* data() const noexcept { return bytes_.data(); }
    [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
    [[nodiscard]] bool empty() const noexcept { return bytes_.empty(); }
    [[nodiscard]] std::span<std::uint8_t> span() noexcept { return bytes_; }
    [[nodiscard]] std::span<const std::uint8_t> span() const noexcept { return bytes_; }

    // Constant-time comparison (sodium_memcmp); sizes are not secret.
    [[nodiscard]] bool equals(std::span<const std::uint8_t> other) const noexcept {
        return other.size() == bytes_.size() &&
               (bytes_.empty() || sodium_memcmp(bytes_.data(), other.data(), bytes_.size()) == 0);
    }

    void wipe() noexcept {
        if (!bytes_.empty()) {
            sodium_memzero(bytes_.data(), bytes_.size());
        }
        bytes_.clear();
        bytes_.shrink_to_fit();
    }

private:
    std::vector<std::uint8_t> bytes_;
};

}  // namespace tandem
