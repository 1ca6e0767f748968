// RelayAccounts: the relay's accounts — a verification code by the CodeSender, registration
// (and the registration lock), authentication, prekeys (uploads, bundles, the low-water
// notice), discovery by number, sender certificates signed with the relay's key, and the
// access key that sealed senders must present (set at registration, rotated by SetAccessKey;
// never handed out: a bundle does not carry it).
//
// Passwords are kept as a BLAKE2b hash and compared in constant time; phone numbers are
// logged redacted. A lookup (numbers and bundle fetches together) costs from an hourly budget
// per account.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "crypto/Primitives.h"
#include "tandem/relay.pb.h"
#include "transport/relay/server/CodeRequestLimiter.h"
#include "transport/relay/server/RegistrationLocks.h"
#include "transport/relay/server/RelayClients.h"
#include "transport/relay/server/RelayLimits.h"

namespace tandem::relay {

class CodeSender;
class AccountStore;

class RelayAccounts {
public:
    RelayAccounts(AccountStore& store, CodeSender* codes, const crypto::Ed25519KeyPair& identity,
                  const RelayLimits& limits, RelayClients& clients);

    void requestCode(RelayClient& c, std::uint64_t id, const proto::relay::RequestCode& r);
    void registerAccount(RelayClient& c, std::uint64_t id, const proto::relay::Register& r);
    // True when `c` is signed in by this request (its mail is then delivered).
    bool authenticate(RelayClient& c, std::uint64_t id, const proto::relay::Authenticate& r);
    // `c` is gone: its account was last seen now (RegistrationLocks).
    void signedOut(const RelayClient& c);
    // Tells the other front-ends of a shared store (Redis) which accounts are connected here
    // (AccountStore::markPresent); called every minute, writes every kPresenceRefreshMs.
    void refreshPresence(std::int64_t now);
    // Presence outlives its last refresh by this much (a front-end that died stops counting).
    static constexpr std::int64_t kPresenceTtlMs = 30LL * 60 * 1000;
    static constexpr std::int64_t kPresenceRefreshMs = 10LL * 60 * 1000;
    // The rest need an account (RelayServer checks).
    void setRegistrationLock(RelayClient& c, std::uint64_t id,
                             const proto::relay::SetRegistrationLock& r);
    // Replaces the account's access key (16 bytes): sealed sends with the old one are refused.
    void setAccessKey(RelayClient& c, std::uint64_t id, const proto::relay::SetAccessKey& r);
    void uploadPreKeys(RelayClient& c, std::uint64_t id, const proto::relay::UploadPreKeys& r);
    void preKeyStatus(RelayClient& c, std::uint64_t id);
    void fetchBundle(RelayClient& c, std::uint64_t id, const proto::relay::FetchBundle& r);
    void lookup(RelayClient& c, std::uint64_t id, const proto::relay::Lookup& r);
    void certificate(RelayClient& c, std::uint64_t id);

    // Front-ends that share a store (Redis) tell each other: a re-registration ends the old
    // holder's connections everywhere, and PreKeysLow reaches the account wherever it is
    // connected. Each returns false when there is nobody else to tell (one front-end).
    struct Fanout {
        std::function<bool(std::int64_t account)> registeredAgain;
        std::function<bool(std::int64_t account, std::uint32_t left)> preKeysLow;
    };
    void setFanout(Fanout fanout) { fanout_ = std::move(fanout); }
    // Tells `account`'s connections here that its one-time prekeys are running out.
    void pushPreKeysLow(std::int64_t account, std::uint32_t left);

private:
    // Ok: counted; Limited: over the hourly bound; Unavailable: the shared count failed.
    enum class Spend { Ok, Limited, Unavailable };
    Spend spendLookup(std::int64_t account, int cost);

    AccountStore& store_;
    CodeSender* codes_;
    const crypto::Ed25519KeyPair& identity_;
    const RelayLimits& limits_;
    RelayClients& clients_;
    RegistrationLocks locks_;  // on store_
    CodeRequestLimiter codeRequests_;
    Fanout fanout_;
    std::int64_t presenceRefreshedAt_ = 0;
    std::map<std::int64_t, std::vector<std::int64_t>> lookups_;  // account → when, this hour
};

}  // namespace tandem::relay
