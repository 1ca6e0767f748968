// libFuzzer target: everything that decodes Signal-mode session bytes — SignalMessage (through
// decrypt), PreKeySignalMessage, PreKeyBundle, and a stored ratchet state. Invariant: a failed
// decrypt leaves the session state byte-identical, and an initiator awaiting its first reply
// opens nothing (no input can be on a chain it has not made: the only chain-less ratchet key it
// knows is the peer's signed prekey, and a message on it is refused, checked at start-up).
#include <cstdlib>
#include <optional>
#include <sodium.h>

#include "crypto/signal/Ratchet.h"
#include "tandem/signal.pb.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::signal;

namespace {

// A message on the signed prekey's chain, counter 0, under the message key of an empty chain key.
std::string forgedOnTheSignedPreKey(const IdentityKeyPair& alice, const IdentityKeyPair& bob,
                                    const PublicKey& spk) {
    Bytes ad = concat({alice.publicKey().serialized(), bob.publicKey().serialized()});
    ad.push_back(1);
    ad.insert(ad.end(), spk.begin(), spk.end());
    ad.insert(ad.end(), 8, 0);
    std::uint8_t key[crypto_auth_hmacsha256_BYTES];
    const std::uint8_t emptyKey[1] = {0};
    const std::uint8_t seed = 0x01;
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, emptyKey, 0);
    crypto_auth_hmacsha256_update(&state, &seed, 1);
    crypto_auth_hmacsha256_final(&state, key);
    const Nonce nonce = randomNonce();
    proto::SignalMessage m;
    m.set_version(1);
    m.set_ratchet_key(toString(spk));
    m.set_nonce(toString(nonce));
    m.set_ciphertext(toString(aeadSeal(ByteView(key, sizeof key), nonce, ad, view("forged"))));
    return m.SerializeAsString();
}

struct World {
    std::optional<RatchetSession> bob;
    SecretBytes bobState;
    SecretBytes aliceAwaiting;  // the initiator before any reply
    World() {
        fuzz::init();
        const auto alice =
            IdentityKeyPair::fromSecret(
                Ed25519KeyPair::fromSeed(fuzz::fixedSecret(1).span()).secretKey.span())
                .value();
        const auto bobId =
            IdentityKeyPair::fromSecret(
                Ed25519KeyPair::fromSeed(fuzz::fixedSecret(2).span()).secretKey.span())
                .value();
        const SignedPreKey spk = SignedPreKey::generate(bobId, 1);
        auto a = RatchetSession::initiate(alice, PreKeyBundle::of(bobId, spk, nullptr)).value();
        const auto first = PreKeyMessage::parse(a.encrypt(view("hi")).value().bytes).value();
        bob.emplace(std::move(RatchetSession::accept(bobId, first, spk, nullptr).value().session));
        bobState = bob->serialize();
        aliceAwaiting = a.serialize();
        if (a.decrypt(view(forgedOnTheSignedPreKey(alice, bobId, spk.keyPair.publicKey)))) {
            std::abort();  // a message on a chain that does not exist opened
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World world;
    const ByteView input(data, size);
    auto session = RatchetSession::deserialize(world.bobState.span()).value();
    if (!session.decrypt(input).has_value() && !session.serialize().equals(world.bobState.span())) {
        std::abort();  // a refused message changed the state
    }
    auto initiator = RatchetSession::deserialize(world.aliceAwaiting.span()).value();
    if (initiator.decrypt(input).has_value()) {
        std::abort();  // nothing opens before the peer's first reply
    }
    (void)PreKeyMessage::parse(input);
    if (const auto bundle = PreKeyBundle::parse(input)) {
        (void)bundle->verify();
    }
    if (auto restored = RatchetSession::deserialize(input)) {
        (void)restored->serialize();
        (void)restored->encrypt(view("x"));
    }
    return 0;
}
