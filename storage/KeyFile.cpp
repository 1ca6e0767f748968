#include "storage/KeyFile.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>

namespace tandem::storage {

namespace {

constexpr std::array<std::uint8_t, 8> kMagic = {'T', 'A', 'N', 'D', 'E', 'M', 'K', 'F'};
constexpr std::uint8_t kFormatVersion = 1;
constexpr std::uint8_t kDatabaseFormat = 1;  // SQLCipher 3 defaults, cipher_page_size 4096
constexpr std::size_t kChecksumSize = 32;
constexpr std::string_view kKeyCheckLabel = "tandem key check v1";

void putU64(std::vector<std::uint8_t>& out, std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

std::uint64_t getU64(std::span<const std::uint8_t> in) {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
        value = (value << 8) | in[static_cast<std::size_t>(i)];
    }
    return value;
}

std::array<std::uint8_t, kChecksumSize> checksum(std::span<const std::uint8_t> bytes) {
    std::array<std::uint8_t, kChecksumSize> out{};
    crypto_generichash(out.data(), out.size(), bytes.data(), bytes.size(), nullptr, 0);
    return out;
}

std::array<std::uint8_t, 16> keyCheckFor(const SecretBytes& key) {
    std::array<std::uint8_t, 16> out{};
    crypto_generichash(out.data(), out.size(),
                       reinterpret_cast<const unsigned char*>(kKeyCheckLabel.data()),  // NOLINT
                       kKeyCheckLabel.size(), key.data(), key.size());
    return out;
}

template <std::size_t N>
void append(std::vector<std::uint8_t>& out, const std::array<std::uint8_t, N>& bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

template <std::size_t N>
void take(std::array<std::uint8_t, N>& out, std::span<const std::uint8_t> in, std::size_t at) {
    std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(at), N, out.begin());
}

}  // namespace

KdfParams KdfParams::forStrength(KdfStrength strength) {
    switch (strength) {
        case KdfStrength::Interactive:
            return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
        case KdfStrength::Moderate:
            return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
        case KdfStrength::Sensitive:
            return {crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE};
    }
    return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

std::vector<std::uint8_t> KeyFile::header() const {
    std::vector<std::uint8_t> out(kMagic.begin(), kMagic.end());
    out.push_back(kFormatVersion);
    out.push_back(static_cast<std::uint8_t>(protection_));
    out.push_back(databaseFormat_);
    out.push_back(0);  // reserved
    if (protection_ == KeyProtection::Passphrase) {
        putU64(out, kdf_.opslimit);
        putU64(out, kdf_.memlimit);
        append(out, salt_);
    } else {
        append(out, keychainId_);
        append(out, keyCheck_);
    }
    return out;
}

std::vector<std::uint8_t> KeyFile::serialize() const {
    std::vector<std::uint8_t> out = header();
    if (protection_ == KeyProtection::Passphrase) {
        append(out, nonce_);
        append(out, wrapped_);
    }
    append(out, checksum(out));
    return out;
}

Expected<KeyFile, QString> KeyFile::parse(std::span<const std::uint8_t> bytes) {
    constexpr std::size_t kFixed = 12;
    if (bytes.size() < kFixed) {
        return unexpected(QStringLiteral("it is truncated (%1 bytes)").arg(bytes.size()));
    }
    if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
        return unexpected(QStringLiteral("it is not a Tandem key file"));
    }
    if (bytes[8] != kFormatVersion) {
        return unexpected(QStringLiteral("its format %1 is not supported").arg(bytes[8]));
    }
    KeyFile file;
    const std::uint8_t protection = bytes[9];
    std::size_t expected = 0;
    if (protection == static_cast<std::uint8_t>(KeyProtection::Passphrase)) {
        file.protection_ = KeyProtection::Passphrase;
        expected = kPassphraseFileSize;
    } else if (protection == static_cast<std::uint8_t>(KeyProtection::Keychain)) {
        file.protection_ = KeyProtection::Keychain;
        expected = kKeychainFileSize;
    } else {
        return unexpected(QStringLiteral("its key protection %1 is unknown").arg(protection));
    }
    if (bytes.size() < expected) {
        return unexpected(
            QStringLiteral("it is truncated (%1 of %2 bytes)").arg(bytes.size()).arg(expected));
    }
    if (bytes.size() > expected) {
        return unexpected(
            QStringLiteral("it has %1 unexpected trailing bytes").arg(bytes.size() - expected));
    }
    const auto body = bytes.first(expected - kChecksumSize);
    const auto stored = bytes.last(kChecksumSize);
    const auto computed = checksum(body);
    if (sodium_memcmp(computed.data(), stored.data(), kChecksumSize) != 0) {
        return unexpected(QStringLiteral("its checksum does not match (the file is damaged)"));
    }
    if (bytes[10] != kDatabaseFormat) {
        return unexpected(QStringLiteral("its database format %1 is not supported").arg(bytes[10]));
    }
    file.databaseFormat_ = bytes[10];
    if (file.protection_ == KeyProtection::Passphrase) {
        file.kdf_.opslimit = getU64(bytes.subspan(12, 8));
        file.kdf_.memlimit = getU64(bytes.subspan(20, 8));
        if (file.kdf_.opslimit < crypto_pwhash_OPSLIMIT_MIN || file.kdf_.opslimit > kMaxOpslimit ||
            file.kdf_.memlimit < crypto_pwhash_MEMLIMIT_MIN || file.kdf_.memlimit > kMaxMemlimit) {
            return unexpected(QStringLiteral("its key-derivation limits are out of range"));
        }
        take(file.salt_, bytes, 28);
        take(file.nonce_, bytes, 44);
        take(file.wrapped_, bytes, 68);
    } else {
        take(file.keychainId_, bytes, 12);
        take(file.keyCheck_, bytes, 28);
    }
    return file;
}

namespace {

// Derives the key-encryption key; false if Argon2id could not allocate its memory.
bool deriveKek(SecretBytes& kek, const SecretBytes& passphrase,
               const std::array<std::uint8_t, 16>& salt, KdfParams params) {
    static_assert(crypto_pwhash_SALTBYTES == 16);
    return crypto_pwhash(kek.data(), kek.size(),
                         reinterpret_cast<const char*>(passphrase.data()),  // NOLINT
                         passphrase.size(), salt.data(), params.opslimit,
                         static_cast<std::size_t>(params.memlimit),
                         crypto_pwhash_ALG_ARGON2ID13) == 0;
}

}  // namespace

Expected<KeyFile, UnwrapError> KeyFile::wrap(const SecretBytes& key, const SecretBytes& passphrase,
                                             KdfParams params) {
    KeyFile file;
    file.protection_ = KeyProtection::Passphrase;
    file.kdf_ = params;
    randombytes_buf(file.salt_.data(), file.salt_.size());
    randombytes_buf(file.nonce_.data(), file.nonce_.size());
    SecretBytes kek(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    if (!deriveKek(kek, passphrase, file.salt_, params)) {
        return unexpected(UnwrapError::OutOfMemory);
    }
    const auto ad = file.header();
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(file.wrapped_.data(), &written, key.data(),
                                               key.size(), ad.data(), ad.size(), nullptr,
                                               file.nonce_.data(), kek.data());
    return file;
}

Expected<SecretBytes, UnwrapError> KeyFile::unwrap(const SecretBytes& passphrase) const {
    SecretBytes kek(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    if (!deriveKek(kek, passphrase, salt_, kdf_)) {
        return unexpected(UnwrapError::OutOfMemory);
    }
    const auto ad = header();
    SecretBytes key(kKeySize);
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(key.data(), &written, nullptr, wrapped_.data(),
                                                   wrapped_.size(), ad.data(), ad.size(),
                                                   nonce_.data(), kek.data()) != 0) {
        return unexpected(UnwrapError::WrongPassphrase);
    }
    return key;
}

KeyFile KeyFile::forKeychain(const SecretBytes& key) {
    KeyFile file;
    file.protection_ = KeyProtection::Keychain;
    randombytes_buf(file.keychainId_.data(), file.keychainId_.size());
    file.keyCheck_ = keyCheckFor(key);
    return file;
}

bool KeyFile::matchesKey(const SecretBytes& key) const {
    const auto check = keyCheckFor(key);
    return sodium_memcmp(check.data(), keyCheck_.data(), check.size()) == 0;
}

QString KeyFile::keychainId() const {
    std::array<char, 33> hex{};
    sodium_bin2hex(hex.data(), hex.size(), keychainId_.data(), keychainId_.size());
    return QStringLiteral("profile-") + QString::fromLatin1(hex.data());
}

}  // namespace tandem::storage
