// Store: the asynchronous face of the encrypted store. It owns the storage thread; every
// call returns a QFuture at once and the work (Argon2id, SQL, keychain) runs there, so the
// GUI and core threads never block on disk. Results come back on your own thread through
// a continuation (see below for the form that keeps their order).
//
//   store.open(dir, Credentials::withPassphrase(...))
//       .then(this, [](StoreResult<void> r) { … });
//   store.write([text](Repositories& r) -> StoreResult<std::int64_t> { … });
//
// write() runs its function inside one IMMEDIATE transaction: all of it commits or none.
// read() runs inside a deferred transaction: a consistent snapshot. Tasks run one at a time
// in submission order. A function passed to read/write must not capture references to
// objects that may die before it runs.
//
// Where the order of the continuations matters, pass the context and the continuation to
// write()/read() itself:
//
//   store.write([…](Repositories& r) { … }, this, [this](StoreResult<T> result) { … });
//
// The continuation is then always a queued call on the context's thread, posted by the
// storage thread as each task ends: continuations run in the order their tasks ran. (With
// QFuture::then(context, …) a continuation attached to a future that has already finished
// runs at once, ahead of earlier tasks' continuations still in the queue; Qt 6.4 also asserts
// when the context is gone.) The call returns a future of the continuation's result,
// cancelled if the context is destroyed first. The check that the context is alive and the
// post to it are two steps on the storage thread: a context destroyed while its tasks run
// waits for them first (`post([] {}).waitForFinished()` in its destructor).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <type_traits>

#include <QFuture>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QString>
#include <QThread>

#include <tandem/common/SecretBytes.h>

#include "storage/Database.h"
#include "storage/KeyFile.h"
#include "storage/Keychain.h"
#include "storage/Profile.h"
#include "storage/Repositories.h"
#include "storage/StoreError.h"

namespace tandem::storage {

// How to unlock a profile: a passphrase (owned, wiped when the last copy goes) or the
// OS keychain.
struct Credentials {
    KeyProtection protection = KeyProtection::Passphrase;
    std::shared_ptr<const SecretBytes> passphrase;

    static Credentials withPassphrase(SecretBytes passphrase) {
        return {KeyProtection::Passphrase,
                std::make_shared<const SecretBytes>(std::move(passphrase))};
    }
    static Credentials withKeychain() { return {KeyProtection::Keychain, nullptr}; }
    [[nodiscard]] Unlock unlock() const { return {protection, passphrase.get()}; }
};

class Store final {
public:
    explicit Store(Keychain keychain = Keychain());
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    QFuture<StoreResult<void>> create(const QString& dir, Credentials credentials,
                                      KdfStrength strength = KdfStrength::Moderate);
    QFuture<StoreResult<void>> open(const QString& dir, Credentials credentials);
    // Re-wraps the key (the database is untouched); the store must be open.
    QFuture<StoreResult<void>> changeCredentials(Credentials current, Credentials target,
                                                 KdfStrength strength = KdfStrength::Moderate);
    // Reads every page (PRAGMA quick_check): damage anywhere is reported as
    // DatabaseCorrupted, and the store then refuses writes. Opening runs it only after an
    // unclean shutdown; the app runs it when idle.
    QFuture<StoreResult<void>> verify();
    // Deletes the messages whose disappearing timer ran out by `nowMs` (docs/disappearing.md)
    // in one transaction, then checkpoints the WAL so their text is not left in it
    // (secure_delete zeroes what the database file held). Opening a profile runs it before
    // anything can be read.
    QFuture<StoreResult<std::vector<MessageRef>>> expire(std::int64_t nowMs);
    // Closes the database (checkpointing the WAL) and releases the profile lock.
    QFuture<void> close();

    [[nodiscard]] bool isOpen() const { return open_.load(); }
    // The open profile's folder ("" when none is open); any thread.
    [[nodiscard]] QString folder() const;

    template <class F>
    auto write(F function) {
        return transact(std::move(function), Transaction::Kind::Immediate);
    }
    template <class F>
    auto read(F function) {
        return transact(std::move(function), Transaction::Kind::Deferred);
    }
    template <class F, class C>
    auto write(F function, QObject* context, C continuation) {
        return transactThen(std::move(function), Transaction::Kind::Immediate, context,
                            std::move(continuation));
    }
    template <class F, class C>
    auto read(F function, QObject* context, C continuation) {
        return transactThen(std::move(function), Transaction::Kind::Deferred, context,
                            std::move(continuation));
    }

    // Runs `function` on the storage thread and returns its result through a future.
    template <class F>
    auto post(F function) -> QFuture<std::invoke_result_t<F&>> {
        using R = std::invoke_result_t<F&>;
        auto promise = std::make_shared<QPromise<R>>();
        QFuture<R> future = promise->future();
        promise->start();
        QMetaObject::invokeMethod(
            worker_,
            [promise, function = std::move(function)]() mutable {
                if constexpr (std::is_void_v<R>) {
                    function();
                } else {
                    promise->addResult(function());
                }
                promise->finish();
            },
            Qt::QueuedConnection);
        return future;
    }

    // The storage thread, for thread-ownership assertions.
    [[nodiscard]] const QThread* thread() const { return &thread_; }

private:
    template <class F>
    auto transact(F function, Transaction::Kind kind) {
        using R = std::invoke_result_t<F&, Repositories&>;
        return post([this, function = std::move(function), kind]() mutable -> R {
            return runTransaction(function, kind);
        });
    }

    template <class F, class C>
    auto transactThen(F function, Transaction::Kind kind, QObject* context, C continuation) {
        using R = std::invoke_result_t<F&, Repositories&>;
        using T = std::invoke_result_t<C&, R>;
        auto promise = std::make_shared<QPromise<T>>();
        QFuture<T> future = promise->future();
        promise->start();
        QMetaObject::invokeMethod(
            worker_,
            [this, promise, function = std::move(function), kind, target = QPointer(context),
             continuation = std::move(continuation)]() mutable {
                auto result = std::make_shared<R>(runTransaction(function, kind));
                if (target.isNull()) {
                    return;  // the promise goes with this task: its future is cancelled
                }
                QMetaObject::invokeMethod(
                    target.data(),
                    [promise, result, continuation = std::move(continuation)]() mutable {
                        deliver<T>(*promise, continuation, std::move(*result));
                    },
                    Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
        return future;
    }

    // GCC 12 warns, wrongly, that the std::variant moved into a by-value parameter may be
    // uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
    template <class T, class C, class R>
    [[gnu::noinline]] static void deliver(QPromise<T>& promise, C& continuation, R&& result) {
        if constexpr (std::is_void_v<T>) {
            continuation(std::forward<R>(result));
        } else {
            promise.addResult(continuation(std::forward<R>(result)));
        }
        promise.finish();
    }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

    // Storage thread only.
    template <class F>
    auto runTransaction(F& function, Transaction::Kind kind)
        -> std::invoke_result_t<F&, Repositories&> {
        using R = std::invoke_result_t<F&, Repositories&>;
        Database* db = database();
        if (db == nullptr) {
            return storeError(StoreErrorCode::Closed, QStringLiteral("The profile is not open."));
        }
        auto tx = Transaction::begin(*db, kind);
        if (!tx) {
            return unexpected(std::move(tx).error());
        }
        Repositories repositories(*db);
        R result = function(repositories);
        if (!result || repositories.writesDiscarded()) {
            return result;  // the transaction rolls back
        }
        if (auto committed = tx->commit(); !committed) {
            return unexpected(std::move(committed).error());
        }
        return result;
    }

    // Storage thread only.
    Database* database();
    StoreResult<std::vector<MessageRef>> expireNow(std::int64_t nowMs);
    // Attachments' local copies (docs/attachments.md), storage thread only.
    [[nodiscard]] QString attachmentFolder() const;
    void removeLocalFiles(const std::vector<QString>& names);
    // Removes the files under attachmentFolder() that no row names (a crash between writing
    // one and storing its row).
    void removeUnnamedFiles();
    void setFolder(const QString& dir);

    QThread thread_;
    QObject* worker_;
    Keychain keychain_;
    std::optional<OpenProfile> profile_;  // storage thread only
    QString dir_;                         // storage thread only
    mutable QMutex folderMutex_;
    QString folder_;  // dir_ while open, for folder()
    std::atomic<bool> open_{false};
};

}  // namespace tandem::storage
