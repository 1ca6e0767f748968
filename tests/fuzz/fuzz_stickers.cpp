// libFuzzer target: sticker manifests (decoded after decryption) and share links.
#include <QString>

#include "crypto/Stickers.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace tandem;
using namespace tandem::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = (fuzz::init(), true);
    (void)ready;
    const ByteView input(data, size);
    if (const auto manifest = decodeStickerManifest(input)) {
        if (manifest->stickers.empty() || manifest->stickers.size() > kMaxStickersPerPack) {
            std::abort();
        }
    }
    const QString link = QString::fromUtf8(reinterpret_cast<const char*>(data),  // NOLINT
                                           static_cast<qsizetype>(size));
    if (const auto pack = parseStickerLink(link)) {
        // Whatever parses prints back to itself.
        if (stickerLink(*pack) != link && stickerLink(*pack).size() != link.size()) {
            std::abort();
        }
    }
    return 0;
}
