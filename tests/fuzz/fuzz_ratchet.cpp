// libFuzzer target: everything that decodes Signal-mode session bytes — SignalMessage (through
// decrypt), PreKeySignalMessage, PreKeyBundle, and a stored ratchet state. Invariant: a failed
// decrypt leaves the session state byte-identical.
#include <cstdlib>
#include <optional>

#include "crypto/signal/Ratchet.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::signal;

namespace {

struct World {
    std::optional<RatchetSession> bob;
    SecretBytes bobState;
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
