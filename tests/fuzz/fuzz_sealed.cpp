// libFuzzer target: sealed-sender envelopes and sender certificates.
#include <map>

#include "crypto/signal/SealedSender.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::signal;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto recipient = [] {
        fuzz::init();
        return IdentityKeyPair::fromSecret(
                   Ed25519KeyPair::fromSeed(fuzz::fixedSecret(3).span()).secretKey.span())
            .value();
    }();
    static const Ed25519KeyPair relay = Ed25519KeyPair::fromSeed(fuzz::fixedSecret(4).span());
    static const std::map<std::uint32_t, PublicKey> trusted = {{1, relay.publicKey}};
    const ByteView input(data, size);
    (void)openSealed(recipient, input, trusted, 1'000'000);
    (void)SenderCertificate::verify(input, trusted, 1'000'000);
    return 0;
}
