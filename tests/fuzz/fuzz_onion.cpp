// libFuzzer target: onion layers and replies. Input is also wrapped as a correctly encrypted
// layer so the OnionLayer decoder itself is reached.
#include <sodium.h>

#include "crypto/Onion.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace tandem;
using namespace tandem::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const X25519KeyPair node = [] {
        fuzz::init();
        return X25519KeyPair::fromPrivate(fuzz::fixedSecret(6));
    }();
    const ByteView input(data, size);
    (void)peelOnion(node, input);
    // Encrypt the input as a layer's plaintext, exactly as a client would.
    const X25519KeyPair ephemeral = X25519KeyPair::fromPrivate(fuzz::fixedSecret(7));
    const SecretBytes shared = x25519(ephemeral.privateKey, node.publicKey).value();
    SecretBytes key(32);
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 32);
    crypto_generichash_update(&state, shared.data(), shared.size());
    crypto_generichash_update(&state, ephemeral.publicKey.data(), 32);
    crypto_generichash_update(&state, node.publicKey.data(), 32);
    crypto_generichash_final(&state, key.data(), 32);
    const Nonce nonce{};
    const Bytes layer = concat(
        {ephemeral.publicKey, nonce, aeadSeal(key.span(), nonce, ephemeral.publicKey, input)});
    if (const auto peeled = peelOnion(node, layer)) {
        if (peeled->nextHop && peeled->nextHop->isEmpty()) {
            std::abort();
        }
    }
    std::vector<SecretBytes> keys;
    keys.push_back(key.clone());
    (void)openOnionReply(keys, input);
    return 0;
}
