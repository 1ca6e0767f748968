#include "storage/Keychain.h"

#include <optional>

#include <QEventLoop>
#include <QThread>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include "storage/StorageLog.h"

namespace tandem::storage {

namespace {

// QtKeychain queues every job through a process-wide executor object that lives in the
// thread where the first job ran and talks to later jobs through queued signals. If that
// thread ends (a Store closed), every later job waits forever. So all keychain jobs run on
// one thread that lives as long as the process; callers block on it (they are on the
// storage thread, never the GUI thread). Deliberately never destroyed: it is reachable
// from this static until exit.
class KeychainThread {
public:
    static KeychainThread& get() {
        static auto* instance = new KeychainThread;
        return *instance;
    }

    template <class F>
    auto run(F function) -> decltype(function()) {
        if (QThread::currentThread() == &thread_) {
            return function();
        }
        std::optional<decltype(function())> result;
        QMetaObject::invokeMethod(
            worker_, [&] { result.emplace(function()); }, Qt::BlockingQueuedConnection);
        return std::move(*result);
    }

private:
    KeychainThread() : worker_(new QObject) {
        thread_.setObjectName(QStringLiteral("tandem-keychain"));
        worker_->moveToThread(&thread_);
        thread_.start();
    }
    QThread thread_;
    QObject* worker_;
};

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
    return KeychainThread::get().run([&] { return writeHere(entry, key); });
}

StoreResult<SecretBytes> Keychain::read(const QString& entry) const {
    return KeychainThread::get().run([&] { return readHere(entry); });
}

StoreResult<void> Keychain::remove(const QString& entry) const {
    return KeychainThread::get().run([&] { return removeHere(entry); });
}

StoreResult<void> Keychain::writeHere(const QString& entry, const SecretBytes& key) const {
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

StoreResult<SecretBytes> Keychain::readHere(const QString& entry) const {
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

StoreResult<void> Keychain::removeHere(const QString& entry) const {
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
