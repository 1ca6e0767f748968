#include "app/core/signal/PreKeyPublisher.h"

#include <memory>

#include <QDateTime>
#include <QPromise>

#include "app/core/Guarded.h"
#include "app/core/signal/PreKeys.h"
#include "crypto/QtBytes.h"
#include "tandem/common/Clock.h"

namespace tandem::core::signalmode {

using namespace tandem::storage;

namespace {

using Promise = std::shared_ptr<QPromise<CoreResult<int>>>;

void finish(const Promise& promise, CoreResult<int> value) {
    promise->addResult(std::move(value));
    promise->finish();
}

// Makes `wanted` one-time prekeys (and a new signed one when due), in one transaction.
StoreResult<void> generate(Repositories& r, const Identity& me, int wanted) {
    TANDEM_TRY(rotateSignedPreKey(r, me, nowMs()));
    return makeOneTimePreKeys(r, wanted, nowMs());
}

}  // namespace

PreKeyPublisher::~PreKeyPublisher() {
    store_.post([] {}).waitForFinished();  // no continuation of ours is left to run
}

QFuture<CoreResult<int>> PreKeyPublisher::uploadPending(transport::RelayAccountClient relay) {
    auto promise = std::make_shared<QPromise<CoreResult<int>>>();
    promise->start();
    struct Pending {
        transport::PreKeyUpload upload;
        std::vector<std::int64_t> signedIds;
        std::vector<std::int64_t> oneTimeIds;
    };
    store_.read(
        [](Repositories& r) -> StoreResult<Pending> {
            Pending out;
            TANDEM_TRY_ASSIGN(const auto oneTime,
                              r.prekeys.notUploaded(PrekeyKind::OneTime, kBatch));
            TANDEM_TRY_ASSIGN(const auto signedKeys, r.prekeys.notUploaded(PrekeyKind::Signed, 10));
            for (const Prekey& p : signedKeys) {  // the newest one is the one bundles carry
                out.upload.signedKey = transport::PreKeyUpload::Signed{
                    static_cast<std::uint32_t>(p.keyId), p.publicKey, p.signature};
                out.signedIds.push_back(p.keyId);
            }
            for (const Prekey& p : oneTime) {
                out.upload.oneTime.emplace_back(static_cast<std::uint32_t>(p.keyId), p.publicKey);
                out.oneTimeIds.push_back(p.keyId);
            }
            return out;
        },
        this,
        [this, promise, relay](StoreResult<Pending> pending) mutable {
            if (!pending) {
                finish(promise, unexpected(fromStore(pending.error())));
                return;
            }
            const int count =
                static_cast<int>(pending->signedIds.size() + pending->oneTimeIds.size());
            if (count == 0) {
                finish(promise, 0);
                return;
            }
            relay.uploadPreKeys(pending->upload)
                .then(guarded(this, [this, promise, count, signedIds = pending->signedIds,
                                     oneTimeIds = pending->oneTimeIds](
                                        Expected<void, transport::TransportError> uploaded) {
                    if (!uploaded) {
                        finish(promise, unexpected(fromTransport(uploaded.error())));
                        return;
                    }
                    store_.write(
                        [signedIds, oneTimeIds](Repositories& r) -> StoreResult<void> {
                            TANDEM_TRY(r.prekeys.markUploaded(PrekeyKind::OneTime, oneTimeIds));
                            return r.prekeys.markUploaded(PrekeyKind::Signed, signedIds);
                        },
                        this,
                        [promise, count](StoreResult<void> marked) {
                            finish(promise, marked ? CoreResult<int>(count)
                                                   : unexpected(fromStore(marked.error())));
                        });
                }));
        });
    return promise->future();
}

QFuture<CoreResult<int>> PreKeyPublisher::refill(transport::RelayAccountClient relay,
                                                 const Identity& me) {
    auto promise = std::make_shared<QPromise<CoreResult<int>>>();
    promise->start();
    if (busy_) {
        finish(promise, 0);
        return promise->future();
    }
    busy_ = true;
    const auto done = [this, promise](CoreResult<int> result) {
        busy_ = false;
        finish(promise, std::move(result));
    };
    relay.oneTimePreKeysLeft().then(guarded(
        this, [this, relay, me, done](Expected<std::int64_t, transport::TransportError> left) {
            if (!left) {
                done(unexpected(fromTransport(left.error())));
                return;
            }
            const int wanted = *left < kLowWater ? kBatch : 0;
            store_.write([me, wanted](Repositories& r) { return generate(r, me, wanted); }, this,
                         [this, relay, done](StoreResult<void> made) {
                             if (!made) {
                                 done(unexpected(fromStore(made.error())));
                                 return;
                             }
                             uploadPending(relay).then(guarded(this, done));
                         });
        }));
    return promise->future();
}

}  // namespace tandem::core::signalmode
