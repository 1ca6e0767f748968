#include "storage/Keychain.h"

#include <QEventLoop>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include "storage/StorageLog.h"

namespace tandem::storage {

namespace {

// Runs `job` to completion or timeout; returns the error text, empty on success.
QString runJob(QKeychain::Job& job) {
    job.setAutoDelete(false);
    job.setInsecureFallback(false);  // never write the key to a plaintext file instead
    QEventLoop loop;
    bool finished = false;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(Keychain::kTimeoutMs, &loop, &QEventLoop::quit);
    job.start();
    if (!finished) {
        loop.exec();
    }
    if (!finished) {
        return QStringLiteral("the keychain did not answer within %1 s")
            .arg(Keychain::kTimeoutMs / 1000);
    }
    if (job.error() != QKeychain::NoError) {
        return job.errorString().isEmpty() ? QStringLiteral("error %1").arg(job.error())
                                           : job.errorString();
    }
    return {};
}

void wipe(QByteArray& bytes) {
    if (!bytes.isEmpty()) {
        sodium_memzero(bytes.data(), static_cast<std::size_t>(bytes.size()));
    }
}

}  // namespace

StoreResult<void> Keychain::write(const QString& entry, const SecretBytes& key) const {
    QByteArray data(reinterpret_cast<const char*>(key.data()),  // NOLINT
                    static_cast<qsizetype>(key.size()));
    QString error;
    {
        // The job shares `data`'s buffer; once the job is gone this copy is the only one
        // and wiping it wipes the key.
        QKeychain::WritePasswordJob job(service_);
        job.setKey(entry);
        job.setBinaryData(data);
        error = runJob(job);
    }
    wipe(data);
    if (!error.isEmpty()) {
        qCWarning(lcStorage) << "keychain write failed:" << error;
        return storeError(
            StoreErrorCode::Keychain,
            QStringLiteral("Could not store the key in the system keychain (%1).").arg(error));
    }
    return {};
}

StoreResult<SecretBytes> Keychain::read(const QString& entry) const {
    QKeychain::ReadPasswordJob job(service_);
    job.setKey(entry);
    const QString error = runJob(job);
    if (!error.isEmpty()) {
        return storeError(
            StoreErrorCode::Keychain,
            QStringLiteral("Could not read the key from the system keychain (%1).").arg(error));
    }
    QByteArray data = job.binaryData();
    SecretBytes key(reinterpret_cast<const std::uint8_t*>(data.constData()),  // NOLINT
                    static_cast<std::size_t>(data.size()));
    wipe(data);
    return key;
}

StoreResult<void> Keychain::remove(const QString& entry) const {
    QKeychain::DeletePasswordJob job(service_);
    job.setKey(entry);
    const QString error = runJob(job);
    if (!error.isEmpty()) {
        return storeError(
            StoreErrorCode::Keychain,
            QStringLiteral("Could not remove the key from the system keychain (%1).").arg(error));
    }
    return {};
}

}  // namespace tandem::storage
