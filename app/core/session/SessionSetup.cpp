#include "app/core/session/SessionSetup.h"

#include <algorithm>
#include <sodium.h>

#include <QDateTime>
#include <QPromise>
#include <QRandomGenerator>

#include "app/core/session/SessionCodec.h"
#include "crypto/session/RecoveryPhrase.h"

namespace tandem::core::sessionmode {

using namespace tandem::storage;

std::unique_ptr<NewIdentity> newIdentity() {
    auto out = std::unique_ptr<NewIdentity>(
        new NewIdentity{crypto::session::SessionIdentity::generate(), {}, {}});
    out->words = crypto::session::encodeRecoveryPhrase(out->identity.seed.span()).split(u' ');
    while (out->confirm.size() < kConfirmWords) {
        const int at = static_cast<int>(QRandomGenerator::system()->bounded(out->words.size()));
        if (!out->confirm.contains(at)) {
            out->confirm.push_back(at);
        }
    }
    std::sort(out->confirm.begin(), out->confirm.end());
    return out;
}

int firstWrongWord(const NewIdentity& pending, const QStringList& answers) {
    if (answers.size() != pending.confirm.size()) {
        return -2;
    }
    for (qsizetype i = 0; i < answers.size(); ++i) {
        const int at = pending.confirm[i];
        const QByteArray given = answers[i].trimmed().toLower().toUtf8();
        const QByteArray word = pending.words.value(at).toUtf8();
        if (given.size() != word.size() ||
            sodium_memcmp(given.constData(), word.constData(),
                          static_cast<std::size_t>(word.size())) != 0) {
            return at;
        }
    }
    return -1;
}

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
        return QtFuture::makeReadyFuture(CoreResult<Saved>(
            coreError(CoreErrorCode::InvalidArgument,
                      QStringLiteral("the network names no onion network (Session mode needs "
                                     "its nodes)"))));
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
