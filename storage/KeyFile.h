// KeyFile: the on-disk form of a profile's database key (format 1, 148 or 76 bytes).
//
// The SQLCipher key is 32 random bytes. With passphrase protection it is wrapped by
// XChaCha20-Poly1305 under a key derived with Argon2id from the passphrase; the header
// (format, KDF limits, salt) is the associated data. With keychain protection the key lives
// in the OS keychain and the file holds the entry's id and a check value of the key.
// A BLAKE2b checksum over the whole file tells a damaged file apart from a wrong passphrase.
// Parsing is strict and bounded: every field is checked before any work is done.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <QString>

#include <tandem/common/Expected.h>
#include <tandem/common/SecretBytes.h>

namespace tandem::storage {

enum class KdfStrength {
    Interactive,  // libsodium's INTERACTIVE limits: 2 passes, 64 MiB (tests, weak machines)
    Moderate,     // the default: 3 passes, 256 MiB
    Sensitive,    // 4 passes, 1 GiB
};

struct KdfParams {
    std::uint64_t opslimit = 0;
    std::uint64_t memlimit = 0;
    static KdfParams forStrength(KdfStrength strength);
};

enum class KeyProtection : std::uint8_t { Passphrase = 1, Keychain = 2 };

// Why an unwrap failed: the two cases need different words for the user.
enum class UnwrapError { WrongPassphrase, OutOfMemory };

class KeyFile {
public:
    static constexpr std::size_t kKeySize = 32;
    static constexpr std::size_t kPassphraseFileSize = 148;
    static constexpr std::size_t kKeychainFileSize = 76;
    // Explicit limits accepted when reading (a damaged or hostile file cannot make us
    // allocate gigabytes or spin for minutes).
    static constexpr std::uint64_t kMaxOpslimit = 10;
    static constexpr std::uint64_t kMaxMemlimit = std::uint64_t{1} << 30;

    // Parses and validates; the error is a short reason ("truncated", "bad checksum", …).
    static Expected<KeyFile, QString> parse(std::span<const std::uint8_t> bytes);
    [[nodiscard]] std::vector<std::uint8_t> serialize() const;

    // Wraps `key` under `passphrase` with fresh salt and nonce. Fails only if Argon2id
    // cannot get its memory.
    static Expected<KeyFile, UnwrapError> wrap(const SecretBytes& key,
                                               const SecretBytes& passphrase, KdfParams params);
    [[nodiscard]] Expected<SecretBytes, UnwrapError> unwrap(const SecretBytes& passphrase) const;

    // A key file whose key is kept in the OS keychain under keychainId().
    static KeyFile forKeychain(const SecretBytes& key);
    // Constant-time check that `key` is the key this file was made for (keychain mode).
    [[nodiscard]] bool matchesKey(const SecretBytes& key) const;

    [[nodiscard]] KeyProtection protection() const { return protection_; }
    [[nodiscard]] std::uint8_t databaseFormat() const { return databaseFormat_; }
    [[nodiscard]] KdfParams kdf() const { return kdf_; }
    [[nodiscard]] QString keychainId() const;

private:
    KeyFile() = default;
    [[nodiscard]] std::vector<std::uint8_t> header() const;

    KeyProtection protection_ = KeyProtection::Passphrase;
    std::uint8_t databaseFormat_ = 1;
    KdfParams kdf_;
    std::array<std::uint8_t, 16> salt_{};
    std::array<std::uint8_t, 24> nonce_{};
    std::array<std::uint8_t, kKeySize + 16> wrapped_{};
    std::array<std::uint8_t, 16> keychainId_{};
    std::array<std::uint8_t, 16> keyCheck_{};
};

}  // namespace tandem::storage
