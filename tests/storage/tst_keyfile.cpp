// The key file format: round trips, wrong passphrases, and every kind of damage told apart.
#include <sodium.h>

#include <QTest>

#include "storage/KeyFile.h"

using namespace tandem;
using namespace tandem::storage;

namespace {

SecretBytes randomKey() {
    SecretBytes key(KeyFile::kKeySize);
    randombytes_buf(key.data(), key.size());
    return key;
}

const KdfParams kFast = KdfParams::forStrength(KdfStrength::Interactive);

// Re-computes the trailing BLAKE2b checksum, to build files that are well-formed but carry
// a chosen field (the parser's range checks must stand on their own).
void fixChecksum(std::vector<std::uint8_t>& bytes) {
    const std::size_t body = bytes.size() - 32;
    crypto_generichash(bytes.data() + body, 32, bytes.data(), body, nullptr, 0);
}

void putU64(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint64_t value) {
    for (std::size_t i = 0; i < 8; ++i) {
        bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
}

}  // namespace

class KeyFileTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(sodium_init() >= 0); }

    void passphraseRoundTrip() {
        const SecretBytes key = randomKey();
        const auto file = KeyFile::wrap(key, SecretBytes::fromString("correct horse"), kFast);
        QVERIFY(file.has_value());
        const auto bytes = file->serialize();
        QCOMPARE(bytes.size(), KeyFile::kPassphraseFileSize);
        const auto parsed = KeyFile::parse(bytes);
        QVERIFY2(parsed.has_value(), qPrintable(parsed.has_value() ? "" : parsed.error()));
        QCOMPARE(parsed->protection(), KeyProtection::Passphrase);
        QCOMPARE(parsed->kdf().opslimit, kFast.opslimit);
        QCOMPARE(parsed->kdf().memlimit, kFast.memlimit);
        const auto unwrapped = parsed->unwrap(SecretBytes::fromString("correct horse"));
        QVERIFY(unwrapped.has_value());
        QVERIFY(unwrapped->equals(key.span()));
    }

    void wrappingIsRandomized() {
        const SecretBytes key = randomKey();
        const auto a = KeyFile::wrap(key, SecretBytes::fromString("pw"), kFast)->serialize();
        const auto b = KeyFile::wrap(key, SecretBytes::fromString("pw"), kFast)->serialize();
        QVERIFY(a != b);  // fresh salt and nonce every time
    }

    void wrongPassphraseIsReported() {
        const SecretBytes key = randomKey();
        const auto file = KeyFile::wrap(key, SecretBytes::fromString("right"), kFast);
        const auto parsed = KeyFile::parse(file->serialize());
        QVERIFY(parsed.has_value());
        for (const char* wrong : {"wrong", "Right", "right ", "righ"}) {
            const auto result = parsed->unwrap(SecretBytes::fromString(wrong));
            QVERIFY(!result.has_value());
            QCOMPARE(result.error(), UnwrapError::WrongPassphrase);
        }
    }

    void theKeyNeverAppearsInTheFile() {
        const SecretBytes key = randomKey();
        const auto bytes = KeyFile::wrap(key, SecretBytes::fromString("pw"), kFast)->serialize();
        const std::string hay(bytes.begin(), bytes.end());
        const std::string needle(key.data(), key.data() + key.size());
        QVERIFY(hay.find(needle) == std::string::npos);
    }

    void everyTruncationIsDetected() {
        const auto bytes =
            KeyFile::wrap(randomKey(), SecretBytes::fromString("pw"), kFast)->serialize();
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            const auto parsed = KeyFile::parse(std::span(bytes.data(), n));
            QVERIFY2(!parsed.has_value(), qPrintable(QString::number(n)));
        }
    }

    void everyFlippedByteIsDetectedAsDamage() {
        const auto bytes =
            KeyFile::wrap(randomKey(), SecretBytes::fromString("pw"), kFast)->serialize();
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            auto damaged = bytes;
            damaged[i] ^= 0x40;
            const auto parsed = KeyFile::parse(damaged);
            QVERIFY2(!parsed.has_value(), qPrintable(QStringLiteral("byte %1").arg(i)));
        }
    }

    void trailingBytesAreRejected() {
        auto bytes = KeyFile::wrap(randomKey(), SecretBytes::fromString("pw"), kFast)->serialize();
        bytes.push_back(0);
        const auto parsed = KeyFile::parse(bytes);
        QVERIFY(!parsed.has_value());
        QVERIFY(parsed.error().contains(QStringLiteral("trailing")));
    }

    void outOfRangeKdfLimitsAreRejectedBeforeAnyWork() {
        const auto good =
            KeyFile::wrap(randomKey(), SecretBytes::fromString("pw"), kFast)->serialize();
        struct Case {
            std::uint64_t ops;
            std::uint64_t mem;
        };
        for (const Case c :
             {Case{0, kFast.memlimit}, Case{KeyFile::kMaxOpslimit + 1, kFast.memlimit},
              Case{kFast.opslimit, 1024}, Case{kFast.opslimit, KeyFile::kMaxMemlimit + 1},
              Case{kFast.opslimit, ~std::uint64_t{0}}}) {
            auto bytes = good;
            putU64(bytes, 12, c.ops);
            putU64(bytes, 20, c.mem);
            fixChecksum(bytes);
            const auto parsed = KeyFile::parse(bytes);
            QVERIFY(!parsed.has_value());
            QVERIFY(parsed.error().contains(QStringLiteral("limits")));
        }
    }

    void unknownVersionsAndModesAreRejected() {
        auto bytes = KeyFile::wrap(randomKey(), SecretBytes::fromString("pw"), kFast)->serialize();
        auto version = bytes;
        version[8] = 2;
        fixChecksum(version);
        QVERIFY(KeyFile::parse(version).error().contains(QStringLiteral("format")));
        auto mode = bytes;
        mode[9] = 7;
        fixChecksum(mode);
        QVERIFY(KeyFile::parse(mode).error().contains(QStringLiteral("protection")));
        auto magic = bytes;
        magic[0] = 'X';
        QVERIFY(KeyFile::parse(magic).error().contains(QStringLiteral("not a Tandem key file")));
    }

    void tamperingWithTheHeaderBreaksUnwrapping() {
        // An attacker who rewrites the KDF limits and fixes the checksum gets no key out:
        // the header is the AEAD's associated data.
        auto bytes = KeyFile::wrap(randomKey(), SecretBytes::fromString("pw"), kFast)->serialize();
        putU64(bytes, 12, kFast.opslimit + 1);
        fixChecksum(bytes);
        const auto parsed = KeyFile::parse(bytes);
        QVERIFY(parsed.has_value());
        QCOMPARE(parsed->unwrap(SecretBytes::fromString("pw")).error(),
                 UnwrapError::WrongPassphrase);
    }

    void keychainForm() {
        const SecretBytes key = randomKey();
        const KeyFile file = KeyFile::forKeychain(key);
        const auto bytes = file.serialize();
        QCOMPARE(bytes.size(), KeyFile::kKeychainFileSize);
        const auto parsed = KeyFile::parse(bytes);
        QVERIFY(parsed.has_value());
        QCOMPARE(parsed->protection(), KeyProtection::Keychain);
        QCOMPARE(parsed->keychainId(), file.keychainId());
        QVERIFY(parsed->keychainId().startsWith(QStringLiteral("profile-")));
        QVERIFY(parsed->matchesKey(key));
        QVERIFY(!parsed->matchesKey(randomKey()));
        const std::string hay(bytes.begin(), bytes.end());
        QVERIFY(hay.find(std::string(key.data(), key.data() + key.size())) == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(KeyFileTest)
#include "tst_keyfile.moc"
