#include "transport/relay/server/RelayAccounts.h"

#include <sodium.h>

#include <QDateTime>

#include <tandem/common/Redact.h>

#include "crypto/QtBytes.h"
#include "crypto/Sodium.h"
#include "crypto/signal/Identity.h"
#include "crypto/signal/RegistrationLock.h"
#include "crypto/signal/SealedSender.h"
#include "tandem/common/Clock.h"
#include "tandem/signal.pb.h"
#include "transport/Transport.h"
#include "transport/relay/Address.h"
#include "transport/relay/server/AccountStore.h"
#include "transport/relay/server/CodeSender.h"

namespace tandem::relay {

using namespace tandem::crypto;
using proto::relay::Error;
using proto::relay::ServerFrame;

namespace {

constexpr std::uint32_t kRelayKeyId = 1;

QByteArray hashPassword(const std::string& password) {
    QByteArray out(32, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), 32,  // NOLINT
                       reinterpret_cast<const unsigned char*>(password.data()), password.size(),
                       nullptr, 0);  // NOLINT
    return out;
}

}  // namespace

RelayAccounts::RelayAccounts(AccountStore& store, CodeSender* codes,
                             const crypto::Ed25519KeyPair& identity, const RelayLimits& limits,
                             RelayClients& clients)
    : store_(store),
      codes_(codes),
      identity_(identity),
      limits_(limits),
      clients_(clients),
      locks_(store),
      codeRequests_(limits.codeRequests) {}

// ---- accounts -------------------------------------------------------------------------------

void RelayAccounts::requestCode(RelayClient& c, std::uint64_t id,
                                const proto::relay::RequestCode& r) {
    const QString phone = QString::fromStdString(r.phone());
    if (!isE164(phone)) {
        return clients_.replyError(c, id, Error::INVALID_NUMBER,
                                   QStringLiteral("not an E.164 phone number"));
    }
    ServerFrame out;
    out.mutable_code_status()->set_required(codes_->required());
    if (!codes_->required()) {
        return clients_.reply(c, id, out);
    }
    if (codes_->busy()) {
        return clients_.replyError(c, id, Error::UNAVAILABLE,
                                   QStringLiteral("codes are being sent; try again in a moment"));
    }
    const std::int64_t t = nowMs();
    const QString from = c.address().toString();
    switch (codeRequests_.request(phone, from, t)) {
        case CodeRequestLimiter::Verdict::Allowed:
            break;
        case CodeRequestLimiter::Verdict::NumberLimited:
            return clients_.replyError(
                c, id, Error::RATE_LIMITED,
                QStringLiteral("too many codes requested for this number; wait a "
                               "few minutes"));
        case CodeRequestLimiter::Verdict::AddressLimited:
        case CodeRequestLimiter::Verdict::GlobalLimited:
        case CodeRequestLimiter::Verdict::Full:
            return clients_.replyError(
                c, id, Error::RATE_LIMITED,
                QStringLiteral("too many codes requested; wait a few minutes"));
    }
    // The number's, the address' and the global limits across front-ends too, when they share
    // the store (fixed windows in Redis; the in-memory ones above stay exact per front-end).
    const struct {
        QByteArray key;
        int limit;
        std::int64_t windowMs;
        bool perNumber;
    } shared[] = {
        {"code:" + phone.toLatin1(), limits_.codeRequests.perNumber, limits_.codeRequests.windowMs,
         true},
        {"codefrom:" + from.toLatin1(), limits_.codeRequests.perAddress,
         limits_.codeRequests.windowMs, false},
        {QByteArrayLiteral("codes"), limits_.codeRequests.global,
         limits_.codeRequests.globalWindowMs, false},
    };
    for (const auto& limit : shared) {
        if (store_.admitShared(limit.key, 1, limit.limit, limit.windowMs)) {
            continue;
        }
        if (store_.failed()) {
            return clients_.replyError(c, id, Error::UNAVAILABLE,
                                       QStringLiteral("the relay cannot count requests now; "
                                                      "try again"));
        }
        return clients_.replyError(
            c, id, Error::RATE_LIMITED,
            limit.perNumber
                ? QStringLiteral("too many codes requested for this number; wait a few minutes")
                : QStringLiteral("too many codes requested; wait a few minutes"));
    }
    const QString code =
        QStringLiteral("%1").arg(randombytes_uniform(1000000), 6, 10, QLatin1Char('0'));
    if (!store_.setCode(phone, code, t + limits_.codeLifetimeMs)) {
        return clients_.replyError(c, id, Error::UNAVAILABLE,
                                   QStringLiteral("cannot store the code"));
    }
    codes_->send(phone, code);
    qCInfo(lcRelay) << "sent a verification code to" << redact(phone);
    clients_.reply(c, id, out);
}

void RelayAccounts::registerAccount(RelayClient& c, std::uint64_t id,
                                    const proto::relay::Register& r) {
    const QString phone = QString::fromStdString(r.phone());
    if (!isE164(phone)) {
        return clients_.replyError(c, id, Error::INVALID_NUMBER,
                                   QStringLiteral("not an E.164 phone number"));
    }
    const auto identity = publicKeyFrom(view(r.identity_key()), "identity key");
    if (!identity || !signal::IdentityPublicKey::fromEd25519(*identity) ||
        r.password().size() != 32 || r.access_key().size() != kAccessKeyBytes ||
        (!r.registration_lock().empty() &&
         r.registration_lock().size() != signal::kRegistrationLockTokenBytes)) {
        return clients_.replyError(c, id, Error::MALFORMED,
                                   QStringLiteral("the registration is malformed"));
    }
    if (codes_->required()) {
        switch (store_.checkCode(phone, QString::fromStdString(r.code()), nowMs())) {
            case CodeCheck::Ok:
                break;
            case CodeCheck::Wrong:
                return clients_.replyError(c, id, Error::WRONG_CODE,
                                           QStringLiteral("the verification code is wrong"));
            case CodeCheck::Expired:
                return clients_.replyError(c, id, Error::WRONG_CODE,
                                           QStringLiteral("the verification code has expired"));
            case CodeCheck::TooManyAttempts:
                return clients_.replyError(
                    c, id, Error::WRONG_CODE,
                    QStringLiteral("too many wrong codes; request a new one"));
        }
    }
    // The code proves the number; a lock asks its holder's PIN too. The code stays valid for
    // another try with the PIN (it is spent by the registration that succeeds).
    const QByteArray lockToken = qbytes(r.registration_lock());
    const auto holder = store_.accountByPhone(phone);
    if (!holder && store_.failed()) {  // a lock it cannot read is not "no lock"
        return clients_.replyError(c, id, Error::UNAVAILABLE,
                                   QStringLiteral("the relay cannot read accounts right now"));
    }
    if (holder) {
        // Connected here, or on another front-end of the store (its presence is kept fresh).
        const bool connected = clients_.anySignedIn(holder->id) || store_.present(holder->id);
        const auto lock = locks_.check(holder->id, lockToken, connected, nowMs());
        const auto days = [](std::int64_t ms) {
            return QString::number((ms + 24LL * 3600 * 1000 - 1) / (24LL * 3600 * 1000));
        };
        const auto hours = [](std::int64_t ms) {
            return QString::number((ms + 3600LL * 1000 - 1) / (3600LL * 1000));
        };
        switch (lock.verdict) {
            case RegistrationLocks::Verdict::Open:
            case RegistrationLocks::Verdict::Unlocked:
                break;
            case RegistrationLocks::Verdict::Locked:
                qCInfo(lcRelay) << "refused a registration of the locked" << redact(phone);
                return clients_.replyError(
                    c, id, Error::REGISTRATION_LOCKED,
                    QStringLiteral("this number is protected by a registration lock: %1, or "
                                   "wait until the lock lapses (in %2 days, if its holder stays "
                                   "away)")
                        .arg(lockToken.isEmpty() ? QStringLiteral("enter its PIN")
                                                 : QStringLiteral("the PIN is wrong; try again"),
                             days(lock.remainingMs)));
            case RegistrationLocks::Verdict::TooManyAttempts:
                return clients_.replyError(
                    c, id, Error::RATE_LIMITED,
                    QStringLiteral("too many wrong PINs for this number; try again "
                                   "in %1 hours")
                        .arg(hours(lock.remainingMs)));
        }
    }
    const auto account =
        store_.registerAccount({phone, qbytes(r.identity_key()), hashPassword(r.password()),
                                qbytes(r.access_key()), r.share_phone(), lockToken},
                               nowMs());
    if (!account) {
        return clients_.replyError(c, id, Error::UNAVAILABLE, account.error());
    }
    qCInfo(lcRelay) << "registered" << redact(phone);
    // Whoever held the number before is signed out: their connections close (their password
    // no longer authenticates), so no device of theirs fetches, or acknowledges away, what is
    // sent to the new holder.
    for (RelayClient* old : clients_.signedIn(account->id)) {
        if (old != &c) {
            clients_.drop(*old, Error::UNAUTHORIZED,
                          QStringLiteral("this number was registered again on another device"));
        }
    }
    if (fanout_.registeredAgain) {
        (void)fanout_.registeredAgain(account->id);  // and on the other front-ends
    }
    ServerFrame out;
    out.mutable_registered()->set_account_id(static_cast<std::uint64_t>(account->id));
    out.mutable_registered()->set_aci(account->aci.toStdString());
    clients_.reply(c, id, out);
}

bool RelayAccounts::authenticate(RelayClient& c, std::uint64_t id,
                                 const proto::relay::Authenticate& r) {
    if (c.account) {
        clients_.replyError(c, id, Error::MALFORMED, QStringLiteral("already authenticated"));
        return false;
    }
    // A failure is refused, and counted towards closing the connection.
    const auto refuse = [&](Error::Code code, const QString& message) {
        if (++c.authFailures >= limits_.authFailuresBeforeClose) {
            clients_.drop(c, Error::UNAUTHORIZED,
                          QStringLiteral("too many failed authentications"));
        } else {
            clients_.replyError(c, id, code, message);
        }
        return false;
    };
    const QString phone = QString::fromStdString(r.phone());
    if (!isE164(phone)) {  // like a wrong password
        return refuse(Error::INVALID_NUMBER, QStringLiteral("not an E.164 phone number"));
    }
    const auto account = store_.accountByPhone(phone);
    if (!account && store_.failed()) {  // not a wrong password: not counted
        clients_.replyError(c, id, Error::UNAVAILABLE,
                            QStringLiteral("the relay cannot read accounts right now"));
        return false;
    }
    if (!account || !constantTimeEqual(account->passwordHash, hashPassword(r.password()))) {
        return refuse(Error::UNAUTHORIZED, QStringLiteral("unknown account or wrong password"));
    }
    clients_.signIn(c, account->id);
    locks_.seen(account->id, nowMs());
    store_.markPresent({account->id}, kPresenceTtlMs);
    ServerFrame out;
    out.mutable_ok();
    clients_.reply(c, id, out);
    return true;
}

void RelayAccounts::signedOut(const RelayClient& c) {
    if (c.account) {
        locks_.seen(*c.account, nowMs());
    }
}

void RelayAccounts::refreshPresence(std::int64_t now) {
    if (now - presenceRefreshedAt_ < kPresenceRefreshMs) {
        return;
    }
    presenceRefreshedAt_ = now;
    store_.markPresent(clients_.signedInAccounts(), kPresenceTtlMs);
}

void RelayAccounts::setRegistrationLock(RelayClient& c, std::uint64_t id,
                                        const proto::relay::SetRegistrationLock& r) {
    if (!r.token().empty() && r.token().size() != signal::kRegistrationLockTokenBytes) {
        return clients_.replyError(c, id, Error::MALFORMED,
                                   QStringLiteral("a registration lock token has 32 bytes"));
    }
    if (!locks_.set(*c.account, qbytes(r.token()), nowMs())) {
        return clients_.replyError(c, id, Error::UNAVAILABLE,
                                   QStringLiteral("cannot store the registration lock"));
    }
    ServerFrame out;
    out.mutable_ok();
    clients_.reply(c, id, out);
}

void RelayAccounts::setAccessKey(RelayClient& c, std::uint64_t id,
                                 const proto::relay::SetAccessKey& r) {
    if (r.access_key().size() != kAccessKeyBytes) {
        return clients_.replyError(c, id, Error::MALFORMED,
                                   QStringLiteral("an access key has 16 bytes"));
    }
    if (!store_.setAccessKey(*c.account, qbytes(r.access_key()))) {
        return clients_.replyError(c, id, Error::UNAVAILABLE,
                                   QStringLiteral("cannot store the access key; try again"));
    }
    ServerFrame out;
    out.mutable_ok();
    clients_.reply(c, id, out);
}

// ---- prekeys, discovery, certificates ----------------------------------------------------

void RelayAccounts::uploadPreKeys(RelayClient& c, std::uint64_t id,
                                  const proto::relay::UploadPreKeys& r) {
    const auto account = store_.accountById(*c.account);
    if (!account) {
        return clients_.replyError(c, id, Error::NOT_FOUND, QStringLiteral("the account is gone"));
    }
    if (r.one_time_size() > limits_.maxPreKeysPerUpload) {
        return clients_.replyError(c, id, Error::TOO_LARGE,
                                   QStringLiteral("too many prekeys in one upload"));
    }
    if (!r.signed_prekey().empty()) {
        const auto identity = publicKeyFrom(view(account->identityKey.toStdString()), "identity");
        const auto spk = publicKeyFrom(view(r.signed_prekey()), "signed prekey");
        // The relay checks the signature too: a client cannot publish a bundle that others
        // would reject.
        if (!identity || !spk ||
            !ed25519Verify(*identity, signal::serializeKey(*spk),
                           view(r.signed_prekey_signature()))) {
            return clients_.replyError(c, id, Error::MALFORMED,
                                       QStringLiteral("the signed prekey's signature is wrong"));
        }
        store_.setSignedPreKey(*c.account, {r.signed_prekey_id(), qbytes(r.signed_prekey()),
                                            qbytes(r.signed_prekey_signature())});
    }
    std::vector<std::pair<std::uint32_t, QByteArray>> keys;
    for (const auto& k : r.one_time()) {
        if (k.key().size() != 32) {
            return clients_.replyError(c, id, Error::MALFORMED,
                                       QStringLiteral("a one-time prekey has the wrong size"));
        }
        keys.emplace_back(k.id(), qbytes(k.key()));
    }
    const std::int64_t held = store_.addOneTimePreKeys(*c.account, keys, limits_.maxPreKeysStored);
    ServerFrame out;
    out.mutable_prekey_status()->set_one_time_remaining(static_cast<std::uint32_t>(held));
    clients_.reply(c, id, out);
}

void RelayAccounts::preKeyStatus(RelayClient& c, std::uint64_t id) {
    ServerFrame out;
    out.mutable_prekey_status()->set_one_time_remaining(
        static_cast<std::uint32_t>(store_.oneTimePreKeyCount(*c.account)));
    clients_.reply(c, id, out);
}

RelayAccounts::Spend RelayAccounts::spendLookup(std::int64_t account, int cost) {
    auto& times = lookups_[account];
    const std::int64_t t = nowMs();
    std::erase_if(times, [&](std::int64_t at) { return at < t - 3600 * 1000; });
    if (static_cast<int>(times.size()) + cost > limits_.lookupsPerHour) {
        return Spend::Limited;
    }
    // And across front-ends, when they share the store.
    if (!store_.admitShared("lookup:" + QByteArray::number(account), cost, limits_.lookupsPerHour,
                            3600 * 1000)) {
        return store_.failed() ? Spend::Unavailable : Spend::Limited;
    }
    times.insert(times.end(), static_cast<std::size_t>(cost), t);
    return Spend::Ok;
}

void RelayAccounts::fetchBundle(RelayClient& c, std::uint64_t id,
                                const proto::relay::FetchBundle& r) {
    const QString address = QString::fromStdString(r.phone());
    if (!isRelayAddress(address)) {
        return clients_.replyError(c, id, Error::INVALID_NUMBER,
                                   QStringLiteral("not an E.164 phone number or account id"));
    }
    if (const Spend spent = spendLookup(*c.account, 1); spent != Spend::Ok) {
        return spent == Spend::Unavailable
                   ? clients_.replyError(c, id, Error::UNAVAILABLE,
                                         QStringLiteral("the relay cannot count lookups now; "
                                                        "try again"))
                   : clients_.replyError(c, id, Error::RATE_LIMITED,
                                         QStringLiteral("too many lookups this hour"));
    }
    const auto target = store_.accountByAddress(address);
    const auto spk = target ? store_.signedPreKey(target->id) : std::nullopt;
    if (!target || !spk) {
        return clients_.replyError(c, id, Error::NOT_FOUND, QStringLiteral("no such account"));
    }
    proto::PreKeyBundle bundle;
    bundle.set_identity_key(target->identityKey.toStdString());
    bundle.set_signed_prekey_id(spk->id);
    bundle.set_signed_prekey(spk->key.toStdString());
    bundle.set_signed_prekey_signature(spk->signature.toStdString());
    if (const auto otk = store_.takeOneTimePreKey(target->id)) {
        bundle.set_has_one_time_prekey(true);
        bundle.set_one_time_prekey_id(otk->first);
        bundle.set_one_time_prekey(otk->second.toStdString());
        const std::int64_t left = store_.oneTimePreKeyCount(target->id);
        if (left < limits_.preKeysLowWater) {
            const auto remaining = static_cast<std::uint32_t>(left);
            if (!fanout_.preKeysLow || !fanout_.preKeysLow(target->id, remaining)) {
                pushPreKeysLow(target->id, remaining);
            }
        }
    }
    ServerFrame out;
    out.mutable_bundle()->set_bundle(bundle.SerializeAsString());
    // Never the access key: its owner gives it only to the contacts it accepts (a blocked one
    // could otherwise fetch the new key after a rotation).
    out.mutable_bundle()->set_aci(target->aci.toStdString());
    clients_.reply(c, id, out);
}

void RelayAccounts::lookup(RelayClient& c, std::uint64_t id, const proto::relay::Lookup& r) {
    if (r.phones_size() > limits_.maxLookupPerRequest) {
        return clients_.replyError(c, id, Error::TOO_LARGE,
                                   QStringLiteral("too many numbers in one lookup"));
    }
    if (const Spend spent = spendLookup(*c.account, r.phones_size()); spent != Spend::Ok) {
        return spent == Spend::Unavailable
                   ? clients_.replyError(c, id, Error::UNAVAILABLE,
                                         QStringLiteral("the relay cannot count lookups now; "
                                                        "try again"))
                   : clients_.replyError(c, id, Error::RATE_LIMITED,
                                         QStringLiteral("too many lookups this hour"));
    }
    ServerFrame out;
    for (const std::string& phone : r.phones()) {
        const QString number = QString::fromStdString(phone);
        if (!isE164(number)) {
            continue;  // discovery is by number only; ids are not enumerable
        }
        if (const auto account = store_.accountByPhone(number)) {
            out.mutable_lookup()->add_registered(phone);
            out.mutable_lookup()->add_acis(account->aci.toStdString());
        }
    }
    out.mutable_lookup();
    clients_.reply(c, id, out);
}

void RelayAccounts::pushPreKeysLow(std::int64_t account, std::uint32_t left) {
    ServerFrame low;
    low.mutable_prekeys_low()->set_one_time_remaining(left);
    for (const RelayClient* holder : clients_.signedIn(account)) {
        clients_.reply(*holder, 0, low);
    }
}

void RelayAccounts::certificate(RelayClient& c, std::uint64_t id) {
    const auto account = store_.accountById(*c.account);
    if (!account) {
        return clients_.replyError(c, id, Error::NOT_FOUND, QStringLiteral("the account is gone"));
    }
    const auto identity = publicKeyFrom(view(account->identityKey.toStdString()), "identity");
    const Bytes certificate = signal::SenderCertificate::issue(
        identity_, kRelayKeyId, view(account->aci.toStdString()),
        account->sharePhone ? account->phone : QString(), 1, *identity,
        static_cast<std::uint64_t>(nowMs() + limits_.certificateLifetimeMs));
    ServerFrame out;
    out.mutable_certificate()->set_certificate(toString(certificate));
    clients_.reply(c, id, out);
}

}  // namespace tandem::relay
