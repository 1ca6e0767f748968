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
class RelayStore;

class RelayAccounts {
public:
    RelayAccounts(RelayStore& store, CodeSender* codes, const crypto::Ed25519KeyPair& identity,
                  const RelayLimits& limits, RelayClients& clients);

    void requestCode(RelayClient& c, std::uint64_t id, const proto::relay::RequestCode& r);
    void registerAccount(RelayClient& c, std::uint64_t id, const proto::relay::Register& r);
    // True when `c` is signed in by this request (its mail is then delivered).
    bool authenticate(RelayClient& c, std::uint64_t id, const proto::relay::Authenticate& r);
    // `c` is gone: its account was last seen now (RegistrationLocks).
    void signedOut(const RelayClient& c);
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

private:
    bool spendLookup(std::int64_t account, int cost);

    RelayStore& store_;
    CodeSender* codes_;
    const crypto::Ed25519KeyPair& identity_;
    const RelayLimits& limits_;
    RelayClients& clients_;
    RegistrationLocks locks_;  // on store_'s database
    CodeRequestLimiter codeRequests_;
    std::map<std::int64_t, std::vector<std::int64_t>> lookups_;  // account → when, this hour
};

}  // namespace tandem::relay
