#include "app/core/session/SessionSetup.h"

#include <QDateTime>
#include <QPromise>

#include "app/core/session/SessionCodec.h"
#include "crypto/session/RecoveryPhrase.h"

namespace tandem::core::sessionmode {

using namespace tandem::storage;

Expected<crypto::session::SessionIdentity, QString> restoreIdentity(const QString& phrase) {
    const auto seed = crypto::session::decodeRecoveryPhrase(phrase);
    if (!seed) {
        return unexpected(
            QStringLiteral("the recovery phrase is not valid: %1").arg(seed.error().message));
    }
    auto identity = crypto::session::SessionIdentity::fromSeed(seed->span());
    if (!identity) {
        return unexpected(identity.error().message);
    }
    return std::move(identity).value();
}

QFuture<CoreResult<Saved>> saveAccount(Store& store,
                                       const crypto::session::SessionIdentity& identity,
                                       const NetworkConfig& network) {
    if (!network.onion) {
        QPromise<CoreResult<Saved>> refused;
        refused.start();
        refused.addResult(coreError(CoreErrorCode::InvalidArgument,
                                    QStringLiteral("the network names no onion network (Session "
                                                   "mode needs its nodes)")));
        refused.finish();
        return refused.future();
    }
    const Account account = accountFor(identity, QDateTime::currentMSecsSinceEpoch());
    return store
        .write([account, json = network.json](Repositories& r) -> StoreResult<Saved> {
            TANDEM_TRY_ASSIGN(const auto existing, r.accounts.get(Mode::Session));
            if (existing) {
                return Saved{existing->address};
            }
            TANDEM_TRY(r.accounts.put(account));
            TANDEM_TRY(r.settings.set(QStringLiteral("network"), json));
            return Saved{};
        })
        .then([](StoreResult<Saved> saved) -> CoreResult<Saved> {
            if (!saved) {
                return unexpected(fromStore(saved.error()));
            }
            return std::move(saved).value();
        });
}

}  // namespace tandem::core::sessionmode
