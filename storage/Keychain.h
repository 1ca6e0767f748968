// Keychain: keeps a profile's database key in the OS keychain (Secret Service / KWallet via
// QtKeychain) instead of wrapping it with a passphrase. Blocking calls: run them on the
// storage thread only. The jobs themselves run on one long-lived keychain thread (see
// Keychain.cpp for why), each bounded by a timeout so a hung keyring daemon cannot hang
// the store.
#pragma once

#include <QString>

#include <tandem/common/SecretBytes.h>

#include "storage/StoreError.h"

namespace tandem::storage {

class Keychain {
public:
    static constexpr int kTimeoutMs = 20000;
    explicit Keychain(QString service = QStringLiteral("Tandem")) : service_(std::move(service)) {}

    StoreResult<void> write(const QString& entry, const SecretBytes& key) const;
    StoreResult<SecretBytes> read(const QString& entry) const;
    StoreResult<void> remove(const QString& entry) const;

private:
    StoreResult<void> writeHere(const QString& entry, const SecretBytes& key) const;
    StoreResult<SecretBytes> readHere(const QString& entry) const;
    StoreResult<void> removeHere(const QString& entry) const;
    QString service_;
};

}  // namespace tandem::storage
