// libFuzzer target: Session messages. Raw input exercises the sealed-box boundary; input
// sealed to the recipient first reaches the inner parsing (sender key, signature, padding).
#include <sodium.h>

#include "crypto/session/SessionMessage.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::session;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const X25519KeyPair recipient = [] {
        fuzz::init();
        return X25519KeyPair::fromPrivate(fuzz::fixedSecret(5));
    }();
    const ByteView input(data, size);
    (void)decryptSessionMessage(input, recipient);
    if (size < 64 * 1024) {
        Bytes sealed(size + crypto_box_SEALBYTES);
        crypto_box_seal(sealed.data(), data, size, recipient.publicKey.data());
        if (const auto opened = decryptSessionMessage(sealed, recipient)) {
            if (opened->senderSessionId.size() != 66) {
                std::abort();
            }
        }
    }
    return 0;
}
