#include "crypto/signal/Ratchet.h"

#include <algorithm>
#include <sodium.h>

#include "crypto/signal/X3dh.h"
#include "tandem/ratchet.pb.h"
#include "tandem/signal.pb.h"

namespace tandem::crypto::signal {

namespace {

constexpr std::string_view kRootInfo = "Tandem Ratchet v1";
constexpr std::uint32_t kRatchetVersion = 1;
constexpr std::uint8_t kMessageKeySeed = 0x01;
constexpr std::uint8_t kChainKeySeed = 0x02;

void wipe(std::string& s) {
    if (!s.empty()) {
        sodium_memzero(s.data(), s.size());
    }
}

struct RootStep {
    SecretBytes rootKey;
    SecretBytes chainKey;
};

CryptoResult<RootStep> rootStep(const SecretBytes& rootKey, const X25519KeyPair& ours,
                                const PublicKey& theirs) {
    TANDEM_TRY_ASSIGN(const SecretBytes dh, x25519(ours.privateKey, theirs));
    const SecretBytes out = hkdfSha256(dh.span(), rootKey.span(), view(kRootInfo), 2 * kKeySize);
    return RootStep{SecretBytes(out.span().first(kKeySize)),
                    SecretBytes(out.span().last(kKeySize))};
}

// MK and the next CK from CK. Both HMACs share the key, so its padded-key state is
// computed once and copied (two SHA-256 compressions saved per message).
std::pair<SecretBytes, SecretBytes> chainStep(const SecretBytes& chainKey) {
    crypto_auth_hmacsha256_state keyed;
    crypto_auth_hmacsha256_init(&keyed, chainKey.data(), chainKey.size());
    crypto_auth_hmacsha256_state state = keyed;
    SecretBytes messageKey(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_update(&state, &kMessageKeySeed, 1);
    crypto_auth_hmacsha256_final(&state, messageKey.data());
    SecretBytes next(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_update(&keyed, &kChainKeySeed, 1);
    crypto_auth_hmacsha256_final(&keyed, next.data());
    sodium_memzero(&state, sizeof state);
    sodium_memzero(&keyed, sizeof keyed);
    return {std::move(messageKey), std::move(next)};
}

void putU32(Bytes& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

// AD = X3DH AD ‖ version ‖ ratchet key ‖ PN ‖ N: any change to the header fails the AEAD.
Bytes messageAd(const Bytes& base, const PublicKey& ratchetKey, std::uint32_t previous,
                std::uint32_t counter) {
    Bytes ad;
    ad.reserve(base.size() + 1 + 32 + 8);
    ad.insert(ad.end(), base.begin(), base.end());
    ad.push_back(static_cast<std::uint8_t>(kRatchetVersion));
    ad.insert(ad.end(), ratchetKey.begin(), ratchetKey.end());
    putU32(ad, previous);
    putU32(ad, counter);
    return ad;
}

struct ParsedMessage {
    PublicKey ratchetKey{};
    std::uint32_t counter = 0;
    std::uint32_t previous = 0;
    std::string nonce;
    std::string ciphertext;
};

CryptoResult<ParsedMessage> parseMessage(ByteView bytes) {
    if (bytes.size() > RatchetSession::kMaxMessageBytes) {
        return cryptoError(CryptoErrorCode::TooLarge, QStringLiteral("the message is too large"));
    }
    proto::SignalMessage p;
    if (!p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        return cryptoError(CryptoErrorCode::Malformed, QStringLiteral("the message is malformed"));
    }
    if (p.version() != kRatchetVersion) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the message has unknown version %1").arg(p.version()));
    }
    ParsedMessage m;
    TANDEM_TRY_ASSIGN(m.ratchetKey, publicKeyFrom(view(p.ratchet_key()), "ratchet key"));
    if (p.nonce().size() != std::tuple_size_v<Nonce> || p.ciphertext().size() < kAeadTagSize) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the message's nonce or ciphertext is truncated"));
    }
    m.counter = p.counter();
    m.previous = p.previous_counter();
    m.nonce = std::move(*p.mutable_nonce());
    m.ciphertext = std::move(*p.mutable_ciphertext());
    return m;
}

}  // namespace

// ---- PreKeyMessage ----------------------------------------------------------------------

CryptoResult<PreKeyMessage> PreKeyMessage::parse(ByteView bytes) {
    if (bytes.size() > RatchetSession::kMaxMessageBytes + 256) {
        return cryptoError(CryptoErrorCode::TooLarge, QStringLiteral("the message is too large"));
    }
    proto::PreKeySignalMessage p;
    if (!p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
        p.version() != kRatchetVersion) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the prekey message is malformed"));
    }
    PreKeyMessage m;
    TANDEM_TRY_ASSIGN(const PublicKey ed, publicKeyFrom(view(p.identity_key()), "identity key"));
    TANDEM_TRY_ASSIGN(m.identity, IdentityPublicKey::fromEd25519(ed));
    TANDEM_TRY_ASSIGN(m.baseKey, publicKeyFrom(view(p.base_key()), "base key"));
    m.signedPreKeyId = p.signed_prekey_id();
    if (p.has_one_time_prekey()) {
        m.oneTimePreKeyId = p.one_time_prekey_id();
    }
    m.message.assign(p.message().begin(), p.message().end());
    return m;
}

// ---- construction -----------------------------------------------------------------------

CryptoResult<RatchetSession> RatchetSession::initiate(const IdentityKeyPair& local,
                                                      const PreKeyBundle& bundle) {
    TANDEM_TRY_ASSIGN(X3dhResult x3dh, x3dhInitiate(local, bundle));
    RatchetSession s;
    s.associatedData_ = std::move(x3dh.associatedData);
    s.sending_ = X25519KeyPair::generate();
    s.receiving_ = bundle.signedPreKey;
    TANDEM_TRY_ASSIGN(RootStep step, rootStep(x3dh.sharedSecret, s.sending_, bundle.signedPreKey));
    s.rootKey_ = std::move(step.rootKey);
    s.sendingChain_ = std::move(step.chainKey);
    Pending pending;
    pending.baseKey = x3dh.ephemeralPublic;
    pending.signedPreKeyId = bundle.signedPreKeyId;
    if (bundle.oneTimePreKey) {
        pending.oneTimePreKeyId = bundle.oneTimePreKey->first;
    }
    s.pending_ = pending;
    s.localIdentity_ = local.publicKey();
    s.remoteIdentity_ = bundle.identity;
    return s;
}

CryptoResult<RatchetSession::Accepted> RatchetSession::accept(const IdentityKeyPair& local,
                                                              const PreKeyMessage& message,
                                                              const SignedPreKey& signedPreKey,
                                                              const OneTimePreKey* oneTimePreKey) {
    if (message.signedPreKeyId != signedPreKey.id ||
        message.oneTimePreKeyId.has_value() != (oneTimePreKey != nullptr) ||
        (oneTimePreKey != nullptr && *message.oneTimePreKeyId != oneTimePreKey->id)) {
        return cryptoError(CryptoErrorCode::UnknownPrekey,
                           QStringLiteral("the message names prekeys other than those given"));
    }
    TANDEM_TRY_ASSIGN(X3dhResult x3dh, x3dhRespond(local, signedPreKey, oneTimePreKey,
                                                   message.identity, message.baseKey));
    RatchetSession s;
    s.associatedData_ = std::move(x3dh.associatedData);
    s.rootKey_ = std::move(x3dh.sharedSecret);
    s.sending_ = signedPreKey.keyPair.clone();
    s.localIdentity_ = local.publicKey();
    s.remoteIdentity_ = message.identity;
    s.remoteBaseKey_ = message.baseKey;
    TANDEM_TRY_ASSIGN(SecretBytes plaintext, s.decrypt(message.message));
    return Accepted{std::move(s), std::move(plaintext)};
}

// ---- encrypt ----------------------------------------------------------------------------

CryptoResult<void> RatchetSession::prepareToSend() {
    if (!sendingChain_.empty()) {
        return {};
    }
    // The sending half of the last DH step, left by decrypt().
    if (!receiving_) {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the session cannot send before it has received"));
    }
    X25519KeyPair next = X25519KeyPair::generate();
    TANDEM_TRY_ASSIGN(RootStep step, rootStep(rootKey_, next, *receiving_));
    sending_ = std::move(next);
    rootKey_ = std::move(step.rootKey);
    sendingChain_ = std::move(step.chainKey);
    return {};
}

CryptoResult<OutgoingMessage> RatchetSession::encrypt(ByteView plaintext) {
    if (plaintext.size() > kMaxPlaintextBytes) {
        return cryptoError(CryptoErrorCode::TooLarge, QStringLiteral("the message is too large"));
    }
    TANDEM_TRY(prepareToSend());
    auto [messageKey, nextChain] = chainStep(sendingChain_);
    sendingChain_ = std::move(nextChain);
    const Nonce nonce = randomNonce();
    const Bytes ad =
        messageAd(associatedData_, sending_.publicKey, previousCounter_, sendingCounter_);
    const Bytes ciphertext = aeadSeal(messageKey.span(), nonce, ad, plaintext);

    proto::SignalMessage m;
    m.set_version(kRatchetVersion);
    m.set_ratchet_key(toString(sending_.publicKey));
    m.set_counter(sendingCounter_);
    m.set_previous_counter(previousCounter_);
    m.set_nonce(toString(nonce));
    m.set_ciphertext(toString(ciphertext));
    ++sendingCounter_;
    if (!pending_) {
        Bytes bytes(m.ByteSizeLong());
        m.SerializeWithCachedSizesToArray(bytes.data());
        return OutgoingMessage{MessageType::Whisper, std::move(bytes)};
    }
    std::string inner = m.SerializeAsString();
    proto::PreKeySignalMessage p;
    p.set_version(kRatchetVersion);
    p.set_identity_key(toString(localIdentity_.ed25519));
    p.set_base_key(toString(pending_->baseKey));
    p.set_signed_prekey_id(pending_->signedPreKeyId);
    if (pending_->oneTimePreKeyId) {
        p.set_has_one_time_prekey(true);
        p.set_one_time_prekey_id(*pending_->oneTimePreKeyId);
    }
    p.set_message(std::move(inner));
    const std::string outer = p.SerializeAsString();
    return OutgoingMessage{MessageType::PreKey, Bytes(outer.begin(), outer.end())};
}

// ---- decrypt ----------------------------------------------------------------------------

CryptoResult<SecretBytes> RatchetSession::decrypt(ByteView signalMessage) {
    TANDEM_TRY_ASSIGN(const ParsedMessage m, parseMessage(signalMessage));
    const Bytes ad = messageAd(associatedData_, m.ratchetKey, m.previous, m.counter);

    // 1. A key we skipped earlier (out-of-order delivery).
    const auto skipped = std::find_if(skipped_.begin(), skipped_.end(), [&](const Skipped& s) {
        return s.counter == m.counter &&
               sodium_memcmp(s.ratchetKey.data(), m.ratchetKey.data(), 32) == 0;
    });
    if (skipped != skipped_.end()) {
        TANDEM_TRY_ASSIGN(SecretBytes plaintext, aeadOpen(skipped->messageKey.span(), view(m.nonce),
                                                          ad, view(m.ciphertext)));
        skipped_.erase(skipped);
        pending_.reset();
        return plaintext;
    }

    // 2. Work out the new state without touching ours; commit only if the message opens.
    std::vector<Skipped> newlySkipped;
    const auto skipTo = [&](const PublicKey& ratchetKey, SecretBytes& chain, std::uint32_t from,
                            std::uint32_t until) -> CryptoResult<void> {
        if (until <= from) {
            return {};
        }
        if (until - from > kMaxSkip) {
            return cryptoError(CryptoErrorCode::TooFarAhead,
                               QStringLiteral("the message is %1 messages ahead; the limit is %2")
                                   .arg(until - from)
                                   .arg(kMaxSkip));
        }
        if (chain.empty()) {
            return cryptoError(CryptoErrorCode::Malformed,
                               QStringLiteral("the message skips a chain that never existed"));
        }
        for (std::uint32_t n = from; n < until; ++n) {
            auto [messageKey, next] = chainStep(chain);
            newlySkipped.push_back({ratchetKey, n, std::move(messageKey)});
            chain = std::move(next);
        }
        return {};
    };

    const bool sameChain =
        receiving_ && sodium_memcmp(receiving_->data(), m.ratchetKey.data(), 32) == 0;
    SecretBytes chain;
    SecretBytes newRoot;
    if (sameChain) {
        // The initiator knows the peer's signed prekey as a ratchet key before any chain on
        // it exists: a message "on" that key would open under HMAC of an empty key, which
        // anyone can compute. A message arrives only on a chain a root step made.
        if (receivingChain_.empty()) {
            return cryptoError(CryptoErrorCode::Malformed,
                               QStringLiteral("the message is on a chain that does not exist"));
        }
        if (m.counter < receivingCounter_) {
            return cryptoError(CryptoErrorCode::Replayed,
                               QStringLiteral("this message was already received"));
        }
        if (m.counter > receivingCounter_) {
            chain = receivingChain_.clone();
            TANDEM_TRY(skipTo(m.ratchetKey, chain, receivingCounter_, m.counter));
        }
    } else {
        for (const PublicKey& old : oldChains_) {
            if (sodium_memcmp(old.data(), m.ratchetKey.data(), 32) == 0) {
                return cryptoError(CryptoErrorCode::Replayed,
                                   QStringLiteral("this message was already received"));
            }
        }
        if (receiving_) {
            SecretBytes current = receivingChain_.clone();
            if (!current.empty() || m.previous > receivingCounter_) {
                TANDEM_TRY(skipTo(*receiving_, current, receivingCounter_, m.previous));
            }
        }
        // Only the receiving half of the DH step: the sending half waits (prepareToSend()).
        // While it waits, the peer cannot have moved to yet another key (it moves only after
        // seeing our next one), and our old key pair is wiped: such a message is refused.
        if (receiving_ && sendingChain_.empty()) {
            return cryptoError(CryptoErrorCode::Malformed,
                               QStringLiteral("the message is on a ratchet key we never answered"));
        }
        TANDEM_TRY_ASSIGN(RootStep receivingStep, rootStep(rootKey_, sending_, m.ratchetKey));
        chain = std::move(receivingStep.chainKey);
        newRoot = std::move(receivingStep.rootKey);
        TANDEM_TRY(skipTo(m.ratchetKey, chain, 0, m.counter));
    }
    // In order on the current chain (the common case) nothing was copied: step from ours.
    auto [messageKey, nextChain] = chainStep(chain.empty() ? receivingChain_ : chain);
    TANDEM_TRY_ASSIGN(SecretBytes plaintext,
                      aeadOpen(messageKey.span(), view(m.nonce), ad, view(m.ciphertext)));

    // 3. Commit.
    if (!sameChain) {
        if (receiving_) {
            oldChains_.push_back(*receiving_);
            if (oldChains_.size() > kRememberedChains) {
                oldChains_.pop_front();
            }
        }
        previousCounter_ = sendingCounter_;
        sendingCounter_ = 0;
        rootKey_ = std::move(newRoot);
        sendingChain_ = SecretBytes();  // the old chain is gone; prepareToSend() steps first
        // Its private key is needed no more (the next step uses a fresh one): wiped now, not
        // at our next send — for a new session it is the signed prekey's, which must not
        // outlive the prekey's rotation in session records.
        sending_.privateKey = SecretBytes(kKeySize);
        receiving_ = m.ratchetKey;
    }
    receivingChain_ = std::move(nextChain);
    receivingCounter_ = m.counter + 1;
    for (Skipped& s : newlySkipped) {
        skipped_.push_back(std::move(s));
    }
    while (skipped_.size() > kMaxStoredSkipped) {
        skipped_.pop_front();
    }
    pending_.reset();
    return plaintext;
}

// ---- serialization ----------------------------------------------------------------------

SecretBytes RatchetSession::serialize() const {
    proto::RatchetState p;
    p.set_version(kRatchetVersion);
    p.set_associated_data(toString(associatedData_));
    p.set_root_key(toString(rootKey_.span()));
    p.set_sending_private(toString(sending_.privateKey.span()));
    p.set_sending_public(toString(sending_.publicKey));
    if (receiving_) {
        p.set_receiving_public(toString(*receiving_));
    }
    p.set_sending_chain(toString(sendingChain_.span()));
    p.set_receiving_chain(toString(receivingChain_.span()));
    p.set_sending_counter(sendingCounter_);
    p.set_receiving_counter(receivingCounter_);
    p.set_previous_counter(previousCounter_);
    for (const Skipped& s : skipped_) {
        auto* k = p.add_skipped();
        k->set_ratchet_key(toString(s.ratchetKey));
        k->set_counter(s.counter);
        k->set_message_key(toString(s.messageKey.span()));
    }
    for (const PublicKey& old : oldChains_) {
        p.add_old_receiving_keys(toString(old));
    }
    if (pending_) {
        p.set_pending_prekey(true);
        p.set_pending_base_key(toString(pending_->baseKey));
        p.set_pending_signed_prekey_id(pending_->signedPreKeyId);
        if (pending_->oneTimePreKeyId) {
            p.set_pending_has_one_time_prekey(true);
            p.set_pending_one_time_prekey_id(*pending_->oneTimePreKeyId);
        }
    }
    p.set_remote_identity(toString(remoteIdentity_.ed25519));
    p.set_local_identity(toString(localIdentity_.ed25519));
    p.set_remote_identity_x25519(toString(remoteIdentity_.x25519));
    p.set_local_identity_x25519(toString(localIdentity_.x25519));
    if (remoteBaseKey_) {
        p.set_remote_base_key(toString(*remoteBaseKey_));
    }
    std::string bytes = p.SerializeAsString();
    SecretBytes out(view(bytes));
    wipe(bytes);
    wipe(*p.mutable_root_key());
    wipe(*p.mutable_sending_private());
    wipe(*p.mutable_sending_chain());
    wipe(*p.mutable_receiving_chain());
    for (auto& k : *p.mutable_skipped()) {
        wipe(*k.mutable_message_key());
    }
    return out;
}

CryptoResult<RatchetSession> RatchetSession::deserialize(ByteView bytes) {
    proto::RatchetState p;
    const auto malformed = [] {
        return cryptoError(CryptoErrorCode::Malformed,
                           QStringLiteral("the session state is damaged"));
    };
    if (bytes.size() > 2 * 1024 * 1024 ||
        !p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
        p.version() != kRatchetVersion || p.root_key().size() != kKeySize ||
        p.sending_private().size() != kKeySize ||
        (!p.sending_chain().empty() && p.sending_chain().size() != kKeySize) ||
        (!p.receiving_chain().empty() && p.receiving_chain().size() != kKeySize) ||
        static_cast<std::size_t>(p.skipped_size()) > kMaxStoredSkipped ||
        static_cast<std::size_t>(p.old_receiving_keys_size()) > kRememberedChains) {
        return malformed();
    }
    RatchetSession s;
    s.associatedData_.assign(p.associated_data().begin(), p.associated_data().end());
    s.rootKey_ = SecretBytes(view(p.root_key()));
    if (p.sending_public().size() == kKeySize) {  // saves a base-point multiplication
        s.sending_.privateKey = SecretBytes(view(p.sending_private()));
        std::copy(p.sending_public().begin(), p.sending_public().end(),
                  s.sending_.publicKey.begin());
    } else {
        s.sending_ = X25519KeyPair::fromPrivate(SecretBytes(view(p.sending_private())));
    }
    if (!p.receiving_public().empty()) {
        TANDEM_TRY_ASSIGN(s.receiving_, publicKeyFrom(view(p.receiving_public()), "ratchet key"));
    }
    s.sendingChain_ = SecretBytes(view(p.sending_chain()));
    s.receivingChain_ = SecretBytes(view(p.receiving_chain()));
    s.sendingCounter_ = p.sending_counter();
    s.receivingCounter_ = p.receiving_counter();
    s.previousCounter_ = p.previous_counter();
    for (const auto& k : p.skipped()) {
        if (k.message_key().size() != kKeySize) {
            return malformed();
        }
        TANDEM_TRY_ASSIGN(const PublicKey key, publicKeyFrom(view(k.ratchet_key()), "ratchet key"));
        s.skipped_.push_back({key, k.counter(), SecretBytes(view(k.message_key()))});
    }
    for (const auto& old : p.old_receiving_keys()) {
        TANDEM_TRY_ASSIGN(const PublicKey key, publicKeyFrom(view(old), "ratchet key"));
        s.oldChains_.push_back(key);
    }
    if (p.pending_prekey()) {
        Pending pending;
        TANDEM_TRY_ASSIGN(pending.baseKey, publicKeyFrom(view(p.pending_base_key()), "base key"));
        pending.signedPreKeyId = p.pending_signed_prekey_id();
        if (p.pending_has_one_time_prekey()) {
            pending.oneTimePreKeyId = p.pending_one_time_prekey_id();
        }
        s.pending_ = pending;
    }
    const auto identity = [](const std::string& ed,
                             const std::string& x) -> CryptoResult<IdentityPublicKey> {
        TANDEM_TRY_ASSIGN(const PublicKey edKey, publicKeyFrom(view(ed), "identity key"));
        if (x.size() == kKeySize) {
            TANDEM_TRY_ASSIGN(const PublicKey xKey, publicKeyFrom(view(x), "identity key"));
            return IdentityPublicKey{edKey, xKey};
        }
        return IdentityPublicKey::fromEd25519(edKey);
    };
    TANDEM_TRY_ASSIGN(s.remoteIdentity_, identity(p.remote_identity(), p.remote_identity_x25519()));
    TANDEM_TRY_ASSIGN(s.localIdentity_, identity(p.local_identity(), p.local_identity_x25519()));
    if (!p.remote_base_key().empty()) {
        TANDEM_TRY_ASSIGN(s.remoteBaseKey_, publicKeyFrom(view(p.remote_base_key()), "base key"));
    }
    wipe(*p.mutable_root_key());
    wipe(*p.mutable_sending_private());
    wipe(*p.mutable_sending_chain());
    wipe(*p.mutable_receiving_chain());
    for (auto& k : *p.mutable_skipped()) {
        wipe(*k.mutable_message_key());
    }
    return s;
}

}  // namespace tandem::crypto::signal
