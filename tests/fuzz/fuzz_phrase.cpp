// libFuzzer target: recovery phrases. Whatever decodes re-encodes to a phrase that decodes to
// the same seed.
#include <QString>

#include "crypto/session/RecoveryPhrase.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace tandem;
using namespace tandem::crypto;
using namespace tandem::crypto::session;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) {
        return 0;
    }
    const QString phrase = QString::fromUtf8(reinterpret_cast<const char*>(data),  // NOLINT
                                             static_cast<qsizetype>(size));
    const auto seed = decodeRecoveryPhrase(phrase);
    if (seed) {
        const auto again = decodeRecoveryPhrase(encodeRecoveryPhrase(seed->span()));
        if (!again || !again->equals(seed->span())) {
            std::abort();
        }
    } else if (seed.error().message.isEmpty()) {
        std::abort();
    }
    return 0;
}
